"""One target's outcome: its report, or why it could not be checked, and its exit code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._model import Report
from ..pipeline import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from ..build.check import BuildOutcome


@dataclass(frozen=True)
class Outcome:
    """One target's result: a report, or the one-line reason it could not be checked."""

    target: str
    report: Report | None = None
    error: str | None = None
    build: BuildOutcome | None = None  # with --build

    @property
    def exit_code(self) -> int:
        if self.report is None:
            return EXIT_ERROR
        static = EXIT_OK if self.report.status == "complete" else EXIT_FINDINGS
        return max(static, self.build.exit_code) if self.build else static
