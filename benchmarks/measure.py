"""Running a command and measuring it: wall time, CPU time of the whole process tree, and memory.

Memory is sampled every 50 ms over the command's process tree (the command and every descendant, found through
/proc): ``peak_pss`` is the largest sum of the processes' proportional set sizes (a page shared by k processes counts
1/k in each, so forked children that share their parent's memory are not counted k times), ``peak_rss`` the largest
resident set of any one process. CPU time is the user+system time of the command and every descendant it waited
for (``wait4``), so work done in forked children is counted too.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    wall: float
    cpu: float
    peak_pss: float  # MB
    peak_rss: float  # MB
    returncode: int
    stdout: str
    stderr: str


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(root: int) -> list[int]:
    tree = _children()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(tree.get(pid, ()))
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(Pss, Rss) of a process in kB; (0, 0) when it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def run(command: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None,
        sample: bool = True, timeout: float = 1800) -> Run:
    started = time.perf_counter()
    proc = subprocess.Popen(list(command), cwd=cwd, env=dict(env) if env is not None else None,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = {"pss": 0, "rss": 0}
    done = threading.Event()
    out: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        out[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s), daemon=True)
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for r in readers:
        r.start()

    def sampler() -> None:
        while not done.is_set():
            total = 0
            for pid in _descendants(proc.pid):
                pss, rss = _memory(pid)
                total += pss
                peak["rss"] = max(peak["rss"], rss)
            peak["pss"] = max(peak["pss"], total)
            done.wait(0.05)

    watcher = threading.Thread(target=sampler, daemon=True)
    if sample:
        watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join(timeout)
    if sample:
        watcher.join()
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_pss=peak["pss"] / 1024,
               peak_rss=peak["rss"] / 1024, returncode=proc.returncode,
               stdout=out.get("stdout", b"").decode(errors="replace"),
               stderr=out.get("stderr", b"").decode(errors="replace"))


def best(runs: Sequence[Run]) -> Run:
    """The least disturbed run (the machine is shared): the one with the least wall time, with the least memory
    and CPU seen over all runs."""
    fastest = min(runs, key=lambda r: r.wall)
    return Run(wall=fastest.wall, cpu=min(r.cpu for r in runs), peak_pss=min(r.peak_pss for r in runs),
               peak_rss=min(r.peak_rss for r in runs), returncode=fastest.returncode, stdout=fastest.stdout,
               stderr=fastest.stderr)
