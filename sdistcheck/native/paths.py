"""Anchored paths, shared by the CMake and meson analysers: a build file's path argument is
rewritten with a marker for the sdist root (`${CMAKE_SOURCE_DIR}`) or the build tree, and
`locate` tells where it points (a file in the sdist, a build output, outside, or unknowable)."""

from __future__ import annotations

import posixpath
import re

from .._model import LEAVES_SDIST
from ..archive.tree import normalize

_SRC = "\x00S"  # ${CMAKE_SOURCE_DIR} and friends: the sdist root
_BIN = "\x00B"  # the build tree: what lives there is generated
_UNRESOLVED = "\x03"  # a variable the checker cannot know: \x03NAME\x04
_UNRESOLVED_NAME = re.compile("\x03([^\x03\x04]*)\x04")

_LEAVES = LEAVES_SDIST


def _restore(text: str) -> str:
    return text.replace("\x01", "$").replace("\x02", ";")


def _marker(name: str) -> str:
    return f"{_UNRESOLVED}{name}\x04"


def _abs(rel: str) -> str:
    return f"{_SRC}/{rel}" if rel else _SRC


def anchor(rel: str, build: bool = False) -> str:
    """An sdist-relative directory as an anchored path (the build tree's mirror if `build`)."""
    return (_BIN if build else _SRC) + (f"/{rel}" if rel else "")


def _canon(text: str) -> str:
    """Collapse `.`/`..` in an anchored path (left as is when it climbs out)."""
    for anchor in (_SRC, _BIN):
        if text.startswith(anchor):
            rel = normalize(text[len(anchor) :])
            return text if rel is None else (f"{anchor}/{rel}" if rel else anchor)
    return text


def _is_absolute(text: str) -> bool:
    return text.startswith(("/", "\\\\")) or re.match(r"[A-Za-z]:[/\\]", text) is not None


def locate(text: str, base: str) -> tuple[str, str]:
    """Where a path argument points: ("src", sdist path), ("climb", shown path), or ("bin" |
    "outside" | "unresolved" | "genex", text)."""
    text = _restore(text)
    if _UNRESOLVED in text:
        return "unresolved", text
    if "$<" in text:
        return "genex", text
    if text.startswith(_BIN):
        return "bin", text
    if text.startswith(_SRC):
        rest = text[len(_SRC) :]
        if "\x00" in rest:
            return "unresolved", text
        path = normalize(rest)
        return ("climb", posixpath.normpath(rest.lstrip("/"))) if path is None else ("src", path)
    if "\x00" in text:  # an anchor inside a word (`-I${X}`): not a path
        return "unresolved", text
    if _is_absolute(text):
        return "outside", text
    joined = posixpath.join(base, text.replace("\\", "/"))
    path = normalize(joined)
    return ("climb", posixpath.normpath(joined)) if path is None else ("src", path)
