"""Projects whose virtualenv the preflight creates from their requirements, as ``pulumi install`` does, without
downloading ``pulumi`` and ``pulumi_aws`` (270 MB) into every one: a wheel, made on the spot, whose ``.pth`` file
puts this interpreter's site-packages on the new virtualenv's path. It is installed by the project's own
``pip install -r requirements.txt``, so nothing in the preflight knows about it, and the program still cannot import
a package its requirements do not install."""

from __future__ import annotations

import base64
import hashlib
import shutil
import sysconfig
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: What of the repository its package (pyproject.toml's [project]) is built from.
PACKAGE_SOURCES = ("pyproject.toml", "components", "contract")


def host_site_wheel(directory: Path) -> Path:
    """A wheel holding only a ``.pth`` file with this interpreter's site-packages."""
    name, version = "preflight_host_site", "1.0"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.pth": sysconfig.get_paths()["purelib"] + "\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: preflight-host-site\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    return wheel


def package_source(directory: Path) -> Path:
    """A copy of what the repository's package is built from, so that building it writes nothing into the
    checkout."""
    for name in PACKAGE_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, directory / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            directory.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, directory / name)
    return directory


def without_sdks(requirements: str) -> str:
    """``requirements`` without the Pulumi SDK pins, which the host-site wheel provides."""
    return "".join(line for line in requirements.splitlines(keepends=True)
                   if not line.startswith(("pulumi==", "pulumi-aws==", "pulumi-eks==")))
