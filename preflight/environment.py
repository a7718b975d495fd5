"""The Python environment a project's program runs in, chosen the way the Pulumi CLI's Python language host does.

``Pulumi.yaml`` declares it under ``runtime.options``:

- no ``virtualenv`` and no ``toolchain`` (or ``toolchain: pip`` without ``virtualenv``): the CLI runs the program
  with the ``python3`` on PATH. The preflight runs it with its own interpreter, as it always did.
- ``toolchain: pip`` (the default) with ``virtualenv: DIR``: ``DIR/bin/python`` (``DIR`` relative to the project
  root). When ``DIR`` is missing or empty it is created as ``pulumi install`` creates it: ``python -m venv DIR``,
  ``pip install --upgrade pip setuptools wheel``, then ``pip install -r requirements.txt`` in the program directory
  when that file exists. A non-empty ``DIR`` without ``bin/python`` is an error, worded as the CLI words it. The base
  interpreter is ``PULUMI_PYTHON_CMD`` when set (as for the CLI), else the preflight's own interpreter: the CLI
  would take ``python3`` from PATH, but the recorder needs a Python the preflight supports.
- ``toolchain: uv``: needs ``uv`` on PATH. The environment is ``virtualenv`` when given, else ``.venv`` next to the
  nearest ``uv.lock`` or ``pyproject.toml`` above the project, else ``.venv`` in the project. When it is missing:
  ``uv sync`` (with ``UV_PROJECT_ENVIRONMENT``) for a project with ``uv.lock`` or ``pyproject.toml``; for a project
  with only ``requirements.txt`` the CLI would run ``uv init`` and ``uv add -r requirements.txt``, which rewrites the
  project's files, so the preflight creates the same environment with ``uv venv`` and ``uv pip install -r``.
- ``toolchain: poetry``: needs ``poetry`` on PATH; the environment is ``poetry env info --path`` in the program
  directory, created with ``poetry install --no-ansi`` when poetry has none.

The program then runs as ``<env>/bin/python`` with the environment activated (``VIRTUAL_ENV`` set, its ``bin`` first
on ``PATH``, ``PYTHONHOME`` removed). The policy pack keeps running in the preflight's own environment.

Everything that can go wrong raises ``ProjectEnvError`` with one message for the user: the tool that is missing,
or the command that failed with the last lines of its output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TOOLCHAINS = ("pip", "uv", "poetry")
_TAIL_LINES = 15
_BIN = "Scripts" if os.name == "nt" else "bin"
_PYTHON = "python.exe" if os.name == "nt" else "python"


class ProjectEnvError(Exception):
    """The project's Python environment cannot be found or made; the message says why and what to do."""


@dataclass(frozen=True)
class PythonEnv:
    """How to start the project's Python: the interpreter and the environment variables to change."""

    python: str
    description: str  # for messages: "the preflight's own Python (...)" or "the virtualenv .venv (pip)"
    virtualenv: Path | None = None
    created: bool = False
    env: Mapping[str, str | None] = field(default_factory=dict)  # None removes the variable

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        out = dict(base)
        for key, value in self.env.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out


@dataclass(frozen=True)
class Runtime:
    """``Pulumi.yaml``'s ``runtime`` and ``main``, read for Python projects."""

    root: Path
    program: Path  # what the language host runs: a directory with __main__.py, or a file
    toolchain: str
    virtualenv: str | None

    @property
    def program_dir(self) -> Path:
        return self.program if self.program.is_dir() else self.program.parent


