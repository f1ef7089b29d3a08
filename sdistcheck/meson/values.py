"""meson values as the analyser models them: strings, numbers, booleans, arrays, dicts, files,
include directories, opaque objects and unknowns, each tagged with the guard under which it was
assigned; their leaves, their statically known contents, and the limits that bound them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..native.guards import FALSE, OPTION, TRUE, Guard, word_set


@dataclass(frozen=True, kw_only=True)
class _V:
    g: Guard = TRUE  # the guard under which the value was assigned or added


@dataclass(frozen=True, kw_only=True)
class _Str(_V):
    s: str  # may hold an anchored path (meson.current_source_dir())


@dataclass(frozen=True, kw_only=True)
class _Num(_V):
    n: int


@dataclass(frozen=True, kw_only=True)
class _Bool(_V):
    cond: Guard  # TRUE/FALSE when known


@dataclass(frozen=True, kw_only=True)
class _Arr(_V):
    items: tuple[_V, ...]


@dataclass(frozen=True, kw_only=True)
class _Dict(_V):
    items: tuple[tuple[str, _V], ...]


@dataclass(frozen=True, kw_only=True)
class _File(_V):
    path: str | None  # sdist-relative; None for a build output


@dataclass(frozen=True, kw_only=True)
class _Dirs(_V):
    dirs: tuple[str, ...]  # include_directories() or a dependency's include path


@dataclass(frozen=True, kw_only=True)
class _Obj(_V):
    kind: str  # "python", "fs", "compiler", "machine", "meson", "generated", "generator", ...
    outputs: tuple[str, ...] = ()  # a generator's output templates (`@BASENAME@.c`)


@dataclass(frozen=True, kw_only=True)
class _Unknown(_V):
    atom: Guard = OPTION  # how it varies between builds, when used as a condition
    feature: str | None = None  # a feature option's default: "enabled", "disabled" or "auto"


@dataclass(frozen=True, kw_only=True)
class _Alt(_V):
    options: tuple[_V, ...]  # values assigned under different guards


def _tag(value: _V, guard: Guard) -> _V:
    return value if guard is TRUE else replace(value, g=value.g.and_(guard))


_NONE = _Obj(kind="none")
_MAX_LEAVES = 20_000
_MAX_TEXT = 1 << 16
_BUDGET = 50_000  # statements run for one sdist
_MAX_DEPTH = 48  # subdir()/foreach nesting followed


def _leaves(value: _V, guard: Guard = TRUE, depth: int = 0) -> list[tuple[_V, Guard]]:
    """Array elements and alternatives, flattened, each with the guard that brought it."""
    guard = guard.and_(value.g)
    if isinstance(value, _Arr | _Alt) and depth < 32:
        parts = value.items if isinstance(value, _Arr) else value.options
        out: list[tuple[_V, Guard]] = []
        for part in parts:
            out.extend(_leaves(part, guard, depth + 1))
            if len(out) > _MAX_LEAVES:
                break
        return out
    return [(value, guard)]


def _known(value: _V) -> str | int | bool | None:
    if isinstance(value, _Str):
        return value.s
    if isinstance(value, _Num):
        return value.n
    if isinstance(value, _Bool) and value.cond in (TRUE, FALSE):
        return value.cond is TRUE
    return None


def _atom(value: _V) -> Guard:
    """How a value not known statically varies between builds."""
    if isinstance(value, _Unknown):
        return value.atom
    if isinstance(value, _Bool):
        return Guard(max(1, value.cond.true_in), max(1, value.cond.true_in))
    return OPTION


# meson's built-in options (and `b_*`, `<lang>_*`, `module.x`, `subproject:x`) need no options file.
_BUILTIN_OPTIONS = word_set(
    """prefix bindir datadir includedir infodir libdir licensedir libexecdir localedir
    localstatedir mandir sbindir sharedstatedir sysconfdir auto_features backend buildtype debug
    default_library default_both_libraries errorlogs install_umask layout optimization
    pkg_config_path prefer_static stdsplit strip unity unity_size warning_level werror wrap_mode
    force_fallback_for vsenv cmake_prefix_path genvslite"""
)
_BUILTIN_OPTION = re.compile(
    r"b_\w+|(?:c|cpp|cuda|objc|objcpp|fortran|rust|cython|d|java|cs|vala|swift|nasm|masm)_\w+"
    r"|.*[.:].*"
)
_TARGETS = word_set(
    """executable library shared_library static_library shared_module both_libraries
    build_target"""
)
_PLATFORM_METHODS = frozenset(["machine", "compiler"])


@dataclass
class _Frame:
    dir: str  # sdist-relative directory of the meson.build running
    file: str
    lines: list[str]
    cut: Guard = TRUE  # after a conditional subdir_done(): the rest runs when it was not taken


class _Done(Exception):
    """subdir_done() reached unconditionally."""


class _Budget(Exception):
    """Too much work for one sdist (deeply nested loops): stop with what was found."""
