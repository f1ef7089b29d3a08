"""The archive rules PyPI applies to a wheel at upload, found before the upload.  warehouse refuses:

- members neither stored nor deflated (`forklift/legacy.py`, `_is_valid_dist_file`);
- a decompression bomb: more than 64 MiB unpacked at a ratio over 50:1 to the file's size
  (`COMPRESSION_RATIO_MIN_SIZE`, `COMPRESSION_RATIO_THRESHOLD`, pypi/warehouse#13962);
- since its ZIP parser confusion checks (`warehouse/utils/zipfiles.py`, `validate_zipfile`,
  August 2025), an archive that a reader of local headers and a reader of the central directory
  would see differently: duplicate member names, bytes before the first local header, between
  members or after the end-of-central-directory record ("Trailing data"), a local header
  disagreeing with its central entry, data descriptors, member comments.

Read from the central directory and each member's local header only (nothing is inflated), so
that a wheel the reader refuses (duplicate names, an unsupported method) still gets its findings
from `retag check`.  An archive too broken to walk gives no finding here: the reader says why.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..archive.zip import BAD_INPUT, LOCAL_HEADER, LOCAL_SIGNATURE
from .findings import Finding

METHOD = "PyPI upload: stored or deflated members only (warehouse _is_valid_dist_file)"
RATIO = "PyPI upload: no compression ratio over 50:1 past 64 MiB (warehouse, zip bomb guard)"
DUPLICATE = "PyPI upload: no duplicate member names (warehouse validate_zipfile)"
FRAMING = "PyPI upload: ZIP records only, nothing around them (warehouse validate_zipfile)"
RATIO_LIMIT, RATIO_FLOOR = 50, 64 * 1024**2  # warehouse's values
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_CENTRAL_SIGNATURE, _EOCD_SIGNATURE = 0x02014B50, 0x06054B50
_EOCD64_SIGNATURE, _LOCATOR_SIGNATURE = 0x06064B50, 0x07064B50
_DESCRIPTOR_SIGNATURE = 0x08074B50
_EOCD_SIZE, _LOCATOR_SIZE = 22, 20
_UNKNOWN = 0xFFFFFFFF  # a local size that zip64 or a data descriptor gives instead
Case = tuple[str, str, str | None, str]  # rule, kind of problem, member (or None), text


class _Unwalkable(Exception):
    """The records are not where the central directory says: the reader refuses it anyway."""


@dataclass(frozen=True)
class _Local:
    name: bytes
    flags: int
    compress_size: int
    file_size: int
    zip64: bool
    end: int  # where the member's data ends


def audit(path: Path) -> list[Finding]:
    """Every archive rule PATH breaks; none for a file that is no zip (the reader says so)."""
    try:
        with open(path, "rb") as fp:
            zf = zipfile.ZipFile(fp)
            infos = zf.infolist()
            size = os.fstat(fp.fileno()).st_size
            try:
                framing = list(_framing(fp, zf.start_dir, infos, size))
            except _Unwalkable:
                framing = []
    except BAD_INPUT:
        return []
    return _fold([*_methods(infos), *_ratio(path.name, infos, size), *_duplicates(infos), *framing])


def _fold(cases: Iterable[Case]) -> list[Finding]:
    """One finding per kind of problem (a streamed zip has a data descriptor after every
    member): the first case, and how many more there are."""
    groups: dict[tuple[str, str], list[tuple[str | None, str]]] = {}
    for rule, kind, member, text in cases:
        groups.setdefault((rule, kind), []).append((member, text))
    out = []
    for (rule, _), found in groups.items():
        member, text = found[0]
        more = f" (and {len(found) - 1} more like it)" if len(found) > 1 else ""
        out.append(Finding(rule, member, text + more))
    return out


def _methods(infos: list[zipfile.ZipInfo]) -> Iterator[Case]:
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            yield (
                METHOD,
                f"method {info.compress_type}",
                info.orig_filename,
                f"compressed with method {info.compress_type}: PyPI accepts stored (0) and "
                "deflated (8) only",
            )


def _ratio(shown: str, infos: list[zipfile.ZipInfo], size: int) -> Iterator[Case]:
    unpacked = sum(info.file_size for info in infos)
    if unpacked > RATIO_FLOOR and size and unpacked / size > RATIO_LIMIT:
        yield (
            RATIO,
            "ratio",
            None,
            f"{shown} unpacks to {unpacked:,} bytes from {size:,} ({unpacked / size:.0f}:1): "
            f"a compression ratio over {RATIO_LIMIT}:1, which PyPI refuses as a zip bomb",
        )


def _duplicates(infos: list[zipfile.ZipInfo]) -> Iterator[Case]:
    counts = Counter(info.orig_filename for info in infos)
    for name, count in counts.items():
        if count > 1:
            yield (
                DUPLICATE,
                "duplicate",
                name,
                f"appears {count} times in the central directory: installers disagree on which "
                "one they extract",
            )


def _read(fp: BinaryIO, offset: int, size: int) -> bytes:
    if offset < 0 or size < 0:
        raise _Unwalkable
    fp.seek(offset)
    data = fp.read(size)
    if len(data) != size:
        raise _Unwalkable
    return data


def _local(fp: BinaryIO, info: zipfile.ZipInfo) -> _Local:
    head = _read(fp, info.header_offset, LOCAL_HEADER.size)
    sig, _, flags, _, _, _, _, csize, usize, name_len, extra_len = LOCAL_HEADER.unpack(head)
    if sig != LOCAL_SIGNATURE:
        raise _Unwalkable
    name = _read(fp, info.header_offset + LOCAL_HEADER.size, name_len)
    extra = _read(fp, info.header_offset + LOCAL_HEADER.size + name_len, extra_len)
    zip64 = False
    while len(extra) >= 4:
        field, length = struct.unpack("<HH", extra[:4])
        zip64 |= field == 0x0001
        extra = extra[4 + length :]
    start = info.header_offset + LOCAL_HEADER.size + name_len + extra_len
    return _Local(name, flags, csize, usize, zip64, start + info.compress_size)


def _descriptor_end(fp: BinaryIO, local: _Local) -> int:
    """Where the data descriptor after a member's data ends (its signature is optional)."""
    size = 4 + (16 if local.zip64 else 8)
    (first,) = struct.unpack("<I", _read(fp, local.end, 4))
    return local.end + size + (4 if first == _DESCRIPTOR_SIGNATURE else 0)


