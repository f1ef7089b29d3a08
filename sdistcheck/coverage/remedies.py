"""Remedies for environments that build the sdist.

- A static-binary candidate: a musllinux wheel of the same release and architecture whose ABI
  is `none` (no extension module: a binary such as uv's) could serve glibc systems once `retag`
  has proven its binaries static and added the manylinux tags (from glibc 2.17; riscv64 from
  2.31, auditwheel's floor).  The command is given; retag refuses if the proof fails.
- A pure-Python wheel (`py3-none-any`) beside platform wheels: environments without a platform
  wheel install it instead of building the sdist, without the native speed-ups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from packaging.tags import Tag

from .environments import ranks
from .matrix import Cell, Matrix
from .release import wheel_tags

_GLIBC_FLOOR = {"riscv64": (2, 31)}


@dataclass(frozen=True)
class Remedy:
    kind: str  # "retag" | "pure-fallback"
    wheel: str  # the release's file that would serve
    environments: tuple[str, ...]  # the environment keys it serves (or would serve)
    command: str | None  # what to run, for "retag"
    text: str  # one line


def _retag_candidates(matrix: Matrix) -> dict[str, list[Cell]]:
    """musllinux wheels with ABI none -> the glibc cells building the sdist they could cover."""
    out: dict[str, list[Cell]] = {}
    for cell in matrix.building:
        env = cell.env
        floor = _GLIBC_FLOOR.get(env.machine, (2, 17))
        if env.libc != "glibc" or env.libc_version is None or env.libc_version < floor:
            continue
        manylinux = f"manylinux_{floor[0]}_{floor[1]}_{env.machine}"
        rank = ranks(env, cell.python)
        for wheel in matrix.release.wheels:
            tags = wheel_tags(wheel)
            if any(
                t.abi == "none"
                and t.platform.startswith("musllinux_")
                and t.platform.endswith("_" + env.machine)
                and Tag(t.interpreter, t.abi, manylinux) in rank
                for t in tags
            ):
                out.setdefault(wheel, []).append(cell)
                break
    return out


def find(matrix: Matrix, paths: Sequence[str] = ()) -> tuple[Remedy, ...]:
    """The remedies for MATRIX; PATHS: the local wheels' paths, for the commands."""
    remedies = []
    local = {p.replace("\\", "/").rsplit("/", 1)[-1]: p for p in paths}
    for wheel, cells in sorted(_retag_candidates(matrix).items()):
        keys = tuple(dict.fromkeys(c.env.key for c in cells))
        if wheel in local:
            command = f"retag --remove {local[wheel]}"
        else:
            command = f"retag --out-dir dist/ {wheel}  # after downloading it"
        remedies.append(
            Remedy(
                "retag",
                wheel,
                keys,
                command,
                f"{wheel} (ABI none: a static-binary candidate) could cover "
                f"{', '.join(keys)} once retag proves it static and adds the manylinux tags",
            )
        )
    pure = [c for c in matrix.cells if c.wheel and c.short == "any"]
    platform_wheels = any(c.wheel and c.short != "any" for c in matrix.cells)
    if pure and platform_wheels:
        by_wheel: dict[str, list[str]] = {}
        for c in pure:
            by_wheel.setdefault(c.wheel or "", []).append(c.env.key)
        for wheel, envs in sorted(by_wheel.items()):
            keys = tuple(dict.fromkeys(envs))
            remedies.append(
                Remedy(
                    "pure-fallback",
                    wheel,
                    keys,
                    None,
                    f"{wheel} is the pure-Python fallback where no platform wheel fits "
                    f"({len(keys)} platforms): they install it instead of building the sdist",
                )
            )
    return tuple(remedies)
