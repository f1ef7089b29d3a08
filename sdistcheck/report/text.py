"""sdistcheck's report for people: each sdist's findings, fixes and build, and a summary table
over several.

The report is built as lines of styled parts, which rich draws on a terminal.  Off a terminal (a
CI log, a pipe, a file) rich writes each line's text as it is, so the lines are written directly,
without importing rich (about 20 ms of a run), unless the environment asks rich for colours, a
line holds a character rich rewrites (a tab, a carriage return, another control code) or the
report has what only rich draws: a table (several sdists, a release's coverage) or a build's
outcome.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from .._model import Report, Severity
from ..pipeline import EXIT_ERROR, EXIT_FINDINGS, printable, rich_console
from .outcome import Outcome
from .wording import describe_backend, describe_kind, describe_release, place

if TYPE_CHECKING:
    from ..build.check import BuildOutcome

# A line: its parts (text, rich style or None) and the style of the whole line.
_Part = tuple[str, str | None]
_Line = tuple[tuple[_Part, ...], str | None]
_Draw = Callable[[Any], None]  # draws on a rich Console what only rich can (tables)
# What rich's Text rewrites (tabs expanded, control codes dropped): such lines go through rich.
_REWRITTEN = frozenset("\a\b\t\v\f\r")


class _Lines:
    """The report in order: lines, and parts only rich can draw."""

    def __init__(self) -> None:
        self.items: list[_Line | _Draw] = []

    def add(self, *parts: str | _Part, style: str | None = None) -> None:
        """A line of PARTS: plain text, or (text, style); all text is shown as it is."""
        pairs = ((p, None) if isinstance(p, str) else p for p in parts)
        self.items.append((tuple((printable(text), how) for text, how in pairs), style))

    def draw(self, draw: _Draw) -> None:
        self.items.append(draw)

    def write(self, stream: IO[str]) -> None:
        lines = [i for i in self.items if isinstance(i, tuple)]
        if (
            not _styled(stream)
            and len(lines) == len(self.items)
            and not any(_REWRITTEN.intersection(text) for parts, _ in lines for text, _ in parts)
        ):
            stream.write("".join("".join(text for text, _ in parts) + "\n" for parts, _ in lines))
            return
        from rich.text import Text

        console = rich_console(stream)
        for item in self.items:
            if isinstance(item, tuple):
                parts, style = item
                console.print(Text.assemble(*((t, how or "") for t, how in parts)), style=style)
            else:
                item(console)


def _styled(stream: IO[str]) -> bool:
    """Whether rich styles what it writes to STREAM: a terminal, or a CI log whose environment
    asks for colours (rich reads FORCE_COLOR and TTY_COMPATIBLE)."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    isatty = getattr(stream, "isatty", None)
    return isatty is not None and isatty()


def _markup_escape(text: str) -> str:
    """Text for rich markup (the tables and the build's outcome are drawn with markup)."""
    from rich.markup import escape

    return escape(printable(text))


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
    out = _Lines()
    for o in outcomes:
        r = o.report
        if r is None:
            out.add(("error", "bold red"), ": ", o.error or "")
            continue
        shown = [f for f in r.findings if verbose or f.severity is not Severity.INFO]
        about = ", ".join(
            x for x in (describe_release(r.name, r.version), describe_backend(r.backend)) if x
        )
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
        out.add(f"{r.artifact} ({about}): ", _STATUS[r.status], f" — {counts}" if counts else "")
        out.add(
            f"  {r.references_checked} references checked against {r.files_in_sdist} files",
            style="dim",
        )
        for blocker in r.blockers:
            out.add("  ", (f"✗ {blocker}", "bold red"))
        for u in r.unchecked if verbose else r.unchecked[:5]:
            out.add(f"  ? {place(u.source, u.line) or r.artifact}  {u.what}", style="cyan")
        if not verbose and len(r.unchecked) > 5:
            out.add(f"  ? ... {len(r.unchecked) - 5} more (-v lists them)", style="cyan")
        for f in shown:
            mark, style = _STYLE[f.severity]
            where = f" [{f.scope.value}: {f.platforms}]" if f.platforms else f" [{f.scope.value}]"
            if f.in_source is not None:
                where += (
                    " in the source tree: left out of the sdist"
                    if f.in_source
                    else " not in the source tree either: generated at build time?"
                )
            out.add("  ", (f"{mark} {f.path}", style), where)
            for ref in f.references:
                loc = place(ref.source, ref.line)
                out.add(
                    f"      {loc}  {describe_kind(ref.kind)}"
                    + (f"  {ref.text}" if ref.text else "")
                )
                if ref.condition:
                    out.add(f"        under {ref.condition}", style="dim")
                if ref.alternatives:
                    out.add(f"        (or {', '.join(ref.alternatives)})", style="dim")
                if ref.note:
                    out.add(f"        {ref.note}", style="dim")
        for fix in r.fixes:
            out.add(f"  fix — add to {fix.file}:", style="bold")
            for line in fix.snippet.splitlines():
                out.add(f"      {line}")
            out.add(f"    {fix.explanation}", style="dim")
        if o.build is not None:
            out.draw(partial(_build_text, b=o.build, escape=_markup_escape))
        if o.coverage is not None:
            from ..coverage.text import write_coverage

            out.draw(
                partial(write_coverage, coverage=o.coverage, escape=_markup_escape, verbose=verbose)
            )
        if verbose:
            for note in r.notes:
                out.add(f"  note: {note}", style="dim")
            _checked(out, r)
    for name in skipped:
        out.add(f"skipped {name}: a wheel (`retag check` audits wheels)", style="dim")
    if len(outcomes) > 1:
        out.draw(partial(_summary, outcomes=outcomes, escape=_markup_escape))
    out.write(stream)


_STATUS: dict[str, _Part] = {
    "complete": ("complete", "bold green"),
    "unchecked": ("NOT FULLY CHECKED", "bold red"),
    "incomplete": ("INCOMPLETE", "bold red"),
    "unbuildable": ("UNBUILDABLE", "bold red"),
}


def _checked(out: _Lines, r: Report) -> None:
    """-v: every reference that was checked, where it is and what it needs."""
    out.add(f"  checked ({len(r.references)}):", style="dim")
    for ref in r.references:
        loc = place(ref.source, ref.line)
        scope = f" [{ref.scope.value}]" if ref.scope.value != "always" else ""
        out.add(f"    {loc}  {describe_kind(ref.kind)} -> {ref.target}{scope}", style="dim")


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
        status, style = _STATUS[r.status]
        result = f"[{style}]{status}[/]"
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
