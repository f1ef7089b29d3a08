"""Which manylinux and musllinux tags an arch can honestly carry, from auditwheel's policy files.

The arch lists, versions and legacy aliases come from auditwheel's `manylinux-policy.json` and
`musllinux-policy.json` (read once, with importlib.resources), so a new auditwheel release moves
retag with it; only facts those files do not hold are written here: the kernel floor of static
binaries and the one arch PyPI refuses.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources

from ._errors import RetagError

# Rust's (and most) static musl targets need Linux >= 3.2, which manylinux2014 (glibc 2.17 era,
# CentOS 7 kernels) guarantees; manylinux1/2010 (CentOS 5/6, kernels 2.6.18/2.6.32) do not.
STATIC_FLOOR = (2, 17)

# PyPI's upload allow-list of Linux arches is not in auditwheel's files.  Every arch those files
# list is on it (riscv64 since 2025) except loongarch64: such wheels are refused at upload.
_PYPI_REFUSED = {"loongarch64": "PyPI's upload allow-list has no loongarch64"}
# linux_* tags are refused by PyPI, except these two it keeps for Raspberry Pi wheels.
_PYPI_LINUX_ALLOWED = frozenset({"linux_armv6l", "linux_armv7l"})
_PERENNIAL = re.compile(r"(many|musl)linux_(\d+)_(\d+)_(.+)")
_WINDOWS = frozenset({"win32", "win_amd64", "win_arm64", "win_ia64"})
_MACOS = re.compile(r"macosx_\d+_\d+_.+")


class PolicyError(RetagError):
    """An arch or version no manylinux/musllinux policy covers."""


@dataclass(frozen=True)
class Policy:
    """One entry of an auditwheel policy file."""

    name: str  # "manylinux_2_17"
    version: tuple[int, int]  # (2, 17): glibc for manylinux, musl for musllinux
    aliases: tuple[str, ...]  # legacy names, e.g. ("manylinux2014",)
    arches: frozenset[str]
    # arch -> symbol-version family ("GLIBCXX") -> the versions the policy allows
    symbols: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict, compare=False)
    libraries: frozenset[str] = frozenset()  # sonames a wheel may need from the system


@functools.cache
def _policies(family: str) -> tuple[Policy, ...]:
    """The policies of FAMILY ("manylinux" or "musllinux"), oldest first."""
    text = (resources.files("auditwheel") / "policy" / f"{family}-policy.json").read_text("utf-8")
    found = []
    for entry in json.loads(text):
        match = re.fullmatch(rf"{family}_(\d+)_(\d+)", entry["name"])
        if match is None:
            continue  # the "linux" pseudo-policy: no guarantees at all
        found.append(
            Policy(
                name=entry["name"],
                version=(int(match[1]), int(match[2])),
                aliases=tuple(entry.get("aliases", ())),
                arches=frozenset(entry["symbol_versions"]),
                symbols={
                    arch: {family: frozenset(v) for family, v in families.items()}
                    for arch, families in entry["symbol_versions"].items()
                },
                libraries=frozenset(entry.get("lib_whitelist", ())),
            )
        )
    return tuple(sorted(found, key=lambda p: p.version))


def _first(family: str, arch: str) -> Policy | None:
    return next((p for p in _policies(family) if arch in p.arches), None)


def _first_manylinux(arch: str) -> Policy:
    first = _first("manylinux", arch)
    if first is None:
        known = sorted(set().union(*(p.arches for p in _policies("manylinux"))))
        raise PolicyError(f"no manylinux policy covers arch {arch!r} (known: {', '.join(known)})")
    return first


def manylinux_policies(arch: str) -> tuple[Policy, ...]:
    """The manylinux policies that cover ARCH, oldest first."""
    return tuple(p for p in _policies("manylinux") if arch in p.arches)


def newest_manylinux() -> tuple[int, int]:
    """The newest glibc version of auditwheel's manylinux policies."""
    return max(p.version for p in _policies("manylinux"))


def manylinux_floor(arch: str, requested: tuple[int, int] | None = None) -> tuple[int, int]:
    """The lowest manylinux_x_y a static ARCH binary may claim: the newest of STATIC_FLOOR, the
    first policy listing ARCH, and REQUESTED (a publisher may promise more, never less)."""
    floor = max(STATIC_FLOOR, _first_manylinux(arch).version)
    return max(floor, requested) if requested is not None else floor


