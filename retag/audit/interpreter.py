"""The interpreter and ABI an extension module was built for, from its file name's suffix (the
names CPython's and PyPy's importers look for: PEP 3149, PEP 703), against the wheel's python
and abi tags.

  .cpython-311-x86_64-linux-gnu.so, .cpython-311-darwin.so  CPython 3.11 only: cp311-cp311
  .cpython-313t-x86_64-linux-gnu.so, .cp313t-win_amd64.pyd  free-threaded 3.13: cp313-cp313t
  .cp312-win_amd64.pyd                                      CPython 3.12 only: cp312-cp312
  .pypy310-pp73-x86_64-linux-gnu.so                         PyPy 3.10, ABI pp73: pp310-pypy310_pp73
  .abi3.so                                                  the limited API: abi3 (or a CPython
                                                            ABI; not a free-threaded one)

A module whose interpreter no tag of the wheel names would not be imported where the wheel is
installed: one finding per suffix kind, naming the modules, the tags and the honest tag.  Plain
`.so`/`.pyd` names claim nothing and are not judged here.

The suffix's platform part (`x86_64-linux-gnu`, `darwin`, `win_amd64`: CPython's PLATFORM_TRIPLET
or Windows platform) is judged against the platform tags (`audit_platforms`): the OS, the
architecture, and the libc.  CPython names its modules `-linux-musl` on musl since 3.11
(bpo-43112), `-linux-gnu` on glibc (and on musl before 3.11), and imports no other triplet's: a
`-linux-musl` module under a manylinux tag, or a cp311+ `-linux-gnu` one under a musllinux tag,
is never imported there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .findings import Finding

K = TypeVar("K", bound=Hashable)

RULE = "extension module suffix (PEP 3149/703) against the python and abi tags"
PLATFORM_RULE = "extension module suffix (PEP 3149) against the platform tag"
_CPYTHON = re.compile(r"\.cpython-(\d)(\d+)([a-z]*)-([A-Za-z0-9_-]+)\.so$")
_CPYTHON_WIN = re.compile(r"\.cp(\d)(\d+)(t?)-(win[a-z0-9_]*)\.pyd$")
_PYPY = re.compile(r"\.pypy(\d)(\d+)-pp(\d+)-([A-Za-z0-9_-]+)\.(?:so|pyd)$")
_TRIPLET = re.compile(r"([a-z0-9_]+)-linux-(gnu|musl)[a-z0-9]*")
# CPython's triplet arch -> the wheel tag's ("arm" is both armv6l and armv7l)
_TRIPLET_ARCH = {
    "x86_64": "x86_64",
    "i386": "i686",
    "i686": "i686",
    "aarch64": "aarch64",
    "arm": "arm",
    "powerpc64le": "ppc64le",
    "powerpc64": "ppc64",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "loongarch64": "loongarch64",
}
_WINDOWS = ("win32", "win_amd64", "win_arm64")
_LINUX_TAG = re.compile(r"((?:many|musl)linux_\d+_\d+|manylinux(?:1|2010|2014)|linux)_(.+)")
_MUSL_TRIPLET_SINCE = (3, 11)  # bpo-43112
_ABI3 = re.compile(r"\.abi3\.so$")
_CP_ABI = re.compile(r"cp\d+[a-z]*")


@dataclass(frozen=True)
class Claim:
    """What one module's suffix says it needs."""

    python: str  # "cp311", "pp310", or "cp3" for abi3 (any CPython 3 from its floor)
    abi: str  # "cp311", "cp313t", "pypy310_pp73", "abi3"
    suffix: str  # as in the member name
    what: str  # "CPython 3.11", "free-threaded CPython 3.13", ...


def claim_of(member: str) -> Claim | None:
    """What the extension module MEMBER's name says it was built for; None for a plain name."""
    base = member.rsplit("/", 1)[-1]
    if m := _CPYTHON.search(base) or _CPYTHON_WIN.search(base):
        version, flags = f"{m[1]}{m[2]}", m[3]
        what = f"{'free-threaded ' if 't' in flags else ''}CPython {m[1]}.{m[2]}"
        return Claim(f"cp{version}", f"cp{version}{flags}", m[0], what)
    if m := _PYPY.search(base):
        version = f"{m[1]}{m[2]}"
        return Claim(f"pp{version}", f"pypy{version}_pp{m[3]}", m[0], f"PyPy {m[1]}.{m[2]}")
    if m := _ABI3.search(base):
        return Claim("cp3", "abi3", m[0], "CPython's limited API (abi3)")
    return None


def _fits(claim: Claim, python: str, abi: str) -> bool:
    if claim.abi == "abi3":
        # any CPython ABI but a free-threaded one loads abi3 modules; PyPy loads them too
        return abi == "abi3" or (
            (bool(_CP_ABI.fullmatch(abi)) and not abi.endswith("t")) or abi.startswith("pypy")
        )
    return abi == claim.abi and python == claim.python


def audit(
    members: Sequence[str], python_tags: Sequence[str], abi_tags: Sequence[str]
) -> list[Finding]:
    """One finding per kind of suffix some python/abi pair of the wheel does not fit."""
    out = []
    for claim, found in _grouped(members, claim_of).items():
        pairs = [f"{p}-{a}" for p in python_tags for a in abi_tags if not _fits(claim, p, a)]
        if not pairs:
            continue
        more = f" (and {len(found) - 1} more module(s) like it)" if len(found) > 1 else ""
        honest = (
            f"{claim.python}-{claim.abi}" if claim.abi != "abi3" else "cp3X-abi3 (X: its floor)"
        )
        out.append(
            Finding(
                RULE,
                found[0],
                f"is an extension module for {claim.what} (suffix {claim.suffix}){more}",
                tuple(pairs),
                honest,
            )
        )
    return out


