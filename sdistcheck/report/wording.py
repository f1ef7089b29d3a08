"""Words a release engineer reads: what kind of reference needs a file, and which backend
builds, instead of the analysers' internal kind names."""

from __future__ import annotations

from ..backends.pyproject import BACKENDS

# Exact kinds whose generic reading below would be wrong or unclear.
_EXACT = {
    "include_bytes": "Rust include_bytes!",
    "include_str": "Rust include_str!",
    "include": "Rust include!",
    "mod": "Rust mod declaration",
    "path": "Rust #[path] attribute",
    "c-include": "C/C++ #include",
    "cython-cimport": "Cython cimport",
    "cython-include": "Cython include",
    "cython-extern-header": "Cython cdef extern from",
    "cython-distutils-sources": "Cython # distutils: sources",
    "cython-companion-pxd": "Cython (the module's own .pxd)",
    "cythonize-pattern": "cythonize() pattern",
    "go-embed": "Go //go:embed",
    "go-sum": "Go go.sum (modules are required)",
    "go-replace": "Go go.mod replace",
    "project-readme": "[project] readme",
    "project-license-file": "[project] license file",
    "project-license-files": "[project] license-files",
    "backend-path": "[build-system] backend-path",
    "maturin-readme": "maturin (the package readme)",
    "setup.py-open": "the build script reads it",
    "setup.py-import": "the build script imports it",
    "setup.py-cffi-module": "cffi build script (cffi_modules)",
    "setup.py-script-run": "setup.py runs it with Python",
    "setup.py-cmake-extension": "setup.py CMake extension",
    "setuptools-ext-source": "setuptools Extension sources",
    "setuptools-ext-depends": "setuptools Extension depends",
    "setuptools-package-data": "setuptools package_data",
    "setuptools-data-files": "setuptools data_files",
    "hatch-force-include": "hatch force-include",
    "scikit-build-cmakelists": "scikit-build's CMakeLists.txt",
    "meson-python-root": "meson-python's meson.build",
}
# Prefixes: the tool whose configuration or build file holds the reference.
_PREFIXES = {
    "cmake-": "CMake",
    "meson-": "meson",
    "cargo-": "Cargo",
    "maturin-": "[tool.maturin]",
    "setuptools-": "setuptools",
    "setup.py-": "setup.py",
    "setup.cfg-": "setup.cfg",
    "pdm-": "[tool.pdm]",
    "hatch-": "hatch",
    "go-": "Go",
    "cython-": "Cython",
}


def describe_kind(kind: str) -> str:
    """`cmake-add-subdirectory` -> `CMake add_subdirectory()`, `c-include` -> `C/C++ #include`."""
    if kind in _EXACT:
        return _EXACT[kind]
    for prefix, tool in _PREFIXES.items():
        if kind.startswith(prefix):
            rest = kind[len(prefix) :]
            if tool == "CMake" and rest.replace("-", "_") in _CMAKE_COMMANDS:
                return f"CMake {rest.replace('-', '_')}()"
            return f"{tool} {rest.replace('-', ' ')}"
    return kind.replace("-", " ").replace("_", " ")


_CMAKE_COMMANDS = {
    "add_subdirectory",
    "include",
    "configure_file",
    "install",
    "execute_process",
    "file",
}


def describe_backend(backend: str | None) -> str:
    """`maturin backend`; an in-tree or unknown backend by its name, never `X backend backend`."""
    if backend is None:
        return "no build backend declared"
    if backend in set(BACKENDS.values()) | {"setuptools"}:
        return f"{backend} backend"
    return f"build backend '{backend}'"


def describe_release(name: str | None, version: str | None) -> str | None:
    """`uv 0.5.2`, `uv`, or None when PKG-INFO named neither (never `?`)."""
    shown = " ".join(x for x in (name, version) if x)
    return shown or None


def place(source: str, line: int) -> str:
    """`setup.py:12`, or the file alone when the line is not known."""
    return f"{source}:{line}" if line else source
