"""What a platform that builds the sdist then needs, from the sdist check's findings: the
backend and the kinds of references it followed (Cargo manifests and Rust sources: a Rust
toolchain; compiled C/C++ and Cython: a compiler; CMake; meson and ninja; Go), the C-building
crates in Cargo.lock, and the system libraries the build files look for (meson `dependency()`,
CMake `find_package()`).  Only what the sdist shows; never a guess from the project's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._model import Report
from ..archive.tree import SdistTree
from .environments import Environment

RUST = "Rust toolchain (cargo, rustc)"
COMPILER = "C/C++ compiler"
CMAKE = "CMake"
MESON = "meson and ninja"
GO = "Go toolchain"

_RUST_KINDS = ("mod", "include_bytes", "include_str", "include", "path", "cargo-", "maturin-")
_COMPILED_KINDS = ("c-include", "cython-", "setuptools-ext-", "cmake-source", "meson-source")
_BACKEND_NEEDS = {
    "maturin": (RUST,),
    "meson-python": (MESON, COMPILER),
    "scikit-build-core": (CMAKE, COMPILER),
    "py-build-cmake": (CMAKE, COMPILER),
}
# Crates whose build scripts compile C: a C compiler; ring and bindgen want clang.
_C_CRATES = {"cc": COMPILER, "ring": "clang (the ring crate)", "bindgen": "libclang (bindgen)"}
_LOCK_NAME = re.compile(r'(?m)^name\s*=\s*"([A-Za-z0-9_-]+)"')
_MESON_DEP = re.compile(r"""\bdependency\(\s*['"]([A-Za-z0-9_.+-]+)['"]""")
_CMAKE_PKG = re.compile(r"(?i)\bfind_package\(\s*([A-Za-z0-9_.+-]+)")
# Found in every Python build, or pulled in by pip: not system libraries to install.
_NOT_SYSTEM = frozenset(
    [
        "python",
        "python3",
        "pythoninterp",
        "pythonlibs",
        "pythonextensions",
        "threads",
        "openmp",
        "pybind11",
        "nanobind",
        "numpy",
        "cython",
        "dl",
        "m",
        "rt",
        "pthread",
    ]
)


def _kinds(report: Report) -> set[str]:
    return {r.kind for r in report.references}


def _starts(kinds: Iterable[str], prefixes: tuple[str, ...]) -> bool:
    return any(k == p or (p.endswith("-") and k.startswith(p)) for k in kinds for p in prefixes)


def build_needs(report: Report, tree: SdistTree | None = None) -> tuple[str, ...]:
    """The tools and system libraries a build of the sdist needs, in a stable order."""
    kinds = _kinds(report)
    needs: list[str] = list(_BACKEND_NEEDS.get(report.backend or "", ()))
    if _starts(kinds, _RUST_KINDS):
        needs.append(RUST)
    if _starts(kinds, _COMPILED_KINDS):
        needs.append(COMPILER)
    if _starts(kinds, ("cmake-",)):
        needs.append(CMAKE)
    if _starts(kinds, ("meson-",)):
        needs.append(MESON)
    if _starts(kinds, ("go-",)):
        needs.append(GO)
    if tree is not None:
        needs += _from_files(tree)
    return tuple(dict.fromkeys(needs))


def _from_files(tree: SdistTree) -> list[str]:
    needs: list[str] = []
    crates: set[str] = set()
    libraries: dict[str, None] = {}
    for path in sorted(tree.contents):
        name = path.rpartition("/")[2]
        text = tree.read_text(path) or ""
        if name == "Cargo.lock":
            crates.update(_LOCK_NAME.findall(text))
        elif name == "meson.build":
            libraries.update(dict.fromkeys(_MESON_DEP.findall(text)))
        elif name == "CMakeLists.txt" or name.endswith(".cmake"):
            libraries.update(dict.fromkeys(_CMAKE_PKG.findall(text)))
    needs += [need for crate, need in _C_CRATES.items() if crate in crates]
    system = [lib for lib in libraries if lib.lower() not in _NOT_SYSTEM]
    if system:
        needs.append("system libraries the build looks for: " + ", ".join(system[:8]))
    return needs


def for_environment(needs: tuple[str, ...], env: Environment) -> tuple[str, ...]:
    """NEEDS as they read on ENV: clang for ring matters on Windows ARM64, and a C/C++
    compiler there means MSVC's Build Tools."""
    out = []
    for need in needs:
        if need.startswith("clang") and not (env.os == "windows" and env.arch == "aarch64"):
            need = COMPILER  # ring builds with the platform's usual compiler elsewhere
        if need == COMPILER and env.os == "windows":
            need = "C/C++ compiler (MSVC Build Tools)"
        out.append(need)
    return tuple(dict.fromkeys(out))
