"""CMake values and variables, as the analyser models them: a variable holds the values it was
given under different guards (`_Alt`s of guarded `_Item`s); `${...}` references are expanded
into every combination, bounded; scopes, parsed files, functions and targets are plain records.
`Variables` is the interpreter's lowest layer: its state and its expansion and assignment."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from ..archive.tree import SdistTree
from ..native.guards import OPTION_ON, TRUE, Guard
from ..native.model import BuildAnalysis
from ..native.paths import _marker, _restore
from .lexer import BRACKET, QUOTED, UNQUOTED, Arg, Command

_VAR_REF = re.compile(r"\$(ENV|CACHE)?\{([^${}]*)\}")
_WHOLE_VAR = re.compile(r"\$\{([^${}]*)\}")
_MAX_ALTS = 8

_MAX_TEXT = 1 << 16  # characters in one expanded argument (`set(A ${A}${A})` doubles)
_MAX_LIST = 20_000  # elements in one variable


@dataclass(frozen=True)
class _Item:
    """One list element: its text and the guard under which it was put there."""

    text: str
    guard: Guard = TRUE
    globbed: bool = False  # found by file(GLOB): compiled, but not a reference


@dataclass(frozen=True)
class _Alt:
    """One possible value of a variable (a list), and when it has it."""

    items: tuple[_Item, ...]
    guard: Guard = TRUE


_Value = list[_Alt] | None  # None: assigned, but not knowable statically
_UNSET: Final[list[_Alt]] = []  # identity-compared marker for "not set"
_Vars = dict[str, _Value]
_Pair = tuple[_Item, int]  # an expanded argument and its line


def _value(*texts: str, guard: Guard = TRUE) -> list[_Alt]:
    return [_Alt(tuple(_Item(t) for t in texts), guard)]


def _elements(items: Iterable[_Item]) -> list[_Item]:
    """A variable's value is one string: quoted `"a;b"` arguments become two list elements."""
    out: list[_Item] = []
    for item in items:
        if ";" in item.text:
            out.extend(replace(item, text=part) for part in item.text.split(";") if part)
        else:
            out.append(item)
    return out


def _joined(alt: _Alt) -> tuple[str, Guard]:
    guard = alt.guard
    for item in alt.items:
        guard = guard.and_(item.guard)
    return ";".join(i.text for i in alt.items), guard


@dataclass
class _Dir:
    source: str  # sdist-relative directory of the CMakeLists.txt
    includes: list[str] = field(default_factory=list)  # include_directories(), in order


@dataclass
class _Ctx:
    dir: _Dir
    vars: _Vars
    parent: _Vars | None  # where PARENT_SCOPE writes
    file: str  # the file whose commands run (for references)
    lines: list[str]
    certain: bool = True  # the running command runs whenever the owner of `vars` runs
    parent_certain: bool = True  # ... and whenever the owner of `parent` runs


@dataclass
class _Parsed:
    commands: list[Command]
    ends: dict[int, int]
    lines: list[str]


@dataclass
class _IfFrame:
    outer: Guard  # the guard around the if-chain
    taken: Guard  # some earlier branch of the chain was taken
    label: str
    chain: int  # one number per if-chain run, so its branches exclude each other
    index: int = 0


@dataclass
class _Function:
    parsed: _Parsed
    start: int
    end: int
    file: str
    params: tuple[str, ...]
    macro: bool
    guard: Guard
    list_dir: str


@dataclass
class _Target:
    name: str
    dir: _Dir | None = None
    sources: list[tuple[str, Guard, str, int]] = field(default_factory=list)
    includes: list[tuple[str, str, bool]] = field(default_factory=list)  # dir, visibility, BEFORE
    links: list[tuple[str, str]] = field(default_factory=list)  # target, visibility
    # links made in the default build (not under an option or test): their usage requirements
    # are the ones a default build's compile sees
    default_links: set[str] = field(default_factory=set)
    unknown_include: str | None = None  # an include dir built from a variable not known here
    imported: bool = False  # add_library(x ... IMPORTED): built elsewhere, its headers unseen


def covered(guards: Iterable[Guard], complete: Mapping[int, tuple[int, Guard]]) -> Guard | None:
    """The guard around an if-chain with an else() when `guards` hold in every branch of it (a
    file added on both sides of `if(CMAKE_VERSION VERSION_LESS 3.17)` is needed either way);
    None when they do not cover one.  Only guards directly in a branch count, not nested ones."""
    best: Guard | None = None
    by_chain: dict[int, set[int]] = {}
    for g in guards:
        for chain, index in g.branches:
            if chain in complete:
                outer = set(complete[chain][1].branches) | {(chain, index)}
                if set(g.branches) == outer:
                    by_chain.setdefault(chain, set()).add(index)
    for chain, indices in by_chain.items():
        size, outer_guard = complete[chain]
        if indices == set(range(size)) and (best is None or outer_guard.true_in < best.true_in):
            best = outer_guard
    return best


class _Budget(Exception):
    """Too much work for one sdist (deeply nested loops): stop with what was found."""


