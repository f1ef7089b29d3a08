"""Rules for causes that are the machine's, not the sdist's: a missing tool, compiler, library
or build requirement, a requirement conflict, a timeout.  `rules` puts them in its table."""

from __future__ import annotations

import re

from .cause import MISSING_TOOL, REQUIREMENTS, TIMEOUT, Cause
from .hints import (
    _TOOL_HINTS,
    _library_cause,
    _tool_cause,
)
from .log import _Log


def _tool(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _tool_cause(m["tool"], log.lines[i].strip())


def _rust_missing(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return Cause(
        MISSING_TOOL,
        "the Rust toolchain (cargo) was not found",
        None,
        log.lines[i].strip(),
        _TOOL_HINTS["cargo"],
    )


def _cmake_missing(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _tool_cause("cmake", log.lines[i].strip())


def _compiler_unknown(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _tool_cause("cc", log.lines[i].strip())


def _pkg_config(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _library_cause(m["pkg"], log.lines[i].strip(), "pkg-config")


def _meson_dependency(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _library_cause(m["pkg"], log.lines[i].strip(), "meson dependency()")


def _linker(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _library_cause(m["lib"], log.lines[i].strip(), "linker -l" + m["lib"])


def _requirement(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    req = m["req"]
    return Cause(
        REQUIREMENTS,
        f"build requirement {req} cannot be installed from the index",
        None,
        log.lines[i].strip(),
        "check the requirement's name and version bounds, and "
        "that the index pip uses (--index-url, PIP_INDEX_URL) has it",
    )


def _conflict(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return Cause(
        REQUIREMENTS,
        "the build requirements conflict (pip: ResolutionImpossible)",
        None,
        log.lines[i].strip(),
        "loosen or fix the version bounds in [build-system] requires",
    )


def _missing_deps(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return Cause(
        REQUIREMENTS,
        "build requirements are not installed (build without isolation)",
        None,
        log.lines[i].strip(),
        "install them, or build with isolation",
    )


def _timeout(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return Cause(
        TIMEOUT,
        "the build ran out of time",
        None,
        log.lines[i].strip(),
        "raise the timeout, or look at what the build was doing last",
    )
