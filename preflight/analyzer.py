"""Ask the real policy pack about a recording, over the analyzer gRPC protocol, the way the Pulumi engine does.

The pack is started as the engine starts a Python pack (``python -u -m pulumi.policy <engine-address> .`` in the
pack directory, stack settings in the environment) and queried in the engine's order: ``Handshake``,
``ConfigureStack``, ``GetAnalyzerInfo``, ``Configure``, ``Analyze`` per resource, one ``AnalyzeStack``.

What the engine does that a recording does not show is filled in here, as the engine fills it:

- the root ``pulumi:pulumi:Stack`` resource (inputs empty, outputs the stack exports) and one default provider
  per package (``pulumi:providers:aws`` named ``default_7_51_1``, inputs = the package's stack config + version).
  The engine registers both, analyzes them and hands them to ``AnalyzeStack``;
- every registration is analyzed (custom resources, components, remote components, providers): the engine's step
  generator sends each registration to the analyzers, not only custom resources;
- ``Analyze`` gets the resource's inputs; ``AnalyzeStack`` gets what the engine holds as outputs. For a custom
  resource that is every input plus computed attributes (``arn``): the inputs plus the recorded outputs the inputs
  do not have (inputs win, so a preview's unknown inputs stay unknown). See ``stack_properties``;
- both get each resource's options as the engine's step generator fills them (``_options``): protect,
  ignoreChanges, deleteBeforeReplace (defined or not), additionalSecretOutputs, custom timeouts in seconds and the
  parent. ``aliases`` holds only the alias that matched a resource of the previous deployment: a preflight checks a
  new stack, so it is always empty (the aliases a program declares are kept in the recording);
- ``ConfigureStack`` gets the config and the keys whose values are secret (``config_secret_keys``); a default
  provider's inputs from secret config are secret values.

The engine-address argument is parsed and ignored by ``pulumi.policy`` (pulumi 3.272): it never connects to an
engine, and ``pulumi.log`` in a pack writes to its stderr. No Engine service is needed; the pack's stderr is kept
and shown when the pack fails.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
NOT_EVALUATED_PREFIX = "can't run policy"
# pulumi.policy requires the argument and never uses it (see the module docstring).
ENGINE_ADDRESS = "127.0.0.1:0"
ORGANIZATION = "organization"  # what the SDK assumes for self-managed backends
ROOT_TYPE = "pulumi:pulumi:Stack"
_MAX_MESSAGE = 400 * 1024 * 1024  # the pack's own limit
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", _MAX_MESSAGE), ("grpc.max_send_message_length", _MAX_MESSAGE)]

LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
_LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
_SEVERITIES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_POLICY_TYPES = {
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}


class AnalyzerError(Exception):
    """The pack could not be started, configured or queried. The message is meant for the user."""


class PolicyConfigError(AnalyzerError):
    """The stack's policy configuration file is wrong; the message names the file."""


# ---- results ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    level: str  # the effective enforcement level for this run (after Configure)
    severity: str
    kind: str  # "resource" or "stack"
    framework: dict[str, str]
    tags: tuple[str, ...]
    remediation: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "enforcementLevel": self.level,
                "severity": self.severity, "type": self.kind, "framework": self.framework, "tags": list(self.tags),
                "remediation": self.remediation}


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    level: str  # "mandatory" or "advisory" ("remediate" is reported as mandatory, as the engine does)
    severity: str
    urn: str  # the analyzed resource; "" for a stack-wide diagnostic
    message: str  # the policy's own sentence (the description the SDK prepends is removed)
    not_evaluated: bool  # the policy read an unknown value and could not run
    phase: str  # "resource" (Analyze) or "stack" (AnalyzeStack)

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "enforcementLevel": self.level, "severity": self.severity, "urn": self.urn,
                "message": self.message, "phase": self.phase}


