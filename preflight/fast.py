"""The preflight's fast path: warm processes forked per stack, and the pack asked while the program runs.

Two things make a stack's check cost about what running its program costs:

- **Zygotes** (``preflight.zygote``): one warm process imports once what every recorder needs (``pulumi``, the
  ``pulumi_aws`` modules the program uses, ``botocore``, the preflight's engine) and one what every pack needs
  (``pulumi_policy``, the policies, their data), then forks a child per stack. When the program's Python is the
  preflight's own, both are one process tree sharing what they have in common. The children are the same programs
  the subprocess path starts (``python -m preflight.record``, ``python -u -m pulumi.policy``), with the same working
  directory, environment, arguments and module path.
- **Streaming analysis** (``StreamingAnalysis``): the recorder writes each registration as it is recorded; the pack,
  started and configured meanwhile, is asked ``Analyze`` about it at once. After the program ends, the preflight
  builds every request from the finished recording exactly as before and uses an earlier answer only when the
  request is byte for byte the same (a value invented later, an output that changed: asked again). ``AnalyzeStack``
  needs the whole stack and is asked at the end, as the engine does.

``PREFLIGHT_FAST=0`` turns both off: a new interpreter per recorder and per pack, the pack asked after the program
ended (the reference the tests compare the fast path with). Without ``socket.send_fds`` (not Unix) the fast path is
off too.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from preflight import analyzer, environment, invented, zygote_client

SWITCH = "PREFLIGHT_FAST"


def enabled() -> bool:
    """Whether the fast path is on (``PREFLIGHT_FAST`` unset or not ``0``, and the platform can pass pipes)."""
    return os.environ.get(SWITCH, "1") != "0" and os.name == "posix" and hasattr(socket, "send_fds")


def same_environment(python: environment.PythonEnv) -> bool:
    """Whether the program's Python environment is the preflight's own (one zygote can then serve both)."""
    mine = Path(sys.prefix).resolve()
    theirs = Path(python.virtualenv).resolve() if python.virtualenv else mine
    return theirs == mine


def _pythonpath(env: Mapping[str, str]) -> list[str]:
    return [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]


class Warm:
    """The zygotes of one preflight run (or of a ``--watch`` session), started at once and used by every stack."""

    def __init__(self, runtime: environment.Runtime, python: environment.PythonEnv, pack_dir: Path,
                 workdir: Path, keep_packs: bool = False) -> None:
        self.runtime, self.python, self.pack_dir = runtime, python, pack_dir
        self.packs: dict[tuple[Any, ...], analyzer.PolicyPackProcess] | None = {} if keep_packs else None
        """Each stack's pack, kept between checks (``--watch``), by the settings it was started with."""
        self._lock = threading.Lock()
        pythonpath = str(environment.child_pythonpath(workdir))
        program_env = python.environ(os.environ)
        program_env["PYTHONPATH"] = os.pathsep.join([pythonpath, *_pythonpath(program_env)])
        own_env = dict(os.environ)
        own_env["PYTHONPATH"] = os.pathsep.join([pythonpath, *_pythonpath(own_env)])
        self.zygotes: dict[str, zygote_client.Zygote] = {}
        start = zygote_client.Zygote.start
        try:
            if same_environment(python):
                self.zygotes = start(python.python, env=program_env, cwd=runtime.program_dir, program=runtime.program,
                                     pack=pack_dir)
            else:
                self.zygotes.update(start(python.python, env=program_env, cwd=runtime.program_dir,
                                          program=runtime.program))
                self.zygotes.update(start(sys.executable, env=own_env, cwd=pack_dir, pack=pack_dir))
        except OSError:
            self.close()

    def fork_recorder(self, argv: list[str], env: Mapping[str, str], events_fd: int) -> Any:
        """``python -m preflight.record`` forked from the warm recorder; ZygoteError when there is none."""
        program = self.zygotes.get("program")
        if program is None:
            raise zygote_client.ZygoteError("no zygote")
        cwd = self.runtime.program_dir
        return program.fork("preflight.record", argv=["-m", *argv], cwd=cwd, env=env,
                            path=[str(cwd), *_pythonpath(env)], extra_fds=[events_fd])

    def pack_launcher(self) -> analyzer.Launcher | None:
        pack = self.zygotes.get("pack")
        if pack is None:
            return None

        def launch(pack_dir: Path, env: dict[str, str]) -> Any:
            try:
                return pack.fork("pulumi.policy", argv=["-m", analyzer.ENGINE_ADDRESS, "."], cwd=pack_dir, env=env,
                                 path=[str(pack_dir), *_pythonpath(env)])
            except zygote_client.ZygoteError:
                return analyzer.PolicyPackProcess.popen(pack_dir, env)

        return launch

    def pack(self, make: Any, key: tuple[Any, ...]) -> analyzer.PolicyPackProcess:
        """The kept pack started with these settings (``key``) if it still runs, else ``make()`` (kept when packs are
        kept)."""
        if self.packs is None:
            return make()
        with self._lock:
            pack = self.packs.get(key)
            if pack is not None and pack.proc is not None and pack.proc.poll() is None:
                return pack
            pack = self.packs[key] = make()
            return pack

    def kept(self, pack: analyzer.PolicyPackProcess) -> bool:
        return self.packs is not None and any(p is pack for p in self.packs.values())

    def close(self) -> None:
        for pack in (self.packs or {}).values():
            pack.close()
        if self.packs is not None:
            self.packs = {}
        zygotes = list({id(z): z for z in self.zygotes.values()}.values())
        for z in zygotes:  # all hung up first: the program's zygote waits for the pack's, its child, to end
            z.hang_up()
        for z in zygotes:
            z.close()
        self.zygotes = {}


