"""Types shared by the native-build analysers (CMake, meson, setup.py Extensions) and the C/C++
and Cython include followers: what gets compiled, with which include path, under which guard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from .._model import Reference, Scope


@dataclass(frozen=True)
class CompileUnit:
    """A source file a build compiles, and where its `#include "..."`/`<...>` are looked up."""

    source: str  # sdist-relative .c/.cc/.cpp/.cxx/.pyx/... file
    include_dirs: tuple[str, ...] = ()  # sdist-relative directories, in search order
    scope: Scope = Scope.ALWAYS  # of the build statement that compiles it
    condition: str | None = None  # e.g. "if(WIN32)" or "if sys.platform == 'win32'"
    declared_in: str = ""  # the build file and line that declared it, for reports
    line: int = 0
    # where the build adds include directories the checker cannot see ("set at run time at
    # setup.py:172", "from the linked absl::strings"): a header on none of the known ones may
    # be on those
    open_dirs: str | None = None
    # the libraries it links by name (`Extension(libraries=["avif"])`): a quoted include of
    # "avif/avif.h" that the sdist has nowhere is that library's installed header
    libraries: tuple[str, ...] = ()
    # why the build goes on when compiling it fails (an optional build_ext), if it does: what
    # it includes is then tolerated too
    tolerated: str | None = None
    # include_dirs is the whole include path into the sdist (a setup.py Extension's static
    # include_dirs, nothing added while building, no -I flag): a quoted header found on none of
    # them is not on a folder the build adds unseen
    exact_dirs: bool = False


@dataclass(frozen=True)
class CMakeRoot:
    """A directory CMake configures, as the build runs it."""

    directory: str  # sdist-relative; "" is the sdist's top
    installs: bool = False  # the build runs `cmake --install` too (scikit-build does)
    # the `-DNAME=VALUE` every configure of it passes (a setup.py's `cmake_args`,
    # scikit-build-core's `cmake.define`): fixed values, not options
    defines: tuple[tuple[str, str], ...] = ()


def cmake_define(word: str) -> tuple[str, str] | None:
    """NAME and VALUE of a `-DNAME[:TYPE]=VALUE` command-line word; None for any other."""
    if not word.startswith("-D") or "=" not in word or "\x00" in word:
        return None
    name, _, value = word[2:].partition("=")
    name = name.partition(":")[0].strip()
    return (name, value.strip()) if name.replace("-", "_").isidentifier() else None


@dataclass
class NativeAnalysis:
    """What one build system's files reference, and what they compile."""

    references: list[Reference] = field(default_factory=list)
    units: list[CompileUnit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


COMPILED: Final = frozenset(
    [".c", ".cc", ".cpp", ".cxx", ".c++", ".cp", ".C", ".m", ".mm", ".cu", ".pyx", ".cppm", ".ixx"]
)


@dataclass
class BuildAnalysis(NativeAnalysis):
    """What a build system's files reference and compile, and what its build generates: the
    outputs' sdist-relative paths (the build tree mirrors the source tree) and bare file names,
    so that an `#include` of one is no missing file."""

    generated: list[str] = field(default_factory=list)


def generated_names(paths: Iterable[str]) -> list[str]:
    """Each output path, then each file name, once."""
    paths = list(dict.fromkeys(paths))
    return list(dict.fromkeys([*paths, *(p.rpartition("/")[2] for p in paths)]))
