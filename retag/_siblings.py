"""Siblings: a glibc wheel of the same project, version and architecture beside the one retagged.

Installers rank the wheels they may install by the best position of any of their tags in the
platform's supported-tag list (newest manylinux first), as `packaging.tags` orders it.  After a
retag the static wheel also matches glibc systems, so this says which wheel each system gets, and
flags a tie, where the choice would fall to incidental ordering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(.+)")
_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_PYTHON = (3, 12)  # any interpreter ranks py3-none wheels the same way


@dataclass(frozen=True)
class System:
    label: str  # e.g. "glibc 2.17", "musl 1.2"
    platforms: tuple[str, ...]  # platform tags, best first


def glibc_system(arch: str, version: tuple[int, int]) -> System:
    """The platform tags pip accepts on glibc `version` (as packaging._manylinux lists them)."""
    platforms: list[str] = []
    for minor in range(version[1], -1, -1):
        platforms.append(f"manylinux_2_{minor}_{arch}")
        platforms += [f"{legacy}_{arch}" for legacy, v in _LEGACY.items() if v == (2, minor)]
    platforms.append(f"linux_{arch}")
    return System(f"glibc {version[0]}.{version[1]}", tuple(platforms))


def musl_system(arch: str, version: tuple[int, int] = (1, 2)) -> System:
    platforms = [f"musllinux_1_{minor}_{arch}" for minor in range(version[1], -1, -1)]
    return System(f"musl {version[0]}.{version[1]}", (*platforms, f"linux_{arch}"))


def supported_tags(system: System) -> list[Tag]:
    interpreter = f"cp{_PYTHON[0]}{_PYTHON[1]}"
    return [
        *cpython_tags(_PYTHON, platforms=system.platforms),
        *compatible_tags(_PYTHON, interpreter, system.platforms),
    ]


def rank(tags: Iterable[Tag], supported: Sequence[Tag]) -> int | None:
    """Lower is better; None when the wheel cannot be installed on that system."""
    index = {t: i for i, t in enumerate(supported)}
    ranks = [index[t] for t in tags if t in index]
    return min(ranks) if ranks else None


@dataclass(frozen=True)
class Choice:
    system: str
    winner: str | None  # file name, or None when neither installs
    tie: bool


def manylinux_floor_of(tags: Iterable[Tag]) -> tuple[int, int] | None:
    """The newest glibc a wheel's manylinux tags require (its "floor")."""
    versions = []
    for t in tags:
        m = _MANYLINUX.fullmatch(t.platform)
        if m:
            versions.append((int(m.group(1)), int(m.group(2))))
        for legacy, v in _LEGACY.items():
            if t.platform.startswith(legacy + "_"):
                versions.append(v)
    return min(versions) if versions else None


def compare(
    candidate: str, candidate_tags: frozenset[Tag], sibling: Path, arch: str
) -> list[Choice]:
    """Which of the retagged candidate and a glibc sibling each system installs."""
    sibling_tags = parse_wheel_filename(sibling.name)[3]
    systems = [glibc_system(arch, (2, 17))]
    floor = manylinux_floor_of(sibling_tags)
    if floor is not None and floor != (2, 17):
        systems.append(glibc_system(arch, floor))
    systems.append(musl_system(arch))
    choices = []
    for system in systems:
        supported = supported_tags(system)
        ours, theirs = rank(candidate_tags, supported), rank(sibling_tags, supported)
        if ours is None and theirs is None:
            choices.append(Choice(system.label, None, False))
        elif theirs is None or (ours is not None and ours < theirs):
            choices.append(Choice(system.label, candidate, False))
        elif ours is None or theirs < ours:
            choices.append(Choice(system.label, sibling.name, False))
        else:
            choices.append(Choice(system.label, None, True))
    return choices


def find_siblings(wheel: Path, inputs: Iterable[Path], arch: str) -> list[Path]:
    """glibc-only wheels of the same project, version and arch among inputs and beside `wheel`."""
    name, version, _, _ = parse_wheel_filename(wheel.name)
    seen: dict[str, Path] = {}
    for path in [*inputs, *sorted(wheel.parent.glob("*.whl"))]:
        if path.name == wheel.name or path.name in seen:
            continue
        try:
            other_name, other_version, _, tags = parse_wheel_filename(path.name)
        except ValueError:
            continue
        platforms = {t.platform for t in tags}
        glibc_only = all(p.startswith("manylinux") for p in platforms)
        same_arch = all(p.endswith("_" + arch) for p in platforms)
        if (
            (canonicalize_name(other_name), other_version) == (canonicalize_name(name), version)
            and glibc_only
            and same_arch
        ):
            seen[path.name] = path
    return list(seen.values())
