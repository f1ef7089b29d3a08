"""The native (C, C++, Cython) side of a build: find what it compiles, then what that includes.

Build systems say what is compiled: setup.py Extensions and cythonize(), CMake (scikit-build-core,
scikit-build, a setup.py CMakeExtension) and meson (meson-python).  The include followers then
resolve every `#include`/`cimport` from those sources, so only code a build reaches is judged:
a vendored library's unreachable tests or examples are never read.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ._model import Reference, Scope, weakest
from .archive.tree import SdistTree
from .native.model import CMakeRoot, CompileUnit

_CYTHON = (".pyx", ".py")


def _as_option(ref: Reference) -> Reference:
    return dataclasses.replace(
        ref,
        scope=weakest(ref.scope, Scope.OPTION),
        note="only `cmake --install` reads it, and this build does not install",
    )


@dataclass
class Compiled:
    references: list[Reference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    units: int = 0


def analyse(
    tree: SdistTree,
    backend: str | None,
    cmake_roots: Iterable[CMakeRoot],
    units: Sequence[CompileUnit],
) -> Compiled:
    from .cmake import analysis as _cmake  # only sdists with native builds pay for these

    out = Compiled()
    all_units = list(units)
    generated: list[str] = []
    for root in dict.fromkeys(cmake_roots):
        top = posixpath.join(root.directory, "CMakeLists.txt")
        if tree.is_file(top):
            found = _cmake.analyse(tree, root.directory, dict(root.defines))
            if not root.installs:  # install() rules never run when the build only builds (ruckig)
                found.references = [
                    _as_option(r) if r.kind == "cmake-install" else r for r in found.references
                ]
            out.references += found.references
            out.notes += found.notes
            all_units += found.units
            generated += found.generated
    if backend == "meson-python" and tree.is_file("meson.build"):
        from .meson import analysis as _meson

        found = _meson.analyse(tree, "")
        out.references += found.references
        out.notes += found.notes
        all_units += found.units
        generated += found.generated
    from .c import cython_directives as _directives

    extra_refs, extra_units = _directives.extra_sources(tree, all_units)
    out.references += extra_refs
    all_units += extra_units
    strict = [u for u in all_units if u.tolerated is None]
    walked = _walk(tree, strict, out.notes, generated)
    tolerant = [u for u in all_units if u.tolerated is not None]
    if tolerant:  # what only units a build goes on without include is tolerated
        seen = {(r.source, r.line, r.target) for r in walked}
        note = tolerant[0].tolerated
        notes: list[str] = []
        walked += [
            dataclasses.replace(r, tolerated=True, note=r.note or note)
            for r in _walk(tree, tolerant, notes, generated)
            if (r.source, r.line, r.target) not in seen
        ]
        out.notes += [n for n in notes if n not in out.notes]
    out.references += walked
    out.units = len(all_units)
    return out


def _walk(
    tree: SdistTree, units: Sequence[CompileUnit], notes: list[str], generated: list[str]
) -> list[Reference]:
    """The references of the C/C++ and Cython files UNITS compile, and what those include."""
    from .c import cython as _cython
    from .c import includes as _c

    c_units = [u for u in units if not u.source.endswith(_CYTHON)]
    cython_units = [u for u in units if u.source.endswith(_CYTHON)]
    found = _c.analyse(tree, c_units, notes=notes, generated=generated)
    return found + _cython.analyse(tree, cython_units, notes=notes, generated=generated)