class Variables:
    """The interpreter's state, and how arguments are expanded and variables assigned."""

    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        self.tree, self.out, self.root = tree, out, root
        self.targets: dict[str, _Target] = {}
        self.aliases: dict[str, str] = {}
        self.functions: dict[str, _Function] = {}
        self.cache: dict[str, tuple[list[_Alt], bool]] = {}  # value, settable by the user
        self.parsed: dict[str, _Parsed] = {}
        self.dirs: set[str] = set()
        self.project: str | None = None
        # `<Pkg>_FOUND` of each find_package() that may fail -> the package's name
        self.found_vars: dict[str, str] = {}
        self.depth = self.budget = self.chains = 0
        # if-chains with an else(): chain -> (its number of branches, the guard around it)
        self.complete: dict[int, tuple[int, Guard]] = {}
        self.deep_note = False

    # -- expansion -----------------------------------------------------------------------------

    def lookup(self, name: str, ctx: _Ctx) -> _Value:
        value = ctx.vars.get(name, _UNSET)
        if value is _UNSET and name in self.cache:
            return self.cache[name][0]
        return value

    def _strings(self, m: re.Match[str], ctx: _Ctx, strict: bool) -> list[tuple[str, Guard]]:
        """A variable reference's possible values, joined as strings."""
        name = m.group(2)
        if m.group(1) == "ENV":
            return [(_marker("ENV{" + name + "}"), TRUE)]
        value = self.cache[name][0] if m.group(1) == "CACHE" and name in self.cache else None
        if m.group(1) is None:
            value = self.lookup(name, ctx)
        if not value:  # unset or not knowable
            return [(_marker(name), TRUE)]
        strings = [_joined(alt) for alt in value]
        if strict and (len(strings) > 1 or not strings[0][1].certain):
            return [(_marker(name), TRUE)]
        return strings

    def substitute(self, text: str, ctx: _Ctx, strict: bool = False) -> list[tuple[str, Guard]]:
        """`${...}` references replaced, innermost first; one string per combination of values."""
        work = [(text, TRUE)]
        for _ in range(64):
            done, nxt = True, []
            for s, g in work:
                m = _VAR_REF.search(s)
                if m is None:
                    nxt.append((s, g))
                    continue
                done = False
                for value, vg in self._strings(m, ctx, strict):
                    new = s[: m.start()] + value + s[m.end() :]
                    if len(new) > _MAX_TEXT:  # runaway growth: not a path anyone wrote
                        new = _marker("...")
                    nxt.append((new, g.and_(vg)))
            work = nxt[:_MAX_ALTS]
            if done:
                break
        return work

    def expand(self, arg: Arg, ctx: _Ctx) -> list[_Item]:
        if arg.kind == BRACKET:
            return [_Item(arg.text)]
        text = arg.text
        if "$" not in text:
            return [_Item(text)] if arg.kind == QUOTED else [_Item(p) for p in text.split(";") if p]
        whole = _WHOLE_VAR.fullmatch(text) if arg.kind == UNQUOTED else None
        if whole is not None:  # `${SRCS}`: the items, each with its own guard
            value = self.lookup(whole.group(1), ctx)
            if not value:  # unset, or not knowable
                return [_Item(_marker(whole.group(1)))]
            if len(value) == 1 and value[0].guard is TRUE:
                return [i for i in value[0].items if i.text]
            return [
                replace(i, guard=i.guard.and_(alt.guard))
                for alt in value
                for i in alt.items
                if i.text
            ]
        items: list[_Item] = []
        for s, g in self.substitute(text, ctx):
            if arg.kind == QUOTED:
                items.append(_Item(s, g))
            else:
                items.extend(_Item(p, g) for p in s.split(";") if p)
        return items

    def expand_all(self, args: Iterable[Arg], ctx: _Ctx) -> list[_Pair]:
        pairs = [(item, arg.line) for arg in args for item in self.expand(arg, ctx)]
        self.budget += len(pairs) // 2  # long lists are work too: a loop growing one is bounded
        return pairs

    def word(self, arg: Arg, ctx: _Ctx) -> str:
        """An argument used as a name or keyword: its first value, restored."""
        items = self.expand(arg, ctx)
        return _restore(items[0].text) if items else ""

    # -- assignment ----------------------------------------------------------------------------

    def assign(
        self,
        vars_: _Vars,
        name: str,
        items: Sequence[_Item],
        ctx: _Ctx,
        guard: Guard,
        certain: bool | None = None,
    ) -> None:
        alt = _Alt(tuple(_elements(items)[:_MAX_LIST]), guard)
        old = vars_.get(name, _UNSET)
        if old is _UNSET and name in self.cache:
            # an option or cache value set again in one branch keeps its value in the others
            cached, settable = self.cache[name]
            old = [replace(a, guard=a.guard.and_(OPTION_ON)) if settable else a for a in cached]
        if (ctx.certain if certain is None else certain) or not old:
            vars_[name] = [alt]
        else:  # set in one branch: the earlier values remain in the other builds
            vars_[name] = ([a for a in old if a.guard != guard] + [alt])[-_MAX_ALTS:]

    def forget(self, ctx: _Ctx, *names: str) -> None:
        for name in names:
            if name:
                ctx.vars[name] = None
