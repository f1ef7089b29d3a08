"""A release's coverage for people: the matrix as a rich table (rows platforms, columns Python
versions, cells the wheel's platform tag or "sdist"), then the platforms that build the sdist,
what they hit and need, regressions, remedies and consistency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .assess import Coverage, Impact
from .matrix import grid

Escape = Callable[[str], str]


def describe(coverage: Coverage) -> str:
    """`uv 0.5.2 (19 wheels and the sdist, from the index; Requires-Python >=3.8; previous
    release 0.5.1)`."""
    r = coverage.release
    parts = [f"{len(r.wheels)} wheel{'s' if len(r.wheels) != 1 else ''} and the sdist"]
    parts[0] += ", from the index" if r.origin == "index" else ", in the folder"
    if r.requires_python:
        parts.append(f"Requires-Python {r.requires_python}")
    if r.previous:
        parts.append(f"previous release {r.previous.version}")
    elif r.origin == "folder":
        parts.append("no index consulted: no regressions or history")
    return f"{r.name} {r.version} ({'; '.join(parts)})"


def columns(impact: Impact, all_labels: tuple[str, ...]) -> str:
    """'every CPython (3.9-3.14t)' (or 'every Python' with PyPy columns), or the list of
    versions that build the sdist."""
    if impact.pythons == all_labels and all_labels:
        kind = "Python" if any(p.startswith("PyPy") for p in all_labels) else "CPython"
        return f"every {kind} ({all_labels[0]}-{all_labels[-1]})"
    return "Python " + ", ".join(impact.pythons)


def grouped(impacts: list[Impact], labels: tuple[str, ...]) -> dict[str, list[str]]:
    """Platform keys by the Pythons that build the sdist there."""
    out: dict[str, list[str]] = {}
    for i in impacts:
        out.setdefault(columns(i, labels), []).append(i.env.key)
    return out


_OS = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}


def needs_by_os(impacts: list[Impact]) -> dict[str, tuple[str, ...]]:
    """What a build needs, by the operating systems (or platforms) it applies to."""
    by_needs: dict[tuple[str, ...], list[Impact]] = {}
    for i in impacts:
        if i.needs:
            by_needs.setdefault(i.needs, []).append(i)
    out: dict[str, tuple[str, ...]] = {}
    oses = [", ".join(dict.fromkeys(_OS[i.env.os] for i in group)) for group in by_needs.values()]
    for (needs, group), where in zip(by_needs.items(), oses, strict=True):
        if oses.count(where) > 1:
            where = ", ".join(i.env.key for i in group)
        out[where] = needs
    return out


def _style(cell: str) -> str:
    if cell == "sdist":
        return f"[yellow]{cell}[/]"
    if cell == "none":
        return f"[bold red]{cell}[/]"
    return f"[green]{cell}[/]"


def write_coverage(console: Any, coverage: Coverage, escape: Escape, verbose: bool) -> None:
    from rich.table import Table

    m = coverage.matrix
    labels = tuple(p.label for p in m.pythons)
    console.print(f"  release coverage: {escape(describe(coverage))}", style="bold")
    headers, rows = grid(m)
    failing = {i.env.key for i in coverage.failing}
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    table.add_column("  platform", no_wrap=True)
    for header in headers:
        table.add_column(escape(header), no_wrap=True)
    for env, label, cells in rows:
        mark = "[bold red]✗[/] " if env.key in failing else "  "
        table.add_row(mark + escape(label), *(_style(escape(c)) for c in cells))
    console.print(table)
    for impact in coverage.impacts:
        if impact.fails or impact.regressed_from:
            _impact(console, impact, labels, escape)
    gaps = [i for i in coverage.impacts if not i.fails and not i.regressed_from]
    for history, title in (
        ("gap", "builds the sdist, where another release had a wheel"),
        (None, "builds the sdist"),
        ("never", "builds the sdist, where no release ever had a wheel"),
    ):
        chosen = [i for i in gaps if i.history == history]
        if chosen:
            console.print(f"  · {escape(title)}:")
            for pythons, keys in grouped(chosen, labels).items():
                console.print(f"      {escape(pythons)}: {escape(', '.join(keys))}")
    if gaps:
        for where, needs in needs_by_os(gaps).items():
            console.print(f"    a build needs, on {escape(where)}: {escape(', '.join(needs))}")
    if verbose:
        for i in coverage.impacts:
            if i.may_fail:
                paths = ", ".join(f.path for f in i.may_fail)
                console.print(f"    {escape(i.env.key)} may miss: {escape(paths)}", style="dim")
    for remedy in coverage.remedies:
        console.print(f"  remedy: {escape(remedy.text)}", style="cyan")
        if remedy.command:
            console.print(f"      $ {escape(remedy.command)}")
    for problem in coverage.problems:
        console.print(f"  [yellow]![/] {escape(problem.artifact)}: {escape(problem.message)}")
    if not coverage.problems:
        console.print(
            "  the artifacts agree with each other (name, version, sdist layout)", style="dim"
        )


def _impact(console: Any, impact: Impact, labels: tuple[str, ...], escape: Escape) -> None:
    env = impact.env
    what = "has no wheel" if not impact.no_sdist else "has neither a wheel nor an sdist"
    line = f"{env.label} {what}: {columns(impact, labels)} builds the sdist"
    if impact.regressed_from:
        line += f" (regression: the previous release had {impact.regressed_from})"
    console.print(f"  [bold red]✗[/] {escape(line)}")
    if impact.fails:
        console.print(
            f"      every {escape(env.key)} install fails: the sdist lacks", style="bold red"
        )
        for f in impact.fails:
            conditions = dict.fromkeys(r.condition for r in f.references if r.condition)
            under = f"  (under {'; '.join(conditions)})" if conditions else ""
            console.print(f"        {escape(f.path)}{escape(under)}")
    if impact.needs:
        console.print(f"      a build there needs: {escape(', '.join(impact.needs))}", style="dim")
