"""What a default `pip install` of the sdist can import while setup.py runs: the standard
library, setuptools, and what the isolated build environment installs, i.e. pyproject.toml's
`[build-system] requires` (setuptools and wheel without one) plus setup.py's `setup_requires`,
which setuptools' PEP 517 backend hands back to the frontend before it builds.

So `try: from Cython.Build import cythonize except ImportError:` is decided: Cython is importable
exactly when a requirement provides it.  A module the environment lacks can still come from the
sdist itself (setup.py's folder is on `sys.path`).
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import dataclasses
import posixpath
import re
import sys
from collections.abc import Collection

from .. import _toml
from .._model import Reference, Scope
from ..archive.tree import SdistTree
from ..native.model import CompileUnit
from .pybranches import ALWAYS, Guard, catches, dotted

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# Distributions whose import name differs from their own (after lowering, `-`/`.` -> `_`).
_PROVIDES = {
    "oldest_supported_numpy": ("numpy",),
    "scikit_build": ("skbuild",),
    "pyyaml": ("yaml",),
    "pybind11_global": ("pybind11",),
    "setuptools": ("setuptools", "pkg_resources", "_distutils_hack", "distutils"),
    "cython": ("cython", "pyximport"),
    "cffi": ("cffi", "_cffi_backend"),
    "gitpython": ("git",),
    "pkgconfig": ("pkgconfig",),
}
# Distributions setup.py files import that are never the sdist's own: when the environment
# lacks one, a build requirement is missing, not a file.
THIRD_PARTY = frozenset(
    [
        "numpy",
        "Cython",
        "cython",
        "pybind11",
        "nanobind",
        "cffi",
        "wheel",
        "torch",
        "tensorflow",
        "jax",
        "setuptools_scm",
        "skbuild",
        "scikit_build_core",
        "setuptools_rust",
        "maturin",
        "pkgconfig",
        "packaging",
        "toml",
        "tomli",
        "tomllib",
        "yaml",
        "jinja2",
        "mypy",
        "mypyc",
        "pythran",
        "cmake",
        "ninja",
        "sipbuild",
        "pyqtbuild",
        "pip",
        "six",
        "requests",
        "git",
        "numba",
        "scipy",
        "mpi4py",
        "h5py",
        "pysam",
        "cupy",
        "Cython.Build",
        "pkg_config",
        "hatchling",
        "flit_core",
        "poetry",
        "pdm",
        "pypandoc",
        "m2r",
        "docutils",
        "sphinx",
        "pytest",
        "nose",
        "distro",
        "platformdirs",
        "cpuinfo",
        "psutil",
        "extension_helpers",
        "pyximport",
        "pythonnet",
        "clr",
        "triton",
    ]
)
_ALWAYS_THERE = frozenset(sys.stdlib_module_names) | {"setuptools", "pkg_resources", "distutils"}


def _names(requirements: object) -> set[str]:
    out = set()
    for req in requirements if isinstance(requirements, list) else []:
        m = _NAME.match(req) if isinstance(req, str) else None
        if m is not None:
            out.add(re.sub(r"[-.]+", "_", m.group(1)).lower())
    return out


def _setup_requires(module: ast.Module, tree: SdistTree) -> set[str]:
    """`setup_requires` given as a literal list to setup() or in setup.cfg's [options]."""
    found: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setup":
            for kw in node.keywords:
                if kw.arg == "setup_requires":
                    with contextlib.suppress(ValueError, TypeError, SyntaxError, RecursionError):
                        found |= _names(list(ast.literal_eval(kw.value)))
    text = tree.read_text("setup.cfg")
    if text is not None:
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text)
            value = parser.get("options", "setup_requires", fallback="")
        except (configparser.Error, ValueError):
            value = ""
        found |= _names([line for line in value.replace(";", "\n").splitlines() if line])
    return found


class BuildEnvironment:
    """The distributions a default isolated build installs, and what they let setup.py import."""

    def __init__(
        self, tree: SdistTree, module: ast.Module, base: str = "", assumed: Collection[str] = ()
    ) -> None:
        pyproject = _toml.load(
            tree.read_text(f"{base}/pyproject.toml" if base else "pyproject.toml")
        )
        system = pyproject.get("build-system") if isinstance(pyproject, dict) else None
        if isinstance(system, dict) and "requires" in system:
            self.requirements = _names(system["requires"])
        else:  # pip's and build's default for a project without [build-system]
            self.requirements = {"setuptools", "wheel"}
        self.requirements |= _setup_requires(module, tree)
        self.tree, self.base = tree, base
        self.assumed = frozenset(assumed)  # installed beside the build (no isolation)

    def importable(self, module: str) -> bool:
        """Whether `import MODULE` succeeds in the default build (its top-level package)."""
        top = module.split(".")[0]
        if not top or module.startswith("."):
            return True  # a relative import: setup.py's own package
        lowered = top.lower()
        if top in _ALWAYS_THERE or top in self.assumed or lowered in self.provided():
            return True
        if any(lowered in name.split("_") for name in self.requirements):
            return True  # versioneer-518 gives versioneer: a word of the distribution's name
        here = f"{self.base}/{top}" if self.base else top
        return self.tree.is_file(f"{here}.py") or self.tree.is_dir(here)

    def provided(self) -> set[str]:
        out: set[str] = set()
        for name in self.requirements:
            out.update(_PROVIDES.get(name, (name,)))
        return out


_HANDLER: Guard = (Scope.OPTION, "in an except handler")
_IMPORT_TRY: Guard = (Scope.OPTION, "inside try/except ImportError")


