"""ELB.17: HTTPS and TLS listeners use one of the security policies Security Hub recommends.

Judges ``aws:lb/listener:Listener`` (and its ``aws:alb`` alias) whose ``protocol`` is ``HTTPS`` (application load
balancers) or ``TLS`` (network load balancers): ``sslPolicy`` must be one of the TLS 1.3 policies below, the list
ELB.17 checks (it takes no parameters). Absent, the provider and the API default to ``ELBSecurityPolicy-2016-08``,
which still accepts TLS 1.0 and 1.1 and CBC ciphers: the listener must name its policy. Other protocols carry no TLS
negotiation: not applicable (ELB.18, ``lb-listener-secure-protocol``, judges the protocol itself).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.elb._lb import LISTENERS

DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"
RECOMMENDED = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
)
ENCRYPTED = ("HTTPS", "TLS")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LISTENERS:
        return
    protocol = str(args.props.get("protocol") or "").strip().upper()
    if protocol not in ENCRYPTED:
        args.not_applicable(f"a {protocol or 'HTTP (default)'} listener negotiates no TLS")
    policy = args.props.get("sslPolicy")
    if policy not in RECOMMENDED:
        shown = f"not set, so {DEFAULT_POLICY}" if policy is None else repr(policy)
        report(
            f"the {protocol} listener's security policy is not a recommended one (sslPolicy is {shown}); set "
            f"sslPolicy to {RECOMMENDED[0]!r} or another of: {', '.join(RECOMMENDED[1:])}."
        )


POLICY = resource_policy(
    name="lb-listener-tls-policy",
    description=(
        "HTTPS and TLS listeners use a recommended TLS 1.3 security policy (the ELB.17 list); an unset sslPolicy "
        f"means {DEFAULT_POLICY}, which fails."
    ),
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.17"],
    remediation=(
        "Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' (or a -1-3- / FIPS / Res variant) on every HTTPS or TLS "
        "aws.lb.Listener."
    ),
    validate=check,
)
