"""Which of the project's own macros a build could define, for the default-build reading of
`#ifndef X` (taken unless something defines X).

A macro counts as possibly defined when any C/C++ file of the sdist `#define`s it, or when its
name appears at all in a build file (`define_macros=[("X", None)]`, `-DX`, `add_definitions`,
an option named after it): what is left is a macro no default build defines.
"""

from __future__ import annotations

import posixpath
import re

from ..archive.tree import SdistTree
from .include_walk import MAX_BYTES
from .preprocessor import C_SUFFIXES

_DEFINE = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+(\w+)", re.M)
_WORD = re.compile(rb"[A-Za-z_]\w*")
_BUILD_FILES = frozenset(
    [
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "CMakeLists.txt",
        "meson.build",
        "meson.options",
        "meson_options.txt",
        "Makefile",
        "GNUmakefile",
        "build.py",
    ]
)
_BUILD_SUFFIXES = (".cmake", ".mk", ".gypi", ".gyp")


def possibly_defined(tree: SdistTree) -> frozenset[str]:
    """Every macro name a build of this sdist could define (see the module docstring)."""
    names: set[bytes] = set()
    for path in tree.all_paths():
        base = path.rpartition("/")[2]
        suffix = posixpath.splitext(base)[1]
        is_c = suffix in C_SUFFIXES or suffix.lower() in C_SUFFIXES
        is_build = base in _BUILD_FILES or base.endswith(_BUILD_SUFFIXES)
        if not (is_c or is_build):
            continue
        data = tree.read_bytes(path)
        if data is None or len(data) > MAX_BYTES:
            continue
        names.update(_DEFINE.findall(data) if is_c else _WORD.findall(data))
    return frozenset(n.decode("ascii", "replace") for n in names)