def _gap(kind: str, count: int, where: str) -> Case:
    return (FRAMING, kind, None, f"{count:,} byte(s) {where}: no ZIP record holds them")


def _framing(
    fp: BinaryIO, start_dir: int, infos: list[zipfile.ZipInfo], size: int
) -> Iterator[Case]:
    """Walk the file as warehouse does, record after record, and name what lies between."""
    pos, previous = 0, None
    for info in sorted(infos, key=lambda i: i.header_offset):
        local = _local(fp, info)
        if info.header_offset > pos:
            count = info.header_offset - pos
            if previous is None:
                yield _gap("prefix", count, "before the first member")
            else:
                yield _gap("gap", count, f"between {previous} and {info.orig_filename}")
        central = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
        sizes = (local.compress_size, local.file_size)
        if local.name != central or (
            not local.flags & 0x08
            and _UNKNOWN not in sizes
            and sizes != (info.compress_size, info.file_size)
        ):
            yield (
                FRAMING,
                "local header",
                info.orig_filename,
                "its local header (name or sizes) disagrees with the central directory",
            )
        pos = local.end
        if local.flags & 0x08:
            yield (
                FRAMING,
                "descriptor",
                info.orig_filename,
                "is followed by a data descriptor (streamed zip): PyPI refuses them",
            )
            pos = _descriptor_end(fp, local)
        if info.comment:
            yield (FRAMING, "comment", info.orig_filename, "has a comment in the central directory")
        previous = info.orig_filename
    if start_dir > pos:
        where = f"between {previous or 'the start'} and the central directory"
        yield _gap("gap", start_dir - pos, where)
    pos = start_dir
    for _ in infos:
        record = _read(fp, pos, _CENTRAL.size)
        fields = _CENTRAL.unpack(record)
        if fields[0] != _CENTRAL_SIGNATURE:
            raise _Unwalkable
        pos += _CENTRAL.size + fields[10] + fields[11] + fields[12]
    yield from _end_records(fp, pos, size)


def _end_records(fp: BinaryIO, pos: int, size: int) -> Iterator[Case]:
    """The zip64 end record and locator (when present) and the end record, then nothing."""
    (sig,) = struct.unpack("<I", _read(fp, pos, 4))
    if sig == _EOCD64_SIGNATURE:
        (length,) = struct.unpack("<Q", _read(fp, pos + 4, 8))
        pos += 12 + length
        (sig,) = struct.unpack("<I", _read(fp, pos, 4))
    if sig == _LOCATOR_SIGNATURE:
        pos += _LOCATOR_SIZE
    # zipfile found the end record within the file's last 64 KiB: the tail is short
    tail = _read(fp, pos, min(size - pos, 1024**2))
    found = tail.find(struct.pack("<I", _EOCD_SIGNATURE))
    if found < 0:
        raise _Unwalkable
    if found > 0:
        yield _gap("gap", found, "between the central directory and its end record")
    if found + _EOCD_SIZE > len(tail):
        raise _Unwalkable
    (comment_len,) = struct.unpack("<H", tail[found + 20 : found + 22])
    end = pos + found + _EOCD_SIZE + comment_len
    if end < size:
        yield _gap(
            "trailing", size - end, "after the end of central directory record (trailing data)"
        )
