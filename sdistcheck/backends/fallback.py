"""setup.py that falls back to a build without its extensions when building them fails.

google-crc32c 1.9.0:

    try:
        build_c_extension()          # setup(ext_modules=[Extension(..., sources=[...])])
    except SystemExit:               # setup() reports a failed build as SystemExit
        build_pure_python()          # setup(ext_modules=[])

pymongo 4.20.1, rencode 1.0.6, crc32c 2.9, and many more: a `build_ext` subclass that goes on
without an extension whose build fails:

    class custom_build_ext(build_ext):
        def build_extension(self, ext):
            try:
                build_ext.build_extension(self, ext)
            except Exception:        # re-raised only when an environment variable asks
                warnings.warn("... the extension could not be compiled ...")

A missing extension source, or a header one includes, then makes a wheel without the extension,
not a failed build: the reference stays (every default build reads the file) but is tolerated,
with a note saying what the wheel loses.
"""

from __future__ import annotations

import ast
import dataclasses

from .._model import Reference
from ..native.model import CompileUnit
from .pybranches import handles, reads_environment
from .pyexpr import dotted
from .setupsyntax import catches

_TOLERATED_KINDS = ("setuptools-ext-source", "setuptools-ext-depends")
# What a failed compile or link raises through build_ext (distutils' and setuptools' errors)
_BUILD_ERRORS = (
    *("Exception", "BaseException", "CCompilerError", "CompileError", "LinkError"),
    *("DistutilsError", "DistutilsExecError", "DistutilsPlatformError", "PlatformError"),
    *("ExecError", "OSError", "SystemExit"),
)
_BUILD_METHODS = ("run", "build_extension", "build_extensions")


def optional_build_ext(module: ast.Module) -> tuple[str, int] | None:
    """(class name, line) of a `build_ext` subclass setup.py uses that goes on when building an
    extension fails: a `run`/`build_extension(s)` override calling the base's inside a `try`
    whose handler catches build errors and does not re-raise in the default build."""
    used = {n.id for n in ast.walk(module) if isinstance(n, ast.Name)}
    for cls in ast.walk(module):
        if not isinstance(cls, ast.ClassDef) or cls.name not in used:
            continue
        if not any(dotted(b).rsplit(".", 1)[-1] == "build_ext" for b in cls.bases):
            continue
        for method in cls.body:
            if isinstance(method, ast.FunctionDef) and method.name in _BUILD_METHODS:
                for node in ast.walk(method):
                    if isinstance(node, ast.Try) and _goes_on(node):
                        return cls.name, cls.lineno
    return None


def _goes_on(node: ast.Try) -> bool:
    calls = (n for s in node.body for n in ast.walk(s) if isinstance(n, ast.Call))
    if not any(dotted(c.func).rsplit(".", 1)[-1] in _BUILD_METHODS for c in calls):
        return False  # it guards something else than the build
    return any(handles(h, _BUILD_ERRORS) and not _raises(h.body) for h in node.handlers)


def _raises(body: list[ast.stmt]) -> bool:
    """Whether a handler re-raises (or exits) in the default build: a `raise` at its top level,
    or under an `if` that does not read the environment (unset there: `if os.environ.get(
    "PYMONGO_C_EXT_MUST_BUILD"): raise` is not taken)."""
    for stmt in body:
        if isinstance(stmt, ast.Raise):
            return True
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and dotted(call.func) in ("sys.exit", "exit", "os._exit"):
            return True
        if not isinstance(stmt, ast.If) or reads_environment(stmt.test):
            continue
        if _raises(stmt.body) or _raises(stmt.orelse):
            return True
    return False


def tolerate_optional_build(
    module: ast.Module, source: str, refs: list[Reference], units: list[CompileUnit]
) -> tuple[list[Reference], list[CompileUnit]]:
    """REFS and UNITS of SOURCE (a setup.py) whose build_ext goes on without a failed
    extension, marked tolerated (the headers its sources include are, by the C walk)."""
    found = optional_build_ext(module)
    if found is None:
        return refs, units
    note = (
        f"{found[0]} ({source}:{found[1]}) builds the wheel without an extension that fails "
        "to compile: the wheel would lack its compiled extension"
    )
    refs = [
        dataclasses.replace(r, tolerated=True, note=note) if r.kind in _TOLERATED_KINDS else r
        for r in refs
    ]
    return refs, [dataclasses.replace(u, tolerated=note) for u in units]


def tolerate_fallbacks(module: ast.Module, source: str, refs: list[Reference]) -> list[Reference]:
    """REFS with the extension sources SOURCE (a setup.py) declares inside a fallback build
    marked as tolerated."""
    regions = _regions(module)
    if not regions:
        return refs
    out = []
    for ref in refs:
        at = next((line for lo, hi, line in regions if lo <= ref.line <= hi), None)
        if ref.source == source and ref.kind in _TOLERATED_KINDS and at is not None:
            note = (
                f"{source}:{at} falls back to a build without extensions when this one fails "
                "(except SystemExit): the wheel would lack its compiled extension"
            )
            ref = dataclasses.replace(ref, tolerated=True, note=note)
        out.append(ref)
    return out


def _regions(module: ast.Module) -> list[tuple[int, int, int]]:
    """(first line, last line, the `try` line) of each block that runs inside a fallback: the
    `try` body, and the module's functions it calls."""
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    out = []
    for node in ast.walk(module):
        if not isinstance(node, ast.Try) or not catches(node, ("SystemExit",)):
            continue
        if not any(isinstance(n, ast.Call) for h in node.handlers for n in ast.walk(h)):
            continue  # a handler that only logs or re-raises builds nothing else
        first, last = node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno
        out.append((first, last, node.lineno))
        for call in (n for s in node.body for n in ast.walk(s) if isinstance(n, ast.Call)):
            func = functions.get(dotted(call.func))
            if func is not None:
                out.append((func.lineno, func.end_lineno or func.lineno, node.lineno))
    return out
