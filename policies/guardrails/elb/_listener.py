"""What a listener is: the type of its load balancer, its protocol, and whether it only redirects to HTTPS.

A listener does not say which kind of load balancer it belongs to; the ``loadBalancerArn`` property dependency (or a
known ARN: ``loadbalancer/app/``, ``/net/``, ``/gwy/``) does. ``protocol`` absent means HTTP on an application load
balancer (the provider's default); network load balancers require one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._graph import by_type, declared, depends_on, deps, of_type, related
from guardrails.base import as_list
from guardrails.elb._lb import LISTENER_RULES, LOAD_BALANCERS, lb_type

_ARN_KINDS = {"app": "application", "net": "network", "gwy": "gateway"}


def balancer_type(listener: PolicyResource, resources: list[PolicyResource]) -> str | None:
    """``application``, ``network`` or ``gateway``; None when neither the stack nor a known ARN tells."""
    balancers = of_type(deps(listener, "loadBalancerArn"), *LOAD_BALANCERS) or related(
        listener, "loadBalancerArn", by_type(resources, *LOAD_BALANCERS))
    if balancers:
        return lb_type(balancers[0].props)
    arn = declared(listener, "loadBalancerArn")
    if isinstance(arn, str) and ":loadbalancer/" in arn:
        return _ARN_KINDS.get(arn.split(":loadbalancer/", 1)[1].split("/", 1)[0])
    return None


def protocol(listener: PolicyResource) -> str | None:
    """The listener's protocol in upper case, or None when the program left it to the default."""
    value = declared(listener, "protocol")
    return str(value).strip().upper() if value is not None else None


def redirects_to_https(action: Any) -> bool:
    """Whether a listener or rule action is a redirect whose protocol is HTTPS."""
    if not isinstance(action, Mapping) or action.get("type") != "redirect":
        return False
    redirect = action.get("redirect")
    return isinstance(redirect, Mapping) and str(redirect.get("protocol") or "").strip().upper() == "HTTPS"


def only_redirects_to_https(listener: PolicyResource, resources: list[PolicyResource]) -> bool:
    """Whether every default action and every listener rule action of ``listener`` redirects to HTTPS."""
    actions = as_list(listener.props.get("defaultActions"))
    if not actions or not all(redirects_to_https(a) for a in actions):
        return False
    rules = [r for r in by_type(resources, *LISTENER_RULES) if depends_on(r, "listenerArn", listener)]
    return all(redirects_to_https(a) for rule in rules for a in as_list(rule.props.get("actions")))
