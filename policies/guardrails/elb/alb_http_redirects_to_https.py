"""ELB.1: every HTTP listener of an application load balancer redirects to HTTPS.

A stack policy, because a listener alone does not say what it listens for: its load balancer is found through the
``loadBalancerArn`` property dependency (or the known ARN: ``loadbalancer/app/...`` is an application load
balancer). An HTTP listener (``protocol`` HTTP, or unset, whose default on an application load balancer is HTTP)
complies when one of its ``defaultActions`` is a ``redirect`` whose ``redirect.protocol`` is HTTPS, and none of its
listener rules (``aws:lb/listenerRule:ListenerRule``, related through ``listenerArn``) serves the request over
plain HTTP (a forward or fixed-response action) or redirects it to anything but HTTPS.

A redirect's ``protocol`` and ``port`` default to ``#{protocol}`` and ``#{port}``, the request's own (provider docs):
unset protocol keeps HTTP, and an HTTPS redirect with port unset (or set to the listener's own port) sends the
client to HTTPS on the plain-HTTP listener's port, which cannot answer it; both are violations.

Policy configuration: ``allowPlainHttp`` (boolean, default false). An environment without a certificate (dev) sets
it to true: HTTP listeners may then serve plain HTTP and the policy reports nothing for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema, PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, depends_on, deps, of_type, related
from guardrails.base import as_int, as_list, stack_policy
from guardrails.elb._lb import LISTENER_RULES, LISTENERS, LOAD_BALANCERS, flag, lb_type

KEEP_PROTOCOL = "#{protocol}"  # a redirect's default protocol: the request's own (HTTP stays HTTP)
KEEP_PORT = "#{port}"  # a redirect's default port: the request's own

CONFIG_SCHEMA = PolicyConfigSchema(
    properties={
        "allowPlainHttp": {
            "type": "boolean",
            "default": False,
            "description": (
                "Allow HTTP listeners of application load balancers to serve plain HTTP instead of redirecting "
                "to HTTPS (an environment without a certificate)."
            ),
        },
    },
)


def _application(listener: PolicyResource, resources: list[PolicyResource]) -> bool | None:
    """Whether the listener belongs to an application load balancer; None when that cannot be told."""
    balancers = of_type(deps(listener, "loadBalancerArn"), *LOAD_BALANCERS) or related(
        listener, "loadBalancerArn", by_type(resources, *LOAD_BALANCERS)
    )
    if balancers:
        return any(lb_type(lb.props) == "application" for lb in balancers)
    arn = declared(listener, "loadBalancerArn")
    if isinstance(arn, str) and ":loadbalancer/" in arn:
        return ":loadbalancer/app/" in arn
    return None


def _protocol(listener: PolicyResource) -> str | None:
    value = declared(listener, "protocol")
    return str(value).strip().upper() if value is not None else None


def _https(action: Mapping[str, Any]) -> bool:
    redirect = action.get("redirect") if action.get("type") == "redirect" else None
    return redirect is not None and str(redirect.get("protocol") or "").strip().upper() == "HTTPS"


def _back_to(action: Mapping[str, Any], port: int | None) -> bool:
    """Whether a redirect keeps the request on the listener's own ``port`` (its port unset means the request's)."""
    redirect = action.get("redirect") or {}
    target = str(redirect.get("port") or KEEP_PORT).strip()
    return port is not None and (target == KEEP_PORT or as_int(target) == port)


def _redirects_to_https(action: Mapping[str, Any], port: int | None) -> bool:
    return _https(action) and not _back_to(action, port)


def _describe(actions: list[Any], port: int | None) -> str:
    kinds = []
    for action in actions:
        kind = str(action.get("type"))
        if kind == "redirect":
            redirect = action.get("redirect") or {}
            target = redirect.get("protocol") or KEEP_PROTOCOL
            kind = f"redirect to {target}"
            if _https(action) and _back_to(action, port):
                kind += f" on the listener's own port {port}"
        kinds.append(kind)
    return ", ".join(kinds) or "none"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    if flag((args.get_config() or {}).get("allowPlainHttp")):
        return  # plain HTTP allowed in this environment
    rules = by_type(resources, *LISTENER_RULES)
    for listener in by_type(resources, *LISTENERS):
        application = _application(listener, resources)
        protocol = _protocol(listener)
        if application is False or (application is None and protocol != "HTTP"):
            continue  # not an application load balancer (HTTP is only offered by those)
        if (protocol or "HTTP") != "HTTP":
            continue
        port = as_int(declared(listener, "port"))
        where = f"HTTP listener '{listener.name}'" + (f" (port {port})" if port is not None else "")
        actions = as_list(listener.props.get("defaultActions"))
        if not any(_redirects_to_https(a, port) for a in actions):
            report(
                f"{where} of an application load balancer has default action(s) {_describe(actions, port)}; "
                "it must redirect to HTTPS (a redirect action with protocol HTTPS, port 443).",
                listener.urn,
            )
        for rule in (r for r in rules if depends_on(r, "listenerArn", listener)):
            rule_actions = as_list(rule.props.get("actions"))
            if not all(_redirects_to_https(a, port) for a in rule_actions):
                report(
                    f"listener rule '{rule.name}' of {where} has action(s) {_describe(rule_actions, port)}; "
                    "rules of an HTTP listener may only redirect to HTTPS.",
                    rule.urn,
                )


POLICY = stack_policy(
    name="alb-http-redirects-to-https",
    description=(
        "Every HTTP listener of an application load balancer redirects to HTTPS, with no listener rule serving "
        "plain HTTP. Policy config allowPlainHttp (default false) lets an environment without a certificate serve "
        "plain HTTP."
    ),
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.1"],
    remediation=(
        "Give the HTTP listener default_actions=[{'type': 'redirect', 'redirect': {'protocol': 'HTTPS', 'port': "
        "'443', 'status_code': 'HTTP_301'}}], serve the application from an HTTPS listener with an ACM certificate, "
        "and attach forwarding listener rules to the HTTPS listener only."
    ),
    validate=check,
    config_schema=CONFIG_SCHEMA,
)
