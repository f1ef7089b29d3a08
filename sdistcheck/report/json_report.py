"""sdistcheck's JSON report (schema `sdistcheck-report`, version 1, documented in README.md)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from .._model import Finding, Reference, Severity
from ..pipeline import envelope, worst
from ..pipeline import write_json as write_doc
from .outcome import Outcome

if TYPE_CHECKING:
    from ..build.check import BuildOutcome

SCHEMA_VERSION = 1


def _reference_json(r: Reference) -> dict[str, Any]:
    return {
        "source": r.source,
        "line": r.line,
        "text": r.text,
        "kind": r.kind,
        "condition": r.condition,
        "scope": r.scope.value,
        "platforms": r.platforms,
        "alternatives": list(r.alternatives),
        "note": r.note,
        "tolerated": r.tolerated,
    }


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "severity": f.severity.value,
        "scope": f.scope.value,
        "in_source": f.in_source,
        "platforms": f.platforms,
        "references": [_reference_json(r) for r in f.references],
    }


def _build_json(b: BuildOutcome) -> dict[str, Any]:
    return {
        "ok": b.ok,
        "wheel": b.wheel,
        "seconds": b.seconds,
        "log": b.log,
        "wheel_problems": list(b.wheel_problems),
        "causes": [
            {
                "kind": c.kind,
                "summary": c.summary,
                "path": c.path,
                "evidence": c.evidence,
                "hint": c.hint,
            }
            for c in b.causes
        ],
        "agrees_with_static": list(b.agrees_with_static),
    }


def _coverage_json(o: Outcome) -> dict[str, Any] | None:
    if o.coverage is None:
        return None
    from ..coverage.formats import to_json as coverage_json

    return coverage_json(o.coverage)


def to_json(outcomes: list[Outcome], version: str) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for o in outcomes:
        r = o.report
        if r is None:
            results.append({"target": o.target, "status": "error", "error": o.error})
            continue
        results.append(
            {
                "target": o.target,
                "artifact": r.artifact,
                "status": r.status,
                "blockers": list(r.blockers),
                "unchecked": [
                    {"source": u.source, "line": u.line, "what": u.what} for u in r.unchecked
                ],
                "error": None,
                "name": r.name,
                "version": r.version,
                "backend": r.backend,
                "files_in_sdist": r.files_in_sdist,
                "references_checked": r.references_checked,
                "summary": {s.value: sum(f.severity is s for f in r.findings) for s in Severity},
                "findings": [_finding_json(f) for f in r.findings],
                "fixes": [
                    {"file": x.file, "snippet": x.snippet, "explanation": x.explanation}
                    for x in r.fixes
                ],
                "notes": list(r.notes),
                "stats": r.stats,
                "build": _build_json(o.build) if o.build else None,
                "coverage": _coverage_json(o),
            }
        )
    exit_code = worst(o.exit_code for o in outcomes)
    return envelope("sdistcheck-report", SCHEMA_VERSION, "sdistcheck", version, exit_code, results)


def write_json(outcomes: list[Outcome], version: str, stream: IO[str]) -> None:
    write_doc(to_json(outcomes, version), stream)
