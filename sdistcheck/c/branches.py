"""The compile-time branches a C `#include` or a Cython statement sits in, and what they do to it.

Each branch (`#ifdef _WIN32`, Cython's `IF UNAME_SYSNAME == "Windows":`) is a `Cond` with the
scope it stands for; a reference reached under branches gets the weakest of their scopes, and
carries their text (a `Via` each) into its report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .._model import SCOPE_RANK, Scope


@dataclass(frozen=True)
class Cond:
    """One conditional branch a statement sits in."""

    text: str  # e.g. "#ifdef _WIN32", "#else (after #ifdef _WIN32)"
    scope: Scope  # PLATFORM or OPTION; an include of a header in `guards` is GUARDED instead
    guards: frozenset[str] = frozenset()  # headers this branch tests with __has_include
    platforms: str | None = None  # for PLATFORM: e.g. "Windows", "not macOS"
    # For an OPTION branch on the project's own macros (`#ifndef XXH_NO_LONG_LONG`, the `#else`
    # of `#ifdef USE_SYSTEM_LIB`): the default build takes it unless one of these is defined.
    unless: frozenset[str] = frozenset()


def decided(cond: Cond, defined: frozenset[str] | None) -> bool:
    """Whether the default build certainly takes `cond`: none of the macros whose definition
    would turn it off is defined anywhere the build could define it (`defined`)."""
    return bool(cond.unless) and defined is not None and not (cond.unless & defined)


class Via(NamedTuple):
    """A condition met on the way to a reference: shown with it."""

    text: str
    platforms: str | None  # its phrase when it is a PLATFORM condition, else None


def rank_under(rank: int, conds: tuple[Cond, ...], name: str | None = None) -> int:
    """The scope rank of what is reached at `rank`, then under `conds`, by the name `name`."""
    for c in conds:
        rank = max(rank, SCOPE_RANK[Scope.GUARDED if name in c.guards else c.scope])
    return rank


def vias(conds: tuple[Cond, ...], name: str | None = None, where: str = "") -> tuple[Via, ...]:
    """`conds` as shown with a reference to `name`; `where` (e.g. " (m.c:3)") follows each text.

    A branch that tests for `name` itself with `__has_include` guards it: no platform phrase.
    """
    return tuple(
        Via(c.text + where, c.platforms or c.text)
        if c.scope is Scope.PLATFORM and name not in c.guards
        else Via(c.text + where, None)
        for c in conds
    )