@dataclass
class Analysis:
    pack: str
    version: str
    policies: list[PolicyInfo]
    diagnostics: list[Diagnostic]
    not_applicable: list[tuple[str, str, str]]  # (policy, urn, reason)
    analyzed: int  # Analyze calls (recorded resources + root stack + default providers)
    timings: dict[str, float] = field(default_factory=dict)
    config_source: str | None = None  # the stack's policy config file, when one applied

    @property
    def violations(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.not_evaluated]

    @property
    def not_evaluated(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.not_evaluated]


# ---- policy configuration (pulumi preview --policy-pack-config) ---------------------------------------------


@dataclass(frozen=True)
class _GivenConfig:
    level: str | None
    properties: dict[str, Any]


def policy_config_path(pack_dir: Path, stack: str) -> Path:
    return Path(pack_dir) / "config" / f"{stack}.json"


def parse_policy_config(text: str, source: str) -> dict[str, _GivenConfig]:
    """Parse ``--policy-pack-config`` JSON: name → level string, or name → {"enforcementLevel": …, props…}."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyConfigError(f"{source}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise PolicyConfigError(f"{source}: expected an object of policy name → level or settings")
    result: dict[str, _GivenConfig] = {}
    for name, value in data.items():
        if isinstance(value, str):
            level, props = value, {}
        elif isinstance(value, dict):
            props = dict(value)
            level = props.pop("enforcementLevel", None)
            if level is not None and not isinstance(level, str):
                raise PolicyConfigError(f"{source}: {name}: enforcementLevel must be a string, got {level!r}")
        else:
            raise PolicyConfigError(f"{source}: {name}: {value!r} is not a valid value; use a level or an object")
        if level is not None and level not in LEVELS:
            raise PolicyConfigError(
                f"{source}: {name}: {level!r} is not an enforcement level (use one of {', '.join(LEVELS)})")
        if level is None and not props:
            continue
        result[name] = _GivenConfig(level, props)
    return result


def load_policy_config(pack_dir: Path, stack: str) -> dict[str, _GivenConfig]:
    """The stack's ``policies/config/<stack>.json``, or nothing when the file does not exist."""
    path = policy_config_path(pack_dir, stack)
    if not path.is_file():
        return {}
    return parse_policy_config(path.read_text(), f"{path.parent.name}/{path.name}")


def _apply(result: dict[str, _GivenConfig], given: Mapping[str, _GivenConfig]) -> None:
    """The engine's applyConfig: "all" sets every level, then each named policy's level and properties."""
    everything = given.get("all")
    if everything is not None and everything.level is not None:
        for name, current in result.items():
            result[name] = _GivenConfig(everything.level, current.properties)
    for name, cfg in given.items():
        if name == "all" or name not in result:
            continue
        current = result[name]
        result[name] = _GivenConfig(cfg.level or current.level, {**current.properties, **cfg.properties})


def reconcile_policy_config(
    info: analyzer_pb2.AnalyzerInfo, given: Mapping[str, _GivenConfig], source: str = "policy config"
) -> dict[str, _GivenConfig]:
    """Every policy's level and properties, as the CLI computes them before ``Configure``.

    ``Configure`` replaces the pack's configuration: a policy left out falls back to the pack's level, but one sent
    with properties and no level becomes advisory. So every policy is sent, with a level.
    """
    known = {p.name for p in info.policies}
    unknown = sorted(set(given) - known - {"all"})
    if unknown:
        raise PolicyConfigError(f"{source}: no policy named {', '.join(unknown)} in pack {info.name} "
                                f"(policies: {', '.join(sorted(known))})")
    result: dict[str, _GivenConfig] = {}
    for p in info.policies:
        schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
        defaults = {k: v["default"] for k, v in schema.items() if isinstance(v, dict) and "default" in v}
        result[p.name] = _GivenConfig(_LEVEL_NAMES[p.enforcementLevel], defaults)
    initial = {
        name: _GivenConfig(_LEVEL_NAMES[c.enforcementLevel], json_format.MessageToDict(c.properties))
        for name, c in info.initialConfig.items()
    }
    _apply(result, initial)
    _apply(result, given)
    for p in info.policies:
        missing = [k for k in p.configSchema.required if k not in result[p.name].properties]
        if missing:
            raise PolicyConfigError(f"{source}: {p.name}: missing required setting(s) {', '.join(missing)}")
    return result


