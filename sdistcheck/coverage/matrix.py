"""The coverage matrix: for each environment (platform x Python), the wheel of the release an
installer picks there (the one whose best tag ranks highest in the environment's list, as pip
and uv choose among the files of one version), else the sdist, else nothing.

An environment without a wheel is a *gap* when some other release of the project had one there,
*never* when none did (it always built from source), and a *regression* when the previous
release had one: the last is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from packaging.tags import Tag

from .environments import Environment, Python, environments, pythons, ranks
from .release import Release, wheel_tags

WHEEL, SDIST, NONE = "wheel", "sdist", "none"


@dataclass(frozen=True)
class Cell:
    env: Environment
    python: Python
    wheel: str | None  # the file an installer picks, if any
    tag: str | None  # the tag of that wheel that matched, e.g. "py3-none-manylinux_2_28_aarch64"
    status: str  # WHEEL | SDIST (builds the sdist) | NONE (neither: the install fails)
    history: str | None = None  # without a wheel: "gap" | "never"; None: unknown (no index)
    previous_wheel: str | None = None  # the previous release's wheel here, when this has none

    @property
    def regression(self) -> bool:
        return self.status != WHEEL and self.previous_wheel is not None

    @property
    def short(self) -> str:
        """The matrix cell: the matched platform tag without its architecture ("manylinux_2_28",
        "win_amd64", "any"), or "sdist" / "none"."""
        if self.tag is None:
            return self.status
        platform = self.tag.rsplit("-", 1)[-1]
        if platform == "any" or self.env.os == "windows":
            return platform
        for arch in (*_ARCH_SUFFIXES, self.env.arch):
            if platform.endswith("_" + arch):
                return platform[: -len(arch) - 1]
        return platform


_ARCH_SUFFIXES = (
    "x86_64",
    "aarch64",
    "arm64",
    "i686",
    "armv7l",
    "ppc64le",
    "s390x",
    "riscv64",
    "universal2",
    "intel",
    "fat64",
    "fat32",
    "universal",
)


@dataclass(frozen=True)
class Matrix:
    release: Release
    pythons: tuple[Python, ...]
    environments: tuple[Environment, ...]
    cells: tuple[Cell, ...]  # row-major: environments x pythons

    def row(self, env: Environment) -> tuple[Cell, ...]:
        i = self.environments.index(env) * len(self.pythons)
        return self.cells[i : i + len(self.pythons)]

    @cached_property
    def building(self) -> tuple[Cell, ...]:
        """Cells that build the sdist."""
        return tuple(c for c in self.cells if c.status == SDIST)

    @cached_property
    def regressions(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.regression)


_Wheels = tuple[tuple[str, frozenset[Tag]], ...]


def _best(wheels: _Wheels, rank: dict[Tag, int]) -> tuple[str, Tag] | None:
    """The wheel an installer picks: the lowest rank of any of its tags wins; ties go to the
    first file name in sorted order (a build tag would decide, which names rarely carry)."""
    best: tuple[int, str, Tag] | None = None
    for filename, tags in wheels:
        for tag in tags:
            r = rank.get(tag)
            if r is not None and (best is None or (r, filename) < best[:2]):
                best = (r, filename, tag)
    return (best[1], best[2]) if best else None


def _parsed(files: tuple[str, ...]) -> _Wheels:
    return tuple(
        sorted((f, t) for f in files if f.lower().endswith(".whl") and (t := wheel_tags(f)))
    )


def pypy_abis(files: tuple[str, ...]) -> set[tuple[str, str]]:
    """(interpreter, abi) of the PyPy wheels among FILES, e.g. ("pp310", "pypy310_pp73")."""
    return {
        (t.interpreter, t.abi)
        for _, tags in _parsed(files)
        for t in tags
        if t.interpreter.startswith("pp") and t.abi.startswith("pypy")
    }


def compute(release: Release, requires_python: str | None = None) -> Matrix:
    """The matrix of RELEASE; REQUIRES_PYTHON (the sdist's) when the release does not say."""
    wheels = _parsed(release.files)
    previous = _parsed(release.previous.files) if release.previous else ()
    history = (
        frozenset(Tag(*t.split("-", 2)) for t in release.history if t.count("-") == 2)
        if release.history is not None
        else None
    )
    has_sdist = bool(release.sdists)
    cols = pythons(release.requires_python or requires_python, pypy_abis(release.files))
    rows = environments()
    cells = []
    for env in rows:
        for py in cols:
            rank = ranks(env, py)
            best = _best(wheels, rank)
            if best is not None:
                cells.append(Cell(env, py, best[0], str(best[1]), WHEEL))
                continue
            seen = None if history is None else any(t in rank for t in history)
            before = _best(previous, rank)
            cells.append(
                Cell(
                    env,
                    py,
                    None,
                    None,
                    SDIST if has_sdist else NONE,
                    None if seen is None else ("gap" if seen or before else "never"),
                    before[0] if before else None,
                )
            )
    return Matrix(release, cols, rows, tuple(cells))


def grid(matrix: Matrix) -> tuple[list[str], list[tuple[Environment, str, list[str]]]]:
    """The matrix as people read it: Python columns whose cells agree on every row merged
    ("3.9-3.12"), and consecutive platform rows of one OS, architecture and C library with the
    same cells merged ("Linux x86_64 glibc 2.17/2.28/2.34").  Returns (column headers, rows of
    (first environment, label, cells))."""
    n = len(matrix.pythons)
    table = [[c.short for c in matrix.row(env)] for env in matrix.environments]
    groups: list[list[int]] = []
    for i in range(n):
        if groups and all(row[i] == row[groups[-1][0]] for row in table):
            groups[-1].append(i)
        else:
            groups.append([i])
    headers = [_span([matrix.pythons[i].label for i in g]) for g in groups]
    rows: list[tuple[Environment, str, list[str]]] = []
    previous: tuple[Environment, list[str]] | None = None
    for env, row in zip(matrix.environments, table, strict=True):
        cells = [row[g[0]] for g in groups]
        if (
            previous is not None
            and env.os != "windows"
            and (previous[0].os, previous[0].machine, previous[0].libc)
            == (env.os, env.machine, env.libc)
            and previous[1] == cells
        ):
            first, label, _ = rows[-1]
            if env.os == "macos":  # "macOS 11 x86_64" + 14 -> "macOS 11/14 x86_64"
                head, _, arch = label.rpartition(" ")
                label = f"{head}/{(env.os_version or (0, 0))[0]} {arch}"
            else:
                version = env.libc_version or (0, 0)
                label = f"{label}/{version[0]}.{version[1]}"
            rows[-1] = (first, label, cells)
        else:
            rows.append((env, env.label, cells))
        previous = (env, cells)
    return headers, rows


def _span(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{labels[0]}-{labels[-1]}"
