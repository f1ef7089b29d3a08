"""`sdistcheck --build`: after the static check, build the wheel for real and explain a failure.

This RUNS THE PACKAGE'S BUILD CODE (its setup.py, build backend, compilers): only when asked.
A failure is classified from the log (`build.diagnose`); a file missing from the sdist is checked
against the static findings, and a missing tool (compiler, cargo, system library) is reported
as the environment's, not the sdist's.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._model import Report
from .cause import Cause
from .diagnose import diagnose
from .isolated import build_sdist_wheel

# The exit code a build outcome asks for: the sdist's fault (1), or not checkable here (2).
_EXIT = {"missing-file": 1, "unknown": 1, "missing-tool": 2, "requirements": 2, "timeout": 2}


@dataclass(frozen=True)
class BuildOutcome:
    ok: bool
    wheel: str | None
    seconds: float
    log: str | None  # kept on failure, in its own temporary directory
    causes: tuple[Cause, ...]
    wheel_problems: tuple[str, ...]
    agrees_with_static: tuple[str, ...]  # missing files both the build and the analysis name

    @property
    def exit_code(self) -> int:
        if self.ok:
            return 1 if self.wheel_problems else 0
        return max((_EXIT.get(c.kind, 1) for c in self.causes), default=1)


def build(
    sdist: Path,
    report: Report | None,
    *,
    isolation: bool,
    timeout: float,
    progress: Callable[[str], None] | None = None,
) -> BuildOutcome:
    workdir = Path(tempfile.mkdtemp(prefix="sdistcheck-build-"))
    try:
        result = build_sdist_wheel(
            sdist, workdir, isolation=isolation, timeout=timeout, progress=progress
        )
        if result.ok:
            return BuildOutcome(
                True,
                result.wheel.name if result.wheel else None,
                round(result.seconds, 1),
                None,
                (),
                result.wheel_problems,
                (),
            )
        text = result.log.read_text(errors="replace")
        causes = tuple(diagnose(text, str(result.project_dir), result.project_files))
        kept = Path(tempfile.mkdtemp(prefix="sdistcheck-buildlog-")) / "build.log"
        shutil.copy(result.log, kept)
        static = {f.path for f in report.findings} if report else set()
        agree = tuple(c.path for c in causes if c.kind == "missing-file" and c.path in static)
        return BuildOutcome(
            False, None, round(result.seconds, 1), str(kept), causes, result.wheel_problems, agree
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