class StreamingAnalysis:
    """Asks a stack's pack ``Analyze`` about each registration as the recorder reports it.

    ``feed`` takes the recorder's event lines; ``finish`` returns the configured pack's ``prepare`` result and the
    answers so far, for ``analyzer.analyze_recording`` to use where its requests are the same.
    """

    def __init__(self, pack: analyzer.PolicyPackProcess, head: Mapping[str, Any], workers: int) -> None:
        self.pack = pack
        policy_config, source, self.config_source = analyzer.stack_policy_config(pack.pack_dir, head["stack"])
        self.view = analyzer.EngineView(head)
        self.invented = invented.Invented()
        self.pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix=f"analyze-{head['stack']}")
        self.answers: dict[str, tuple[bytes, Future[Any]]] = {}
        self.broken = False
        self.forked_at = 0.0  # when the recorder started (perf_counter), set by whoever starts it
        self.prepared: Future[Any] = self.pool.submit(analyzer.prepare, pack, policy_config, source)
        self._ask(self.view.root)

    def _ask(self, res: Any) -> None:
        request = analyzer.analyze_request(res, self.view.index)
        self.answers[res.urn] = (analyzer.request_key(request), self.pool.submit(self._call, request))

    def _call(self, request: Any) -> Any:
        self.prepared.result()
        return self.pack.call("Analyze", request, request.urn)

    def feed(self, line: bytes) -> None:
        if self.broken:
            return
        try:
            event = json.loads(line)
            self.invented.update(event.get("invented") or {})
            raw = event["registration"]
            shown = {**raw, "inputs": self.invented.conceal(raw["urn"], raw.get("inputs") or {}, note=False)}
            body, made = self.view.add(shown)
        except (ValueError, KeyError, TypeError):
            self.broken = True  # the answers are only a head start: the analysis asks whatever is missing
            return
        if made is not None:
            self._ask(made)
        self._ask(body)

    def read(self, stream: Any) -> None:
        """Feed every line of ``stream`` (the recorder's events pipe) until it closes."""
        for line in stream:
            self.feed(line)

    def finish(self) -> tuple[Any, dict[str, tuple[bytes, Any]]]:
        """(the pack's ``prepare`` result or None if that failed, URN → (request key, answer) of answered ones)."""
        try:
            prepared = self.prepared.result()
        except Exception:  # noqa: BLE001 - the analysis prepares the pack again and reports what fails
            prepared = None
        answered = {}
        for urn, (key, future) in self.answers.items():
            try:
                answered[urn] = (key, future.result())
            except Exception:  # noqa: BLE001 - asked again by the analysis, which reports the failure
                continue
        return prepared, answered

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def reader(target: Any, stream: Any) -> threading.Thread:
    thread = threading.Thread(target=target, args=(stream,), daemon=True)
    thread.start()
    return thread
