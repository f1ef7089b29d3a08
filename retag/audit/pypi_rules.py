"""What PyPI refuses at upload, found before the upload: the checks of warehouse's
`forklift/legacy.py` that a wheel's bytes decide, each finding citing its rule.

- platform tags on warehouse's allow-list (`_valid_platform_tag`): no `linux_*` but
  `linux_armv6l`/`linux_armv7l`, `manylinux1`/`manylinux2010` only on x86_64 and i686, the
  PEP 600/656 tags only on the arches warehouse lists, macOS 10.x any minor, macOS 11+ only as
  `macosx_<major>_0`;
- the file name's project and version equal to METADATA's (both normalised with packaging);
- a Metadata-Version packaging (and so warehouse) supports;
- every `License-File` of Metadata 2.4+ present in `.dist-info/licenses/` (PEP 639);
- (the archive's own rules, methods, bombs, duplicates and framing, are `zip_hygiene`'s);
- one WHEEL `Tag:` line per tag (the binary distribution format): a compressed line such as uv
  0.5.2's `Tag: py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64`
  makes `wheel tags` crash.  That the Tag lines equal the name is checked when the wheel is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.metadata import parse_email
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..archive.wheelfile import Wheel
from .findings import Finding

UPLOAD = "PyPI upload"
_ALLOWED = frozenset(
    {
        "any",
        "win32",
        "win_arm64",
        "win_amd64",
        "win_ia64",
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        "manylinux2014_x86_64",
        "manylinux2014_i686",
        "manylinux2014_aarch64",
        "manylinux2014_armv7l",
        "manylinux2014_ppc64",
        "manylinux2014_ppc64le",
        "manylinux2014_s390x",
        "linux_armv6l",
        "linux_armv7l",
    }
)
_MACOS = re.compile(r"macosx_(\d+)_(\d+)_(.+)")
_MACOS_ARCHES = frozenset(
    {"ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal"}
    | {"universal2"}
)
_MACOS_MAJORS = frozenset({11, 12, 13, 14, 15, 26})  # macOS 10 has its own rule (any minor)
_LINUX = re.compile(r"(many|musl)linux_(\d+)_(\d+)_(.+)")
_JOINT = frozenset({"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"})
_LINUX_ARCHES = {"many": _JOINT | {"ppc64"}, "musl": _JOINT}
_IOS = re.compile(r"ios_\d+_\d+_(arm64|x86_64)_(iphoneos|iphonesimulator)")
_ANDROID = re.compile(r"android_\d+_(armeabi_v7a|arm64_v8a|x86|x86_64)")
_LEGACY = re.compile(r"manylinux(1|2010|2014)_(.+)")
# packaging's list, which warehouse validates METADATA with (2.0 was never a real version)
_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")


def platform_tag_problem(tag: str) -> str | None:
    """Why PyPI refuses a wheel with platform tag TAG, or None when it takes it."""
    if tag in _ALLOWED or _IOS.fullmatch(tag) or _ANDROID.fullmatch(tag):
        return None
    if tag.startswith("linux_"):
        return f"PyPI refuses {tag}: only linux_armv6l and linux_armv7l are accepted"
    if legacy := _LEGACY.fullmatch(tag):
        if legacy[1] in ("1", "2010"):
            return f"PyPI refuses {tag}: manylinux{legacy[1]} exists for x86_64 and i686 only"
        return f"PyPI refuses {tag}: manylinux2014 has no {legacy[2]}"
    if mac := _MACOS.fullmatch(tag):
        major, minor, arch = int(mac[1]), int(mac[2]), mac[3]
        if arch not in _MACOS_ARCHES:
            return f"PyPI refuses {tag}: no macOS arch {arch}"
        if major == 10:
            return None
        if major not in _MACOS_MAJORS:
            return f"PyPI refuses {tag}: no macOS {major}"
        if minor != 0:
            return (
                f"PyPI refuses {tag}: macOS 11 and later are tagged macosx_<major>_0 "
                "(installers never look for other minors)"
            )
        return None
    if linux := _LINUX.fullmatch(tag):
        if linux[4] in _LINUX_ARCHES[linux[1]]:
            return None
        return f"PyPI refuses {tag}: {linux[1]}linux has no {linux[4]} on PyPI"
    return f"PyPI refuses {tag}: not a platform tag on its allow-list"


def platform_findings(wheel: Wheel) -> list[Finding]:
    return [
        Finding(f"{UPLOAD}: platform tag allow-list", None, problem)
        for tag in wheel.platform_tags
        if (problem := platform_tag_problem(tag)) is not None
    ]


def metadata_findings(wheel: Wheel, metadata: bytes | None) -> list[Finding]:
    """Name, version, Metadata-Version and License-File against METADATA."""
    rule = f"{UPLOAD}: METADATA"
    if metadata is None:
        return [Finding(rule, f"{wheel.dist_info}/METADATA", "is missing")]
    raw, _ = parse_email(metadata)
    where = f"{wheel.dist_info}/METADATA"
    out: list[Finding] = []
    meta_version = raw.get("metadata_version")
    if meta_version not in _METADATA_VERSIONS:
        out.append(
            Finding(
                f"{rule}: Metadata-Version",
                where,
                f"Metadata-Version {meta_version!r} is not one PyPI accepts "
                f"({', '.join(_METADATA_VERSIONS)})",
            )
        )
    name = raw.get("name")
    if name is None or canonicalize_name(name) != canonicalize_name(wheel.name):
        out.append(
            Finding(
                f"{rule}: name",
                where,
                f"Name {name!r} is not the file name's project {wheel.name!r}",
            )
        )
    version = raw.get("version")
    if version is None or not _same_version(version, wheel.version):
        out.append(
            Finding(
                f"{rule}: version",
                where,
                f"Version {version!r} is not the file name's version {wheel.version!r}",
            )
        )
    out += _license_findings(wheel, raw.get("license_files") or [], meta_version, where)
    return out


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _license_findings(
    wheel: Wheel, files: Sequence[str], meta_version: str | None, where: str
) -> list[Finding]:
    members = set(wheel.members)
    out = []
    pep639 = meta_version is not None and _version_key(meta_version) >= (2, 4)
    for path in files:
        inside = f"{wheel.dist_info}/licenses/{path}"
        if inside in members:
            continue
        # Before Metadata 2.4 License-File was setuptools' own field, its files in .dist-info/
        if not pep639 and f"{wheel.dist_info}/{path}" in members:
            continue
        out.append(
            Finding(
                f"{UPLOAD}: License-File (PEP 639)",
                where,
                f"License-File {path} is not in the wheel (expected at {inside})",
            )
        )
    return out


def _version_key(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return ()


def wheel_file_findings(wheel: Wheel) -> list[Finding]:
    """WHEEL's Tag lines: one per tag (their set equals the name's: checked on reading)."""
    out = []
    for key, value in wheel.wheel_file:
        if key.lower() == "tag" and "." in value:
            count = 1
            for part in value.split("-"):
                count *= len(part.split("."))
            out.append(
                Finding(
                    "binary distribution format: one WHEEL Tag line per tag",
                    f"{wheel.dist_info}/WHEEL",
                    f"Tag: {value} is a compressed tag set ({count} tags on one line): "
                    "`wheel tags` fails on it; write one Tag line per tag",
                )
            )
    return out


def audit(wheel: Wheel, metadata: bytes | None) -> list[Finding]:
    """Every upload rule the wheel's name and metadata break."""
    return [*platform_findings(wheel), *metadata_findings(wheel, metadata)]