def manylinux_tags(arch: str, floor: tuple[int, int]) -> list[str]:
    """The manylinux tags for ARCH at FLOOR: the PEP 600 name, then any legacy alias the policy
    file gives that version for that arch (manylinux2014 for 2_17, 2010 for 2_12, 1 for 2_5)."""
    first = _first_manylinux(arch)
    if floor < first.version:
        raise PolicyError(
            f"manylinux_{floor[0]}_{floor[1]} is older than the first manylinux policy for "
            f"{arch} ({first.name})"
        )
    tags = [f"manylinux_{floor[0]}_{floor[1]}_{arch}"]
    for policy in _policies("manylinux"):
        if policy.version == floor and arch in policy.arches:
            tags.extend(f"{alias}_{arch}" for alias in policy.aliases)
    return tags


def musllinux_tags(arch: str) -> list[str]:
    """The lowest musllinux tag the policy file gives ARCH (none for ppc64: [])."""
    first = _first("musllinux", arch)
    return [f"{first.name}_{arch}"] if first is not None else []


def pypi_accepts(platform_tag: str) -> tuple[bool, str]:
    """Whether PyPI takes an upload with PLATFORM_TAG, and why not when it does not.

    Linux tags are judged in full; Windows and macOS tags are passed (retag adds neither)."""
    if platform_tag in _WINDOWS or _MACOS.fullmatch(platform_tag):
        return True, ""
    if platform_tag.startswith("linux_"):
        if platform_tag in _PYPI_LINUX_ALLOWED:
            return True, ""
        return False, f"PyPI refuses {platform_tag}: use a manylinux or musllinux tag"
    parsed = _linux_tag(platform_tag)
    if parsed is None:
        return False, f"{platform_tag} is not a platform tag PyPI knows"
    name, arch, arches = parsed
    if arch not in arches:
        return False, f"{platform_tag}: {name} covers no {arch} (only {', '.join(sorted(arches))})"
    if arch in _PYPI_REFUSED:
        return False, f"{platform_tag}: {_PYPI_REFUSED[arch]}"
    return True, ""


def _linux_tag(platform_tag: str) -> tuple[str, str, frozenset[str]] | None:
    """(family or legacy name, arch, the arches it may carry) of a manylinux/musllinux tag."""
    match = _PERENNIAL.fullmatch(platform_tag)
    if match:
        family = f"{match[1]}linux"
        # PEP 600/656: every x_y is a valid version; the arch must be one the family knows
        return family, match[4], frozenset().union(*(p.arches for p in _policies(family)))
    for policy in _policies("manylinux"):
        for alias in policy.aliases:
            if platform_tag.startswith(f"{alias}_"):
                return alias, platform_tag[len(alias) + 1 :], policy.arches
    return None


def manylinux_version(platform_tag: str) -> tuple[int, int] | None:
    """The glibc (major, minor) a manylinux tag promises, legacy aliases included
    (manylinux2014_x86_64 -> (2, 17)); None for any other tag."""
    match = _PERENNIAL.fullmatch(platform_tag)
    if match:
        return (int(match[2]), int(match[3])) if match[1] == "many" else None
    for policy in _policies("manylinux"):
        if any(platform_tag.startswith(f"{alias}_") for alias in policy.aliases):
            return policy.version
    return None


def libc_requirement(platform_tag: str) -> tuple[str, tuple[int, int]] | None:
    """("glibc", (2, 17)) for manylinux_2_17_x86_64 or manylinux2014_x86_64, ("musl", (1, 1))
    for musllinux_1_1_x86_64: the libc and oldest version a Linux tag promises; None else."""
    version = manylinux_version(platform_tag)
    if version is not None:
        return "glibc", version
    match = _PERENNIAL.fullmatch(platform_tag)
    return ("musl", (int(match[2]), int(match[3]))) if match else None


def policy_for_glibc(arch: str, max_glibc: tuple[int, int] | None) -> tuple[int, int]:
    """The lowest manylinux_x_y a glibc-linked ARCH binary needing MAX_GLIBC satisfies: the first
    policy listing ARCH, raised to MAX_GLIBC.  PEP 600 defines manylinux_x_y for every glibc x.y,
    so GLIBC_2.29 gives (2, 29) even though auditwheel ships no 2_29 policy.  No STATIC_FLOOR
    here: a dynamically linked binary runs wherever its glibc does."""
    first = _first_manylinux(arch).version
    return max(first, max_glibc) if max_glibc is not None else first
