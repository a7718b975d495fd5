"""How the pack serves the engine's questions: each resource's properties read once per question, not once per policy.

``pulumi_policy`` (1.21) answers ``Analyze`` by running every resource policy in turn, and for each one it converts
the request's properties from protobuf to Python (``MessageToDict``, ``deserialize_properties``), wraps them in the
unknown-checking proxy and rebuilds the provider and the options. ``AnalyzeStack`` does the same for every resource
of the stack once per stack policy. With ~60 resource and ~40 stack policies that conversion is 80-90 % of the time
the pack spends; the policies themselves are the rest.

``install()`` makes those conversions remember their result for the duration of one ``Analyze`` or ``AnalyzeStack``
call: the first policy pays for them, the others get the same read-only values. The results are kept per call and
per thread (the server answers on several threads), by the identity of the request object they came from, and
dropped when the call returns. ``Analyze`` reads the resource once per call, and ``AnalyzeStack`` builds the stack's
resources (with their parents and dependencies linked) once per call instead of once per stack policy; each policy
gets its own arguments and its own list of resources. Nothing else
changes: same policies, same order, same messages, same not-applicable reasons. Policies only read what they are
given (the proxies are read-only mappings and sequences, and no policy of this pack assigns to a resource), so
sharing one resource object between policies is indistinguishable from building one per policy.

``warm()`` loads what policies would otherwise load on their first resource (the IAM actions database, the ECS API
model), so that cost is paid while the pack starts, before the engine asks anything, and a process forked from a
warmed one shares it.

When ``pulumi_policy`` does not look as expected (another version), ``install()`` changes nothing and says so in its
return value; the pack then works exactly as before, only slower.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from typing import Any

_state = threading.local()
_INSTALLED = "_guardrails_serving_installed"
_SDK_VERSION = "1.21.0"  # the pulumi_policy whose AnalyzeStack _analyze_stack reproduces


def _scoped(call: Callable[..., Any], *, pause_collector: bool = False) -> Callable[..., Any]:
    """``call`` (a servicer method) with a fresh memo for its duration on this thread; with ``pause_collector``, the
    cyclic garbage collector paused meanwhile (see ``_Collector``)."""

    @functools.wraps(call)
    def wrapper(self: Any, request: Any, context: Any) -> Any:
        outer = getattr(_state, "memo", None)
        _state.memo = {}
        if pause_collector:
            _COLLECTOR.pause()
        try:
            return call(self, request, context)
        finally:
            _state.memo = outer
            if pause_collector:
                _COLLECTOR.resume()

    return wrapper


class _Collector:
    """Pauses Python's cyclic garbage collector while ``AnalyzeStack`` builds the whole stack: the objects it makes
    all live until the call returns, and collections triggered by their number would scan them again and again
    (a third of the call's time at a few thousand resources). Reference counting frees memory as usual meanwhile;
    the collector runs again after the last such call in progress ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._was_enabled = False

    def pause(self) -> None:
        with self._lock:
            if self._active == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._active += 1

    def resume(self) -> None:
        with self._lock:
            self._active -= 1
            if self._active == 0 and self._was_enabled:
                gc.enable()


_COLLECTOR = _Collector()


def _remembered(function: Callable[..., Any], tag: str) -> Callable[..., Any]:
    """``function(obj)`` remembered by ``obj``'s identity inside a scope; called through outside one, or with
    other arguments."""

    @functools.wraps(function)
    def wrapper(obj: Any, *args: Any, **kwargs: Any) -> Any:
        memo = getattr(_state, "memo", None)
        if memo is None or args or kwargs:
            return function(obj, *args, **kwargs)
        key = (tag, id(obj))
        hit = memo.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        result = function(obj)
        memo[key] = (obj, result)  # keeps obj alive, so its id is not reused within the scope
        return result

    return wrapper


def _remembered_method(method: Callable[..., Any], tag: str) -> Callable[..., Any]:
    """A servicer method of the request alone, remembered by the request's identity inside a scope."""

    @functools.wraps(method)
    def wrapper(self: Any, request: Any) -> Any:
        memo = getattr(_state, "memo", None)
        if memo is None:
            return method(self, request)
        key = (tag, id(request))
        hit = memo.get(key)
        if hit is not None and hit[0] is request:
            return hit[1]
        result = method(self, request)
        memo[key] = (request, result)
        return result

    return wrapper


class _JsonFormat:
    """``google.protobuf.json_format`` with ``MessageToDict`` remembered inside a scope."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.MessageToDict = _remembered(module.MessageToDict, "dict")  # noqa: N815 - the module's own name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def _analyze(self: Any, request: Any, _context: Any) -> Any:
    """``_PolicyAnalyzerServicer.Analyze`` of pulumi_policy 1.21, with the resource read once per call."""
    from pulumi_policy import policy as sdk

    private = "_PolicyAnalyzerServicer__"
    self._configure_runtime_settings()
    response = sdk.proto.AnalyzeResponse()
    resource: tuple[Any, Any, Any] | None = None
    for policy in getattr(self, private + "policies"):
        enforcement_level = self._get_enforcement_level(policy)
        if enforcement_level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.ResourceValidationPolicy):
            continue
        if not policy.has_validation():
            response.not_applicable.append(sdk.proto.PolicyNotApplicable(
                policy_name=policy.name, reason="Policy does not implement validate"))
            continue
        if enforcement_level == sdk.EnforcementLevel.REMEDIATE:
            enforcement_level = sdk.EnforcementLevel.MANDATORY
        report_violation = self._create_report_violation(response, policy.name, policy.description,
                                                         enforcement_level, policy.severity)
        if resource is None:
            props = sdk.unknown_checking_proxy(
                sdk.deserialize_properties(sdk.json_format.MessageToDict(request.properties)))
            resource = (props, self._get_resource_options(request), self._get_provider_resource(request))
        props, opts, provider = resource
        args = sdk.ResourceValidationArgs(request.type, props, request.urn, request.name, opts, provider,
                                          self._get_policy_config(policy.name), getattr(self, private + "stack_tags"))
        _validate(self, sdk, policy, args, report_violation, response)
    return response


def _validate(self: Any, sdk: Any, policy: Any, args: Any, report_violation: Any, response: Any) -> None:
    """Run one policy as the SDK does: awaited when it returns an awaitable; an unknown value read is the SDK's
    not-evaluated diagnostic, a not-applicable marker its not-applicable entry."""
    try:
        result = policy.validate(args, report_violation)
        if sdk.isawaitable(result):
            loop = sdk.asyncio.new_event_loop()
            task = sdk.asyncio.Task(result, loop=loop)
            loop.run_until_complete(task)
            loop.close()
    except sdk.UnknownValueError as e:
        response.diagnostics.append(_not_evaluated(self, sdk, policy, e))
    except sdk._NotApplicableError as e:
        response.not_applicable.append(sdk.proto.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or ""))


def _not_evaluated(self: Any, sdk: Any, policy: Any, e: Any) -> Any:
    """The SDK's diagnostic for a policy that read an unknown value."""
    private = "_PolicyAnalyzerServicer__"
    pack_name = getattr(self, private + "policy_pack_name")
    pack_version = getattr(self, private + "policy_pack_version")
    return sdk.proto.AnalyzeDiagnostic(
        policyName=policy.name,
        policyPackName=pack_name,
        policyPackVersion=pack_version,
        message=(f"can't run policy '{policy.name}' from policy pack "
                 f"'{pack_name}@v{pack_version}' during preview: {e.message}"),
        urn="",
        description=policy.description,
        enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY),
    )


