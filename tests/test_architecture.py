"""The layout the README's Architecture section promises, checked: packages that say what they
own, small modules, no import circles, and one shared module between the two tools."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from paths import ROOT

TOOLS = ("sdistcheck", "retag")
SHARED = "sdistcheck.pipeline"


def _modules() -> dict[str, Path]:
    found = {}
    for tool in TOOLS:
        for path in sorted((ROOT / tool).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module of ours that NAME imports: at the top, in functions, under TYPE_CHECKING."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                out.add(target)  # a package's own __init__ is not an edge of its modules
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_package_says_what_it_owns() -> None:
    packages = [p for p in MODULES.values() if p.name == "__init__.py"]
    assert len(packages) >= 12
    for init in packages:
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(ROOT)} has no docstring"


def test_packages_and_modules_stay_small() -> None:
    per_package: dict[Path, int] = defaultdict(int)
    for path in MODULES.values():
        if path.name not in ("__init__.py", "__main__.py"):
            per_package[path.parent] += 1
        lines = len(path.read_text("utf-8").splitlines())
        assert lines <= 500, f"{path.relative_to(ROOT)}: {lines} lines"
    for package, count in per_package.items():
        assert count <= 15, f"{package.relative_to(ROOT)}: {count} modules"


def test_no_import_circles() -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for dep in sorted(GRAPH[name]):
            if state.get(dep) == 1:
                circle = [*path[path.index(dep) :], dep]
                pytest.fail("import circle: " + " -> ".join(circle))
            if dep not in state:
                visit(dep)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_retag_uses_only_the_shared_module_of_sdistcheck() -> None:
    for name, deps in GRAPH.items():
        if name.startswith("retag"):
            reached = {d for d in deps if d.startswith("sdistcheck")}
            assert reached <= {SHARED}, (name, reached)


def test_the_shared_module_depends_on_neither_tool() -> None:
    assert GRAPH[SHARED] == set()


def test_a_circle_is_found() -> None:
    # the checker itself: a two-module loop must be reported
    GRAPH["sdistcheck._model"].add("sdistcheck._errors")
    GRAPH["sdistcheck._errors"].add("sdistcheck._model")
    try:
        with pytest.raises(pytest.fail.Exception, match="import circle"):
            test_no_import_circles()
    finally:
        GRAPH["sdistcheck._model"].discard("sdistcheck._errors")
        GRAPH["sdistcheck._errors"].discard("sdistcheck._model")
