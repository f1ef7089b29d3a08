"""A release's artifacts: from a dist/ folder, or from the index's file list (`NAME==VERSION`:
the project page is read once, no wheel is downloaded), with the previous release's files and
the wheel tags every other release had, when the index is known.

File names are untrusted: a name that is neither a valid sdist nor a valid wheel name is left
out (and counted), never parsed further.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.tags import Tag
from packaging.utils import (
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from .._errors import SdistCheckError
from ..archive.fetch import IndexFile, dist_key

RECORD_SCHEMA = "releasenet-release-files"


@dataclass(frozen=True)
class Previous:
    """The release before this one on the index: what it covered is the regression baseline."""

    version: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    """One release: its files (sdists and wheels, by name) and what the index tells about it."""

    name: str
    version: str
    files: tuple[str, ...]
    requires_python: str | None = None
    origin: str = "index"  # "index" (NAME==VERSION) or "folder" (a dist/ folder)
    previous: Previous | None = None
    history: frozenset[str] | None = None  # tags of every other release's wheels; None: unknown
    wheel_paths: tuple[Path, ...] = ()  # the local wheels of a folder (read for consistency)

    @property
    def wheels(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.lower().endswith(".whl"))

    @property
    def sdists(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if not f.lower().endswith(".whl"))


def wheel_tags(filename: str) -> frozenset[Tag]:
    """The tags a wheel's file name claims; empty for a name that is not a valid wheel name."""
    try:
        return parse_wheel_filename(filename)[3]
    except (InvalidWheelFilename, InvalidVersion, ValueError):
        return frozenset()


def _version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise SdistCheckError(f"invalid version {text!r}") from None


def from_index(name: str, version: str, files: Sequence[IndexFile]) -> Release:
    """The release NAME==VERSION from the project page FILES (as `archive.fetch.list_files`
    returns it), with the previous release and the history of every other one."""
    project, wanted = canonicalize_name(name), _version(version)
    by_version: dict[Version, list[IndexFile]] = {}
    for f in files:
        key = dist_key(f.filename)
        if key is not None and key[1] == project:
            by_version.setdefault(key[2], []).append(f)
    mine = by_version.get(wanted, [])
    requires = next((f.requires_python for f in mine if f.requires_python), None)
    older = [v for v in by_version if v < wanted and (wanted.is_prerelease or not v.is_prerelease)]
    previous = None
    if older:
        before = max(older)
        previous = Previous(str(before), tuple(f.filename for f in by_version[before]))
    history = frozenset(
        str(tag)
        for v, entries in by_version.items()
        if v != wanted
        for f in entries
        for tag in wheel_tags(f.filename)
    )
    return Release(
        name, version, tuple(f.filename for f in mine), requires, "index", previous, history
    )


def wheels_beside(sdist: Path, sdists: Sequence[Path], wheels: Iterable[Path]) -> tuple[Path, ...]:
    """The wheels of a folder that belong to SDIST: all of them when it is the folder's only
    sdist (a wrong name or version is then the consistency check's to report), else those whose
    project name matches."""
    mine = [w for w in wheels if w.parent == sdist.parent]
    if len([s for s in sdists if s.parent == sdist.parent]) <= 1:
        return tuple(mine)
    try:
        name = parse_sdist_filename(sdist.name)[0]
    except (ValueError, InvalidVersion):
        return ()
    return tuple(w for w in mine if (k := dist_key(w.name)) is not None and k[1] == name)


def from_folder(sdist: Path, wheels: Sequence[Path]) -> Release:
    """The release a folder holds: SDIST and WHEELS beside it, named by the sdist's file name
    (the consistency check compares it with PKG-INFO).  No index: no previous release, no
    history."""
    key = dist_key(sdist.name)
    name = key[1] if key else sdist.name
    version = str(key[2]) if key else "?"
    files = (sdist.name, *(w.name for w in wheels))
    return Release(name, version, files, None, "folder", None, None, tuple(wheels))


def to_record(release: Release) -> dict[str, Any]:
    """A release as the JSON recorded under testdata/releases/ (no network needed to replay)."""
    return {
        "schema": RECORD_SCHEMA,
        "name": release.name,
        "version": release.version,
        "requires_python": release.requires_python,
        "files": list(release.files),
        "previous": (
            {"version": release.previous.version, "files": list(release.previous.files)}
            if release.previous
            else None
        ),
        "history": sorted(release.history) if release.history is not None else None,
    }


def from_record(doc: Mapping[str, Any]) -> Release:
    """The inverse of `to_record`; raises SdistCheckError for a document of another shape."""
    try:
        if doc.get("schema") != RECORD_SCHEMA:
            raise ValueError("not a release record")
        prev = doc.get("previous")
        history = doc.get("history")
        return Release(
            str(doc["name"]),
            str(doc["version"]),
            tuple(str(f) for f in doc["files"]),
            doc.get("requires_python"),
            "index",
            Previous(str(prev["version"]), tuple(str(f) for f in prev["files"])) if prev else None,
            frozenset(str(t) for t in history) if history is not None else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SdistCheckError(f"malformed release record ({exc})") from None
