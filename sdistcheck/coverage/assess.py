"""A release's coverage, assessed: the matrix, the platforms that build the sdist with what
they hit and need, regressions, remedies and the artifacts' consistency; and its exit code.

Errors (exit 1): a regression (a platform the previous release had a wheel for and this one has
not), and a platform that builds the sdist and certainly hits one of its missing files ("every
<platform> install fails").  Everything else is information.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._model import Finding, Report
from ..archive.tree import SdistTree
from ..pipeline import EXIT_FINDINGS, EXIT_OK
from . import consistency, remedies
from .consistency import Problem
from .environments import Environment
from .matrix import NONE, Cell, Matrix, compute
from .platforms import certain_failures
from .release import Release
from .remedies import Remedy
from .requirements import build_needs, for_environment


@dataclass(frozen=True)
class Impact:
    """One platform on which some Python builds the sdist (or finds nothing to install)."""

    env: Environment
    pythons: tuple[str, ...]  # the columns that build the sdist there
    history: str | None  # "gap" (another release had a wheel here) | "never" | None: unknown
    regressed_from: str | None  # the previous release's wheel here, if it had one
    fails: tuple[Finding, ...]  # missing files every build here needs: every install fails
    may_fail: tuple[Finding, ...]  # missing files some builds here may need
    needs: tuple[str, ...]  # what a build here needs
    no_sdist: bool = False  # nothing to install at all


@dataclass(frozen=True)
class Coverage:
    release: Release
    matrix: Matrix
    impacts: tuple[Impact, ...]
    remedies: tuple[Remedy, ...]
    problems: tuple[Problem, ...]
    needs: tuple[str, ...]  # what any build of the sdist needs

    @property
    def failing(self) -> tuple[Impact, ...]:
        return tuple(i for i in self.impacts if i.fails)

    @property
    def regressions(self) -> tuple[Impact, ...]:
        return tuple(i for i in self.impacts if i.regressed_from)

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.failing or self.regressions else EXIT_OK


def _history(cells: tuple[Cell, ...]) -> str | None:
    values = {c.history for c in cells}
    if None in values:
        return None
    return "gap" if "gap" in values else "never"


def assess(release: Release, sdist: str, report: Report, tree: SdistTree | None) -> Coverage:
    """The coverage of RELEASE, whose sdist SDIST was checked into REPORT (read into TREE)."""
    requires = None
    if tree is not None and (pkg_info := tree.read_text("PKG-INFO")):
        requires = _requires_python(pkg_info)
    matrix = compute(release, requires)
    needs = build_needs(report, tree)
    impacts = []
    for env in matrix.environments:
        cells = tuple(c for c in matrix.row(env) if c.wheel is None)
        if not cells:
            continue
        fails, maybe = certain_failures(report.findings, env)
        previous = next((c.previous_wheel for c in cells if c.previous_wheel), None)
        impacts.append(
            Impact(
                env,
                tuple(c.python.label for c in cells),
                _history(cells),
                previous,
                fails,
                maybe,
                for_environment(needs, env),
                all(c.status == NONE for c in cells),
            )
        )
    local = tuple(str(p) for p in release.wheel_paths)
    problems = consistency.check(release, sdist, tree) if tree is not None else ()
    return Coverage(release, matrix, tuple(impacts), remedies.find(matrix, local), problems, needs)


def _requires_python(pkg_info: str) -> str | None:
    for line in pkg_info.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "requires-python":
            return value.strip() or None
    return None
