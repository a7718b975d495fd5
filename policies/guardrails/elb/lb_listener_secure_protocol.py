"""ELB.18: load balancer listeners encrypt traffic in transit (HTTPS on application, TLS on network load balancers).

A stack policy, because the protocol a listener must use depends on its load balancer, found through the
``loadBalancerArn`` property dependency or a known ARN (see ``_listener``). Application load balancer listeners must
use ``HTTPS`` (absent, the protocol is HTTP); network load balancer listeners ``TLS`` (``TCP``, ``UDP`` and
``TCP_UDP`` carry plain traffic). Gateway load balancers pass traffic through unchanged (GENEVE): not applicable.

One exception, by judgement: an HTTP listener of an application load balancer whose default actions and listener
rules all redirect to HTTPS serves no content over plain HTTP; it is the listener ELB.1 asks for, and it passes.
Security Hub's ELB.18 still reports such a listener; suppress that finding with this reasoning, or drop the port 80
listener (and have browsers use HTTPS through HSTS).

Environments without a certificate (dev) serve plain HTTP: they set this policy to advisory in their policy
configuration.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared
from guardrails.base import as_int, stack_policy
from guardrails.elb._lb import LISTENERS
from guardrails.elb._listener import balancer_type, only_redirects_to_https, protocol

SECURE = {"application": "HTTPS", "network": "TLS"}
_NETWORK_PROTOCOLS = ("TCP", "UDP", "TCP_UDP", "TLS")


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    for listener in by_type(resources, *LISTENERS):
        kind = balancer_type(listener, resources)
        used = protocol(listener)
        if kind is None:
            kind = "network" if used in _NETWORK_PROTOCOLS else "application" if used in ("HTTP", "HTTPS") else None
        if kind not in SECURE:
            continue  # a gateway load balancer, or nothing tells what the listener belongs to
        if kind == "application" and used is None:
            used = "HTTP"
        if used == SECURE[kind]:
            continue
        if kind == "application" and used == "HTTP" and only_redirects_to_https(listener, resources):
            continue
        port = as_int(declared(listener, "port"))
        where = f"listener '{listener.name}'" + (f" (port {port})" if port is not None else "")
        shown = used or "not set"
        extra = " and does not only redirect to HTTPS" if used == "HTTP" else ""
        article = "an" if kind[0] in "aeiou" else "a"
        report(f"{where} of {article} {kind} load balancer uses protocol {shown}{extra}, so traffic crosses the "
               f"network unencrypted; use {SECURE[kind]} with an ACM certificate.", listener.urn)


POLICY = stack_policy(
    name="lb-listener-secure-protocol",
    description=(
        "Application load balancer listeners use HTTPS and network load balancer listeners TLS; an HTTP listener "
        "that only redirects to HTTPS passes. Environments without a certificate set this policy to advisory."
    ),
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.18"],
    remediation=(
        "Give aws.lb.Listener protocol='HTTPS' (application) or 'TLS' (network) with certificate_arn and ssl_policy; "
        "keep port 80 only as a listener whose default action redirects to HTTPS."
    ),
    validate=check,
)