# ---- the pack process -----------------------------------------------------------------------------------------


def _config_env(config: Mapping[str, Any]) -> dict[str, str]:
    """Stack config as the engine passes it: every value a string, objects as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}


Launcher = Callable[[Path, dict[str, str]], Any]
"""Starts ``python -u -m pulumi.policy <address> .`` in a directory with an environment, some other way than a new
interpreter (``preflight.zygote``): returns an object with ``subprocess.Popen``'s ``stdout``, ``stderr``, ``poll``,
``wait``, ``terminate`` and ``kill``."""


class PolicyPackProcess:
    """One running policy pack, started as the engine starts it. Use as a context manager."""

    def __init__(
        self,
        pack_dir: Path,
        *,
        project: str,
        stack: str,
        config: Mapping[str, Any],
        dry_run: bool,
        secret_keys: Iterable[str] = (),
        organization: str = ORGANIZATION,
        start_timeout: float = 60.0,
        python: str = sys.executable,
        launcher: Launcher | None = None,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.launcher = launcher
        self.project, self.stack, self.dry_run, self.organization = project, stack, dry_run, organization
        self.config = _config_env(config)
        self.secret_keys = sorted(secret_keys)
        self.start_timeout = start_timeout
        self.python = python
        self.proc: subprocess.Popen[bytes] | None = None
        self.channel: grpc.Channel | None = None
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self.start_seconds = 0.0  # from spawn to the port on the pack's stdout
        self._spawned = 0.0
        self._stderr: collections.deque[str] = collections.deque(maxlen=200)
        self._first_line: list[str] = []
        self._got_line = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- process --

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PULUMI_CONFIG=json.dumps(self.config),
            PULUMI_PROJECT=self.project,
            PULUMI_STACK=self.stack,
            PULUMI_DRY_RUN="true" if self.dry_run else "false",
            PULUMI_ORGANIZATION=self.organization,
        )
        return env

    def _read_stdout(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        first = True
        for raw in self.proc.stdout:  # keep draining: a policy that prints must not block on a full pipe
            if first:
                self._first_line.append(raw.decode(errors="replace").strip())
                self.start_seconds = time.perf_counter() - self._spawned
                self._got_line.set()
                first = False
        self._got_line.set()

    def _read_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        for raw in self.proc.stderr:
            self._stderr.append(raw.decode(errors="replace").rstrip("\n"))

    def stderr_tail(self, lines: int = 40) -> str:
        return "\n".join(list(self._stderr)[-lines:])

    def _fail(self, what: str, *, stop: bool = True) -> AnalyzerError:
        """An error naming the pack and quoting its stderr; ``stop`` ends the process first (start-up failures)."""
        if stop and self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for t in self._threads:
                t.join(timeout=2)
        else:
            time.sleep(0.2)  # the pack logs a failing call's traceback just before answering: let it arrive
        tail = self.stderr_tail()
        stderr = f"\n--- pack stderr ---\n{tail}" if tail else ""
        return AnalyzerError(f"policy pack {self.pack_dir}: {what}{stderr}")

    def spawn(self) -> PolicyPackProcess:
        """Start the process; ``wait_ready`` connects. Between the two the caller may do other work."""
        if self.proc is not None:
            return self
        if not (self.pack_dir / "PulumiPolicy.yaml").is_file():
            raise AnalyzerError(f"policy pack {self.pack_dir}: no PulumiPolicy.yaml there")
        self._spawned = time.perf_counter()
        if self.launcher is not None:
            self.proc = self.launcher(self.pack_dir, self._env())
        else:
            self.proc = self.popen(self.pack_dir, self._env(), self.python)
        self._threads = [threading.Thread(target=f, daemon=True) for f in (self._read_stdout, self._read_stderr)]
        for t in self._threads:
            t.start()
        return self

    @staticmethod
    def popen(pack_dir: Path, env: dict[str, str], python: str = sys.executable) -> subprocess.Popen[bytes]:
        """The pack started as the engine starts it: a new interpreter."""
        return subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, "."],
            cwd=pack_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    def wait_ready(self) -> PolicyPackProcess:
        """Read the port from the pack's first line of output and connect to it."""
        if self.stub is not None:
            return self
        assert self.proc is not None, "spawn() the pack first"
        if not self._got_line.wait(self.start_timeout):
            raise self._fail(f"printed no port within {self.start_timeout:.0f} s")
        line = self._first_line[0] if self._first_line else ""
        if not line.isdigit():
            if line:
                raise self._fail(f"printed {line!r} instead of its port")
            try:
                code = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            raise self._fail(f"exited with code {code} before printing its port" if code is not None
                             else "closed its output without printing its port")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(self.channel).result(timeout=self.start_timeout)
        except grpc.FutureTimeoutError:
            raise self._fail(f"did not accept connections on port {line}") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        return self

    def start(self) -> PolicyPackProcess:
        return self.spawn().wait_ready()

    def matches(self, recording: Mapping[str, Any]) -> bool:
        """Whether this pack was started with the settings the recording's stack needs."""
        return (self.project, self.stack, self.dry_run, self.config, self.secret_keys) == (
            recording["project"], recording["stack"], bool(recording.get("preview")),
            _config_env(recording.get("config") or {}), sorted(recording.get("secretKeys") or []))

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> PolicyPackProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls, in the engine's order --

    def call(self, method: str, request: Any, what: str, timeout: float = 120.0) -> Any:
        assert self.stub is not None, "start() the pack first"
        try:
            return getattr(self.stub, method)(request, timeout=timeout)
        except grpc.RpcError as exc:
            # Other calls may be in flight: leave the process to close(), so they are not reported instead.
            raise self._fail(f"{method} failed on {what}: {exc.code().name}: {exc.details()}", stop=False) from None

    def handshake(self) -> None:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=ENGINE_ADDRESS, root_directory=str(self.pack_dir), program_directory=str(self.pack_dir))
        try:
            self.stub.Handshake(request, timeout=30)  # type: ignore[union-attr]
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNIMPLEMENTED:  # Python packs do not implement it
                raise self._fail(f"Handshake failed: {exc.code().name}: {exc.details()}") from None

    def configure_stack(self) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=self.stack, project=self.project, organization=self.organization, dry_run=self.dry_run,
            config=self.config, config_secret_keys=self.secret_keys)
        try:
            self.stub.ConfigureStack(request, timeout=30)  # type: ignore[union-attr]
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._fail(f"ConfigureStack failed: {exc.code().name}: {exc.details()}") from None

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        return self.call("GetAnalyzerInfo", empty_pb2.Empty(), "the pack")

    def configure(self, config: Mapping[str, _GivenConfig]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, cfg in config.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = LEVELS[cfg.level or "advisory"]
            if cfg.properties:
                entry.properties.update(cfg.properties)
        self.call("Configure", request, "the pack")


# ---- recording → analyzer requests ------------------------------------------------------------------------------


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(dict(value), s)
    return s


def _options(res: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    """A recorded resource's options as the engine sends them (``options``; older recordings kept ``protect`` and
    friends at the top level). Custom timeouts are always present, zero when unset; aliases are empty for a new
    stack (see the module docstring)."""
    options = {**{k: v for k, v in res.items() if k != "options"}, **(res.get("options") or {})}
    dbr = options.get("deleteBeforeReplace")
    timeouts = options.get("customTimeouts") or {}
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(options.get("protect")),
        ignoreChanges=list(options.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(dbr),
        deleteBeforeReplaceDefined=dbr is not None,
        additionalSecretOutputs=list(options.get("additionalSecretOutputs") or []),
        aliases=[],
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=float(timeouts.get("create") or 0), update=float(timeouts.get("update") or 0),
            delete=float(timeouts.get("delete") or 0), read=float(timeouts.get("read") or 0)),
        parent=res.get("parent") or "",
    )


def pack_version(pack_dir: Path, reported: str) -> str:
    """The engine reports the version in PulumiPolicy.yaml when it has one, over the one the pack reports."""
    try:
        version = (yaml.safe_load((Path(pack_dir) / "PulumiPolicy.yaml").read_text()) or {}).get("version")
    except (OSError, yaml.YAMLError, AttributeError):
        version = None
    return str(version) if version else reported


def _package_version(package: str) -> str | None:
    try:
        return metadata.version(f"pulumi_{package.replace('-', '_')}")
    except metadata.PackageNotFoundError:
        return None


def _urn(stack: str, project: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


@dataclass
class _Resource:
    """A resource as the engine holds it: recorded, or filled in (root stack, default providers)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    provider_urn: str  # "" when the resource has no provider (components, providers, the root)
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    raw: Mapping[str, Any]


class EngineView:
    """The resources the engine would hold for a stack, built as registrations arrive: the root stack and one
    default provider per package (added before the first resource that needs it) besides the recorded ones.

    ``resources()`` lists them in the engine's order: root, default providers, recorded resources.
    """

    def __init__(self, head: Mapping[str, Any], root_urn: str | None = None,
                 outputs: Mapping[str, Any] | None = None) -> None:
        self.project, self.stack = head["project"], head["stack"]
        self.config = head.get("config") or {}
        self.secret = set(head.get("secretKeys") or [])
        root_urn = root_urn or _urn(self.stack, self.project, ROOT_TYPE, f"{self.project}-{self.stack}")
        self.root = _Resource(root_urn, ROOT_TYPE, root_urn.split("::")[-1], False, "", {}, dict(outputs or {}), "",
                              [], {}, {})
        self.defaults: dict[str, _Resource] = {}
        self.bodies: list[_Resource] = []
        self.raw_by_urn: dict[str, Mapping[str, Any]] = {}
        self.index: dict[str, _Resource] = {root_urn: self.root}

    def _default_provider(self, package: str) -> _Resource:
        version = _package_version(package)
        name = f"default_{version.replace('.', '_')}" if version else "default"
        inputs: dict[str, Any] = {
            k.split(":", 1)[1]: {SIG_KEY: SECRET_SIG, "value": v} if k in self.secret else v
            for k, v in self.config.items() if k.startswith(f"{package}:")}
        if version:
            inputs["version"] = version
        ptype = f"pulumi:providers:{package}"
        return _Resource(_urn(self.stack, self.project, ptype, name), ptype, name, True, "", inputs, dict(inputs), "",
                         [], {}, {})

    def provider_for(self, res: Mapping[str, Any]) -> tuple[str, _Resource | None]:
        """The provider URN of a recorded resource, and the default provider made for it (None when not new)."""
        ref = res.get("provider") or ""
        if ref:  # a provider reference is "<urn>::<id>"
            return (ref if ref in self.raw_by_urn else ref.rsplit("::", 1)[0]), None
        package = res["type"].split(":", 1)[0]
        if package == "pulumi" or not (res.get("custom") or res.get("remote")):
            return "", None
        made = None
        if package not in self.defaults:
            made = self.defaults[package] = self._default_provider(package)
            self.index[made.urn] = made
        return self.defaults[package].urn, made

    def add(self, r: Mapping[str, Any]) -> tuple[_Resource, _Resource | None]:
        """Add a recorded resource: (its engine view, the default provider it needed first, if new)."""
        self.raw_by_urn[r["urn"]] = r
        provider_urn, made = self.provider_for(r)
        body = _Resource(
            urn=r["urn"], type=r["type"], name=r.get("name") or r["urn"].split("::")[-1], custom=bool(r.get("custom")),
            parent=r.get("parent") or "", inputs=dict(r.get("inputs") or {}), outputs=dict(r.get("outputs") or {}),
            provider_urn=provider_urn, dependencies=list(r.get("dependencies") or []),
            property_dependencies={k: list(v) for k, v in (r.get("propertyDependencies") or {}).items()}, raw=r,
        )
        self.bodies.append(body)
        self.index[body.urn] = body
        return body, made

    def resources(self) -> list[_Resource]:
        return [self.root, *self.defaults.values(), *self.bodies]


def canonical_order(recorded: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The recorded resources in one order whatever order the registrations arrived in.

    The mock engine registers resources from worker threads as their inputs resolve, so the order of arrival varies
    from run to run (and with what is already imported). Stack policies that stop at the first unknown value they
    read would then report a different property from one run to the next. The engine's own snapshot lists
    resources in dependency order; this is that order made unique: every resource after its parent, its provider
    and its dependencies, and among those free to come next, the smallest URN first.
    """
    import heapq

    resources = list(recorded)
    by_urn = {r["urn"]: r for r in resources}
    waiting_on: dict[str, int] = {}
    unblocks: dict[str, list[str]] = {}
    for r in resources:
        before = {r.get("parent") or "", (r.get("provider") or "").rsplit("::", 1)[0], *(r.get("dependencies") or ())}
        before = {u for u in before if u in by_urn and u != r["urn"]}
        waiting_on[r["urn"]] = len(before)
        for u in before:
            unblocks.setdefault(u, []).append(r["urn"])
    ready = [urn for urn, n in waiting_on.items() if n == 0]
    heapq.heapify(ready)
    out: list[Mapping[str, Any]] = []
    while ready:
        urn = heapq.heappop(ready)
        out.append(by_urn[urn])
        for nxt in unblocks.get(urn, ()):
            waiting_on[nxt] -= 1
            if waiting_on[nxt] == 0:
                heapq.heappush(ready, nxt)
    if len(out) < len(resources):  # a cycle (not from a real program): the rest in URN order
        placed = {r["urn"] for r in out}
        out += sorted((r for r in resources if r["urn"] not in placed), key=lambda r: r["urn"])
    return out


def engine_view(recording: Mapping[str, Any]) -> list[_Resource]:
    """The recording's resources (in ``canonical_order``) plus the root stack and default providers the engine would
    have registered."""
    recorded = canonical_order(recording.get("resources") or [])
    root_urn = next((r["parent"] for r in recorded if (r.get("parent") or "").split("::")[2:3] == [ROOT_TYPE]), None)
    view = EngineView(recording, root_urn, recording.get("outputs") or {})
    by_urn = {r["urn"] for r in recorded}
    view.raw_by_urn = dict.fromkeys(by_urn, {})  # explicit providers resolve against every recorded URN
    for r in recorded:
        view.add(r)
    return view.resources()


def _provider_message(res: _Resource, index: Mapping[str, _Resource]) -> analyzer_pb2.AnalyzerProviderResource | None:
    provider = index.get(res.provider_urn) if res.provider_urn else None
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name)


def analyze_request(res: _Resource, index: Mapping[str, _Resource]) -> analyzer_pb2.AnalyzeRequest:
    request = analyzer_pb2.AnalyzeRequest(
        type=res.type, properties=_struct(res.inputs), urn=res.urn, name=res.name, options=_options(res.raw))
    provider = _provider_message(res, index)
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def stack_properties(res: _Resource) -> dict[str, Any]:
    """The stack view of a resource: what the engine holds as its outputs.

    A custom resource's provider echoes every input and adds computed attributes: the inputs plus the recorded
    outputs the inputs do not have (inputs win, so a preview's unknowns stay unknown). A provider's outputs are its
    inputs; the root stack's are the exports. A component's outputs are what it registers, which the mock engine
    does not record, so it shows its inputs.
    """
    if res.type == ROOT_TYPE:
        return dict(res.outputs)
    if not res.custom or res.type.startswith("pulumi:providers:"):
        return dict(res.inputs)
    return {**res.inputs, **{k: v for k, v in res.outputs.items() if k not in res.inputs}}


def analyze_stack_request(
    resources: Iterable[_Resource], index: Mapping[str, _Resource]
) -> analyzer_pb2.AnalyzeStackRequest:
    request = analyzer_pb2.AnalyzeStackRequest()
    for res in resources:
        item = request.resources.add(
            type=res.type, properties=_struct(stack_properties(res)), urn=res.urn, name=res.name,
            options=_options(res.raw), parent=res.parent, dependencies=res.dependencies)
        provider = _provider_message(res, index)
        if provider is not None:
            item.provider.CopyFrom(provider)
        for key, urns in res.property_dependencies.items():
            if urns:
                item.propertyDependencies[key].urns.extend(urns)
    return request


# ---- diagnostics ------------------------------------------------------------------------------------------------


def _diagnostic(d: analyzer_pb2.AnalyzeDiagnostic, urn: str, phase: str) -> Diagnostic:
    raw = d.message
    not_evaluated = raw.startswith(NOT_EVALUATED_PREFIX)
    message = raw
    if not_evaluated:  # "can't run policy 'x' from policy pack 'p@v1' during preview: <what was unknown>"
        message = raw.split(" during preview: ", 1)[-1]
    elif d.description and raw.startswith(d.description):
        message = raw[len(d.description):].lstrip("\n") or d.description
    level = _LEVEL_NAMES.get(d.enforcementLevel, "mandatory")
    if level == "remediate":
        level = "mandatory"
    return Diagnostic(policy=d.policyName, level=level, severity=_SEVERITIES.get(d.severity, ""), urn=urn,
                      message=message, not_evaluated=not_evaluated, phase=phase)


def _policy_infos(info: analyzer_pb2.AnalyzerInfo, config: Mapping[str, _GivenConfig]) -> list[PolicyInfo]:
    out = []
    for p in info.policies:
        framework = {k: v for k, v in json_format.MessageToDict(p.framework).items() if v} if p.HasField(
            "framework") else {}
        out.append(PolicyInfo(
            name=p.name, description=p.description, level=config[p.name].level or "advisory",
            severity=_SEVERITIES.get(p.severity, ""), kind=_POLICY_TYPES.get(p.policy_type, "resource"),
            framework=framework, tags=tuple(p.tags), remediation=p.remediation_steps))
    return sorted(out, key=lambda p: p.name)


def prepare(pack: PolicyPackProcess, policy_config: Mapping[str, _GivenConfig], source: str
            ) -> tuple[analyzer_pb2.AnalyzerInfo, dict[str, _GivenConfig], dict[str, float]]:
    """Connect to a spawned pack and configure it as the engine does before its first ``Analyze``."""
    pack.spawn().wait_ready()
    timings = {"packStart": pack.start_seconds}
    t = time.perf_counter()
    pack.handshake()
    pack.configure_stack()
    info = pack.info()
    config = reconcile_policy_config(info, policy_config, source)
    pack.configure(config)
    timings["configure"] = time.perf_counter() - t
    return info, config, timings


def stack_policy_config(pack_dir: Path, stack: str) -> tuple[dict[str, _GivenConfig], str, str | None]:
    """The stack's policy config, the name to give it in messages, and that name when the file exists."""
    source = f"{Path(pack_dir).name}/config/{stack}.json"
    exists = policy_config_path(pack_dir, stack).is_file()
    return load_policy_config(pack_dir, stack), source, source if exists else None


def request_key(request: Any) -> bytes:
    """A request's exact content, to tell whether an answer given earlier was to the same question."""
    return request.SerializeToString(deterministic=True)


def analyze_recording(
    recording: Mapping[str, Any],
    pack_dir: Path,
    *,
    policy_config: Mapping[str, _GivenConfig] | None = None,
    workers: int = 4,
    start_timeout: float = 60.0,
    pack: PolicyPackProcess | None = None,
    prepared: tuple[analyzer_pb2.AnalyzerInfo, dict[str, _GivenConfig], dict[str, float]] | None = None,
    answered: Mapping[str, tuple[bytes, Any]] | None = None,
) -> Analysis:
    """Ask the pack every question the engine asks about the recording's stack.

    ``policy_config`` defaults to ``<pack_dir>/config/<stack>.json`` (absent: the pack's own levels). ``pack`` is
    a pack already spawned for this stack (the caller closes it); without one, a pack is started and stopped here.
    ``prepared`` is what ``prepare`` returned for ``pack`` when it is already configured. ``answered`` holds answers
    the pack gave while the program was running (URN → (``request_key``, ``AnalyzeResponse``)): an answer is used
    only for the very same request, every other question is asked now.
    """
    pack_dir = Path(pack_dir)
    stack = recording["stack"]
    source = f"{pack_dir.name}/config/{stack}.json"
    config_source = None
    if policy_config is None:
        policy_config, source, config_source = stack_policy_config(pack_dir, stack)
    if pack is not None and not pack.matches(recording):
        raise AnalyzerError(f"policy pack for stack {pack.stack} was started with other settings than the recording")
    own = pack is None
    if pack is None:
        pack = PolicyPackProcess(pack_dir, project=recording["project"], stack=stack,
                                 config=recording.get("config") or {}, dry_run=bool(recording.get("preview")),
                                 secret_keys=recording.get("secretKeys") or (), start_timeout=start_timeout)
    resources = engine_view(recording)
    index = {r.urn: r for r in resources}
    timings: dict[str, float] = {}
    answered = answered or {}
    try:
        if prepared is None:
            prepared = prepare(pack, policy_config, source)
        info, config, prepare_timings = prepared
        timings.update(prepare_timings)

        t = time.perf_counter()
        requests = [analyze_request(r, index) for r in resources]

        def answer(req: analyzer_pb2.AnalyzeRequest) -> Any:
            earlier = answered.get(req.urn)
            if earlier is not None and earlier[0] == request_key(req):
                return earlier[1]
            return pack.call("Analyze", req, req.urn)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            responses = list(pool.map(answer, requests))
        timings["analyze"] = time.perf_counter() - t

        t = time.perf_counter()
        stack_response = pack.call("AnalyzeStack", analyze_stack_request(resources, index), f"stack {stack}")
        timings["analyzeStack"] = time.perf_counter() - t
    finally:
        if own:
            pack.close()

    diagnostics: list[Diagnostic] = []
    not_applicable: list[tuple[str, str, str]] = []
    for req, resp in zip(requests, responses, strict=True):
        # Resource diagnostics carry no URN: the engine attributes them to the resource it asked about.
        diagnostics.extend(_diagnostic(d, req.urn, "resource") for d in resp.diagnostics)
        not_applicable.extend((n.policy_name, req.urn, n.reason) for n in resp.not_applicable)
    diagnostics.extend(_diagnostic(d, d.urn, "stack") for d in stack_response.diagnostics)
    not_applicable.extend((n.policy_name, "", n.reason) for n in stack_response.not_applicable)
    return Analysis(pack=info.name, version=pack_version(pack_dir, info.version), policies=_policy_infos(info, config),
                    diagnostics=diagnostics, not_applicable=not_applicable, analyzed=len(requests), timings=timings,
                    config_source=config_source)
