"""In-tree build backends (`backend-path`): which known backend a wrapper module re-exports.

Most in-tree backends are thin wrappers (ninja's `from scikit_build_core import build as
_orig; build_wheel = _orig.build_wheel`, pillow's `from setuptools.build_meta import *`): the
build is that backend's, plus whatever the wrapper changes.  A wrapper whose `build_wheel` is
the backend's (re-exported, or a function that hands over to it first thing, as cmake's retries
with a bootstrapped CMake) builds what the backend builds.  One that works first (mistral-vibe's
stages the Cargo manifest its `[tool.maturin]` names) may create the very inputs the backend's
configuration names, so its configuration is no evidence of what the sdist must hold.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass

from ..archive.tree import SdistTree

# The importable module of each known backend (the `[build-system] build-backend` values).
KNOWN_BACKENDS = {
    "maturin": "maturin",
    "setuptools.build_meta": "setuptools",
    "hatchling.build": "hatch",
    "mesonpy": "meson-python",
    "scikit_build_core.build": "scikit-build-core",
    "py_build_cmake.build": "py-build-cmake",
    "flit_core.buildapi": "flit",
    "pdm.backend": "pdm",
    "pdm.pep517.api": "pdm",
    "poetry.core.masonry.api": "poetry",
}
_MAX_MODULES = 8  # the wrapper and the in-tree modules it imports relatively


@dataclass(frozen=True)
class InTreeBackend:
    """What an in-tree backend module is: its file (None: not found) and the backend it wraps."""

    module: str  # the dotted module name of `build-backend`
    path: str | None  # its sdist path
    wraps: str | None  # the known backend it imports (a BACKENDS value), None when unknown
    line: int  # where it imports it (0 when unknown)
    delegates: bool = False  # its build_wheel is the wrapped backend's (see the module doc)


def resolve(tree: SdistTree, backend: str, backend_path: list[str]) -> InTreeBackend:
    """The in-tree backend BACKEND (`pkg.mod[:obj]`) found under the BACKEND_PATH folders."""
    module = backend.partition(":")[0].strip()
    path = _find(tree, module, backend_path)
    if path is None:
        return InTreeBackend(module, None, None, 0)
    found: dict[str, int] = {}
    todo, seen = [path], set[str]()
    while todo and len(seen) < _MAX_MODULES:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        tree_ = _parse(tree.read_text(current))
        if tree_ is None:
            continue
        for name, line, sibling in _imports(tree_, posixpath.dirname(current)):
            if sibling is not None:
                todo += [p for p in (f"{sibling}.py", f"{sibling}/__init__.py") if tree.is_file(p)]
            elif name in KNOWN_BACKENDS:
                found.setdefault(KNOWN_BACKENDS[name], line if current == path else 0)
    # a wrapper that imports two different backends picks at run time: no single answer
    wraps = next(iter(found)) if len(found) == 1 else None
    if wraps is None:
        return InTreeBackend(module, path, None, 0)
    top = _parse(tree.read_text(path))
    delegates = top is not None and _delegates(top, wraps)
    return InTreeBackend(module, path, wraps, found[wraps], delegates)


def _find(tree: SdistTree, module: str, backend_path: list[str]) -> str | None:
    rel = module.replace(".", "/")
    for folder in backend_path or [""]:
        base = posixpath.normpath(posixpath.join(folder, rel)).removeprefix("./")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if tree.is_file(candidate):
                return candidate
    return None


def _parse(text: str | None) -> ast.Module | None:
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _imports(module: ast.Module, folder: str) -> list[tuple[str, int, str | None]]:
    """(absolute module name, line, None) for each import anywhere in MODULE (wrappers often
    import their backend inside a function), and ("", line, sdist path without suffix) for each
    relative import of an in-tree module."""
    out: list[tuple[str, int, str | None]] = []
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.module, node.lineno, None))
            out += [(f"{node.module}.{a.name}", node.lineno, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
            out += [("", node.lineno, posixpath.join(folder, n.replace(".", "/"))) for n in names]
    return out


def _delegates(module: ast.Module, backend: str) -> bool:
    """Whether MODULE's last top-level binding of `build_wheel` is BACKEND's own."""
    modules = {name for name, known in KNOWN_BACKENDS.items() if known == backend}
    aliases: set[str] = set()  # names bound to the backend's module
    bound = False
    for node in _top_level(module.body):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                if f"{node.module}.{a.name}" in modules:
                    aliases.add(a.asname or a.name)
                elif node.module in modules and a.name in ("*", "build_wheel"):
                    bound = True
                elif (a.asname or a.name) == "build_wheel":
                    bound = False
        elif isinstance(node, ast.ImportFrom) and "build_wheel" in _names(node):
            bound = False  # a relative import: the wrapper's own
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "build_wheel" for t in node.targets
        ):
            bound = _is_backend_hook(node.value, aliases)
        elif isinstance(node, ast.FunctionDef) and node.name == "build_wheel":
            bound = _hands_over(node.body, aliases)
    return bound


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of BODY in order, with those in top-level if/try blocks."""
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, (ast.If, ast.Try)):
            out += _top_level(node.body)
            out += _top_level(node.orelse)
        else:
            out.append(node)
    return out


def _names(node: ast.ImportFrom) -> set[str]:
    return {a.asname or a.name for a in node.names}


def _is_backend_hook(value: ast.expr, aliases: set[str]) -> bool:
    """`alias.build_wheel`."""
    return (
        isinstance(value, ast.Attribute)
        and value.attr == "build_wheel"
        and isinstance(value.value, ast.Name)
        and value.value.id in aliases
    )


def _hands_over(body: list[ast.stmt], aliases: set[str]) -> bool:
    """Whether the first statement BODY runs (after a docstring and imports; into a `try`)
    calls `alias.build_wheel(...)`."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            continue
        if isinstance(node, ast.Try):
            return _hands_over(node.body, aliases)
        return any(
            isinstance(call, ast.Call) and _is_backend_hook(call.func, aliases)
            for call in ast.walk(node)
        )
    return False
