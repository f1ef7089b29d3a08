"""The guard algebra shared by the CMake and meson analysers: in which kinds of build a piece of
build-file code runs (ALWAYS < PLATFORM < OPTION < TEST < GUARDED < never), combined by
AND/OR/NOT, the name heuristics that classify an unknown variable as a test or platform switch,
and `Referrer`, which turns a build-file line under a guard into a scoped `Reference`.  Kept apart
so that both analysers reason about conditions, and report them, the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Protocol

from .._model import Reference, Scope

_SCOPES: Final = (Scope.ALWAYS, Scope.PLATFORM, Scope.OPTION, Scope.TEST, Scope.GUARDED)
NEVER: Final = len(_SCOPES)
_MAX_TEXTS = 4  # condition texts kept per guard: enough to explain, bounded for deep nesting
_MAX_BRANCHES = 16  # enclosing branches remembered (forgetting one only loses precision)


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    if not b or a == b:
        return a
    return (a + tuple(t for t in b if t not in a))[:_MAX_TEXTS]


@dataclass(frozen=True)
class Guard:
    """When code runs: `true_in`/`false_in` index ALWAYS..GUARDED (NEVER: in no build)."""

    true_in: int
    false_in: int
    texts: tuple[str, ...] = ()  # the conditions, for reports
    absent_true: tuple[str, ...] = ()  # sdist paths whose absence makes it true
    absent_false: tuple[str, ...] = ()  # ... and false
    # The if-chain branches it lies in: (chain, branch).  Two branches of one chain exclude each
    # other, so a value set in `if(A)` is not used in its `else()` whatever A is.
    branches: tuple[tuple[int, int], ...] = ()
    # What explains its negation when that is the ordinary build (`NOT rapidfuzz_FOUND`:
    # "where rapidfuzz is not installed"); the texts it takes on `not_()`.
    negated: tuple[str, ...] = ()

    @property
    def reachable(self) -> bool:
        return self.true_in < NEVER

    @property
    def certain(self) -> bool:
        """True in every build: no branch to speak of."""
        return self.false_in == NEVER

    @property
    def scope(self) -> Scope:
        return _SCOPES[min(self.true_in, NEVER - 1)]

    @property
    def condition(self) -> str | None:
        return " and ".join(self.texts) or None

    def and_(self, other: Guard) -> Guard:
        if other is TRUE:
            return self
        if self is TRUE:
            return other
        branches = self.branches
        if other.branches and other.branches != branches:
            taken = dict(branches)
            for chain, branch in other.branches:
                if taken.setdefault(chain, branch) != branch:
                    return FALSE
            branches = tuple(taken.items())[:_MAX_BRANCHES]
        return Guard(
            max(self.true_in, other.true_in),
            min(self.false_in, other.false_in),
            _merge(self.texts, other.texts),
            (self.absent_true + other.absent_true)[:8],
            (self.absent_false + other.absent_false)[:8],
            branches,
        )

    def or_(self, other: Guard) -> Guard:
        return Guard(
            min(self.true_in, other.true_in),
            max(self.false_in, other.false_in),
            (),
            (self.absent_true + other.absent_true)[:8],
            (self.absent_false + other.absent_false)[:8],
        )

    def not_(self) -> Guard:
        return Guard(
            self.false_in,
            self.true_in,
            self.negated,
            self.absent_false,
            self.absent_true,
            negated=self.texts if self.negated else (),
        )

    def label(self, text: str, branch: tuple[int, int] | None = None) -> Guard:
        """The same guard, explained by `text` (only when it restricts the ordinary build), as
        branch `branch` = (chain, index) of an if-chain."""
        return replace(
            self,
            # an ordinary-build guard keeps only a negation's own explanation (see `negated`)
            texts=(text,) if self.true_in > 0 else self.texts,
            branches=(branch,) if branch is not None and not self.certain else (),
        )


TRUE: Final = Guard(0, NEVER)
FALSE: Final = Guard(NEVER, 0)
PLATFORM: Final = Guard(1, 1)
OPTION: Final = Guard(2, 2)
OPTION_OFF: Final = Guard(2, 0)  # an option off by default: its other side is the ordinary build
OPTION_ON: Final = Guard(0, 2)  # an option on by default: the ordinary build takes it
TEST: Final = Guard(3, 0)  # true only when tests are built; false in the ordinary build
UNKNOWN_FILE: Final = Guard(4, 2)  # an existence test the checker cannot decide


def missing(path: str) -> Guard:
    """`exists(path)` for a path the sdist lacks: false here, so its branch is `guarded`."""
    return Guard(4, 0, absent_false=(path,))


_TEST_WORD = re.compile(
    r"(?:^|[-_.])(?:c?tests?|testing|unit_?tests?|bench(?:mark(?:s|ing)?|es)?|examples?|docs?"
    r"|documentation|doxygen|sphinx|samples?|demos?|fuzz(?:ing|ers?)?|coverage)(?:[-_.]|$)",
    re.IGNORECASE,
)
_PLATFORM_WORD = re.compile(
    r"(?:^|[-_.])(?:win(?:32|64|dows)?|msvc|mingw|apple|mac(?:os|osx)?|osx|darwin|ios|linux"
    r"|unix|posix|bsd|freebsd|android|cygwin|emscripten|wasm|arm(?:64)?|aarch64|x86(?:_64)?|x64"
    r"|amd64|i[36]86|ppc(?:64(?:le)?)?|s390x?|riscv(?:64)?|(?:64|32)_?bits?|endian)(?:[-_.]|$)",
    re.IGNORECASE,
)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def is_test_name(name: str) -> bool:
    return _TEST_WORD.search(name) is not None


def is_platform_name(name: str) -> bool:
    return _PLATFORM_WORD.search(name) is not None


class Located(Protocol):
    """Where build-file code runs: its file, and that file's lines (quoted in references)."""

    file: str
    lines: list[str]


class Referrer:
    """An analyser's references to sdist paths, each scoped and explained by its guard."""

    refs: list[Reference]

    def ref(
        self,
        at: Located,
        line: int,
        target: str,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
        alternatives: tuple[str, ...] = (),
        keep: bool = True,
    ) -> Reference | None:
        """The reference to `target` from `line` of `at.file`, recorded unless `keep` is false
        (the caller decides later); None when `guard` holds in no build."""
        if not guard.reachable:
            return None
        text = at.lines[line - 1].strip() if 0 < line <= len(at.lines) else ""
        ref = Reference(
            target=target,
            source=at.file,
            line=line,
            text=text,
            kind=kind,
            condition=guard.condition,
            scope=guard.scope,
            is_dir=is_dir,
            note=note,
            alternatives=alternatives,
            platforms=guard.condition if guard.scope is Scope.PLATFORM else None,
        )
        if keep:
            self.refs.append(ref)
        return ref
