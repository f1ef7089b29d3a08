"""retag's reports: rich text for people, JSON (versioned schema, see README) for machines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from sdistcheck.pipeline import SarifResult, envelope, gh_escape, worst, write_sarif
from sdistcheck.pipeline import write_json as write_doc

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Result:
    """One wheel's outcome.  status: retagged | would-retag | unchanged | refused | flagged |
    clean | error."""

    wheel: str
    status: str
    exit_code: int
    output: str | None = None
    added_tags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # refusals or check findings, one line each
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
    "clean": "green",
    "refused": "bold red",
    "flagged": "bold red",
    "error": "bold red",
}


def write_text(results: list[Result], stream: IO[str], skipped: Sequence[str] = ()) -> None:
    from rich.console import Console  # imported here: JSON runs do not pay for it
    from rich.markup import escape

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for r in results:
        style = _STYLE.get(r.status, "")
        head = f"[{style}]{r.status}[/]: {escape(r.wheel)}"
        if r.output and r.output != r.wheel:
            head += f" -> {escape(r.output)}"
        console.print(head)
        if r.added_tags:
            console.print(f"  added {escape(', '.join(r.added_tags))}", style="dim")
        for reason in r.reasons:
            console.print(f"  ✗ {escape(reason)}")
        for warning in r.warnings:
            console.print(f"  ! {escape(warning)}", style="yellow")
        for s in r.siblings:
            console.print(
                f"  {escape(s['system'])}: installers pick "
                f"{escape(s['winner'] or ('a tie' if s['tie'] else 'neither'))}",
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
    for column in ("wheel", "result", "written", "exit"):
        table.add_column(column, overflow="fold")
    for r in results:
        written = Path(r.output).name if r.output and r.output != r.wheel else ""
        table.add_row(
            escape(Path(r.wheel).name),
            f"[{_STYLE.get(r.status, '')}]{r.status}[/]",
            escape(written),
            str(r.exit_code),
        )
    console.print(table)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    console.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


def write_github(results: list[Result], stream: IO[str]) -> None:
    """One `::error`/`::warning` workflow command per refusal, finding or warning, on the wheel."""
    for r in results:
        level = "error" if r.exit_code else "warning"
        for reason in r.reasons:
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
        out += [SarifResult(rule, level, reason, r.wheel) for reason in r.reasons]
        out += [SarifResult("retag/warning", "warning", w, r.wheel) for w in r.warnings]
    write_sarif("retag", version, SARIF_RULES, out, stream)
