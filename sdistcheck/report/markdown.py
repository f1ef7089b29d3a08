"""sdistcheck's Markdown report: a short summary for a CI job page (GitHub's
`$GITHUB_STEP_SUMMARY`): a table of the sdists, then each missing file with what needs it and
the configuration fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from .._model import Severity
from ..pipeline import md_escape, md_table
from .outcome import Outcome
from .wording import describe_backend, describe_kind, place

_RESULT = {
    "complete": "✅ complete",
    "incomplete": "❌ incomplete",
    "unbuildable": "❌ unbuildable",
    "unchecked": "❌ not fully checked",
}


def write_markdown(
    outcomes: Sequence[Outcome], stream: IO[str], skipped: Sequence[str] = ()
) -> None:
    rows = []
    for o in outcomes:
        r = o.report
        name = r.artifact if r else o.target
        errors = str(len(r.errors)) if r else ""
        warnings = str(len(r.warnings)) if r else ""
        result = _RESULT[r.status] if r else "⚠️ unreadable"
        rows.append([md_escape(name), result, errors, warnings])
    stream.write("## sdistcheck\n\n")
    stream.write(md_table(["sdist", "result", "errors", "warnings"], rows))
    for o in outcomes:
        r = o.report
        if r is None:
            stream.write(f"\n**{md_escape(o.target)}**: {md_escape(o.error or '')}\n")
            continue
        if r.unchecked:
            stream.write(
                f"\n{md_escape(r.artifact)}: {len(r.unchecked)} construct(s) not checked\n"
            )
            for u in r.unchecked:
                where = place(u.source, u.line) or r.artifact
                stream.write(f"- {md_escape(where)}: {md_escape(u.what)}\n")
        for blocker in r.blockers:
            stream.write(f"\n**{md_escape(r.artifact)}** cannot build: {md_escape(blocker)}\n")
        shown = [f for f in r.findings if f.severity is not Severity.INFO]
        if not shown:
            _coverage(o, stream)
            continue
        stream.write(
            f"\n### {md_escape(r.artifact)} ({md_escape(describe_backend(r.backend))})\n\n"
        )
        table = []
        for f in shown:
            needed_by = "<br>".join(
                md_escape(
                    f"{ref.source}:{ref.line} ({describe_kind(ref.kind)})"
                    + (f" under {ref.condition}" if ref.condition else "")
                )
                for ref in f.references
            )
            scope = f.scope.value + (f": {f.platforms}" if f.platforms else "")
            table.append([md_escape(f.path), f.severity.value, md_escape(scope), needed_by])
        stream.write(md_table(["missing file", "severity", "scope", "needed by"], table))
        for fix in r.fixes:
            stream.write(f"\nFix: add to `{md_escape(fix.file)}`:\n\n```\n{fix.snippet}\n```\n")
        _coverage(o, stream)
    if skipped:
        names = ", ".join(md_escape(s.rsplit("/", 1)[-1]) for s in skipped)
        stream.write(f"\nSkipped (wheels: `retag check` audits them): {names}\n")


def _coverage(o: Outcome, stream: IO[str]) -> None:
    if o.coverage is not None:
        from ..coverage.formats import write_markdown as coverage_markdown

        coverage_markdown(o.coverage, stream)
