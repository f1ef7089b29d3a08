"""Explain a failed wheel build from its log: a file missing from the sdist, or something else.

The log is the merged output of pip, the build backend and the tools it runs (compilers, cargo,
CMake, meson, Cython), as `build.isolated` writes it.  Each recognised line becomes a `Cause`, with
the paths it names mapped back from the build directory to sdist-relative paths.  What matters
most for this tool is telling an sdist defect ("missing-file") from a machine that lacks a
compiler, a system library or a build requirement: only the first is the package's to fix.

The pieces: `build.log` (the log and its paths), `build.rules` (what a line means),
`build.hints` (compilers, tools, system libraries), `build.cause` (`Cause`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from .cause import MISSING_FILE, MISSING_TOOL, REQUIREMENTS, TIMEOUT, UNKNOWN, Cause
from .log import _PROGRESS, MISSING_DEPS_MARKER, NOTE, TIMEOUT_MARKER, _Log
from .rules import _RULES

_RANK = {TIMEOUT: 0, MISSING_FILE: 1, MISSING_TOOL: 2, REQUIREMENTS: 3, UNKNOWN: 4}
_UNKNOWN_LINES = 10


def _unknown(log: _Log) -> Cause:
    relevant = [
        line.strip()
        for line in log.lines
        if line.strip() and not line.startswith(NOTE) and not _PROGRESS.match(line)
    ]
    tail = relevant[-_UNKNOWN_LINES:]
    if not tail:
        return Cause(UNKNOWN, "the build failed without output", None, "", None)
    first = next((line for line in reversed(tail) if re.search(r"error", line, re.I)), tail[-1])
    summary = f"unrecognised failure: {first[:160]}"
    return Cause(UNKNOWN, summary, None, "\n".join(tail), "read the full build log")


def _causes(log: _Log) -> Iterator[Cause]:
    for i, line in enumerate(log.lines):
        if not line or (
            line.startswith(NOTE) and not line.startswith((TIMEOUT_MARKER, MISSING_DEPS_MARKER))
        ):
            continue
        for pattern, rule in _RULES:
            if (m := pattern.search(line)) and (cause := rule(log, i, m)):
                yield cause
                break


def diagnose(
    log_text: str, project_dir: str, project_files: Collection[str] | None = None
) -> list[Cause]:
    """The causes of a failed build, most relevant first (at least one: "unknown" otherwise).

    `project_dir` is the directory the sdist was extracted to (the absolute prefix to strip);
    paths under other frontends' build directories (`/tmp/build-via-sdist-*/name-version/`,
    pip's) are mapped too.  `project_files`, the sdist's paths, tells a header the sdist should
    have had from a system one; without it, a quoted `#include` from a project file counts as
    the project's.
    """
    log = _Log(log_text, project_dir, project_files)
    seen: dict[tuple[str, str], Cause] = {}
    for cause in _causes(log):
        key = (cause.kind, cause.path or cause.summary)
        seen.setdefault(key, cause)
    causes = sorted(seen.values(), key=lambda c: _RANK[c.kind])  # stable: log order within a kind
    return causes or [_unknown(log)]
