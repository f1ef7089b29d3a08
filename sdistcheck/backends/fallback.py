"""setup.py that falls back to a build without its extensions when building them fails.

google-crc32c 1.9.0:

    try:
        build_c_extension()          # setup(ext_modules=[Extension(..., sources=[...])])
    except SystemExit:               # setup() reports a failed build as SystemExit
        build_pure_python()          # setup(ext_modules=[])

A missing extension source then makes a wheel without the extension, not a failed build: the
reference stays (every default build reads the file) but is tolerated, with a note saying what
the wheel loses.
"""

from __future__ import annotations

import ast
import dataclasses

from .._model import Reference
from .pyexpr import dotted
from .setupsyntax import catches

_TOLERATED_KINDS = ("setuptools-ext-source", "setuptools-ext-depends")


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
