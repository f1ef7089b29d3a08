"""sdistcheck in CI: GitHub workflow-command annotations and SARIF 2.1.0, both at the build-file
line that references each missing file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .._model import Finding, Reference, Severity
from ..pipeline import SarifResult, gh_escape, write_sarif
from .outcome import Outcome
from .wording import describe_kind


def _located(
    outcomes: list[Outcome],
) -> Iterator[tuple[Outcome, Finding | None, Reference | None, str]]:
    """(outcome, finding, reference, message) for each referencing line of each missing file
    (warnings and errors), and (outcome, None, None, reason) for each unreadable target."""
    for o in outcomes:
        if o.report is None:
            yield o, None, None, o.error or ""
            continue
        for blocker in o.report.blockers:
            yield o, None, None, f"{o.report.artifact} cannot build: {blocker}"
        for f in o.report.findings:
            if f.severity is Severity.INFO:
                continue
            for ref in f.references:
                needs = describe_kind(ref.kind)
                text = f"{f.path} is missing from {o.report.artifact}; {needs} needs it"
                yield o, f, ref, text + (f" under {ref.condition}" if ref.condition else "")


def write_github(outcomes: list[Outcome], stream: IO[str]) -> None:
    """`::error file=...,line=...::` annotations at the build-file line that references each
    missing file (a pull request shows them on the diff), one line per unreadable target or
    reason the sdist cannot build."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for o, f, ref, text in _located(outcomes):
        if f is None or ref is None or o.report is None:
            stream.write(f"::error title={gh_escape('sdistcheck', True)}::{gh_escape(text)}\n")
            continue
        where = f"file={gh_escape(ref.source, True)}" + (f",line={ref.line}" if ref.line else "")
        title = gh_escape(f"{o.report.artifact}: missing {f.path}", True)
        stream.write(f"::{level[f.severity]} {where},title={title}::{gh_escape(text)}\n")
    for o, line in _coverage_errors(outcomes):
        title = gh_escape(f"{o.target}: release coverage", True)
        stream.write(f"::error title={title}::{gh_escape(line)}\n")


def _coverage_errors(outcomes: list[Outcome]) -> Iterator[tuple[Outcome, str]]:
    for o in outcomes:
        if o.coverage is not None:
            from ..coverage.formats import error_lines

            for line in error_lines(o.coverage):
                yield o, line


SARIF_RULES = {
    "missing-file/always": "a file every build needs is missing from the sdist",
    "missing-file/platform": "a file some platforms' builds need is missing from the sdist",
    "missing-file/option": "a file an optional feature or build option needs is missing",
    "missing-file/test": "a file the tests or benchmarks need is missing",
    "missing-file/guarded": "a file read only when present is missing",
    "unreadable-sdist": "the sdist could not be read safely",
    "unbuildable-sdist": "no build of the sdist can succeed (invalid pyproject.toml, no PKG-INFO)",
    "build-failed": "the sdist did not build (--build)",
    "release-coverage": "a platform without a wheel fails to build the sdist, or lost its wheel",
}


def write_sarif_report(outcomes: list[Outcome], version: str, stream: IO[str]) -> None:
    """SARIF 2.1.0: a result per missing file and referencing line (uri relative to the sdist's
    root, which is the repository's root for most projects), one per unreadable sdist."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    results = []
    for o, f, ref, text in _located(outcomes):
        if f is None or ref is None:
            rule = "unbuildable-sdist" if o.report is not None else "unreadable-sdist"
            results.append(SarifResult(rule, "error", text, o.target))
        else:
            results.append(
                SarifResult(
                    f"missing-file/{f.scope.value}",
                    level[f.severity],
                    text,
                    ref.source,
                    ref.line or None,
                )
            )
    for o in outcomes:
        if o.report is None:
            continue
        if o.build is not None and not o.build.ok:
            for cause in o.build.causes or ():
                results.append(
                    SarifResult(
                        "build-failed",
                        "error",
                        f"{o.report.artifact}: {cause.kind}: {cause.summary}",
                        o.target,
                    )
                )
    for o, line in _coverage_errors(outcomes):
        results.append(SarifResult("release-coverage", "error", line, o.target))
    write_sarif("sdistcheck", version, SARIF_RULES, results, stream)
