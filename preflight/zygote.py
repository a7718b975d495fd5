"""A warm Python that forks the preflight's per-stack processes: recorders and policy packs.

    python -m preflight.zygote --control FD [--program PATH] [--pack DIR] [--pack-control FD]

Starting a recorder costs about a second and a half before the program's first line runs (``pulumi``, the
``pulumi_aws`` modules the program uses, ``botocore``), and a pack about as much (``pulumi_policy``, the policies,
their data). Every stack pays it again. The zygote imports all of it once (``preflight.preload`` finds what), then
forks a child per request: the child starts with everything imported, sharing the parent's memory copy-on-write.

A child is what ``python -m preflight.record ...`` or ``python -u -m pulumi.policy <address> .`` would be: its own
working directory, environment, ``sys.argv``, ``sys.path``, stdin from /dev/null and stdout/stderr on pipes the
client passes with the request. The program's own modules are imported ahead too, unless their import read the
stack (a ``PULUMI_*`` variable, Pulumi's stack settings or config) or some module imports by name at run time: a
recorder drops the ones whose file changed since (and every module importing them), so it runs what is on disk.
The pack's own modules are imported with its data warmed (whatever the pack's ``__main__.py`` runs before it
serves: ``guardrails.serving.warm`` here), under the same condition.

With ``--pack`` and ``--program`` in one zygote (the program's Python is the preflight's own), the zygote imports
what both share, then forks a second zygote for the pack, so the two warm up side by side on two cores. Each serves
requests on its own control socket (a Unix socket pair with the client): a request is one JSON message (``role``,
``id``, ``cwd``, ``env``, ``argv``, ``path``) with the child's stdout and stderr attached; the answer is
``{"id", "pid"}``, then ``{"pid", "status"}`` when the child ends (``status`` as ``subprocess`` reports a return
code: negative for a signal). When the client goes away, the zygote stops its children and exits.

The client side (``preflight.zygote_client``) runs in the preflight's process.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import selectors
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_MAX_MESSAGE = 1 << 16
_PACK_NICENESS = 5
"""The pack's zygote (and so the packs) run a little below the recorders: the programs are the critical path, the
pack keeps up with them and answers the rest when they end."""
_ROLES = ("program", "pack")


# ---- the zygote ------------------------------------------------------------------------------------------------------


class _Tripwire:
    """Notices whether code run meanwhile read the stack: a ``PULUMI_*`` variable, or Pulumi's stack settings."""

    def __init__(self) -> None:
        self.tripped: list[str] = []

    def __enter__(self) -> _Tripwire:
        tripwire = self
        self._environ = os.environ

        class Watched(type(os.environ)):  # type: ignore[misc]
            def __getitem__(self, key: str) -> str:
                if isinstance(key, str) and key.startswith("PULUMI_"):
                    tripwire.tripped.append(f"os.environ[{key!r}]")
                return super().__getitem__(key)

        watched = Watched(os.environ._data, os.environ.encodekey, os.environ.decodekey,  # type: ignore[attr-defined]
                          os.environ.encodevalue, os.environ.decodevalue)  # type: ignore[attr-defined]
        os.environ = watched  # type: ignore[assignment]  # noqa: B003 - replaced, not cleared, and put back
        self._patched: list[tuple[Any, str, Any]] = []
        try:
            import pulumi
            from pulumi.runtime import settings
        except ImportError:
            return self
        for owner, name in ((pulumi, "get_stack"), (pulumi, "get_project"), (pulumi, "get_organization"),
                            (settings, "get_stack"), (settings, "get_project"), (settings, "get_organization")):
            original = getattr(owner, name, None)
            if original is None:
                continue

            def spy(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
                tripwire.tripped.append(f"pulumi.{_name}()")
                return _original(*args, **kwargs)

            self._patched.append((owner, name, original))
            setattr(owner, name, spy)
        original_config = pulumi.Config.__init__

        def config_spy(this: Any, *args: Any, _original: Any = original_config, **kwargs: Any) -> None:
            tripwire.tripped.append("pulumi.Config()")
            _original(this, *args, **kwargs)

        self._patched.append((pulumi.Config, "__init__", original_config))
        pulumi.Config.__init__ = config_spy  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        os.environ = self._environ  # type: ignore[assignment]  # noqa: B003 - the original object again
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)


