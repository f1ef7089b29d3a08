"""Follow C/C++ `#include`s from the files a build compiles, as the preprocessor resolves them.

Each file is scanned once (`c.preprocessor`). Resolution depends on the include path, so it happens
per unit: `"x.h"` in the including file's directory, then the unit's include dirs; `<x.h>` in the
include dirs only (anything else is a system header, not a reference).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Collection, Sequence

from .._model import SCOPE_ORDER, SCOPE_RANK, Reference, Scope
from ..archive.pkginfo import name_version
from ..archive.tree import SdistTree, normalize
from ..native.model import CompileUnit
from .branches import Cond, decided, rank_under, vias
from .generated_inputs import is_generated, template_outputs
from .include_walk import LEAVES, MAX_BYTES, Item, Walk, first_file, start, unfound
from .macros import possibly_defined
from .preprocessor import C_SUFFIXES, Include, mask, scan
from .system_headers import is_system_header, of_linked_library

__all__ = [
    "C_SUFFIXES",
    "LEAVES",
    "MAX_BYTES",
    "RANK",
    "SCOPES",
    "Cond",
    "Include",
    "analyse",
    "is_generated",
    "is_system_header",
    "mask",
    "scan",
    "template_outputs",
]

RANK = SCOPE_RANK  # scope -> rank
SCOPES = SCOPE_ORDER  # rank -> scope


def _squash(name: str) -> str:
    """A project or header name compared loosely: `py-SimSIMD`, `simsimd.h` -> `pysimsimd`."""
    return re.sub(r"[-_.]", "", posixpath.splitext(name)[0]).lower()


_HEADER_DIR = frozenset(["include", "includes", "inc", "headers"])
_SOURCES = (".c", ".cc", ".cpp", ".cxx", ".C")  # what a header of the same stem declares
_MAX_VISITS = 200_000  # (file, include path) visits per analyse(): bounds pathological fan-out
_PLATFORM = SCOPE_RANK[Scope.PLATFORM]


class _Walker(Walk[Include]):
    def __init__(
        self, tree: SdistTree, notes: list[str] | None, generated: Collection[str]
    ) -> None:
        super().__init__(tree, notes, generated, scan)
        self.visited: dict[tuple[str, tuple[str, ...]], int] = {}
        self.resolved: dict[tuple[str, str, bool, tuple[str, ...]], str | None] = {}
        self.by_name: dict[str, list[str]] | None = None
        self.visits = 0
        self.defined: frozenset[str] | None = None  # c.macros, read when first needed
        self.why = ""  # what own_angle() went by
        name = name_version(tree.read_text("PKG-INFO"))[0]
        self.project = {_squash(name), _squash(name).removeprefix("py")} if name else set()

    def run(self, units: Sequence[CompileUnit]) -> None:
        work: list[Item] = []
        for unit in reversed(units):
            suffix = posixpath.splitext(unit.source)[1]
            if suffix not in C_SUFFIXES and suffix.lower() not in C_SUFFIXES:
                continue
            if (item := start(unit)) is not None:
                work.append(item)
        while work:
            item = work.pop()
            key = (item.path, item.dirs)
            best = self.visited.get(key)
            if best is not None and best <= item.rank:
                continue
            if self.visits >= _MAX_VISITS:
                self.note(
                    f"C includes: stopped after {_MAX_VISITS} header visits; "
                    "some headers were not followed"
                )
                break
            self.visits += 1
            self.visited[key] = item.rank
            here = posixpath.dirname(item.path)
            for inc in self.file(item.path):
                child = self.include(item, here, inc)
                if child is not None:
                    work.append(child)
        self.note(self.generated.note("included header(s)"))
        if skipped := self.file.skipped:
            self.note(
                f"{len(skipped)} C/C++ file(s) over {MAX_BYTES // 2**20} MiB not scanned for "
                f"includes, e.g. {skipped[0]}"
            )

    def include(self, item: Item, here: str, inc: Include) -> Item | None:
        """Record the reference `inc` makes from `item`; the file to follow next, if any."""
        name = inc.name.replace("\\", "/")
        if name.startswith("/") or name[1:3] == ":/":
            return None  # an absolute path is the build machine's, never the sdist's
        found = self.resolve(here, name, inc.quoted, item.dirs)
        note = None
        alternatives: tuple[str, ...] = ()
        own: str | None = None  # where the sdist's own header should be, for `<...>`
        if found is None:
            if is_system_header(name):
                return None
            if not inc.quoted:
                own = self.own_angle(name, item.dirs)
                if own is None or self.generated.claim(name):
                    return None  # a system library's header
            elif not item.exact or rank_under(item.rank, inc.conds, name) > _PLATFORM:
                # a folder the build adds unseen may hold it; under an option, the lenient
                # reading is kept (a branch the including file's own #defines decide)
                found = self.by_suffix(name)
            if found is not None:
                note = "found by name only: built with an include directory not seen statically"
            elif self.generated.claim(name) or of_linked_library(name, item.libraries):
                return None
        conds = inc.conds
        if any(c.unless for c in conds):  # `#ifndef OWN_MACRO`: the default build's branch?
            if self.defined is None:
                self.defined = possibly_defined(self.tree)
            conds = tuple(c for c in conds if not decided(c, self.defined))
            inc = dataclasses.replace(inc, conds=conds)
        rank = rank_under(item.rank, conds, name)
        if found is not None:
            target = found
        else:
            if own is not None:
                target = own
            else:
                target, alternatives, note = unfound(here, name, item.dirs, self.tree)
                absent = self.absent(item.dirs, headers_only=True)
                moved = normalize(posixpath.join(absent, name)) if absent else None
                if moved and note is None and item.open_dirs is None:
                    # meant for the include dir that was left out (chipsec 1.10.4's Include/)
                    others = dict.fromkeys([target, *alternatives])
                    target, alternatives = moved, tuple(a for a in others if a != moved)
            beside = self.compiled_beside(posixpath.dirname(target), name)
            # `"src/Core/Reverse.h"` from Eigen/Core: a quoted path into a folder beside the
            # includer is its own header, whatever other directories a build adds
            own_folder = (
                inc.quoted
                and "/" in name
                and ".." not in name
                and target == normalize(posixpath.join(here, name))
                and self.tree.is_dir(posixpath.dirname(target))
            )
            # `"ml_dtypes/_src/common.h"` from ml_dtypes/_src/casts.cc, on the project's include
            # dir: a path into the tree that holds the includer, whose folder is there, is the
            # project's header; NumPy's or Python's include dir holds no ml_dtypes/_src/
            own_tree = (
                "/" in name
                and ".." not in name
                and name.partition("/")[0] == here.partition("/")[0]
                and target in {normalize(posixpath.join(d, name)) for d in item.dirs}
                and self.tree.is_dir(posixpath.dirname(target))
            )
            mine = beside or own_folder or own_tree
            if item.open_dirs is not None and note is None and not mine:
                rank = max(rank, SCOPE_RANK[Scope.OPTION])  # it may be on those directories
                note = "the build adds include directories the checker cannot see"
                note += f" ({item.open_dirs})"
            elif own is not None:
                note = f"<{name}> is the sdist's own header: {self.why}"
        self.refs.add(item, inc, target, rank, "c-include", alternatives, note, name)
        if found is None:
            return None
        best = self.visited.get((found, item.dirs))
        if best is not None and best <= rank:
            return None  # already followed as needed at least as often (most includes)
        via = item.via
        if inc.conds:  # shown with where they guard the include, e.g. "#ifdef _WIN32 (m.c:3)"
            via += vias(inc.conds, name, f" ({item.path}:{inc.line})")
        return Item(found, item.dirs, rank, via, item.open_dirs, item.libraries, item.exact)

    def own_angle(self, name: str, dirs: tuple[str, ...]) -> str | None:
        """Where `<name>`, found on no include dir, should be when it is the sdist's own header
        (a system library's otherwise): on an include dir that holds the source it declares
        (`<heuristics.h>` beside `heuristics.cpp`) or the folder it is in (`<pkg/a.h>` with
        `pkg/b.h` there), or on an include dir the sdist lacks altogether (the one its headers
        were declared in).  Sets `why`."""
        folder, _, base = name.rpartition("/")
        stem = posixpath.splitext(base)[0]
        for d in dirs:
            if self.compiled_beside(posixpath.join(d, folder), stem):
                self.why = f"its source is in {d}"
                return normalize(posixpath.join(d, name))
            if folder and d and self.tree.is_dir(posixpath.join(d, folder.partition("/")[0])):
                self.why = f"{posixpath.join(d, folder.partition('/')[0])} is the sdist's"
                return normalize(posixpath.join(d, name))
        absent = self.absent(dirs)
        if absent is not None and _squash(name.partition("/")[0]) in self.project:
            # <simsimd/simsimd.h> in simsimd, include_dirs=["include"] and no include/ shipped
            self.why = f"named after the project, its include dir {absent} is not in the sdist"
            return normalize(posixpath.join(absent, name))
        return None

    def absent(self, dirs: tuple[str, ...], headers_only: bool = False) -> str | None:
        """The first include dir the sdist lacks altogether: where a header found nowhere was
        meant to be (chipsec 1.10.4's `Include/`).  With `headers_only`, only a folder named
        for headers counts (`include`, `inc`, `headers`): crc32c 2.7's misspelt `src/cc32c/ext`
        is no place its headers were meant for (those belong beside the sources)."""
        for d in dirs:
            named = bool(_HEADER_DIR.intersection(d.lower().split("/")))
            if d and not self.tree.is_dir(d) and (named or not headers_only):
                return d
        return None

    def compiled_beside(self, folder: str, name: str) -> bool:
        """Whether `folder` holds a C/C++ source with the stem of header `name`: the header of
        a source the build compiles is the project's own, on whatever include path."""
        stem = posixpath.splitext(name.rpartition("/")[2])[0]
        return any(self.tree.is_file(posixpath.join(folder, stem + suffix)) for suffix in _SOURCES)

    def resolve(self, here: str, name: str, quoted: bool, dirs: tuple[str, ...]) -> str | None:
        key = (here if quoted else "", name, quoted, dirs)
        if key not in self.resolved:
            places = (here, *dirs) if quoted else dirs
            found = first_file(self.tree, (posixpath.join(d, name) for d in places))
            self.resolved[key] = found
        return self.resolved[key]

    def by_suffix(self, name: str) -> str | None:
        """The sdist file whose path ends with `name` (`..` and `.` dropped), shortest first."""
        if self.by_name is None:
            self.by_name = {}
            for path in sorted(self.tree.all_paths(), key=lambda p: (len(p), p)):
                self.by_name.setdefault(path.rpartition("/")[2], []).append(path)
        tail = "/".join(p for p in name.split("/") if p not in ("", ".", ".."))
        if not tail:
            return None
        for path in self.by_name.get(tail.rpartition("/")[2], ()):
            if path == tail or path.endswith("/" + tail):
                return path
        return None


def analyse(
    tree: SdistTree,
    units: Sequence[CompileUnit],
    notes: list[str] | None = None,
    generated: Collection[str] = (),
) -> list[Reference]:
    """Every file the C/C++ preprocessor reads for `units`, followed transitively.

    A quoted include found nowhere (not in the includer's directory, an include dir, or by name
    anywhere in the sdist) is a reference to a missing file, unless it names a system header;
    an unresolved `<...>` include is the system's.  Each reference keeps the `#if` branches and
    the unit condition on the way to it; the best scope over all the ways it is reached wins.
    Headers the build generates are no reference: those named in `generated` (as included, or
    by file name, e.g. from a meson `configure_file`), and those with a template in the sdist
    (`config.h.in`, `x.h.src`, ...).  Notes on skipped files are appended to `notes` if given.
    """
    walker = _Walker(tree, notes, generated)
    walker.run(units)
    return walker.found()
