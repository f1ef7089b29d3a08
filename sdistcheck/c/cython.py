"""Follow Cython's `cimport`s, `include`s and `cdef extern from` headers from compiled sources.

Each file is scanned once (`c.cython_scan`).  Resolution follows Cython: an `include` next to the
file holding it, then the include path; a `.pxd` relative to the file's package
(`from . cimport x`), else in the include path, the directory above the file's top-level
package, and the source roots (the sdist root, `src/`).  Also: which files `cythonize()` compiles.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from .._model import Reference
from ..archive.tree import SdistTree, is_glob, normalize
from ..native.model import CompileUnit
from .branches import Cond, rank_under, vias
from .cython_scan import Statement, mask, scan, undeclared_type
from .include_walk import LEAVES, Item, Walk, first_file, start, unfound

__all__ = ["CYTHON_SUFFIXES", "Statement", "analyse", "cythonize_sources", "mask", "scan"]

CYTHON_SUFFIXES = (".pyx", ".py")  # units Cython compiles; `.pxd`/`.pxi` are reached from them
# Modules Cython itself ships (Cython/Includes): never the sdist's, whatever its layout.
# Cython's own Includes, and the Deprecated/ ones old Cython shipped (CodeTalker 1.0:
# `from stdlib cimport malloc`)
_BUILTIN = frozenset(["libc", "libcpp", "cpython", "posix", "openmp", "cython"]) | frozenset(
    ["stdlib", "stdio", "stl", "python", "python_exc", "python_mem", "python_object"]
)
# Installed packages whose .pxd files other projects cimport by their bare name: not the sdist's
# unless it is that package.  (A dotted cimport of an unknown package is taken as installed.)
_INSTALLED = frozenset(
    [
        "numpy",
        "gmpy2",
        "mpi4py",
        "scipy",
        "cysignals",
        "cypari2",
        "pysam",
        "h5py",
        "pyarrow",
        "cymem",
        "preshed",
        "murmurhash",
        "thinc",
        "blis",
        "cupy",
        "petsc4py",
        "slepc4py",
        "sage",
        "lxml",
        "zmq",
        "fastrlock",
    ]
)

# Cython 3 prefers a versioned `x.cython-30.pxd` to `x.pxd` (numpy ships both).
_PXD = (".cython-32.pxd", ".cython-31.pxd", ".cython-30.pxd", ".cython-3.pxd", ".pxd")


@dataclass(frozen=True)
class _Implicit:
    """A reference no statement makes (a Site): Cython reads it by its name alone."""

    line: int = 0
    text: str = ""
    conds: tuple[Cond, ...] = ()


_COMPANION = _Implicit(text="(the module's own .pxd, read by Cython for the .pyx)")


@dataclass(frozen=True)
class _Item(Item):
    unit_dir: str = ""  # where the generated C file is compiled: extern headers are found there


class _Walker(Walk[Statement]):
    def __init__(
        self, tree: SdistTree, notes: list[str] | None, generated: Collection[str]
    ) -> None:
        super().__init__(tree, notes, generated, scan)
        self.visited: dict[tuple[str, str, tuple[str, ...]], int] = {}
        self.own: set[str] | None = None
        self.unfound_headers: set[str] = set()
        self.work: list[_Item] = []

    def own_names(self) -> set[str]:
        """Top-level packages and modules of the sdist's own Python/Cython code."""
        if self.own is None:
            self.own = set()
            for path in self.tree.files:
                if not path.endswith((".py", ".pyx", ".pxd")):
                    continue
                parts = path.split("/")
                if parts[0] == "src" and len(parts) > 1:
                    parts = parts[1:]
                self.own.add(parts[0] if len(parts) > 1 else parts[0].rpartition(".")[0])
        return self.own

    def run(self, units: Sequence[CompileUnit]) -> None:
        for unit in reversed(units):
            s = start(unit)
            if s is None or not s.path.endswith(CYTHON_SUFFIXES):
                continue
            unit_dir = posixpath.dirname(s.path)
            # Cython reads the module's own .pxd (same name, same directory) when it exists.
            companion = posixpath.splitext(s.path)[0] + ".pxd"
            if self.tree.is_file(companion):
                # a reference while it is there; a deleted one leaves nothing that names it
                item = _Item(s.path, s.dirs, s.rank, s.via, s.open_dirs, unit_dir=unit_dir)
                self.refs.add(item, _COMPANION, companion, s.rank, "cython-companion-pxd")
                self.work.append(
                    _Item(companion, s.dirs, s.rank, s.via, s.open_dirs, unit_dir=unit_dir)
                )
            elif s.path.endswith(".pyx") and not self.file(s.path):
                self.needed_companion(s, companion, unit_dir)
            self.work.append(_Item(s.path, s.dirs, s.rank, s.via, s.open_dirs, unit_dir=unit_dir))
        while self.work:
            item = self.work.pop()
            key = (item.path, item.unit_dir, item.dirs)
            best = self.visited.get(key)
            if best is not None and best <= item.rank:
                continue
            self.visited[key] = item.rank
            for st in self.file(item.path):
                self.statement(item, st)
        self.note(self.generated.note("Cython file(s)"))
        if self.unfound_headers:
            shown = ", ".join(sorted(self.unfound_headers)[:3])
            self.note(
                f"{len(self.unfound_headers)} `cdef extern from` header(s) are not in the sdist "
                f"(system or third-party headers, not checked): {shown}"
            )

    def needed_companion(self, s: Item, companion: str, unit_dir: str) -> None:
        """A .pyx that cimports and externs nothing yet declares C variables of a type it does
        not define can only compile with its own .pxd: a reference, though the file is absent."""
        text = self.tree.read_text(s.path)
        used = undeclared_type(text) if text is not None else None
        if used is not None and not self.generated.claim(companion):
            item = _Item(s.path, s.dirs, s.rank, s.via, s.open_dirs, unit_dir=unit_dir)
            note = f"the .pyx declares {used} variables and nothing in it defines {used}"
            self.refs.add(item, _COMPANION, companion, s.rank, "cython-companion-pxd", (), note)

    # -- one statement ---------------------------------------------------------------------

    def statement(self, item: _Item, st: Statement) -> None:
        rank = rank_under(item.rank, st.conds)
        here = posixpath.dirname(item.path)
        if st.kind == "include":
            self.include(item, st, rank, here)
        elif st.kind == "extern":
            self.extern(item, st, rank, here)
        elif st.names:
            self.from_cimport(item, st, rank, here)
        else:
            self.cimport(item, st, rank, here)

    def include(self, item: _Item, st: Statement, rank: int, here: str) -> None:
        name = st.target.replace("\\", "/")
        found = first_file(
            self.tree, (posixpath.join(d, name) for d in (here, *item.dirs, *self.roots(item.path)))
        )
        if found is not None:
            self.refs.add(item, st, found, rank, "cython-include")
            self.follow(item, found, rank, st)
        elif not self.generated.claim(name):
            target, alternatives, note = unfound(here, name, item.dirs, self.tree)
            self.refs.add(item, st, target, rank, "cython-include", alternatives, note)

    def extern(self, item: _Item, st: Statement, rank: int, here: str) -> None:
        name = st.target.replace("\\", "/")
        if name.startswith("<") and name.endswith(">"):
            name, places = name[1:-1], item.dirs  # `<x.h>`: the include path only
        else:
            places = (item.unit_dir, here, *item.dirs)
        found = first_file(self.tree, (posixpath.join(d, name) for d in places))
        if found is not None:
            self.refs.add(item, st, found, rank, "cython-extern-header")
        elif places is not item.dirs and _stem(name) == _stem(item.path) and name[0] == "_":
            # "_yaml.h" declared in _yaml.pxd: the private module's own header, which the
            # generated C includes from where it is compiled (pyyaml's yaml/_yaml.h); a public
            # name is often the wrapped library's (jq.h in jq.pyx, uv.h in uvloop/uv.pxd)
            target = normalize(posixpath.join(item.unit_dir, name))
            if target is not None and not self.generated.claim(name):
                note = "a header named after the Cython module that declares it is the module's own"
                self.refs.add(item, st, target, rank, "cython-extern-header", (), note)
        elif name:
            self.unfound_headers.add(name)  # the system's or a library's, most likely

    def cimport(self, item: _Item, st: Statement, rank: int, here: str) -> None:
        module = st.target
        base, parts, search = self.locate(module, item, here)
        if parts is None:
            return
        found = self.find_module(parts, search)
        if found is not None:
            self.refs.add(item, st, found, rank, "cython-cimport")
            self.follow(item, found, rank, st)
        elif self.reportable(module):
            path = posixpath.join(base, *parts)
            self.missing(item, st, rank, path + ".pxd", (path + "/__init__.pxd",))
        elif self.implicit(module):
            self.missing_sibling(item, st, rank, here, module)

    def from_cimport(self, item: _Item, st: Statement, rank: int, here: str) -> None:
        module = st.target
        base, parts, search = self.locate(module, item, here)
        if parts is None:
            return
        package = self.find_module(parts, search) if parts else self.package_pxd(base)
        by_package = False
        unresolved: list[str] = []
        for name in st.names:
            sub = None if name == "*" else self.find_module([*parts, name], search)
            if sub is not None:  # `from pkg cimport mod`: a module of the package
                self.refs.add(item, st, sub, rank, "cython-cimport")
                self.follow(item, sub, rank, st)
            elif package is not None and (
                name == "*"
                or not posixpath.basename(package).startswith("__init__.")
                or _mentions(self.tree, package, name)
            ):
                by_package = True  # a name the module declares
            else:
                unresolved.append(name)
        if by_package and package is not None:
            self.refs.add(item, st, package, rank, "cython-cimport")
            self.follow(item, package, rank, st)
        if not unresolved:
            return
        path = posixpath.join(base, *parts)
        if self.reportable(module) and (package is not None or self.tree.is_dir(path)):
            for name in unresolved:  # the package is there: each name should be its module
                if name == "*":
                    self.missing(item, st, rank, f"{path}/__init__.pxd", ())
                else:
                    inits = (f"{path}/{name}/__init__.pxd",)
                    self.missing(item, st, rank, f"{path}/{name}.pxd", inits)
        elif self.reportable(module):  # one finding for the module, not one per name
            modules = (f"{path}/{n}.pxd" for n in unresolved if n != "*")
            self.missing(item, st, rank, path + ".pxd", (f"{path}/__init__.pxd", *modules))
        elif self.implicit(module):
            self.missing_sibling(item, st, rank, here, module)

    # -- resolution ------------------------------------------------------------------------

    def locate(
        self, module: str, item: _Item, here: str
    ) -> tuple[str, list[str] | None, tuple[str, ...]]:
        """(base directory, module path parts, directories to search); parts None: above root."""
        dots = len(module) - len(module.lstrip("."))
        parts = [p for p in module[dots:].split(".") if p]
        if dots:
            base: str | None = here
            for _ in range(dots - 1):
                base = None if not base else posixpath.dirname(base)
            if base is None:
                return "", None, ()
            return base, parts, (base,)
        search = (*self.roots(item.path), *item.dirs, "", here)
        if self.tree.is_dir("src"):
            search += ("src",)
        search = tuple(dict.fromkeys(search))
        top = parts[0] if parts else ""
        base = next((d for d in search if self.tree.is_dir(posixpath.join(d, top))), search[0])
        return base, parts, search

    def roots(self, path: str) -> tuple[str, ...]:
        """The directory above the file's top-level package (Cython's first place to look)."""
        d = posixpath.dirname(path)
        while d and any(self.tree.is_file(f"{d}/__init__{ext}") for ext in (".py", ".pyx", ".pxd")):
            d = posixpath.dirname(d)
        return (d,)

    def find_module(self, parts: list[str], search: Iterable[str]) -> str | None:
        if not parts:
            return None
        rel = "/".join(parts)
        stems = (rel, f"{rel}/__init__", ".".join(parts))  # a.b.pxd: Cython's dotted form
        for d in search:
            found = first_file(self.tree, (f"{d}/{stem}{sfx}" for stem in stems for sfx in _PXD))
            if found is not None:
                return found
        return None

    def package_pxd(self, base: str) -> str | None:
        return first_file(self.tree, (f"{base}/__init__{suffix}" for suffix in _PXD))

    def reportable(self, module: str) -> bool:
        """Relative cimports, and absolute ones of the sdist's own packages, must resolve."""
        if module.startswith("."):
            return True
        top = module.partition(".")[0]
        return top not in _BUILTIN and top in self.own_names()

    def implicit(self, module: str) -> bool:
        """A bare name found nowhere: Cython looks next to the file (implicit relative cimport,
        `cimport x_defs`) and in the source root; unless it is a known installed package."""
        return module.isidentifier() and module not in _BUILTIN and module not in _INSTALLED

    # -- output ----------------------------------------------------------------------------

    def follow(self, item: _Item, path: str, rank: int, st: Statement) -> None:
        if path.endswith((".pxd", ".pxi", ".pyx", ".py")):
            via = item.via + vias(st.conds, where=f" ({item.path}:{st.line})")
            self.work.append(
                _Item(path, item.dirs, rank, via, item.open_dirs, unit_dir=item.unit_dir)
            )

    def missing_sibling(
        self, item: _Item, st: Statement, rank: int, here: str, module: str
    ) -> None:
        sibling = posixpath.join(here, module)
        alternatives = (f"{sibling}/__init__.pxd", f"{module}.pxd")
        self.missing(item, st, rank, sibling + ".pxd", alternatives)

    def missing(
        self, item: _Item, st: Statement, rank: int, target: str, alternatives: tuple[str, ...]
    ) -> None:
        if self.generated.claim(target):
            return
        norm = normalize(target)
        if norm is None:
            self.refs.add(item, st, posixpath.normpath(target), rank, "cython-cimport", (), LEAVES)
            return
        alts = tuple(dict.fromkeys(a for a in map(normalize, alternatives) if a and a != norm))
        self.refs.add(item, st, norm, rank, "cython-cimport", alts)