class _Served(Exception):
    """Raised instead of serving when the zygote runs a pack's ``__main__.py`` to import and warm it."""


_PROGRAM: dict[str, Any] = {}
"""What the zygote imported of the program's own modules: ``scan`` (the import graph) and ``files`` (module →
(file, modification time) when imported)."""


def _preload_program(program: Path) -> None:
    """Import what the program imports: third-party modules, then (unless that reads the stack) its own."""
    from preflight import preload

    root = program if program.is_dir() else program.parent
    entry = program / "__main__.py" if program.is_dir() else program
    scan = preload.scan_graph([entry], [root])
    preload.load(["pulumi", "pulumi.runtime", *scan.outside])
    preload.load(["preflight.engine", "preflight.stackrefs", "preflight.datasources"])  # not the module run as __main__
    if scan.dynamic:
        return  # a module imported by name at run time could be stale without the graph telling
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    tripwire = _Tripwire()
    try:
        os.chdir(root)
        sys.path.insert(0, str(root))
        with tripwire:
            preload.load([m for m in scan.local if m != "__main__"])
    finally:
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
    files = {}
    for name in preload.local_modules([root]):
        file = getattr(sys.modules[name], "__file__", None)
        try:
            files[name] = (file, os.stat(file).st_mtime_ns)
        except (OSError, TypeError):
            files[name] = (file, None)
    if tripwire.tripped:  # their top-level code read the stack: each child imports them for its own
        for name in files:
            _forget(name)
        return
    _PROGRAM.update(scan=scan, files=files)


def _forget(name: str) -> None:
    """Drop module ``name`` so that the next import runs it afresh: out of ``sys.modules`` and off its package,
    whose attribute would otherwise hand the old module to ``from package import name``."""
    module = sys.modules.pop(name, None)
    parent, _, child = name.rpartition(".")
    package = sys.modules.get(parent) if parent else None
    if module is not None and package is not None and getattr(package, child, None) is module:
        delattr(package, child)


def _stale_program_modules() -> set[str]:
    """The program's modules imported by the zygote whose file changed since, and every module importing them."""
    files = _PROGRAM.get("files") or {}
    changed = set()
    for name, (file, mtime) in files.items():
        try:
            now = os.stat(file).st_mtime_ns if file else None
        except OSError:
            now = None
        if now is None or now != mtime:
            changed.add(name)
    return _PROGRAM["scan"].importers(changed) & set(files) if changed else set()


def _preload_pack(pack: Path) -> None:
    """Import the pack as its ``__main__.py`` does, without serving; keep its modules unless that read the stack."""
    import runpy

    from preflight import preload

    outside, _ = preload.scan([pack / "__main__.py"], [pack])
    preload.load(["pulumi", "pulumi.runtime", "pulumi.policy", "grpc", *outside])
    try:
        import pulumi_policy
        from pulumi_policy import policy as sdk
    except ImportError:
        return
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    originals = (pulumi_policy.PolicyPack, sdk.PolicyPack)

    class Capture:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise _Served

    tripwire = _Tripwire()
    try:
        os.chdir(pack)
        sys.path.insert(0, str(pack))
        pulumi_policy.PolicyPack = sdk.PolicyPack = Capture  # type: ignore[misc]
        with tripwire:
            runpy.run_path(str(pack), run_name="__main__")
    except _Served:
        pass
    except BaseException:  # noqa: BLE001 - a pack that fails here fails again in its child, with its message
        tripwire.tripped.append("an error")
    finally:
        pulumi_policy.PolicyPack, sdk.PolicyPack = originals  # type: ignore[misc]
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
    if tripwire.tripped:
        for name in preload.local_modules([pack]):
            _forget(name)


def _child(role: str, request: Mapping[str, Any], fds: Sequence[int], purge: tuple[list[Path], list[Path]]) -> int:
    """Become the requested process; returns its exit code."""
    from preflight import preload

    null = os.open(os.devnull, os.O_RDONLY)
    # stdin from /dev/null, stdout and stderr on the client's pipes, any further pipe as fd 3, 4, ...
    wanted = [null, *fds]
    moved = [os.dup(fd) for fd in wanted]  # out of the way of the numbers they are going to
    for fd in wanted:
        os.close(fd)
    for target, fd in enumerate(moved):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True,
                                  write_through=role == "pack")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True, errors="backslashreplace")
    for name in preload.local_modules(*purge):
        _forget(name)
    if role == "program":
        for name in _stale_program_modules():
            _forget(name)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = list(request["argv"])
    sys.path[:] = [*request["path"], *_BASE_PATH]
    for fd in range(3, 3 + len(fds) - 2):
        os.set_inheritable(fd, True)
    import runpy

    try:
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException:  # noqa: BLE001 - as the interpreter would: the traceback on stderr, exit 1
        import traceback

        traceback.print_exc()
        return 1
    return 0


