"""Build commands that replace the extensions setup.py declares before they compile anything.

h5py 3.16's setup.py passes `Extension('h5py.x', ['x.c'])` "to trick build into running
build_ext", and its build_ext (in the sdist's own `setup_build.py`) sets `self.extensions =
cythonize(...)` in `run`: `x.c` is never compiled.  Where a build command of setup.py's
`cmdclass` assigns the extension list, the sources setup.py declares are not what the build
certainly compiles: weaker evidence, a warning that says why.  The command class is looked up in
setup.py and in the sdist's own modules setup.py imports (`import setup_build`), never run.
"""

from __future__ import annotations

import ast
import dataclasses
import posixpath
from dataclasses import dataclass

from .._model import Reference, Scope, weakest
from ..archive.tree import SdistTree
from ..native.model import CompileUnit
from .buildcommands import COMMANDS
from .buildenv import sdist_modules
from .pyexpr import dotted

# `self.extensions = ...`, `self.distribution.ext_modules = ...`
_REPLACED = ("self.extensions", "self.distribution.ext_modules")


@dataclass(frozen=True)
class Replacement:
    source: str  # sdist-relative file holding the assignment
    line: int
    command: str  # the class, e.g. "h5py_build_ext"

    def note(self) -> str:
        return (
            f"{self.command} ({self.source}:{self.line}) replaces the declared extensions "
            "before it compiles: the build may never compile this"
        )


def _assigns_extensions(cls: ast.ClassDef) -> int | None:
    """The line where CLS sets the extension list to one not made from the declared one
    (`self.extensions = cythonize(self.extensions)` keeps the declared sources)."""
    for node in ast.walk(cls):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        parts = [p for t in targets for p in (t.elts if isinstance(t, ast.Tuple) else [t])]
        if not any(dotted(p) in _REPLACED for p in parts):
            continue
        if not any(dotted(n) in _REPLACED for n in ast.walk(node.value)):
            return node.lineno
    return None


def _command_classes(module: ast.Module) -> list[ast.ClassDef]:
    return [
        node
        for node in ast.walk(module)
        if isinstance(node, ast.ClassDef)
        and {dotted(b).rsplit(".", 1)[-1] for b in node.bases} & set(COMMANDS)
    ]


def extension_replacement(module: ast.Module, source: str, tree: SdistTree) -> Replacement | None:
    """Where a build command of setup.py (or of a module of the sdist it imports) assigns the
    extension list: the first such place, or None."""
    base = posixpath.dirname(source)
    modules = [(source, module)]
    for path in sdist_modules(module, tree, base).values():
        text = tree.read_text(path)
        if text is None:
            continue
        try:
            modules.append((path, ast.parse(text, filename=path)))
        except (SyntaxError, ValueError, RecursionError):
            continue
    for path, parsed in modules:
        for cls in _command_classes(parsed):
            line = _assigns_extensions(cls)
            if line is not None:
                return Replacement(path, line, cls.name)
    return None


def weakened(
    refs: list[Reference], units: list[CompileUnit], replaced: Replacement | None
) -> tuple[list[Reference], list[CompileUnit]]:
    """Declared extension sources that a build command replaces are not certainly built."""
    if replaced is None:
        return refs, units
    return [
        dataclasses.replace(r, scope=weakest(r.scope, Scope.OPTION), note=replaced.note())
        if r.kind == "setuptools-ext-source"
        else r
        for r in refs
    ], [dataclasses.replace(u, scope=weakest(u.scope, Scope.OPTION)) for u in units]
