"""retag's reports: rich text for people, JSON (versioned schema, see README) for machines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from sdistcheck.pipeline import (
    SarifResult,
    envelope,
    gh_escape,
    md_escape,
    md_table,
    rich_console,
    worst,
    write_sarif,
)
from sdistcheck.pipeline import write_json as write_doc

SCHEMA_VERSION = 2  # 2: retag statuses already-tagged, not-needed, not-applicable


@dataclass(frozen=True)
class Result:
    """One wheel's outcome.  status: retagged | would-retag | already-tagged | not-needed |
    not-applicable | refused (retag); retagged | unchanged (tags); clean | flagged (check);
    error (any)."""

    wheel: str
    status: str
    exit_code: int
    output: str | None = None
    added_tags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # refusals, findings, or why nothing was done; one line each
    warnings: tuple[str, ...] = ()
    binaries: tuple[dict[str, Any], ...] = ()
    siblings: tuple[dict[str, Any], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def write_json(command: str, results: list[Result], version: str, stream: IO[str]) -> None:
    exit_code = worst(r.exit_code for r in results)
    rows = [
        {
            "wheel": r.wheel,
            "status": r.status,
            "exit_code": r.exit_code,
            "output": r.output,
            "added_tags": list(r.added_tags),
            "reasons": list(r.reasons),
            "warnings": list(r.warnings),
            "binaries": list(r.binaries),
            "siblings": list(r.siblings),
            **r.extra,
        }
        for r in results
    ]
    doc = envelope(
        "retag-report", SCHEMA_VERSION, "retag", version, exit_code, rows, command=command
    )
    write_doc(doc, stream)


_STYLE = {
    "retagged": "bold green",
    "would-retag": "green",
    "unchanged": "dim",
    "already-tagged": "green",
    "not-needed": "green",
    "not-applicable": "dim",
    "clean": "green",
    "refused": "bold red",
    "flagged": "bold red",
    "error": "bold red",
}


_PROBLEM = frozenset({"refused", "flagged", "error"})


def write_text(
    results: list[Result], stream: IO[str], skipped: Sequence[str] = (), verbose: bool = False
) -> None:
    from rich.markup import escape  # imported here: JSON runs do not pay for rich

    console = rich_console(stream)
    for r in results:
        style = _STYLE.get(r.status, "")
        head = f"[{style}]{r.status}[/]: {escape(r.wheel)}"
        if r.output and r.output != r.wheel:
            head += f" -> {escape(r.output)}"
        console.print(head)
        if r.added_tags:
            console.print(f"  added {escape(', '.join(r.added_tags))}", style="dim")
        mark = "✗" if r.status in _PROBLEM else "·"
        for reason in r.reasons:
            console.print(f"  {mark} {escape(reason)}")
        for warning in r.warnings:
            console.print(f"  ! {escape(warning)}", style="yellow")
        for s in r.siblings if r.status != "not-needed" else ():
            console.print(
                f"  {escape(s['system'])}: installers pick "
                f"{escape(s['winner'] or ('either (a tie)' if s['tie'] else 'neither'))}",
                style="dim",
            )
        if verbose:
            for b in r.binaries:
                linkage = (
                    "static" if b["static"] else f"dynamic ({b['interpreter'] or 'no loader'})"
                )
                console.print(
                    f"  binary {escape(b['member'])}: {b['format']} {b['arch']} {b['kind']}, "
                    f"{linkage}",
                    style="dim",
                )
    for name in skipped:
        console.print(f"skipped {escape(name)}: an sdist (`sdistcheck` checks sdists)", style="dim")
    if len(results) > 1:
        _summary(console, results)


def _summary(console: Any, results: list[Result]) -> None:
    """The table at the end of a run over several wheels (a dist/ directory)."""
    from pathlib import Path

    from rich.markup import escape
    from rich.table import Table

    table = Table(title="retag")
    for column in ("wheel", "result", "why", "written", "exit"):
        table.add_column(column, no_wrap=column in ("wheel", "written"))
    for r in results:
        written = Path(r.output).name if r.output and r.output != r.wheel else ""
        table.add_row(
            escape(Path(r.wheel).name),
            f"[{_STYLE.get(r.status, '')}]{r.status}[/]",
            escape(_why(r)),
            escape(written),
            str(r.exit_code),
        )
    console.print(table)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    console.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


def _why(r: Result) -> str:
    """The first reason for a table cell (all of them are above the table); for a wheel left as
    it is, only its first clause ("not a Linux wheel (win_amd64)")."""
    if not r.reasons:
        return ""
    first = r.reasons[0] if r.status in _PROBLEM else r.reasons[0].split(": ", 1)[0]
    more = f" (+{len(r.reasons) - 1} more)" if len(r.reasons) > 1 else ""
    return first + more


def write_markdown(
    command: str, results: list[Result], stream: IO[str], skipped: Sequence[str] = ()
) -> None:
    """A CI job summary: one table row per wheel, then the reasons of the problems."""
    from pathlib import Path

    title = "retag" if command == "retag" else f"retag {command}"
    stream.write(f"## {title}\n\n")
    rows = [
        [
            md_escape(Path(r.wheel).name),
            ("❌ " if r.status in _PROBLEM else "") + r.status,
            md_escape(_why(r)),
            md_escape(Path(r.output).name if r.output and r.output != r.wheel else ""),
        ]
        for r in results
    ]
    stream.write(md_table(["wheel", "result", "why", "written"], rows))
    for r in results:
        if r.status in _PROBLEM or r.warnings:
            stream.write(f"\n**{md_escape(Path(r.wheel).name)}** ({r.status})\n\n")
            for line in r.reasons if r.status in _PROBLEM else ():
                stream.write(f"- {md_escape(line)}\n")
            for line in r.warnings:
                stream.write(f"- warning: {md_escape(line)}\n")
    if skipped:
        names = ", ".join(md_escape(Path(s).name) for s in skipped)
        stream.write(f"\nSkipped (sdists: `sdistcheck` checks them): {names}\n")


def write_github(results: list[Result], stream: IO[str]) -> None:
    """One `::error`/`::warning` workflow command per refusal, finding or warning, on the wheel."""
    for r in results:
        level = "error" if r.exit_code else "warning"
        for reason in r.reasons if r.status in _PROBLEM else ():
            stream.write(
                f"::{level} file={gh_escape(r.wheel, True)},"
                f"title={gh_escape('retag ' + r.status, True)}"
                f"::{gh_escape(reason)}\n"
            )
        for warning in r.warnings:
            where = gh_escape(r.wheel, True)
            stream.write(f"::warning file={where},title=retag::{gh_escape(warning)}\n")


SARIF_RULES = {
    "retag/refused": "the wheel's binaries do not prove static linkage: no manylinux tags",
    "retag/flagged": "the wheel's tags promise what its binaries do not keep",
    "retag/error": "the wheel could not be read safely",
    "retag/warning": "a tag worth a second look (order, a floor below the binaries')",
}


def write_sarif_report(results: list[Result], version: str, stream: IO[str]) -> None:
    """SARIF 2.1.0: a result per refusal, finding and warning, located at the wheel file."""
    out = []
    for r in results:
        level = "error" if r.exit_code else "warning"
        rule = f"retag/{r.status}" if f"retag/{r.status}" in SARIF_RULES else "retag/warning"
        reasons = r.reasons if r.status in _PROBLEM else ()
        out += [SarifResult(rule, level, reason, r.wheel) for reason in reasons]
        out += [SarifResult("retag/warning", "warning", w, r.wheel) for w in r.warnings]
    write_sarif("retag", version, SARIF_RULES, out, stream)
