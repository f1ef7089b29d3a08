"""The macOS a wheel's Mach-O code needs, against its `macosx_X_Y_arch` tags.

Each slice's minimum comes from its load commands as macholib reads them (LC_BUILD_VERSION's
minos, or LC_VERSION_MIN_MACOSX), in `binaries.analysis`.  For each macOS tag the highest minimum
over every file and every slice the tag promises is the floor; a tag older than it lets installers
put the wheel on a macOS whose loader refuses the binary.  arm64 Macs run macOS 11 or later, so an
arm64 slice needing 11.0 fits any tag (a universal2 wheel tagged macosx_10_9).  The honest tag is
what delocate would name: the floor itself up to macOS 10, `macosx_<major>_0` from macOS 11 on,
rounded up to the next release when the floor has a minor (installers only look for X_0).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..binaries.analysis import Binary, macos_tag_arches
from .findings import Finding

RULE = "macOS minimum version (Mach-O LC_BUILD_VERSION / LC_VERSION_MIN_MACOSX)"
_TAG = re.compile(r"macosx_(\d+)_(\d+)_(.+)")
_RELEASES = (11, 12, 13, 14, 15, 26)  # macOS majors since the 11.0 renumbering
_ARM64_FLOOR = (11, 0)


def honest_version(floor: tuple[int, int]) -> tuple[int, int]:
    """The lowest macOS tag version installers look for that is not older than FLOOR."""
    if floor[0] < 11:
        return floor
    if floor[1] == 0:
        return floor
    later = [major for major in _RELEASES if major > floor[0]]
    return (later[0] if later else floor[0] + 1, 0)


def audit(platform_tags: Sequence[str], binaries: Sequence[Binary]) -> list[Finding]:
    """One finding per macOS tag older than the code it carries (merged across tags by the
    caller when they name the same problem)."""
    out = []
    for tag in platform_tags:
        match = _TAG.fullmatch(tag)
        if match is None:
            continue
        claimed, arch = (int(match[1]), int(match[2])), match[3]
        wanted = macos_tag_arches(tag)
        worst: tuple[tuple[int, int], str, str] | None = None
        for b in binaries:
            for slice_arch, minos in b.macos_min:
                if minos is None or slice_arch not in wanted:
                    continue
                effective = max(claimed, _ARM64_FLOOR) if slice_arch == "arm64" else claimed
                if minos > effective and (worst is None or minos > worst[0]):
                    worst = (minos, b.member, slice_arch)
        if worst is None:
            continue
        floor, member, slice_arch = worst
        major, minor = honest_version(floor)
        out.append(
            Finding(
                RULE,
                member,
                f"needs macOS {floor[0]}.{floor[1]} (its {slice_arch} slice's minimum)",
                (tag,),
                f"macosx_{major}_{minor}_{arch}",
            )
        )
    return out
