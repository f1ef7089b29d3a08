"""Cython's `# distutils:` header directives: the C/C++ sources a `.pyx` adds to its extension.

    # distutils: language = c++
    # distutils: sources = src/editdistance/_editdistance.cpp

`cythonize()` reads the comment lines at the top of each module (Cython's `DistutilsInfo`) and
appends `sources` to the extension it makes, `include_dirs` to its include path; the paths are
the build's (the project root's), not the module's.  Those sources are compiled like any other:
they are references, and compile units whose `#include`s are followed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from .._model import Reference, Scope
from ..archive.tree import SdistTree, normalize
from ..native.model import CompileUnit


def extra_sources(
    tree: SdistTree, units: Sequence[CompileUnit]
) -> tuple[list[Reference], list[CompileUnit]]:
    """The references and compile units the `# distutils: sources` of the `.pyx` UNITS add."""
    refs: list[Reference] = []
    out: list[CompileUnit] = []
    for unit in units:
        if not unit.source.endswith(".pyx"):
            continue
        directives = header_directives(tree.read_text(unit.source) or "")
        if "sources" not in directives:
            continue
        dirs = tuple(_paths(directives.get("include_dirs", (0, ""))[1]))
        line, value = directives["sources"]
        text = f"# distutils: sources = {value}"
        for path in _paths(value):
            refs.append(
                Reference(
                    path,
                    unit.source,
                    line,
                    text,
                    "cython-distutils-sources",
                    condition=unit.condition,
                    scope=unit.scope,
                    platforms=unit.condition if unit.scope is Scope.PLATFORM else None,
                    note="cythonize() adds it to the extension's sources",
                )
            )
            out.append(
                CompileUnit(
                    path,
                    (*dirs, *unit.include_dirs),
                    unit.scope,
                    unit.condition,
                    unit.source,
                    line,
                    unit.open_dirs,
                    unit.libraries,
                )
            )
    return refs, out


def header_directives(text: str) -> dict[str, tuple[int, str]]:
    """`# distutils: key = value` lines of the leading comment block: key -> (line, value)."""
    out: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.startswith("distutils:"):
            key, _, value = body[len("distutils:") :].partition("=")
            out[key.strip()] = (number, value.strip())
    return out


def _paths(value: str) -> list[str]:
    """Cython's list syntax: `a b`, `a, b` or `["a", "b"]`; each path normalized."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    words = value.split(",") if "," in value else value.split()
    out = []
    for word in words:
        word = word.strip().strip("'\"")
        path = normalize(posixpath.normpath(word)) if word and not word.startswith("/") else None
        if path:
            out.append(path)
    return out
