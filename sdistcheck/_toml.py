"""TOML loading that never raises past the checker, and line lookup for references in TOML files."""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .pipeline import load_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


def load(text: str | None) -> dict[str, Any] | None:
    """A parsed TOML document, or None when absent or malformed (reported by the caller)."""
    return None if text is None else load_toml(text)


def load_cargo(text: str | None) -> dict[str, Any] | None:
    """A Cargo manifest as cargo reads it: TOML 1.1 (pyqwest 0.12's dependencies are inline
    tables over several lines), which pip's TOML 1.0 for pyproject.toml is not."""
    return None if text is None else _load_11(text)


@lru_cache(maxsize=512)
def _load_11(text: str) -> dict[str, Any] | None:
    import tomli  # TOML 1.1 from 2.4 on

    try:
        doc: dict[str, Any] = tomli.loads(text)
        return doc
    except (tomli.TOMLDecodeError, ValueError, RecursionError):
        return None


def cargo_error(text: str) -> str:
    """Why TEXT is not TOML 1.1, in the parser's words ("" when it is)."""
    import tomli

    return _why(tomli.loads, text)


def error(text: str) -> str:
    """Why TEXT is not TOML, in the parser's words ("" when it is)."""
    return _why(tomllib.loads, text)


def _why(parse: Callable[[str], object], text: str) -> str:
    try:
        parse(text)
    except (ValueError, RecursionError) as exc:  # both parsers' TOMLDecodeError are ValueErrors
        return str(exc) or type(exc).__name__
    return ""


def line_of(text: str | None, *needles: str) -> tuple[int, str]:
    """First line containing all needles (1-based) and its text; (0, "") when not found."""
    if not text:
        return 0, ""
    lines, starts = _lines(text)
    first = next((n for n in needles if n), "")
    # Only lines holding the first needle can match: jump between its occurrences (a workspace
    # manifest is asked about each of its members' dependencies).
    pos = text.find(first)
    while pos >= 0:
        number = bisect.bisect_right(starts, pos)
        line = lines[number - 1]
        if all(n in line for n in needles):
            return number, line.strip()
        pos = text.find(first, starts[number]) if number < len(starts) else -1
    return 0, ""


@lru_cache(maxsize=64)
def _lines(text: str) -> tuple[list[str], list[int]]:
    """The lines as `str.splitlines` cuts them, and where each starts in `text`."""
    starts = [0]
    for line in text.splitlines(keepends=True)[:-1]:
        starts.append(starts[-1] + len(line))
    return text.splitlines(), starts


def table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def str_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