_BASE_PATH: list[str] = []


def _serve(control: socket.socket, purge: dict[str, tuple[list[Path], list[Path]]]) -> None:
    """Fork a child per request until the client goes away."""
    # Everything imported so far is shared with the children copy-on-write. The garbage collector writes into every
    # object it scans, which would copy those pages into each child: keep what is here out of its sight.
    gc.collect()
    gc.freeze()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, "control")
    selector.register(wake_r, selectors.EVENT_READ, "child")
    children: set[int] = set()

    def send(message: dict[str, Any]) -> None:
        try:
            control.sendall(json.dumps(message).encode() + b"\n")
        except OSError:
            pass

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            send({"pid": pid, "status": code})

    try:
        while True:
            for key, _ in selector.select():
                if key.data == "child":
                    try:
                        while os.read(wake_r, 512):
                            pass
                    except BlockingIOError:
                        pass
                    reap()
                    continue
                message, fds, _, _ = socket.recv_fds(control, _MAX_MESSAGE, 8)
                if not message:
                    return
                request = json.loads(message)
                role = request["role"]
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        selector.close()
                        control.close()
                        signal.set_wakeup_fd(-1)
                        for fd in (wake_r, wake_w):
                            os.close(fd)
                        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
                            signal.signal(sig, signal.SIG_DFL if sig != signal.SIGINT else signal.default_int_handler)
                        code = _child(role, request, fds, purge.get(role, ([], [])))
                    finally:
                        try:
                            sys.stdout.flush()
                            sys.stderr.flush()
                        finally:
                            os._exit(code)
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                send({"id": request["id"], "pid": pid})
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.zygote")
    parser.add_argument("--control", type=int, required=True, help="the control socket's file descriptor")
    parser.add_argument("--program", type=Path, help="the program whose imports the children share")
    parser.add_argument("--pack", type=Path, help="the policy pack whose imports and data the children share")
    parser.add_argument("--pack-control", type=int, help="the pack zygote's control socket, when it is a second one")
    args = parser.parse_args(argv)
    own = set(filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    _BASE_PATH[:] = [p for p in sys.path[1:] if p not in own]  # each child names its own PYTHONPATH entries
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    control = socket.socket(fileno=args.control)
    # A child drops the other role's own modules (the pack directory may lie inside the project's): the program
    # must not find the pack's modules, nor the pack the program's.
    program_dir = (args.program if args.program and args.program.is_dir() else
                   args.program.parent if args.program else None)
    purge = {"program": ([args.pack] if args.pack else [], []),
             "pack": ([program_dir] if program_dir else [], [args.pack] if args.pack else [])}
    try:
        import pulumi  # noqa: F401 - shared by both roles
        import pulumi.runtime  # noqa: F401
    except ImportError:
        pass
    if args.program and args.pack and args.pack_control is not None:
        pack_control = socket.socket(fileno=args.pack_control)
        pack_zygote = os.fork()
        if pack_zygote == 0:  # the pack's zygote: warms up beside the program's, yielding to it when cores are busy
            control.close()
            os.nice(_PACK_NICENESS)
            _preload_pack(args.pack)
            _serve(pack_control, purge)
            _exit(0)
        pack_control.close()
        _preload_program(args.program)
        _serve(control, purge)
        try:  # the client closes both sockets; its CPU time is accounted to us once it is reaped
            os.waitpid(pack_zygote, 0)
        except ChildProcessError:
            pass
        _exit(0)
    if args.program:
        _preload_program(args.program)
    if args.pack:
        _preload_pack(args.pack)
    _serve(control, purge)
    _exit(0)
    return 0


def _exit(code: int) -> None:
    """End at once: nothing to flush, and tearing down everything imported would only delay the client."""
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
