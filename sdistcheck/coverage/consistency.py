"""Do a release's artifacts agree with each other?

- the sdist and every wheel carry the same name and version (normalised as `packaging.utils`
  does), and PKG-INFO says the same;
- the sdist is named as PEP 625 wants (`{normalised_name}-{version}.tar.gz`) and holds one top
  folder, named like the file, with PKG-INFO in it;
- where the wheels are local: every metadata field the sdist's PKG-INFO does not mark Dynamic
  (Metadata 2.2+, PEP 643) is the same in each wheel's METADATA (and absent from the wheel when
  absent from the sdist), and every License-File (PEP 639) is in the sdist and in each wheel.

Problems are information: they never fail the run.  A wheel that cannot be read is an error
(exit 2), like any unreadable artifact.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.metadata import parse_email
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .._errors import UnreadableArchiveError
from ..archive.fetch import dist_key
from ..archive.pkginfo import name_version
from ..archive.tree import SdistTree
from .release import Release

_MAX_METADATA = 8 * 1024**2
_PLURAL = {
    "classifier": "classifiers",
    "license_file": "license_files",
    "platform": "platforms",
    "supported_platform": "supported_platforms",
    "project_url": "project_urls",
}
_NOT_COMPARED = {"metadata_version", "dynamic"}


@dataclass(frozen=True)
class Problem:
    artifact: str  # the file the problem is about
    message: str  # one line


def _raw_key(field: str) -> str:
    key = field.strip().lower().replace("-", "_")
    return _PLURAL.get(key, key)


def _fields(text: str) -> dict[str, Any]:
    raw, unparsed = parse_email(text)
    out: dict[str, Any] = {**unparsed, **raw}
    for key, value in list(out.items()):
        # line endings are the building OS's (a Windows wheel's Description has CRLF)
        if isinstance(value, str):
            out[key] = value.replace("\r\n", "\n").strip()
        elif isinstance(value, list):
            out[key] = sorted(str(v).replace("\r\n", "\n").strip() for v in value)
    return out


def _norm_version(text: str | None) -> str | None:
    try:
        return str(Version(text)) if text else None
    except InvalidVersion:
        return text


def names_and_versions(
    release: Release, sdist: str, name: str | None, version: str | None
) -> list[Problem]:
    """Name and version of every artifact against the sdist's PKG-INFO (or its file name)."""
    problems = []
    sdist_key = dist_key(sdist)
    want_name = canonicalize_name(name) if name else (sdist_key[1] if sdist_key else None)
    want_version = _norm_version(version) or (str(sdist_key[2]) if sdist_key else None)
    for f in release.files:
        key = dist_key(f)
        if key is None:
            problems.append(Problem(f, "not a valid sdist or wheel file name"))
            continue
        if want_name and key[1] != want_name:
            problems.append(Problem(f, f"names project {key[1]}, the sdist's PKG-INFO {want_name}"))
        if want_version and str(key[2]) != want_version:
            problems.append(
                Problem(f, f"has version {key[2]}, the sdist's PKG-INFO {want_version}")
            )
    return problems


def sdist_layout(
    sdist: str, tree: SdistTree, name: str | None, version: str | None
) -> list[Problem]:
    """PEP 625's file name, one top folder named like it, PKG-INFO inside."""
    problems = []
    if name and version:
        wanted = f"{canonicalize_name(name).replace('-', '_')}-{_norm_version(version)}.tar.gz"
        if sdist != wanted:
            problems.append(Problem(sdist, f"not named as PEP 625 wants: {wanted}"))
    stem = sdist[: -len(".tar.gz")] if sdist.endswith(".tar.gz") else None
    if not tree.root_prefix:
        problems.append(Problem(sdist, "does not hold one top folder"))
    elif stem and tree.root_prefix != stem:
        problems.append(Problem(sdist, f"its top folder {tree.root_prefix}/ is not {stem}/"))
    if not tree.is_file("PKG-INFO"):
        problems.append(Problem(sdist, "has no PKG-INFO in its top folder"))
    return problems


@dataclass(frozen=True)
class _Wheel:
    name: str
    metadata: str
    members: frozenset[str]
    dist_info: str


def _read_wheel(path: Path) -> _Wheel:
    try:
        with zipfile.ZipFile(path) as zf:
            members = frozenset(zf.namelist())
            found = sorted(
                m for m in members if m.count("/") == 1 and m.endswith(".dist-info/METADATA")
            )
            if len(found) != 1:
                raise UnreadableArchiveError(f"{path.name}: not one .dist-info/METADATA")
            info = zf.getinfo(found[0])
            if info.file_size > _MAX_METADATA:
                raise UnreadableArchiveError(f"{path.name}: METADATA over 8 MiB")
            with zf.open(info) as stream:
                data = stream.read(_MAX_METADATA + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise UnreadableArchiveError(f"{path.name}: unreadable wheel ({exc})") from None
    text = data.decode("utf-8", "surrogateescape")
    return _Wheel(path.name, text, members, found[0].partition("/")[0])


def wheel_metadata(tree: SdistTree, sdist: str, wheels: Sequence[Path]) -> list[Problem]:
    """Non-Dynamic fields and License-File entries, sdist against each local wheel."""
    pkg_info = tree.read_text("PKG-INFO")
    if pkg_info is None:
        return []
    sdist_fields = _fields(pkg_info)
    problems = [
        Problem(sdist, f"License-File {lf} is not in the sdist")
        for lf in sdist_fields.get("license_files", [])
        if not tree.is_file(lf)
    ]
    try:
        strict = Version(str(sdist_fields.get("metadata_version", "0"))) >= Version("2.2")
    except InvalidVersion:
        strict = False
    dynamic = {_raw_key(d) for d in sdist_fields.get("dynamic", [])}
    for path in wheels:
        wheel = _read_wheel(path)
        fields = _fields(wheel.metadata)
        for lf in fields.get("license_files", []):
            if f"{wheel.dist_info}/licenses/{lf}" not in wheel.members:
                problems.append(Problem(wheel.name, f"License-File {lf} is not in the wheel"))
        if not strict:
            continue
        for key in sorted((set(sdist_fields) | set(fields)) - _NOT_COMPARED - dynamic):
            if sdist_fields.get(key) != fields.get(key):
                field = key.replace("_", "-").title()
                problems.append(
                    Problem(
                        wheel.name,
                        f"{field} differs from the sdist's PKG-INFO (not marked Dynamic there)",
                    )
                )
    return problems


def check(release: Release, sdist: str, tree: SdistTree) -> tuple[Problem, ...]:
    """Every disagreement between the release's artifacts, SDIST (read into TREE) the reference;
    local wheels are read."""
    name, version = name_version(tree.read_text("PKG-INFO"))
    problems = names_and_versions(release, sdist, name, version)
    problems += sdist_layout(sdist, tree, name, version)
    problems += wheel_metadata(tree, sdist, release.wheel_paths)
    return tuple(problems)
