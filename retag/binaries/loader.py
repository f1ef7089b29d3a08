"""Where glibc's dynamic loader finds each library a wheel's ELF files need, once installed.

A wheel's members are laid out as an installer lays them out (purelib and platlib in
site-packages, `.data/scripts` in `bin/`, `.data/data` in the prefix), and each object's
DT_NEEDED names are searched for as `ld.so` searches them (`elf/dl-load.c`), the way auditwheel's
`lddtree` models it: a name already loaded is reused (breadth first, by name or SONAME); else,
unless the needing object has a DT_RUNPATH, the DT_RPATH of that object and of every object up
its loading chain, then the object's own DT_RUNPATH, each entry's `$ORIGIN` (or `${ORIGIN}`)
being the directory of the object that carries it.  What no such entry reaches comes from the
system, or from nowhere: which it is, is the manylinux policy's business (`retag.audit.manylinux`).

Each ELF file that no other one loads is a root (an extension module, an executable, a library
only dlopen()ed); the vendored libraries are checked in the trees that load them, with the
chain's RPATHs, as they are loaded.  The interpreter's own RPATH (Python's) is unknown and
taken to be empty.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .analysis import Binary

# Installed, a wheel's root is site-packages; PREFIX holds bin/ and data.  Only the relative
# positions matter, so any stand-in will do: this one is the posix scheme, version-free.
_PREFIX = "/prefix"
_SITE = f"{_PREFIX}/lib/python3/site-packages"
_DATA = re.compile(r"[^/]+\.data/(purelib|platlib|scripts|data|headers)/(.+)")
_SCHEME = {"purelib": _SITE, "platlib": _SITE, "scripts": f"{_PREFIX}/bin", "data": _PREFIX}
_ORIGIN = re.compile(r"\$(ORIGIN\b|\{ORIGIN\})")


@dataclass(frozen=True)
class SearchEntry:
    """One directory the loader tried: whose tag, which tag, the entry as written."""

    owner: str  # the member carrying the tag
    tag: str  # "RPATH" or "RUNPATH"
    entry: str  # "$ORIGIN/../numpy.libs"


@dataclass(frozen=True)
class Unresolved:
    """A needed library that no search entry found in the wheel (the system must provide it)."""

    member: str  # the ELF file that needs it
    name: str  # its DT_NEEDED entry
    chain: tuple[str, ...]  # the members that loaded MEMBER, its root first; () for a root
    searched: tuple[SearchEntry, ...]  # the entries tried, in the loader's order
    shipped: tuple[str, ...]  # members of that file name the search did not reach
    arch: str  # MEMBER's architecture

    def reach(self) -> str:
        """Which search path failed, in words: "its RUNPATH ($ORIGIN)", ..."""
        if not self.searched:
            return "it has no RPATH or RUNPATH"
        parts: dict[tuple[str, str], list[str]] = {}
        for s in self.searched:
            parts.setdefault((s.owner, s.tag), []).append(s.entry)
        words = [
            f"{_whose(owner, self.member)} {tag} ({':'.join(entries)})"
            for (owner, tag), entries in parts.items()
        ]
        return f"{' and '.join(words)} {'does' if len(words) == 1 else 'do'} not reach it"

    def fix(self) -> str | None:
        """The `$ORIGIN` entry that would reach the first shipped copy, if one is shipped."""
        if not self.shipped:
            return None
        here = posixpath.dirname(installed_path(self.member))
        there = posixpath.dirname(installed_path(self.shipped[0]))
        relative = posixpath.relpath(there, here)
        return "$ORIGIN" if relative == "." else f"$ORIGIN/{relative}"


def _whose(owner: str, member: str) -> str:
    return "its" if owner == member else f"{owner}'s"


@dataclass(frozen=True)
class OutsideEntry:
    """A search entry that names a directory outside the wheel: it depends on the machine."""

    member: str
    tag: str
    entry: str
    why: str  # "an absolute path", "the working directory", ...


def installed_path(member: str) -> str:
    """Where MEMBER lands when the wheel is installed (in the stand-in prefix)."""
    match = _DATA.fullmatch(member)
    if match is None:
        return f"{_SITE}/{member}"
    scheme, rest = match[1], match[2]
    if scheme == "headers":
        return f"{_PREFIX}/include/{rest}"
    return f"{_SCHEME[scheme]}/{rest}"


def _dynamic(binaries: Sequence[Binary]) -> list[Binary]:
    return [b for b in binaries if b.format == "elf" and b.elf is not None and not b.static]


def resolve(binaries: Sequence[Binary], members: Collection[str]) -> tuple[Unresolved, ...]:
    """Every DT_NEEDED of the wheel's dynamic ELF files (BINARIES, among MEMBERS) that the
    loader would not find in the wheel, with the evidence."""
    elfs = _dynamic(binaries)
    files = {installed_path(b.member): b for b in elfs}
    by_name: dict[str, list[str]] = {}
    for member in members:
        by_name.setdefault(member.rsplit("/", 1)[-1], []).append(member)
    trees = {b.member: _walk(b, files, by_name) for b in elfs}
    loaded_by_others = {m for root, (_u, reached) in trees.items() for m in reached if m != root}
    roots = [b for b in elfs if b.member not in loaded_by_others] or elfs  # a cycle: all
    # One per library and needing file: a vendored library loaded by several extension modules
    # is reported from the first of them.
    first: dict[tuple[str, str], Unresolved] = {}
    for b in roots:
        for u in trees[b.member][0]:
            first.setdefault((u.member, u.name), u)
    return tuple(first.values())


def _walk(
    root: Binary, files: dict[str, Binary], by_name: dict[str, list[str]]
) -> tuple[list[Unresolved], set[str]]:
    """Load ROOT as ld.so would, breadth first: what it cannot find in the wheel, and which
    members it loads."""
    assert root.elf is not None
    # names and SONAMEs already mapped: the loader reuses them
    loaded: set[str] = {root.elf.soname} if root.elf.soname else set()
    reached: set[str] = {root.member}
    missing: list[Unresolved] = []
    queue: deque[tuple[Binary, tuple[Binary, ...]]] = deque([(root, ())])
    while queue:
        obj, chain = queue.popleft()
        assert obj.elf is not None  # only ELF files are queued
        for name in obj.needed:
            if name in loaded:
                continue
            loaded.add(name)
            searched = _search_path(obj, chain)
            found = _find(name, obj.arch, searched, files) if "/" not in name else None
            if found is None:
                shipped = tuple(by_name.get(name, ()))
                members = tuple(b.member for b in chain)
                missing.append(Unresolved(obj.member, name, members, searched, shipped, obj.arch))
            elif found.member not in reached:
                reached.add(found.member)
                if found.elf is not None and found.elf.soname:
                    loaded.add(found.elf.soname)
                queue.append((found, (*chain, obj)))
    return missing, reached


def _search_path(obj: Binary, chain: tuple[Binary, ...]) -> tuple[SearchEntry, ...]:
    """The RPATH/RUNPATH entries ld.so tries for a library OBJ needs, OBJ loaded by CHAIN."""
    assert obj.elf is not None
    entries: list[SearchEntry] = []
    if not obj.elf.runpath:  # an object with a RUNPATH makes the loader skip every RPATH
        for owner in (obj, *reversed(chain)):
            assert owner.elf is not None
            entries += [SearchEntry(owner.member, "RPATH", e) for e in owner.elf.rpath]
    entries += [SearchEntry(obj.member, "RUNPATH", e) for e in obj.elf.runpath]
    return tuple(entries)


def _find(
    name: str, arch: str, searched: tuple[SearchEntry, ...], files: dict[str, Binary]
) -> Binary | None:
    """The first wheel file NAME in a searched directory that is an ELF file of ARCH (the loader
    passes over files of another class or machine)."""
    tried: set[str] = set()
    for entry in searched:
        directory = _expand(entry)
        if directory is None or directory in tried:
            continue
        tried.add(directory)
        candidate = files.get(posixpath.normpath(f"{directory}/{name}"))
        if candidate is not None and candidate.arch == arch:
            return candidate
    return None


def _expand(entry: SearchEntry) -> str | None:
    """The directory ENTRY names in the installed wheel, None when it is outside the wheel."""
    if not _ORIGIN.match(entry.entry):
        return None  # absolute, relative to the working directory, or another token: not ours
    origin = posixpath.dirname(installed_path(entry.owner))
    return _ORIGIN.sub(lambda _m: origin, entry.entry)


def outside(binaries: Sequence[Binary]) -> tuple[OutsideEntry, ...]:
    """Every RPATH/RUNPATH entry the loader reads that names no directory of the wheel."""
    return tuple(o for b in _dynamic(binaries) for o in _outside(b))


def _outside(b: Binary) -> list[OutsideEntry]:
    assert b.elf is not None
    # Only the tag the loader reads: beside a RUNPATH, the RPATH is dead weight.
    tag, entries = ("RUNPATH", b.elf.runpath) if b.elf.runpath else ("RPATH", b.elf.rpath)
    out = []
    for entry in entries:
        if entry == "":
            why = "an empty entry: the working directory"
        elif entry.startswith("/"):
            why = "an absolute path outside the wheel"
        elif not _ORIGIN.match(entry):
            why = "a path relative to the working directory"
        else:
            continue
        out.append(OutsideEntry(b.member, tag, entry, why))
    return out
