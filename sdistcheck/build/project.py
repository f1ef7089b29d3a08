"""`sdistcheck --project DIR`: build DIR's sdist as `python -m build --sdist` does, then check it.

This RUNS THE PROJECT'S BUILD BACKEND (its own code, in its own repository): it is what the
pre-commit hook does before every commit, so that a file the build needs but the sdist leaves
out is caught before a release, not after.
"""

from __future__ import annotations

import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import build

from .isolated import BuildError, Session, build_distribution, failure, log_file


def build_project_sdist(
    project: Path,
    workdir: Path,
    *,
    isolation: bool = True,
    timeout: float = 600,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """The sdist of the project at PROJECT, built into WORKDIR/dist (log: WORKDIR/sdist.log).

    Raises BuildError, with the end of the log, when it cannot be built."""
    project = project.absolute()
    if not ((project / "pyproject.toml").is_file() or (project / "setup.py").is_file()):
        raise BuildError(f"{project}: no pyproject.toml or setup.py: not a Python project")
    log_path = workdir / "sdist.log"
    with log_file(log_path) as log:
        session = Session(log, progress, timeout)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always")
                warnings.showwarning = session.warning
                return build_distribution(project, workdir / "dist", isolation, session, "sdist")
        except (
            build.BuildBackendException,
            build.BuildException,
            build.FailedProcessError,
            subprocess.CalledProcessError,
        ) as exc:
            reason = failure(exc)
        except Exception as exc:  # build's internals failing in a way it does not wrap
            reason = f"{type(exc).__name__}: {exc}"
        if session.timed_out:
            reason = f"timed out after {timeout:g} s"
    tail = [line for line in log_path.read_text("utf-8", "replace").splitlines() if line.strip()]
    last = f" (last output: {tail[-1].strip()[:200]})" if tail else ""
    raise BuildError(
        f"{project.name}: its sdist did not build: {reason.splitlines()[0]}{last}; log: {log_path}"
    )
