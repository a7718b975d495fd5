"""What a Python program will import, read from its source without running it, so a process can import it first.

The preflight's zygote (``preflight.zygote``) imports once what every stack's program and every stack's pack would
import, then forks one child per stack. What to import is found statically, from the entry file and the local
modules it imports (transitively): every module outside the program's own directory, and for Pulumi packages the
submodules the code reaches by attribute (``aws.ec2.SecurityGroup`` → ``pulumi_aws.ec2``), since Pulumi packages
load their submodules lazily on first use and that first use is most of their cost. The program's own modules are
found too, with the graph of which imports which (``scan_graph``), so that a process that imported them can tell
which ones a changed file makes stale: the changed module and every module that imports it.

Only plain ``import``/``from`` statements and attribute chains on the names they bind are understood; anything
missed is simply imported by the child when it runs, as it would have been without a zygote.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LAZY_PACKAGES = ("pulumi_",)
"""Top-level packages whose submodules load lazily on attribute access (Pulumi's generated SDKs)."""


def _module_file(name: str, roots: Iterable[Path]) -> Path | None:
    """The file of local module ``name`` under one of ``roots`` (a package's ``__init__.py``), if any."""
    parts = name.split(".")
    for root in roots:
        base = root.joinpath(*parts)
        if "site-packages" in base.parts:
            continue
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _package_of(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts)
    return ".".join(parts[:-1])


def scan(entries: Iterable[Path], roots: Iterable[Path]) -> tuple[list[str], list[str]]:
    """(third-party modules to import, local modules) reachable from the ``entries`` files, local modules being
    those found under ``roots`` (the directories on the program's own ``sys.path``)."""
    found = scan_graph(entries, roots)
    return found.outside, found.local


@dataclass
class Scan:
    outside: list[str]
    """Modules from outside the roots (third-party and standard library), and Pulumi submodules reached."""
    local: list[str]
    """Modules under the roots, in the order found."""
    imports: dict[str, set[str]]
    """Local module → the local modules it imports."""
    dynamic: bool
    """Whether some local file imports by other means than import statements (``importlib``, ``__import__``)."""

    def importers(self, changed: Iterable[str]) -> set[str]:
        """``changed`` and every local module that imports one of them, directly or not."""
        reverse: dict[str, set[str]] = {}
        for module, imported in self.imports.items():
            for name in imported:
                reverse.setdefault(name, set()).add(module)
        out, todo = set(), list(changed)
        while todo:
            name = todo.pop()
            if name in out:
                continue
            out.add(name)
            todo.extend(reverse.get(name, ()))
        return out


def scan_graph(entries: Iterable[Path], roots: Iterable[Path]) -> Scan:
    """What ``scan`` finds, with the local import graph."""
    roots = [Path(r).resolve() for r in roots]
    outside: dict[str, None] = {}
    local: dict[str, None] = {}
    imports: dict[str, set[str]] = {}
    dynamic = False
    seen: set[Path] = set()
    todo = [Path(e).resolve() for e in entries]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        tree = _parse(path)
        if tree is None:
            continue
        root = next((r for r in roots if path.is_relative_to(r)), None)
        package = _package_of(path, root) if root else ""
        this = _module_name(path, root) if root else ""
        edges = imports.setdefault(this, set())
        aliases: dict[str, str] = {}  # name bound in this file → module it names (for attribute chains)

        def found(module: str, *, _aliases: dict[str, str] = aliases, _edges: set[str] = edges) -> None:
            if not module or module == "__future__":
                return
            local_file = _module_file(module, roots)
            if local_file is not None:
                local[module] = None
                _edges.add(module)
                todo.append(local_file.resolve())
                # a local package's parents are imported too
                parent = module.rpartition(".")[0]
                while parent:
                    parent_file = _module_file(parent, roots)
                    if parent_file is not None:
                        local[parent] = None
                        todo.append(parent_file.resolve())
                    parent = parent.rpartition(".")[0]
            else:
                outside[module] = None

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found(alias.name)
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                        alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".") if package else []
                    base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                found(module)
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    child = f"{module}.{alias.name}" if module else alias.name
                    if _module_file(child, roots) is not None or module.startswith(LAZY_PACKAGES):
                        found(child)
                    aliases[alias.asname or alias.name] = child
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (
                    isinstance(node.func, ast.Name) and node.func.id == "__import__"
                    or isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"):
                dynamic = True
        for node in ast.walk(tree):  # attribute chains on imported Pulumi packages: aws.ec2.X → pulumi_aws.ec2
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module = aliases.get(node.value.id)
                if module and module.split(".")[0].startswith(LAZY_PACKAGES):
                    outside[f"{module}.{node.attr}"] = None
    imports.pop("", None)
    return Scan(list(outside), list(local), imports, dynamic)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def load(modules: Iterable[str]) -> list[str]:
    """Import each module (third-party ones; a Pulumi package's lazily loaded submodule is loaded for real).
    Names that are not modules (``pulumi_aws.Provider``) or fail to import are skipped; returns those imported."""
    done = []
    for name in modules:
        top = name.split(".")[0]
        try:
            if importlib.util.find_spec(top) is None:
                continue
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not a module, or one that fails: the child will import it itself
            continue
        if top.startswith(LAZY_PACKAGES):
            getattr(module, "__all__", None)  # any ordinary attribute makes a lazily loaded module load
        done.append(name)
    return done


def local_modules(roots: Iterable[Path], keep: Iterable[Path] = ()) -> list[str]:
    """Names in ``sys.modules`` whose file lies under one of ``roots`` but under none of ``keep``."""
    roots = [Path(r).resolve() for r in roots]
    keep = [Path(k).resolve() for k in keep]
    out = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file:
            continue
        try:
            path = Path(file).resolve()
        except (OSError, ValueError):
            continue
        if "site-packages" in path.parts or "dist-packages" in path.parts:
            continue  # an environment inside the project directory is not the project
        if any(path.is_relative_to(r) for r in roots) and not any(path.is_relative_to(k) for k in keep):
            out.append(name)
    return out
