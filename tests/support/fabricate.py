"""Lies fabricated from real wheels, with RECORD consistent: `wheel`'s own WheelFile reads the
real wheel (checking every hash) and writes the new one (hashing every member into RECORD)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

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