def try_guards(node: ast.Try, environment: BuildEnvironment | None) -> tuple[Guard, Guard]:
    """(the guard of a `try` body and `else`, that of its handlers).

    `try: import X except ImportError:` is decided by whether the default build can import X;
    a handler of other errors runs only when something fails.
    """
    if not catches(node, ("ImportError", "ModuleNotFoundError")):
        return ALWAYS, _HANDLER
    modules = try_imports(node.body)
    if not modules or environment is None:  # either side may run
        return _IMPORT_TRY, _IMPORT_TRY
    missing = [m for m in modules if not environment.importable(m)]
    if missing:
        return (
            Scope.OPTION,
            f"if {missing[0]} were importable (not a build requirement)",
        ), ALWAYS
    shown = ", ".join(modules)
    return ALWAYS, (Scope.OPTION, f"except ImportError (the build requirements give {shown})")


def try_imports(body: list[ast.stmt]) -> list[str]:
    """The modules a `try:` body imports at its top level, in order."""
    modules: list[str] = []
    for node in body:
        if isinstance(node, ast.Import):
            modules += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def optional_imports(module: ast.Module, environment: BuildEnvironment) -> list[str]:
    """The top-level modules setup.py tries to import (`try: ... except ImportError:`) that the
    default isolated build lacks: a build without isolation may well have them (Cython)."""
    found: list[str] = []
    for node in ast.walk(module):
        if isinstance(node, ast.Try) and catches(node, ("ImportError", "ModuleNotFoundError")):
            for name in try_imports(node.body):
                top = name.split(".")[0]
                if top and not environment.importable(name) and top not in found:
                    found.append(top)
    return found


def without_isolation(
    known: list[Reference], world: list[Reference], modules: list[str]
) -> list[Reference]:
    """The references of setup.py evaluated with MODULES importable (WORLD) that the default
    build's (KNOWN) lack, as options: rencode 1.0.6 compiles `rencode.pyx` when Cython imports
    and shipped only the `.c`, which breaks a build without isolation that has Cython."""
    # With Cython importable, setuptools compiles a `.pyx` source: no `.c` stands in for it.
    cython = "Cython" in modules or "cython" in modules
    seen = {(r.target, r.alternatives) for r in known}
    why = _without_isolation(modules)
    out = []
    for ref in world:
        if cython and ref.kind == "setuptools-ext-source" and ref.target.endswith(".pyx"):
            ref = dataclasses.replace(ref, alternatives=())
        if (ref.target, ref.alternatives) in seen or ref.scope not in (
            Scope.ALWAYS,
            Scope.PLATFORM,
        ):
            continue
        seen.add((ref.target, ref.alternatives))
        condition = f"{ref.condition}, {why}" if ref.condition else why
        out.append(dataclasses.replace(ref, scope=Scope.OPTION, condition=condition))
    return out


def _without_isolation(modules: list[str]) -> str:
    return f"if {' and '.join(modules)} were importable (a build without isolation)"


def isolation_units(
    known: list[CompileUnit], world: list[CompileUnit], modules: list[str]
) -> list[CompileUnit]:
    """What only a build without isolation compiles (healpy 1.8.0's `.pyx`, when Cython
    imports), as options: what those cimport and include is then followed too."""
    seen = {u.source for u in known}
    why = _without_isolation(modules)
    return [
        dataclasses.replace(u, scope=Scope.OPTION, condition=why)
        for u in world
        if u.source not in seen and u.scope in (Scope.ALWAYS, Scope.PLATFORM)
    ]


def local_imports(module: ast.Module, environment: BuildEnvironment) -> list[tuple[ast.stmt, str]]:
    """(statement, module path) for each module setup.py imports unconditionally that the
    default build's environment lacks: setup.py's folder is on `sys.path`, so it can only be
    the sdist's own (datatable 0.7.0: `from ci.setup_utils import ...`, no ci/ shipped).  A
    known third-party tool is a missing build requirement instead, and once setup.py changes
    `sys.path` later imports may come from anywhere."""
    found: list[tuple[ast.stmt, str]] = []
    for node in module.body:
        if any(dotted(n).startswith(("sys.path", "site.addsitedir")) for n in ast.walk(node)):
            break
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if not environment.importable(name) and name.split(".")[0] not in THIRD_PARTY:
                found.append((node, name.replace(".", "/")))
    return found


def sdist_modules(module: ast.Module, tree: SdistTree, base: str) -> dict[str, str]:
    """Module name -> sdist path of the modules setup.py imports (absolutely) that are files of
    the sdist beside it: `import setup.extensions` is `setup/extensions.py`."""
    out = {}
    for node in ast.walk(module):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            path = posixpath.join(base, name.replace(".", "/") + ".py")
            if tree.is_file(path):
                out[name] = path
    return out


def imported_extension_modules(tree: SdistTree, setup_py: str = "setup.py") -> list[str]:
    """The sdist's modules setup.py imports that declare `Extension(...)`s (cvxpy 1.9.3:
    `import setup.extensions as X; ext_modules=[X.cvxcore]`): they run at import, in setup.py's
    working directory, and what they declare is built."""
    try:
        module = ast.parse(tree.read_text(setup_py) or "", filename=setup_py)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = []
    for path in sdist_modules(module, tree, posixpath.dirname(setup_py)).values():
        text = tree.read_text(path) or ""
        if re.search(r"\bExtension\s*\(", text):
            found.append(path)
    return found
