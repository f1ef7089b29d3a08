"""Views of a NativeAnalysis shared by the CMake and meson tests."""

from __future__ import annotations

from sdistcheck._model import SCOPE_RANK, Scope
from sdistcheck.native.model import CompileUnit, NativeAnalysis


def scopes(out: NativeAnalysis) -> dict[str, Scope]:
    """Each target's strongest scope (what the checker would judge it by)."""
    found: dict[str, Scope] = {}
    for r in out.references:
        if r.target not in found or SCOPE_RANK[r.scope] < SCOPE_RANK[found[r.target]]:
            found[r.target] = r.scope
    return found


def units(out: NativeAnalysis) -> dict[str, CompileUnit]:
    return {u.source: u for u in out.units}
