"""A release's coverage as JSON (the `coverage` object of a result in sdistcheck's JSON report)
and as Markdown for a CI job summary."""

from __future__ import annotations

from typing import IO, Any

from ..pipeline import md_escape, md_table, printable
from .assess import Coverage, Impact
from .matrix import grid
from .text import columns, describe, grouped, needs_by_os


def _impact_json(i: Impact) -> dict[str, Any]:
    return {
        "platform": i.env.key,
        "label": i.env.label,
        "pythons": list(i.pythons),
        "history": i.history,
        "regressed_from": i.regressed_from,
        "install_fails": bool(i.fails),
        "missing_files": [f.path for f in i.fails],
        "may_miss": [f.path for f in i.may_fail],
        "needs": list(i.needs),
        "nothing_to_install": i.no_sdist,
    }


def to_json(coverage: Coverage) -> dict[str, Any]:
    r, m = coverage.release, coverage.matrix
    return {
        "release": {
            "name": r.name,
            "version": r.version,
            "origin": r.origin,
            "requires_python": r.requires_python,
            "files": list(r.files),
            "previous": r.previous.version if r.previous else None,
        },
        "exit_code": coverage.exit_code,
        "pythons": [p.label for p in m.pythons],
        "platforms": [
            {
                "platform": env.key,
                "label": env.label,
                "os": env.os,
                "arch": env.arch,
                "cells": [
                    {
                        "python": c.python.label,
                        "status": c.status,
                        "wheel": c.wheel,
                        "tag": c.tag,
                        "history": c.history,
                        "previous_wheel": c.previous_wheel,
                    }
                    for c in m.row(env)
                ],
            }
            for env in m.environments
        ],
        "builds_sdist": [_impact_json(i) for i in coverage.impacts],
        "install_fails": [i.env.key for i in coverage.failing],
        "regressions": [i.env.key for i in coverage.regressions],
        "needs": list(coverage.needs),
        "remedies": [
            {
                "kind": x.kind,
                "wheel": x.wheel,
                "platforms": list(x.environments),
                "command": x.command,
                "text": x.text,
            }
            for x in coverage.remedies
        ],
        "consistency": [{"artifact": p.artifact, "message": p.message} for p in coverage.problems],
    }


def error_lines(coverage: Coverage) -> list[str]:
    """One line per error of the coverage (a platform whose installs fail, a regression)."""
    r = coverage.release
    out = []
    for i in coverage.impacts:
        if i.fails:
            missing = ", ".join(f.path for f in i.fails)
            out.append(
                f"{r.name} {r.version}: {i.env.label} has no wheel and builds the sdist; every "
                f"{i.env.key} install fails: the sdist lacks {missing}"
            )
        if i.regressed_from:
            out.append(
                f"{r.name} {r.version}: {i.env.label} has no wheel; the previous release had "
                f"{i.regressed_from} (a regression)"
            )
    return out


def write_markdown(coverage: Coverage, stream: IO[str]) -> None:
    m = coverage.matrix
    labels = tuple(p.label for p in m.pythons)
    stream.write(f"\n#### Release coverage: {md_escape(describe(coverage))}\n\n")
    headers, rows = grid(m)
    failing = {i.env.key for i in coverage.failing}
    body = [
        [("❌ " if env.key in failing else "") + md_escape(label), *(md_escape(c) for c in cells)]
        for env, label, cells in rows
    ]
    stream.write(md_table(["platform", *(md_escape(h) for h in headers)], body))
    lines = []
    for i in coverage.impacts:
        if not (i.fails or i.regressed_from):
            continue
        text = f"{i.env.label}: {columns(i, labels)} builds the sdist"
        if i.regressed_from:
            text += f" (regression: the previous release had {i.regressed_from})"
        if i.fails:
            text += f"; every {i.env.key} install fails, missing " + ", ".join(
                f.path for f in i.fails
            )
        wanted = f"; a build there needs {', '.join(i.needs)}" if i.needs else ""
        lines.append(f"- ❌ {md_escape(text + wanted)}")
    gaps = [i for i in coverage.impacts if not (i.fails or i.regressed_from)]
    for pythons, keys in grouped(gaps, labels).items():
        lines.append(f"- builds the sdist with {md_escape(pythons)}: {md_escape(', '.join(keys))}")
    for where, needs in needs_by_os(gaps).items():
        lines.append(f"- a build needs, on {md_escape(where)}: {md_escape(', '.join(needs))}")
    lines += [f"- 🛠️ {md_escape(x.text)}" for x in coverage.remedies]
    lines += [f"- ⚠️ {md_escape(p.artifact)}: {md_escape(p.message)}" for p in coverage.problems]
    if lines:
        stream.write("\n" + "\n".join(lines) + "\n")
    for x in coverage.remedies:
        if x.command:  # a fence cannot be closed from inside: no newlines, no backticks
            command = printable(x.command).replace("\n", " ").replace("`", "'")
            stream.write(f"\n```\n{command}\n```\n")
