"""Which Python runs a project's program: ``Pulumi.yaml`` runtime options read as the Pulumi CLI reads them."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from preflight import environment
from preflight.environment import ProjectEnvError


def project(tmp_path: Path, runtime: str, *, main: str | None = None) -> Path:
    text = f"name: p\nruntime:\n{textwrap.indent(textwrap.dedent(runtime).strip(), '  ')}\n"
    if main:
        text += f"main: {main}\n"
    (tmp_path / "Pulumi.yaml").write_text(text)
    (tmp_path / "__main__.py").write_text("")
    return tmp_path


def test_without_options_the_program_runs_with_the_preflights_own_python(tmp_path):
    rt, python = environment.resolve(project(tmp_path, "name: python"))
    assert python.python == sys.executable and python.virtualenv is None and not python.created
    assert rt.program == tmp_path and rt.toolchain == "pip"
    rt, python = environment.resolve(project(tmp_path, "name: python\noptions:\n  toolchain: pip"))
    assert python.python == sys.executable


def test_an_existing_virtualenv_is_used_and_activated(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    _, python = environment.resolve(project(tmp_path, "name: python\noptions:\n  virtualenv: venv"))
    assert python.python == str(venv / "bin" / "python") and not python.created
    env = python.environ({"PATH": "/usr/bin", "PYTHONHOME": "/x", "HOME": "/root"})
    assert env["VIRTUAL_ENV"] == str(venv) and env["PATH"].startswith(str(venv / "bin"))
    assert "PYTHONHOME" not in env and env["HOME"] == "/root"


def test_a_directory_that_is_not_a_virtualenv_is_an_error_worded_as_the_clis(tmp_path):
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "leftover").write_text("")
    with pytest.raises(ProjectEnvError, match="set to 'venv', but .* doesn't appear to be a virtual environment"):
        environment.resolve(project(tmp_path, "name: python\noptions:\n  virtualenv: venv"))


@pytest.mark.parametrize("tool", ["uv", "poetry"])
def test_a_toolchain_that_is_not_installed_is_named_with_where_to_get_it(tmp_path, monkeypatch, tool):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ProjectEnvError, match=rf"asks for the {tool} toolchain, but `{tool}` is not on PATH; "
                                              rf"install it \(https://"):
        environment.resolve(project(tmp_path, f"name: python\noptions:\n  toolchain: {tool}"))


@pytest.mark.parametrize(("runtime", "message"), [
    ("name: nodejs", "runtime is 'nodejs'; the preflight runs Python programs only"),
    ("name: python\noptions:\n  toolchain: conda", "unsupported toolchain option: conda"),
    ("name: python\noptions:\n  virtualenv: [a]", "virtualenv must be a string"),
])
def test_runtime_options_the_cli_rejects_are_rejected(tmp_path, runtime, message):
    with pytest.raises(ProjectEnvError, match=message):
        environment.resolve(project(tmp_path, runtime))


def test_main_names_the_program_directory(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__main__.py").write_text("")
    rt, _ = environment.resolve(project(tmp_path, "name: python", main="src"))
    assert rt.program == tmp_path / "src" and rt.program_dir == tmp_path / "src"
    with pytest.raises(ProjectEnvError, match="main 'nowhere' does not exist"):
        environment.resolve(project(tmp_path, "name: python", main="nowhere"))


def test_a_failing_command_is_quoted_with_its_last_lines(tmp_path):
    script = "import sys\nfor i in range(40): print(f'line {i}')\nsys.exit(3)"
    with pytest.raises(ProjectEnvError) as info:
        environment._run([sys.executable, "-c", script], cwd=tmp_path, what="installing")
    message = str(info.value)
    assert message.startswith(f"installing: `{Path(sys.executable).name} -c ")
    assert "exited with 3; its last lines:\n    line 25\n" in message and message.endswith("line 39")
    assert "line 24" not in message
