"""What the C `#include` and Cython `cimport` walks share: where a walk starts for a compile
unit, each file read and scanned once, paths tried in order, and each reference kept at the best
scope over all the ways it is reached, with the conditions on that way.

Each walker (`c.includes`, `c.cython`) keeps its own work list and decides how a statement resolves.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .._model import LEAVES_SDIST, SCOPE_ORDER, SCOPE_RANK, Reference, Scope
from ..archive.tree import SdistTree, normalize
from ..native.model import CompileUnit
from .branches import Cond, Via, vias
from .generated_inputs import GeneratedInputs

MAX_BYTES = 8 * 1024 * 1024  # as archive.read's parse limit: generated C (Cython) gets this big
LEAVES = LEAVES_SDIST

T = TypeVar("T")


@dataclass(frozen=True)
class Item:
    """A file to scan on a walk, and how it was reached."""

    path: str
    dirs: tuple[str, ...]  # the include path of the unit it is compiled for
    rank: int  # the best scope it is reached with so far (SCOPE_RANK)
    via: tuple[Via, ...]  # the conditions on the way
    open_dirs: str | None = None  # the unit's CompileUnit.open_dirs
    libraries: tuple[str, ...] = ()  # the unit's CompileUnit.libraries
    exact: bool = False  # the unit's CompileUnit.exact_dirs


def start(unit: CompileUnit) -> Item | None:
    """Where a walk starts for `unit`: its source, with the unit's include dirs (normalized,
    duplicates and escapes dropped), scope and condition; None when the source leaves the sdist."""
    source = normalize(unit.source)
    if not source:
        return None
    normalized = (normalize(d) for d in unit.include_dirs)
    dirs = tuple(dict.fromkeys(d for d in normalized if d is not None))
    via: tuple[Via, ...] = ()
    if unit.condition:
        where = f" ({unit.declared_in})" if unit.declared_in else ""
        phrase = unit.condition if unit.scope is Scope.PLATFORM else None
        via = (Via(unit.condition + where, phrase),)
    rank = SCOPE_RANK[unit.scope]
    return Item(source, dirs, rank, via, unit.open_dirs, unit.libraries, unit.exact_dirs)


class Scans(Generic[T]):
    """`scan`'s result for each file, read once: () for a binary or missing file, and for one
    over MAX_BYTES (then listed in `skipped`)."""

    def __init__(self, tree: SdistTree, scan: Callable[[str], tuple[T, ...]]) -> None:
        self.tree = tree
        self.scan = scan
        self.done: dict[str, tuple[T, ...]] = {}
        self.skipped: list[str] = []

    def __call__(self, path: str) -> tuple[T, ...]:
        found = self.done.get(path)
        if found is None:
            found = ()
            data = self.tree.read_bytes(path)
            if data is not None and len(data) > MAX_BYTES:
                self.skipped.append(path)
            elif data is not None and b"\0" not in data[:8192]:
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                found = self.scan(data.decode("utf-8", errors="replace"))
            self.done[path] = found
        return found


def first_file(tree: SdistTree, candidates: Iterable[str]) -> str | None:
    """The first of `candidates` (normalized) that is a file of the sdist."""
    for candidate in candidates:
        path = normalize(candidate)
        if path is not None and tree.is_file(path):
            return path
    return None


def unfound(
    here: str, name: str, dirs: tuple[str, ...], tree: SdistTree | None = None
) -> tuple[str, tuple[str, ...], str | None]:
    """(target, alternatives, note) of a reference to `name`, found neither in `here` nor `dirs`:
    the path next to the referencing file, the include-dir paths, LEAVES when it escapes.  An
    include-dir path whose folder the sdist has is named first when the one next to the file
    has no folder (`murmurhash/include/murmurhash/MurmurHash2.h`, not
    `murmurhash/murmurhash/MurmurHash2.h`): that is where the file was left out."""
    joined = normalize(posixpath.join(here, name))
    candidates = (normalize(posixpath.join(d, name)) for d in dirs)
    alternatives = tuple(dict.fromkeys(c for c in candidates if c and c != joined))
    if joined is None:
        return posixpath.normpath(posixpath.join(here, name)), alternatives, LEAVES
    if tree is not None and not tree.is_dir(posixpath.dirname(joined)):
        there = next((a for a in alternatives if tree.is_dir(posixpath.dirname(a))), None)
        if there is not None:
            rest = tuple(a for a in (joined, *alternatives) if a != there)
            return there, rest, None
    return joined, alternatives, None


class Site(Protocol):
    """A statement that references a file: an `#include`, a `cimport`, ..."""

    @property
    def line(self) -> int: ...
    @property
    def text(self) -> str: ...  # the line, stripped
    @property
    def conds(self) -> tuple[Cond, ...]: ...  # the branches it sits in, outermost first


class References:
    """The references a walk makes, each (file, line, target) kept at its best rank."""

    def __init__(self) -> None:
        self.best: dict[tuple[str, int, str], tuple[int, Reference]] = {}

    def add(
        self,
        item: Item,
        site: Site,
        target: str,
        rank: int,
        kind: str,
        alternatives: tuple[str, ...] = (),
        note: str | None = None,
        name: str | None = None,
    ) -> None:
        """Record the reference `site` in `item` makes, at `rank`, unless known at a better one.

        Its conditions are those on the way to `item`, then the site's (which `name`, the target
        as written, may be guarded by).
        """
        key = (item.path, site.line, target)
        old = self.best.get(key)
        if old is not None and old[0] <= rank:
            return
        shown = item.via + vias(site.conds, name)
        scope = SCOPE_ORDER[rank]
        platforms = None
        if scope is Scope.PLATFORM:
            platforms = ", ".join(dict.fromkeys(v.platforms for v in shown if v.platforms)) or None
        self.best[key] = (
            rank,
            Reference(
                target=target,
                source=item.path,
                line=site.line,
                text=site.text,
                kind=kind,
                condition="; ".join(v.text for v in shown) or None,
                scope=scope,
                alternatives=alternatives,
                note=note,
                platforms=platforms,
            ),
        )


class Walk(Generic[T]):
    """What every walk keeps: the sdist, the notes to add to, files scanned with `scan`, what
    the build generates, and the references made."""

    def __init__(
        self,
        tree: SdistTree,
        notes: list[str] | None,
        generated: Collection[str],
        scan: Callable[[str], tuple[T, ...]],
    ) -> None:
        self.tree = tree
        self.notes = notes
        self.file = Scans(tree, scan)
        self.generated = GeneratedInputs(tree, generated)
        self.refs = References()

    def note(self, text: str | None) -> None:
        if text is not None and self.notes is not None:
            self.notes.append(text)

    def found(self) -> list[Reference]:
        return [ref for _, ref in self.refs.best.values()]
