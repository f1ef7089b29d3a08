"""Reports: a human one with rich, and JSON with a versioned schema (documented in README.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from .._model import Finding, Reference, Report, Severity
from ..pipeline import SarifResult, gh_escape, printable, write_sarif

if TYPE_CHECKING:
    from ..build.check import BuildOutcome

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Outcome:
    """One target's result: a report, or the one-line reason it could not be checked."""

    target: str
    report: Report | None = None
    error: str | None = None
    build: BuildOutcome | None = None  # with --build

    @property
    def exit_code(self) -> int:
        if self.report is None:
            return 2
        static = 1 if self.report.errors else 0
        return max(static, self.build.exit_code) if self.build else static


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
                "status": "incomplete" if r.errors else "complete",
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
            }
        )
    return {
        "schema": "sdistcheck-report",
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "sdistcheck", "version": version},
        "exit_code": max((o.exit_code for o in outcomes), default=0),
        "results": results,
    }


def write_json(outcomes: list[Outcome], version: str, stream: IO[str]) -> None:
    # ASCII escapes keep names that were not UTF-8 (surrogate-escaped) encodable everywhere.
    json.dump(to_json(outcomes, version), stream, indent=2, ensure_ascii=True)
    stream.write("\n")


_STYLE = {
    Severity.ERROR: ("✗", "bold red"),
    Severity.WARNING: ("!", "yellow"),
    Severity.INFO: ("·", "dim"),
}


def _build_text(console: Any, b: BuildOutcome, escape: Any) -> None:
    if b.ok:
        console.print(f"  [green]build ok[/] in {b.seconds} s: {escape(b.wheel or '?')}")
    else:
        console.print(
            f"  [bold red]build failed[/] after {b.seconds} s (log: {escape(b.log or '')})"
        )
    for problem in b.wheel_problems:
        console.print(f"    ✗ {escape(problem)}")
    for c in b.causes:
        where = "missing from the sdist" if c.kind == "missing-file" else c.kind
        agreed = " (the static check names it too)" if c.path in b.agrees_with_static else ""
        console.print("    ✗ " + escape(f"{c.summary} [{where}]{agreed}"))
        console.print(f"      {escape(c.evidence)}", style="dim")
        if c.hint:
            console.print(f"      hint: {escape(c.hint)}", style="dim")


def write_text(
    outcomes: list[Outcome], stream: IO[str], verbose: bool = False, skipped: Sequence[str] = ()
) -> None:
    from rich.console import Console  # imported here: JSON runs do not pay for it
    from rich.markup import escape as rich_escape

    def escape(text: str) -> str:
        return rich_escape(printable(text))

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for o in outcomes:
        r = o.report
        if r is None:
            console.print(f"[bold red]error[/]: {escape(o.error or '')}")
            continue
        shown = [f for f in r.findings if verbose or f.severity is not Severity.INFO]
        label = f"{r.name or '?'} {r.version or ''}".strip()
        status = "[bold red]INCOMPLETE[/]" if r.errors else "[bold green]complete[/]"
        counts = ", ".join(
            f"{n} {s.value}{'s' if n != 1 else ''}"
            for s in Severity
            if (n := sum(f.severity is s for f in shown))
        )
        console.print(
            f"{escape(r.artifact)} ({escape(label)}, {r.backend or 'unknown'} backend): "
            f"{status}" + (f" — {counts}" if counts else "")
        )
        console.print(
            f"  {r.references_checked} references checked against {r.files_in_sdist} files",
            style="dim",
        )
        for f in shown:
            mark, style = _STYLE[f.severity]
            where = f" [{f.scope.value}: {f.platforms}]" if f.platforms else f" [{f.scope.value}]"
            if f.in_source is not None:
                where += (
                    " in the source tree: left out of the sdist"
                    if f.in_source
                    else " not in the source tree either: generated at build time?"
                )
            console.print(f"  [{style}]{mark} {escape(f.path)}[/]{escape(where)}")
            for ref in f.references:
                loc = f"{ref.source}:{ref.line}" if ref.line else ref.source
                console.print(
                    f"      {escape(loc)}  {escape(ref.kind)}"
                    + (f"  {escape(ref.text)}" if ref.text else "")
                )
                if ref.condition:
                    console.print(f"        under {escape(ref.condition)}", style="dim")
                if ref.alternatives:
                    console.print(
                        f"        (or {escape(', '.join(ref.alternatives))})", style="dim"
                    )
                if ref.note:
                    console.print(f"        {escape(ref.note)}", style="dim")
        for fix in r.fixes:
            console.print(f"  fix — add to {escape(fix.file)}:", style="bold")
            for line in fix.snippet.splitlines():
                console.print(f"      {escape(line)}")
            console.print(f"    {escape(fix.explanation)}", style="dim")
        if o.build is not None:
            _build_text(console, o.build, escape)
        if verbose:
            for note in r.notes:
                console.print(f"  note: {escape(note)}", style="dim")
    for name in skipped:
        console.print(f"skipped {escape(name)}: a wheel (`retag check` audits wheels)", style="dim")
    if len(outcomes) > 1:
        _summary(console, outcomes, escape)


