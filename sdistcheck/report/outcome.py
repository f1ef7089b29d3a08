"""One target's outcome: its report, or why it could not be checked, and its exit code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._model import Report
from ..pipeline import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from ..build.check import BuildOutcome
    from ..coverage.assess import Coverage


@dataclass(frozen=True)
class Outcome:
    """One target's result: a report, or the one-line reason it could not be checked."""

    target: str
    report: Report | None = None
    error: str | None = None
    build: BuildOutcome | None = None  # with --build
    coverage: Coverage | None = None  # for a release (wheels beside the sdist, NAME==VERSION)

    @property
    def exit_code(self) -> int:
        if self.report is None:
            return EXIT_ERROR
        codes = [EXIT_OK if self.report.status == "complete" else EXIT_FINDINGS]
        codes += [x.exit_code for x in (self.build, self.coverage) if x is not None]
        return max(codes)
