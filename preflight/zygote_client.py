"""The preflight's side of ``preflight.zygote``: start a zygote, ask it for children, and watch them end.

``Zygote.start`` runs ``python -m preflight.zygote`` (one process tree for the program and the pack when both are
given), ``Zygote.fork`` asks for a child with its pipes, and ``ForkedProcess`` gives the caller what it uses of
``subprocess.Popen``: ``stdout``, ``stderr``, ``pid``, ``poll``, ``wait``, ``terminate``, ``kill``. A zygote that
goes away takes its children with it: their ``wait`` returns as if they were killed.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_MAX_MESSAGE = 1 << 16


class ForkedProcess:
    """A zygote's child, with what the preflight uses of ``subprocess.Popen``."""

    def __init__(self, zygote: Zygote, stdout: io.BufferedReader, stderr: io.BufferedReader) -> None:
        self._zygote = zygote
        self.stdout, self.stderr = stdout, stderr
        self.pid = 0
        self.returncode: int | None = None
        self._started = threading.Event()
        self._ended = threading.Event()

    def started(self, timeout: float) -> bool:
        """Wait until the zygote has forked the child (it may still be busy warming up); whether it has."""
        return self._started.wait(timeout)

    def _exited(self, status: int) -> None:
        self.returncode = status
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired("zygote child", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        self._started.wait(30)
        if self.pid and self.returncode is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ZygoteError(Exception):
    """The zygote is gone or refused a request; the caller falls back to starting processes itself."""


class Zygote:
    """One zygote process (serving one or both roles) and its control socket, used from many threads."""

    def __init__(self, control: socket.socket, process: subprocess.Popen[bytes] | None, roles: Sequence[str]) -> None:
        self.control = control
        self.process = process
        self.roles = tuple(roles)
        self._lock = threading.Lock()
        self._next = 0
        self._pending: dict[int, ForkedProcess] = {}
        self._by_pid: dict[int, ForkedProcess] = {}
        self._early: dict[int, int] = {}  # pid → status, when the exit came before the pid was matched
        self._alive = True
        self._reader = threading.Thread(target=self._read, daemon=True, name="zygote-reader")
        self._reader.start()

    @classmethod
    def start(cls, python: str, *, env: Mapping[str, str], cwd: Path, program: Path | None = None,
              pack: Path | None = None) -> dict[str, Zygote]:
        """Start a zygote for ``program`` and/or ``pack`` with ``python``: the role → zygote map (both roles share a
        process tree when both are given)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [python, "-m", "preflight.zygote", "--control", str(theirs.fileno())]
        fds = [theirs.fileno()]
        pack_pair = None
        if program is not None:
            command += ["--program", str(program)]
        if pack is not None:
            command += ["--pack", str(pack)]
        if program is not None and pack is not None:
            pack_pair = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            command += ["--pack-control", str(pack_pair[1].fileno())]
            fds.append(pack_pair[1].fileno())
        process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=fds)
        theirs.close()
        if pack_pair is not None:
            pack_pair[1].close()
            return {"program": cls(ours, process, ["program"]), "pack": cls(pack_pair[0], None, ["pack"])}
        roles = [r for r, given in (("program", program), ("pack", pack)) if given is not None]
        zygote = cls(ours, process, roles)
        return {role: zygote for role in roles}

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self.control.recv(_MAX_MESSAGE)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                self._dispatch(json.loads(line))
        with self._lock:
            self._alive = False
            waiting = list(self._pending.values()) + [p for p in self._by_pid.values() if p.returncode is None]
        for child in waiting:  # the zygote is gone: so are its children
            child._started.set()
            child._exited(child.returncode if child.returncode is not None else -signal.SIGKILL)

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self._lock:
            if "id" in message:
                child = self._pending.pop(message["id"], None)
                if child is None:
                    return
                child.pid = message["pid"]
                self._by_pid[child.pid] = child
                early = self._early.pop(child.pid, None)
                child._started.set()
                if early is not None:
                    child._exited(early)
            else:
                child = self._by_pid.pop(message["pid"], None)
                if child is None:
                    self._early[message["pid"]] = message["status"]
                    return
                child._exited(message["status"])

    def fork(self, module: str, *, argv: Sequence[str], cwd: Path, env: Mapping[str, str],
             path: Sequence[str], extra_fds: Sequence[int] = ()) -> ForkedProcess:
        """A child running ``python -m module`` as ``argv`` would (``argv[0]`` is replaced as Python does), with
        ``path`` first on ``sys.path`` (the working directory, then ``PYTHONPATH``'s entries). ``extra_fds`` become
        the child's file descriptors 3, 4, ... (the caller keeps and closes its own copies)."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        child = ForkedProcess(self, os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb"))
        with self._lock:
            if not self._alive:
                for fd in (out_w, err_w):
                    os.close(fd)
                raise ZygoteError("the zygote has exited")
            self._next += 1
            request = {"id": self._next, "role": self.roles[0], "module": module, "argv": list(argv),
                       "cwd": str(cwd), "env": dict(env), "path": list(path)}
            self._pending[self._next] = child
            payload = json.dumps(request).encode()
            try:
                if len(payload) > _MAX_MESSAGE:
                    raise ZygoteError("request too large for the zygote")
                socket.send_fds(self.control, [payload], [out_w, err_w, *extra_fds])
            except OSError as exc:
                self._pending.pop(self._next, None)
                raise ZygoteError(f"the zygote does not answer ({exc})") from None
            finally:
                os.close(out_w)
                os.close(err_w)
        return child

    def hang_up(self) -> None:
        """Close the control socket: the zygote stops its children and exits."""
        try:
            self.control.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.control.close()

    def close(self) -> None:
        self.hang_up()
        if self.process is not None:
            # Waited for without polling (a wait with a timeout polls); killed if it has not ended within 5 s.
            watchdog = threading.Timer(5, self.process.kill)
            watchdog.start()
            self.process.wait()
            watchdog.cancel()
        self._reader.join(timeout=2)