def read_runtime(project_dir: Path) -> Runtime:
    """The runtime options of the project in ``project_dir``; errors name ``Pulumi.yaml`` and the option."""
    try:
        data = yaml.safe_load((project_dir / "Pulumi.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ProjectEnvError(f"Pulumi.yaml: cannot be read ({exc})") from None
    runtime: Any = data.get("runtime") if isinstance(data, dict) else None
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise ProjectEnvError(f"Pulumi.yaml: runtime is {name!r}; the preflight runs Python programs only")
    options = (runtime.get("options") if isinstance(runtime, dict) else None) or {}
    if not isinstance(options, dict):
        raise ProjectEnvError("Pulumi.yaml: runtime.options must be a mapping")
    virtualenv = options.get("virtualenv")
    if virtualenv is not None and not isinstance(virtualenv, str):
        raise ProjectEnvError("Pulumi.yaml: runtime.options.virtualenv must be a string")
    toolchain = options.get("toolchain", "pip")
    if toolchain not in TOOLCHAINS:
        raise ProjectEnvError(f"Pulumi.yaml: unsupported toolchain option: {toolchain} (use pip, uv or poetry)")
    main = data.get("main")
    program = (project_dir / main).resolve() if isinstance(main, str) and main else project_dir
    if not program.exists():
        raise ProjectEnvError(f"Pulumi.yaml: main {main!r} does not exist in {project_dir}")
    if program.is_dir() and not (program / "__main__.py").is_file():
        raise ProjectEnvError(f"no __main__.py in the program directory {program}")
    return Runtime(root=project_dir, program=program, toolchain=toolchain, virtualenv=virtualenv or None)


def own_python() -> PythonEnv:
    return PythonEnv(python=sys.executable, description=f"the preflight's own Python ({sys.executable})")


def is_virtualenv(path: Path) -> bool:
    return (path / _BIN / _PYTHON).is_file()


def _activated(venv: Path) -> dict[str, str | None]:
    path = os.environ.get("PATH", "")
    return {"VIRTUAL_ENV": str(venv), "PATH": os.pathsep.join(filter(None, [str(venv / _BIN), path])),
            "PYTHONHOME": None}


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join("    " + line for line in lines[-_TAIL_LINES:])


def _run(command: list[str], *, cwd: Path, env: Mapping[str, str | None] | None = None, what: str) -> None:
    full = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    try:
        proc = subprocess.run(command, cwd=cwd, env=full, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except OSError as exc:
        raise ProjectEnvError(f"{what}: cannot run {command[0]} ({exc})") from None
    if proc.returncode != 0:
        shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command))
        raise ProjectEnvError(f"{what}: `{shown}` exited with {proc.returncode}; its last lines:\n"
                              f"{_tail(proc.stdout + proc.stderr)}")


def _tool(name: str, toolchain_help: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ProjectEnvError(f"Pulumi.yaml asks for the {name} toolchain, but `{name}` is not on PATH; "
                              f"install it ({toolchain_help}) or run the preflight where it is installed")
    return found


def _base_python() -> str:
    wanted = os.environ.get("PULUMI_PYTHON_CMD")
    if wanted:
        found = shutil.which(wanted)
        if not found:
            raise ProjectEnvError(f"PULUMI_PYTHON_CMD is {wanted!r}, which is not on PATH")
        return found
    return sys.executable


def _searchup(start: Path, name: str) -> Path | None:
    for directory in [start, *start.parents]:
        if (directory / name).exists():
            return directory
    return None


Log = Callable[[str], None]


def _pip_env(rt: Runtime, log: Log) -> PythonEnv:
    assert rt.virtualenv is not None
    venv = Path(rt.virtualenv) if Path(rt.virtualenv).is_absolute() else rt.root / rt.virtualenv
    label = f"the virtualenv {rt.virtualenv} (pip)"
    created = False
    if not is_virtualenv(venv):
        if venv.exists() and not venv.is_dir():
            raise ProjectEnvError(f"the 'virtualenv' option in Pulumi.yaml is set to {rt.virtualenv!r} but {venv} "
                                  "is not a directory")
        if venv.is_dir() and any(venv.iterdir()):
            raise ProjectEnvError(
                f"the 'virtualenv' option in Pulumi.yaml is set to {rt.virtualenv!r}, but {venv} doesn't appear to "
                f"be a virtual environment; remove it, or create it with:\n    python3 -m venv {venv}\n"
                f"    {venv / _BIN / _PYTHON} -m pip install -r requirements.txt")
        what = f"creating {label} for {rt.root.name}"
        requirements = rt.program_dir / "requirements.txt"
        log(f"creating the project's virtualenv {venv} "
            f"({'pip install -r requirements.txt' if requirements.is_file() else 'no requirements.txt'})")
        _run([_base_python(), "-m", "venv", str(venv)], cwd=rt.root, what=what)
        python = str(venv / _BIN / _PYTHON)
        env = _activated(venv)
        _run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip", "setuptools", "wheel"],
             cwd=rt.program_dir, env=env, what=what)
        if requirements.is_file():
            _run([python, "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=rt.program_dir, env=env,
                 what=what)
        created = True
    return PythonEnv(python=str(venv / _BIN / _PYTHON), description=f"{label} at {venv}", virtualenv=venv,
                     created=created, env=_activated(venv))


def _uv_env(rt: Runtime, log: Log) -> PythonEnv:
    uv = _tool("uv", "https://docs.astral.sh/uv/")
    if rt.virtualenv:
        venv = Path(rt.virtualenv) if Path(rt.virtualenv).is_absolute() else rt.root / rt.virtualenv
    else:
        anchor = _searchup(rt.root, "uv.lock") or _searchup(rt.root, "pyproject.toml") or rt.root
        venv = anchor / ".venv"
    label = f"the uv environment {venv}"
    created = False
    if not is_virtualenv(venv):
        what = f"creating {label}"
        uv_env = {"UV_PROJECT_ENVIRONMENT": str(venv)}
        if _searchup(rt.program_dir, "uv.lock") or _searchup(rt.program_dir, "pyproject.toml"):
            log(f"creating the project's environment {venv} (uv sync)")
            _run([uv, "sync"], cwd=rt.program_dir, env=uv_env, what=what)
        else:
            log(f"creating the project's environment {venv} (uv venv, uv pip install -r requirements.txt)")
            _run([uv, "venv", "--quiet", str(venv)], cwd=rt.program_dir, env=uv_env, what=what)
            if (rt.program_dir / "requirements.txt").is_file():
                _run([uv, "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=rt.program_dir,
                     env=_activated(venv), what=what)
        created = True
    return PythonEnv(python=str(venv / _BIN / _PYTHON), description=label, virtualenv=venv, created=created,
                     env=_activated(venv))


def _poetry_path(poetry: str, rt: Runtime) -> Path | None:
    proc = subprocess.run([poetry, "env", "info", "--path"], cwd=rt.program_dir, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    path = proc.stdout.strip()
    return Path(path) if proc.returncode == 0 and path else None


def _poetry_env(rt: Runtime, log: Log) -> PythonEnv:
    poetry = _tool("poetry", "https://python-poetry.org/docs/")
    venv = _poetry_path(poetry, rt)
    created = False
    if venv is None or not is_virtualenv(venv):
        log("creating the project's environment (poetry install)")
        _run([poetry, "install", "--no-ansi"], cwd=rt.program_dir, what="creating the poetry environment")
        venv = _poetry_path(poetry, rt)
        if venv is None or not is_virtualenv(venv):
            raise ProjectEnvError("`poetry install` succeeded but `poetry env info --path` names no environment")
        created = True
    return PythonEnv(python=str(venv / _BIN / _PYTHON), description=f"the poetry environment {venv}",
                     virtualenv=venv, created=created, env=_activated(venv))


def resolve(project_dir: Path, log: Log = lambda message: None) -> tuple[Runtime, PythonEnv]:
    """The project's runtime and the Python to run its program with, made first when it is missing."""
    rt = read_runtime(project_dir)
    if rt.toolchain == "uv":
        return rt, _uv_env(rt, log)
    if rt.toolchain == "poetry":
        return rt, _poetry_env(rt, log)
    if rt.virtualenv is None:
        return rt, own_python()
    return rt, _pip_env(rt, log)


def child_pythonpath(workdir: Path) -> Path:
    """A directory holding only the ``preflight`` package, for the recorder's ``PYTHONPATH``.

    The recorder runs in the project's environment; putting the whole repository on its path would let the
    program import this repository's other modules by accident.
    """
    target = workdir / "pythonpath"
    link = target / "preflight"
    if not link.exists():  # stacks run side by side: another may be making it now
        target.mkdir(parents=True, exist_ok=True)
        source = Path(__file__).resolve().parent
        try:
            link.symlink_to(source, target_is_directory=True)
        except FileExistsError:
            pass
        except OSError:  # no symlinks here: a copy
            shutil.copytree(source, link, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    return target