def _analyze_stack(self: Any, request: Any, _context: Any) -> Any:
    """``_PolicyAnalyzerServicer.AnalyzeStack`` of pulumi_policy 1.21, with the resources built once per call."""
    from pulumi_policy import policy as sdk

    private = "_PolicyAnalyzerServicer__"
    self._configure_runtime_settings()
    response = sdk.proto.AnalyzeResponse()
    resources: list[Any] | None = None
    for policy in getattr(self, private + "policies"):
        enforcement_level = self._get_enforcement_level(policy)
        if enforcement_level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.StackValidationPolicy):
            continue
        if enforcement_level == sdk.EnforcementLevel.REMEDIATE:
            enforcement_level = sdk.EnforcementLevel.MANDATORY
        report_violation = self._create_report_violation(response, policy.name, policy.description,
                                                         enforcement_level, policy.severity)
        if resources is None:
            resources = _stack_resources(self, request)
        args = sdk.StackValidationArgs(list(resources), self._get_policy_config(policy.name),
                                       getattr(self, private + "stack_tags"))
        _validate(self, sdk, policy, args, report_violation, response)
    return response


def _stack_resources(self: Any, request: Any) -> list[Any]:
    """The request's resources as ``PolicyResource`` objects with parents and dependencies linked, as the SDK
    builds them for each stack policy."""
    from pulumi_policy import policy as sdk

    built = []
    for r in request.resources:
        props = sdk.unknown_checking_proxy(sdk.deserialize_properties(sdk.json_format.MessageToDict(r.properties)))
        resource = sdk.PolicyResource(r.type, props, r.urn, r.name, self._get_resource_options(r),
                                      self._get_provider_resource(r), None, [], {})
        property_dependencies = {k: list(v.urns) for k, v in r.propertyDependencies.items()}
        built.append((resource, r.parent, list(r.dependencies), property_dependencies))
    by_urn = {resource.urn: resource for resource, _, _, _ in built}
    for resource, parent, dependencies, property_dependencies in built:
        if parent is not None and parent in by_urn:
            resource.parent = by_urn[parent]
        resource.dependencies.extend(by_urn[d] for d in dependencies if d in by_urn)
        for key, urns in property_dependencies.items():
            resource.property_dependencies[key] = [by_urn[d] for d in urns if d in by_urn]
    return [resource for resource, _, _, _ in built]