def _stem(path: str) -> str:
    return posixpath.splitext(path.rpartition("/")[2])[0]


def _mentions(tree: SdistTree, path: str, name: str) -> bool:
    text = tree.read_text(path)
    return text is not None and re.search(rf"\b{re.escape(name)}\b", text) is not None


def analyse(
    tree: SdistTree,
    units: Sequence[CompileUnit],
    notes: list[str] | None = None,
    generated: Collection[str] = (),
) -> list[Reference]:
    """Every `.pxd`, `.pxi` and extern header Cython reads for the `.pyx`/`.py` units.

    A missing `.pxi` is always a reference.  A missing `.pxd` is one for a relative cimport, a
    cimport of the sdist's own packages, or a bare name (`cimport x_defs`: Cython looks next to
    the file), but not for `libc`, `cpython`, `numpy` and other installed packages.  An extern
    header is a reference only when found in the sdist (else it is the system's: a note).
    Files the build generates (named in `generated`, or with a template such as `x.pxi.in`
    shipped) are no reference.  Notes are appended to `notes` when given.
    """
    walker = _Walker(tree, notes, generated)
    walker.run(units)
    return walker.found()


def _expand_braces(pattern: str) -> list[str]:
    """`a/{b,c}/*.pyx` -> ['a/b/*.pyx', 'a/c/*.pyx'], as Cython's extended glob does."""
    m = re.search(r"\{([^{}]*)\}", pattern)
    if m is None:
        return [pattern]
    head, tail = pattern[: m.start()], pattern[m.end() :]
    return [p for alt in m.group(1).split(",") for p in _expand_braces(head + alt + tail)]


def cythonize_sources(tree: SdistTree, patterns: Sequence[str]) -> list[str]:
    """The files `cythonize(patterns)` compiles: globs (`*`, `**/`, `{a,b}`) matched against the
    sdist, literal paths kept as given (normalized) so the caller can check they exist."""
    out: dict[str, None] = {}
    for pattern in patterns:
        for expanded in _expand_braces(pattern):
            if is_glob(expanded):
                out.update(dict.fromkeys(tree.glob(expanded)))
            elif (path := normalize(expanded)) is not None:
                out[path] = None
    return list(out)
