"""sdistcheck's report for people, with rich: each sdist's findings, fixes and build, and a
summary table over several."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from .._model import Report, Severity
from ..pipeline import EXIT_ERROR, EXIT_FINDINGS, printable, rich_console
from .outcome import Outcome
from .wording import describe_backend, describe_kind, describe_release, place

if TYPE_CHECKING:
    from ..build.check import BuildOutcome


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
    from rich.markup import escape as rich_escape

    def escape(text: str) -> str:
        return rich_escape(printable(text))

    console = rich_console(stream)
    for o in outcomes:
        r = o.report
        if r is None:
            console.print(f"[bold red]error[/]: {escape(o.error or '')}")
            continue
        shown = [f for f in r.findings if verbose or f.severity is not Severity.INFO]
        about = ", ".join(
            x for x in (describe_release(r.name, r.version), describe_backend(r.backend)) if x
        )
        status = _STATUS[r.status]
        counts = ", ".join(
            f"{n} {s.value}{'s' if n != 1 else ''}"
            for s in Severity
            if (n := sum(f.severity is s for f in shown))
        )
        if r.unchecked:
            n = len(r.unchecked)
            counts = ", ".join(
                x for x in (counts, f"{n} construct{'s' if n != 1 else ''} not checked") if x
            )
        console.print(
            f"{escape(r.artifact)} ({escape(about)}): {status}" + (f" — {counts}" if counts else "")
        )
        console.print(
            f"  {r.references_checked} references checked against {r.files_in_sdist} files",
            style="dim",
        )
        for blocker in r.blockers:
            console.print(f"  [bold red]✗ {escape(blocker)}[/]")
        for u in r.unchecked if verbose else r.unchecked[:5]:
            where = place(u.source, u.line) or r.artifact
            console.print(f"  ? {escape(where)}  {escape(u.what)}", style="cyan")
        if not verbose and len(r.unchecked) > 5:
            console.print(f"  ? ... {len(r.unchecked) - 5} more (-v lists them)", style="cyan")
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
                loc = place(ref.source, ref.line)
                console.print(
                    f"      {escape(loc)}  {escape(describe_kind(ref.kind))}"
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
        if o.coverage is not None:
            from ..coverage.text import write_coverage

            write_coverage(console, o.coverage, escape, verbose)
        if verbose:
            for note in r.notes:
                console.print(f"  note: {escape(note)}", style="dim")
            _checked(console, r, escape)
    for name in skipped:
        console.print(f"skipped {escape(name)}: a wheel (`retag check` audits wheels)", style="dim")
    if len(outcomes) > 1:
        _summary(console, outcomes, escape)


_STATUS = {
    "complete": "[bold green]complete[/]",
    "unchecked": "[bold red]NOT FULLY CHECKED[/]",
    "incomplete": "[bold red]INCOMPLETE[/]",
    "unbuildable": "[bold red]UNBUILDABLE[/]",
}


def _checked(console: Any, r: Report, escape: Any) -> None:
    """-v: every reference that was checked, where it is and what it needs."""
    console.print(f"  checked ({len(r.references)}):", style="dim")
    for ref in r.references:
        loc = place(ref.source, ref.line)
        scope = f" [{ref.scope.value}]" if ref.scope.value != "always" else ""
        console.print(
            f"    {escape(loc)}  {escape(describe_kind(ref.kind))} -> {escape(ref.target)}"
            + escape(scope),
            style="dim",
        )


def _summary(console: Any, outcomes: list[Outcome], escape: Any) -> None:
    """The table at the end of a run over several sdists (a dist/ directory)."""
    from rich.table import Table

    table = Table(title="sdistcheck")
    for column in ("sdist", "result", "errors", "warnings", "exit"):
        table.add_column(column, no_wrap=column == "sdist")
    for o in outcomes:
        r = o.report
        if r is None:
            table.add_row(escape(o.target), "[bold red]unreadable[/]", "", "", str(EXIT_ERROR))
            continue
        result = _STATUS[r.status]
        if o.build is not None:
            result += ", builds" if o.build.ok else ", build fails"
        warnings = sum(f.severity is Severity.WARNING for f in r.findings)
        table.add_row(
            escape(r.artifact), result, str(len(r.errors)), str(warnings), str(o.exit_code)
        )
    console.print(table)
    bad = sum(o.exit_code == EXIT_FINDINGS for o in outcomes)
    err = sum(o.exit_code == EXIT_ERROR for o in outcomes)
    console.print(
        f"{len(outcomes)} targets: {len(outcomes) - bad - err} complete, "
        f"{bad} incomplete, {err} unreadable"
    )