@dataclass(frozen=True)
class Target:
    """Where a module's suffix says it is imported: the platform part of the suffix."""

    os: str  # "linux", "macos", "windows"
    arch: str | None  # in wheel tag spelling ("arm": armv6l or armv7l); None: not named/known
    libc: str | None  # "glibc" or "musl" on Linux
    suffix: str  # the platform part as spelled: "x86_64-linux-gnu", "darwin", "win_amd64"
    version: tuple[int, int] | None  # CPython's version, when the suffix is CPython's

    @property
    def what(self) -> str:
        if self.os == "windows":
            return f"Windows ({self.suffix})"
        if self.os == "macos":
            return "macOS"
        arch = {"arm": "armv6l/armv7l"}.get(self.arch or "", self.arch or "")
        return f"{self.libc} Linux {arch}".replace("  ", " ")


def target_of(member: str) -> Target | None:
    """The platform MEMBER's suffix names; None for a plain name, abi3, or an OS not judged
    (iOS, Android, Emscripten, Cygwin...)."""
    base = member.rsplit("/", 1)[-1]
    version: tuple[int, int] | None = None
    if m := _CPYTHON.search(base):
        platform, version = m[4], (int(m[1]), int(m[2]))
    elif (m := _CPYTHON_WIN.search(base)) or (m := _PYPY.search(base)):
        platform = m[4]
    else:
        return None
    if platform in _WINDOWS:
        arch = {"win32": "x86", "win_amd64": "x86_64", "win_arm64": "aarch64"}[platform]
        return Target("windows", arch, None, platform, version)
    if platform == "darwin":
        return Target("macos", None, None, platform, version)
    if t := _TRIPLET.fullmatch(platform):
        libc = "glibc" if t[2] == "gnu" else "musl"
        return Target("linux", _TRIPLET_ARCH.get(t[1]), libc, platform, version)
    return None


def _linux_problem(target: Target, family: str, arch: str) -> tuple[str, str | None] | None:
    """Why a Linux module cannot be imported under a Linux tag (FAMILY_ARCH); the honest tag."""
    fits = (
        target.arch is None
        or target.arch == arch
        or (target.arch == "arm" and arch in ("armv6l", "armv7l"))
    )
    if not fits:
        assert target.arch is not None
        honest_arch = "armv7l" if target.arch == "arm" else target.arch
        return "", f"{family}_{honest_arch}"
    if family.startswith("musllinux") and target.libc == "glibc":
        if target.version is not None and target.version >= _MUSL_TRIPLET_SINCE:
            major, minor = target.version
            musl = target.suffix.replace("-linux-gnu", "-linux-musl")
            return (
                f"; a musl CPython {major}.{minor} imports only .cpython-{major}{minor}-{musl}.so",
                None,
            )
        return None  # musl CPython before 3.11 named its modules -linux-gnu too
    if not family.startswith("musllinux") and target.libc == "musl":
        return "; a glibc CPython never imports it", f"musllinux_*_{arch}"
    return None


def _problem(target: Target, tag: str) -> tuple[str, str | None] | None:
    """Why a module for TARGET is not imported where TAG installs it: (more text, honest tag);
    None when it is, or when the tag's OS is not judged ("any", iOS, ...)."""
    if tag in _WINDOWS:
        if target.os == "windows":
            return None if target.suffix == tag else ("", target.suffix)
        return "", None
    if tag.startswith("macosx_"):
        return None if target.os == "macos" else ("", None)
    linux = _LINUX_TAG.fullmatch(tag)
    if linux is None:
        return None
    if target.os != "linux":
        return "", None
    return _linux_problem(target, linux[1], linux[2])


def audit_platforms(members: Sequence[str], platform_tags: Sequence[str]) -> list[Finding]:
    """One finding per platform suffix some platform tag of the wheel does not fit, listing
    those tags, with the honest tag when the suffix names one."""
    out = []
    for target, found in _grouped(members, target_of).items():
        bad: list[str] = []
        honest: list[str] = []
        extra = ""
        for tag in platform_tags:
            problem = _problem(target, tag)
            if problem is None:
                continue
            bad.append(tag)
            extra = extra or problem[0]
            if problem[1] is not None and problem[1] not in honest:
                honest.append(problem[1])
        if not bad:
            continue
        more = f" (and {len(found) - 1} more module(s) like it)" if len(found) > 1 else ""
        out.append(
            Finding(
                PLATFORM_RULE,
                found[0],
                f"is an extension module for {target.what} (suffix {target.suffix}){extra}{more}",
                tuple(bad),
                ".".join(sorted(honest)) or None,
            )
        )
    return out


def _grouped(members: Sequence[str], key: Callable[[str], K | None]) -> dict[K, list[str]]:
    """MEMBERS by KEY, in order, those it gives None for left out."""
    groups: dict[K, list[str]] = {}
    for member in members:
        found = key(member)
        if found is not None:
            groups.setdefault(found, []).append(member)
    return groups
