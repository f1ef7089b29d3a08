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


OURS, TIE = "ours", "tie"  # a Choice's winners besides a sibling's file name


@dataclass(frozen=True)
class Choice:
    """Which wheel installers pick on one system, before and after the retag: OURS (the wheel
    retagged, under either name), a sibling's file name, TIE, or None (no wheel installs)."""

    system: str
    sibling: str
    before: str | None
    after: str | None

    @property
    def added(self) -> bool:
        return self.before is None and self.after == OURS

    @property
    def switched(self) -> bool:
        return self.before is not None and self.before != OURS and self.after == OURS

    @property
    def tie(self) -> bool:
        return self.after == TIE


@dataclass(frozen=True)
class Decision:
    """What the siblings make of a retag: "retag", "not-needed" or "refused", and why."""

    verdict: str
    reasons: tuple[str, ...]
    choices: tuple[Choice, ...]


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


def _winner(ours: int | None, theirs: int | None, sibling: str) -> str | None:
    if ours is None and theirs is None:
        return None
    if theirs is None or (ours is not None and ours < theirs):
        return OURS
    if ours is None or theirs < ours:
        return sibling
    return TIE


def compare(
    before: frozenset[Tag], after: frozenset[Tag], sibling: Path, arch: str
) -> list[Choice]:
    """Which of our wheel (with its tags BEFORE and AFTER the retag) and a glibc sibling each
    system installs."""
    sibling_tags = parse_wheel_filename(sibling.name)[3]
    floors = {(2, 17), manylinux_floor_of(sibling_tags), manylinux_floor_of(after)}
    systems = [glibc_system(arch, f) for f in sorted(f for f in floors if f is not None)]
    systems.append(musl_system(arch))
    choices = []
    for system in systems:
        supported = supported_tags(system)
        theirs = rank(sibling_tags, supported)
        old = _winner(rank(before, supported), theirs, sibling.name)
        new = _winner(rank(after, supported), theirs, sibling.name)
        choices.append(Choice(system.label, sibling.name, old, new))
    return choices


def decide(choices: Sequence[Choice], force: bool) -> Decision:
    """Retag when it only adds systems; "not-needed" when every system it would serve already
    gets a sibling (the retag would only tie with it); refused when it would change which wheel
    installers pick where they had one (a switch, or a tie beside added coverage)."""
    switched = [c for c in choices if c.switched]
    ties = [c for c in choices if c.tie]
    if force or not (switched or ties):
        return Decision("retag", (), tuple(choices))
    if ties and not switched and not any(c.added for c in choices):
        covering = dict.fromkeys(c.sibling for c in ties)
        reasons = tuple(
            f"{name} already covers {_floor_text(name)}: installers would only tie between the "
            "two (--force retags anyway)"
            for name in covering
        )
        return Decision("not-needed", reasons, tuple(choices))
    reasons = tuple(
        f"on {c.system} installers would pick the retagged wheel instead of {c.sibling} "
        "(--force retags anyway)"
        if c.switched
        else f"on {c.system} the result would tie with {c.sibling}: installers would pick "
        "either (--force retags anyway)"
        for c in [*switched, *ties]
    )
    return Decision("refused", reasons, tuple(choices))


def _floor_text(name: str) -> str:
    floor = manylinux_floor_of(parse_wheel_filename(name)[3])
    return f"glibc {floor[0]}.{floor[1]} and newer" if floor else "the glibc systems"


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