def warm() -> None:
    """Load the policies' lazily read data now: the IAM actions database and the ECS API model."""
    from guardrails.ecs import ecs_container_definitions_valid
    from guardrails.iam import _actions

    _actions.warm()
    ecs_container_definitions_valid.warm()
    gc.freeze()  # the pack's modules and data live as long as the pack: out of the collector's way


def install() -> bool:
    """Make the pack's server convert each request once per call. True when installed (or already installed)."""
    try:
        from pulumi_policy import policy as sdk
    except ImportError:
        return False
    servicer = getattr(sdk, "_PolicyAnalyzerServicer", None)
    needed = ("Analyze", "AnalyzeStack", "_get_resource_options", "_get_provider_resource", "_create_report_violation",
              "_get_enforcement_level", "_get_policy_config", "_map_enforcement_level", "_configure_runtime_settings")
    module_names = ("json_format", "deserialize_properties", "unknown_checking_proxy", "proto", "PolicyResource",
                    "StackValidationArgs", "StackValidationPolicy", "ResourceValidationArgs",
                    "ResourceValidationPolicy", "EnforcementLevel", "UnknownValueError",
                    "_NotApplicableError", "isawaitable", "asyncio")
    if servicer is None or not all(hasattr(servicer, n) for n in needed) or not all(
            hasattr(sdk, n) for n in module_names) or getattr(sdk, "VERSION", None) != _SDK_VERSION:
        return False
    if getattr(servicer, _INSTALLED, False):
        return True
    sdk.json_format = _JsonFormat(sdk.json_format)
    sdk.deserialize_properties = _remembered(sdk.deserialize_properties, "deserialized")
    sdk.unknown_checking_proxy = _remembered(sdk.unknown_checking_proxy, "proxy")
    servicer._get_resource_options = _remembered_method(servicer._get_resource_options, "options")
    servicer._get_provider_resource = _remembered_method(servicer._get_provider_resource, "provider")
    servicer.Analyze = _scoped(_analyze)
    servicer.AnalyzeStack = _scoped(_analyze_stack, pause_collector=True)
    setattr(servicer, _INSTALLED, True)
    return True