def _summary(console: Any, outcomes: list[Outcome], escape: Any) -> None:
    """The table at the end of a run over several sdists (a dist/ directory)."""
    from rich.table import Table

    table = Table(title="sdistcheck")
    for column in ("sdist", "result", "errors", "warnings", "exit"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        r = o.report
        if r is None:
            table.add_row(escape(o.target), "[bold red]unreadable[/]", "", "", "2")
            continue
        result = "[bold red]INCOMPLETE[/]" if r.errors else "[green]complete[/]"
        if o.build is not None:
            result += ", builds" if o.build.ok else ", build fails"
        warnings = sum(f.severity is Severity.WARNING for f in r.findings)
        table.add_row(
            escape(r.artifact), result, str(len(r.errors)), str(warnings), str(o.exit_code)
        )
    console.print(table)
    bad = sum(o.exit_code == 1 for o in outcomes)
    err = sum(o.exit_code == 2 for o in outcomes)
    console.print(
        f"{len(outcomes)} targets: {len(outcomes) - bad - err} complete, "
        f"{bad} incomplete, {err} unreadable"
    )


def _located(
    outcomes: list[Outcome],
) -> Iterator[tuple[Outcome, Finding | None, Reference | None, str]]:
    """(outcome, finding, reference, message) for each referencing line of each missing file
    (warnings and errors), and (outcome, None, None, reason) for each unreadable target."""
    for o in outcomes:
        if o.report is None:
            yield o, None, None, o.error or ""
            continue
        for f in o.report.findings:
            if f.severity is Severity.INFO:
                continue
            for ref in f.references:
                text = f"{f.path} is not in {o.report.artifact}, but {ref.kind} needs it"
                yield o, f, ref, text + (f" under {ref.condition}" if ref.condition else "")


def write_github(outcomes: list[Outcome], stream: IO[str]) -> None:
    """`::error file=...,line=...::` annotations at the build-file line that references each
    missing file (a pull request shows them on the diff), one line per unreadable target."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for o, f, ref, text in _located(outcomes):
        if f is None or ref is None or o.report is None:
            stream.write(f"::error title={gh_escape('sdistcheck', True)}::{gh_escape(text)}\n")
            continue
        where = f"file={gh_escape(ref.source, True)}" + (f",line={ref.line}" if ref.line else "")
        title = gh_escape(f"{o.report.artifact}: missing {f.path}", True)
        stream.write(f"::{level[f.severity]} {where},title={title}::{gh_escape(text)}\n")


SARIF_RULES = {
    "missing-file/always": "a file every build needs is missing from the sdist",
    "missing-file/platform": "a file some platforms' builds need is missing from the sdist",
    "missing-file/option": "a file an optional feature or build option needs is missing",
    "missing-file/test": "a file the tests or benchmarks need is missing",
    "missing-file/guarded": "a file read only when present is missing",
    "unreadable-sdist": "the sdist could not be read safely",
    "build-failed": "the sdist did not build (--build)",
}


def write_sarif_report(outcomes: list[Outcome], version: str, stream: IO[str]) -> None:
    """SARIF 2.1.0: a result per missing file and referencing line (uri relative to the sdist's
    root, which is the repository's root for most projects), one per unreadable sdist."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    results = []
    for o, f, ref, text in _located(outcomes):
        if f is None or ref is None:
            results.append(SarifResult("unreadable-sdist", "error", text, o.target))
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
    write_sarif("sdistcheck", version, SARIF_RULES, results, stream)
