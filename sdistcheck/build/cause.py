"""What `diagnose` finds in a build log: a `Cause`, of one of the kinds below."""

from __future__ import annotations

from dataclasses import dataclass

MISSING_FILE, MISSING_TOOL, REQUIREMENTS, TIMEOUT, UNKNOWN = (
    "missing-file",
    "missing-tool",
    "requirements",
    "timeout",
    "unknown",
)


@dataclass(frozen=True)
class Cause:
    """One reason the build failed, with the log line that shows it."""

    kind: str  # "missing-file" | "missing-tool" | "requirements" | "timeout" | "unknown"
    summary: str  # one line
    path: str | None  # for missing-file: the sdist-relative path
    evidence: str  # the log line (for "unknown": the last relevant lines)
    hint: str | None
