"""Lies fabricated from real wheels, with RECORD consistent: `wheel`'s own WheelFile reads the
real wheel (checking every hash) and writes the new one (hashing every member into RECORD)."""

from __future__ import annotations

import copy
import warnings
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from wheel.wheelfile import WheelFile

Change = Callable[[str, bytes], bytes | None]


def fabricate(
    src: Path,
    out_dir: Path,
    filename: str | None = None,
    *,
    change: Mapping[str, Change] | None = None,
    rename: Mapping[str, str] | None = None,
    add: Mapping[str, bytes] | None = None,
    wheel_tags: list[str] | None = None,
    compress: Mapping[str, int] | None = None,
) -> Path:
    """A copy of SRC named FILENAME in OUT_DIR: CHANGE[member](name, data) gives a member's new
    bytes (None drops it), RENAME maps old prefixes to new ones, ADD adds members, WHEEL_TAGS
    rewrites WHEEL's Tag lines one per tag, COMPRESS sets a member's zip method."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / (filename or src.name)
    change, rename, add, compress = change or {}, rename or {}, add or {}, compress or {}
    with WheelFile(src) as reader, WheelFile(out, "w") as writer:
        writer.compresslevel = 1  # speed: the tests never look at the deflate level
        for info in reader.infolist():
            name = info.filename
            if name.endswith((".dist-info/RECORD", "/")):
                continue
            data: bytes | None = reader.read(info)  # checked against RECORD by wheel
            if name in change:
                assert data is not None
                data = change[name](name, data)
            if data is None:
                continue
            if wheel_tags is not None and name.endswith(".dist-info/WHEEL"):
                lines = [ln for ln in data.decode().splitlines() if not ln.startswith("Tag:")]
                lines += [f"Tag: {t}" for t in wheel_tags]
                data = ("\n".join(ln for ln in lines if ln) + "\n").encode()
            for old, new in rename.items():
                if name.startswith(old):
                    name = new + name[len(old) :]
            fresh = zipfile.ZipInfo(name, info.date_time)
            fresh.external_attr = info.external_attr
            fresh.compress_type = compress.get(name, zipfile.ZIP_DEFLATED)
            writer.writestr(fresh, data)
        for name, data in add.items():
            writer.writestr(name, data)
    return out


class _Unseekable:
    """A write-only stream that cannot seek: zipfile then writes data descriptors."""

    def __init__(self, f: BinaryIO) -> None:
        self._f = f

    def write(self, data: bytes) -> int:
        return self._f.write(data)

    def flush(self) -> None:
        self._f.flush()


def rezip(
    src: Path,
    out: Path,
    *,
    junk: Mapping[str, bytes] | None = None,
    comments: Mapping[str, bytes] | None = None,
    duplicate: str | None = None,
    streamed: bool = False,
) -> Path:
    """SRC's members, contents unchanged (RECORD stays true), in a zip with archive-level
    blemishes: JUNK[name] written just before that member's local header, member COMMENTS, the
    member DUPLICATE written twice, or STREAMED (every member followed by a data descriptor)."""
    junk, comments = junk or {}, comments or {}
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as reader, open(out, "wb") as f:
        sink: Any = _Unseekable(f) if streamed else f
        with zipfile.ZipFile(sink, "w") as writer, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
            for info in reader.infolist():
                if info.filename in junk:
                    assert writer.fp is not None
                    writer.fp.write(junk[info.filename])
                    writer.start_dir = writer.fp.tell()  # where zipfile writes the next member
                data = reader.read(info)
                info.comment = comments.get(info.filename, info.comment)
                writer.writestr(info, data)
                if info.filename == duplicate:
                    writer.writestr(copy.copy(info), data)  # its own header offset
    return out
