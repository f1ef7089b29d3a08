"""`retag validate` reports: a wheel x image matrix with the evidence of each cell for people,
JSON (schema `retag-validate-report`, version 1, see README) and GitHub annotations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from sdistcheck.pipeline import (
    EXIT_ERROR,
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

from .images import EMPTY_REPO
from .judge import Probe
from .run import Cell, WheelResult

SCHEMA_VERSION = 1
_STATUS_STYLE = {
    "pass": "bold green",
    "fail": "bold red",
    "not-target": "dim",
    "unchecked": "yellow",
    "nothing-run": "dim",
}
_MARK = {"pass": "✓", "fail": "✗", "not-target": "·", "unchecked": "?", "nothing-run": "-"}


def _verdict_json(v: Any) -> dict[str, str] | None:
    return None if v is None else {"outcome": v.outcome.value, "evidence": v.evidence}


def _probe_json(p: Probe) -> dict[str, Any]:
    return {
        "where": p.where,
        "command": p.command,
        "args": list(p.args),
        **(_verdict_json(p.verdict) or {}),
        "container": p.container,
    }


def _cell_json(c: Cell) -> dict[str, Any]:
    return {
        "image": c.image,
        "origin": c.origin,
        "status": c.status,
        "target": c.target,
        "reason": c.reason,
        "platform": c.platform,
        "install": _verdict_json(c.install),
        "probes": [_probe_json(p) for p in c.probes],
        "note": c.note,
        "fix": c.fix,
    }


def write_json(
    results: Sequence[WheelResult],
    engine: str | None,
    version: str,
    stream: IO[str],
    error: str | None = None,
) -> None:
    exit_code = EXIT_ERROR if error else worst(r.exit_code for r in results)
    rows = [
        {
            "wheel": r.wheel,
            "arch": r.arch,
            "platform_tags": list(r.platform_tags),
            "exit_code": r.exit_code,
            "error": r.error,
            "executables": list(r.executables),
            "commands": list(r.commands),
            "findings": list(r.findings),
            "skipped": list(r.skipped),
            "not_applicable": r.not_applicable,
            "cells": [_cell_json(c) for c in r.cells],
        }
        for r in results
    ]
    doc = envelope(
        "retag-validate-report",
        SCHEMA_VERSION,
        "retag",
        version,
        exit_code,
        rows,
        command="validate",
        engine=engine,
        error=error,
    )
    write_doc(doc, stream)


def _short(image: str) -> str:
    return "empty" if image.startswith(f"{EMPTY_REPO}:") else image


def _label(image: str) -> str:
    """A matrix column: the last part of the reference (the full one is in the details)."""
    return _short(image).rsplit("/", 1)[-1]


def write_text(
    results: Sequence[WheelResult], stream: IO[str], skipped: Sequence[str] = ()
) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = rich_console(stream)
    for r in results:
        if r.error:
            console.print(f"[bold red]error[/]: {escape(r.error)}")
            continue
        if r.not_applicable:
            console.print(
                f"[dim]not applicable[/]: {escape(Path(r.wheel).name)}: {escape(r.not_applicable)}"
            )
            continue
        console.print(
            f"[bold]{escape(Path(r.wheel).name)}[/] ({escape(r.arch or '?')}; "
            f"executables: {escape(', '.join(r.executables) or 'none')})"
        )
        for finding in r.findings:
            console.print(f"  [bold red]✗[/] {escape(finding)}")
        for c in r.cells:
            style = _STATUS_STYLE[c.status]
            where = f" ({escape(c.platform)})" if c.platform else ""
            console.print(
                f"  [{style}]{_MARK[c.status]} {c.status}[/] {escape(_short(c.image))}"
                f"{where}: {escape(c.reason)}"
            )
            if c.install is not None:
                console.print(
                    f"      pip: {c.install.outcome.value}: {escape(c.install.evidence)}",
                    style="dim",
                )
            for p in c.probes:
                ok = p.verdict.outcome.works
                console.print(
                    f"      {p.where} {escape(' '.join((p.command, *p.args)))}: "
                    f"{'' if ok else '[red]'}{p.verdict.outcome.value}"
                    f"{'' if ok else '[/]'}: {escape(p.verdict.evidence)}"
                    + (f" [dim](kept: {p.container})[/]" if p.container else "")
                )
            if c.note:
                console.print(
                    f"      {'why' if c.status == 'fail' else 'note'}: {escape(c.note)}",
                    style="red" if c.status == "fail" else "cyan",
                )
            if c.fix:
                console.print(f"      fix: {escape(c.fix)}", style="yellow")
        for what in r.skipped:
            console.print(f"  skipped {escape(what)}", style="dim")
    for name in skipped:
        console.print(f"skipped {escape(name)}: an sdist (`sdistcheck` checks sdists)", style="dim")
    images = list(dict.fromkeys(_label(c.image) for r in results for c in r.cells))
    if not results or not images:
        return
    table = Table(title="retag validate")
    table.add_column("wheel", no_wrap=True)
    for image in images:
        table.add_column(escape(image), no_wrap=True)
    table.add_column("exit")
    for r in results:
        by_image = {_label(c.image): c for c in r.cells}
        row = [escape(Path(r.wheel).name)]
        for image in images:
            cell = by_image.get(image)
            if cell is None:
                row.append("[dim]not applicable[/]" if r.not_applicable else "")
            else:
                row.append(f"[{_STATUS_STYLE[cell.status]}]{_MARK[cell.status]} {cell.status}[/]")
        row.append(str(r.exit_code))
        table.add_row(*row)
    console.print(table)


def write_markdown(
    results: Sequence[WheelResult],
    stream: IO[str],
    skipped: Sequence[str] = (),
    error: str | None = None,
) -> None:
    """A CI job summary: the wheel x image matrix, then each problem."""
    stream.write("## retag validate\n\n")
    if error:
        stream.write(f"**error**: {md_escape(error)}\n\n")
    images = list(dict.fromkeys(_label(c.image) for r in results for c in r.cells))
    rows = []
    for r in results:
        by_image = {_label(c.image): c for c in r.cells}
        cells = []
        for image in images:
            cell = by_image.get(image)
            if cell is None:
                cells.append("not applicable" if r.not_applicable else "")
            else:
                target = "" if cell.target else " (not a target)"
                cells.append(f"{_MARK[cell.status]} {cell.status}{target}")
        status = "error" if r.error else ("not applicable" if r.not_applicable else "")
        rows.append([md_escape(Path(r.wheel).name), *cells, status or str(r.exit_code)])
    stream.write(md_table(["wheel", *map(md_escape, images), "exit"], rows))
    problems = list(_problems(results))
    if problems:
        stream.write("\n")
        for level, _title, wheel, text in problems:
            stream.write(f"- {level}: {md_escape(Path(wheel).name)}: {md_escape(text)}\n")
    if skipped:
        names = ", ".join(md_escape(Path(s).name) for s in skipped)
        stream.write(f"\nSkipped (sdists: `sdistcheck` checks them): {names}\n")


def _problems(results: Sequence[WheelResult]) -> Iterator[tuple[str, str, str, str]]:
    """(level, title, wheel, text) for each finding, failed and unchecked target cell."""
    for r in results:
        if r.error:
            yield "error", "retag validate error", r.wheel, r.error
        for finding in r.findings:
            yield "error", "retag validate finding", r.wheel, finding
        for c in r.cells:
            if c.status not in ("fail", "unchecked") or not c.target:
                continue
            failed = [p for p in c.probes if not p.verdict.outcome.works]
            detail = "; ".join(f"{p.command}: {p.verdict.evidence}" for p in failed[:3])
            text = f"{_short(c.image)}: {c.note or c.reason}" + (f" ({detail})" if detail else "")
            level = "error" if c.status == "fail" else "warning"
            yield level, f"retag validate {c.status}", r.wheel, text


def write_github(results: Sequence[WheelResult], stream: IO[str], error: str | None = None) -> None:
    """An `::error` per finding and failed cell, a `::warning` per unchecked target cell."""
    if error:
        stream.write(f"::error title=retag validate::{gh_escape(error)}\n")
    for level, title, wheel, text in _problems(results):
        stream.write(
            f"::{level} file={gh_escape(wheel, True)},title={gh_escape(title, True)}"
            f"::{gh_escape(text)}\n"
        )


SARIF_RULES = {
    "retag-validate/finding": "the wheel's binaries are for another architecture than its tags",
    "retag-validate/fail": "an executable does not load or run where the wheel's tags say",
    "retag-validate/unchecked": "a target image could not be checked (no image, no emulation)",
    "retag-validate/engine": "no usable container engine",
    "retag-validate/error": "the wheel could not be read safely",
}


def write_sarif_report(
    results: Sequence[WheelResult], version: str, stream: IO[str], error: str | None = None
) -> None:
    rule = {
        "retag validate finding": "retag-validate/finding",
        "retag validate fail": "retag-validate/fail",
        "retag validate unchecked": "retag-validate/unchecked",
        "retag validate error": "retag-validate/error",
    }
    out = [
        SarifResult(rule[title], level, text, wheel)
        for level, title, wheel, text in _problems(results)
    ]
    if error:
        out.insert(0, SarifResult("retag-validate/engine", "error", error))
    write_sarif("retag", version, SARIF_RULES, out, stream)
