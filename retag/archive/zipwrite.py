"""Writing a zip whose members are copied as their compressed bytes: local headers and data in
order, then the central directory (zip64 records where sizes or counts need them), and the few
members written anew, deflated at a fixed level with a reproducible time (SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import os
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable
from typing import BinaryIO

from .._errors import OutputError
from .zip import LOCAL_HEADER, LOCAL_SIGNATURE

_LEVEL = 9  # deflate level of the two members written anew: fixed, for reproducible output
_MIN_EPOCH, _MAX_EPOCH = 315532800, 4354819198  # 1980-01-01 .. 2107-12-31: what a zip can date
# Past these, a member or the archive needs zip64 records (module globals so tests can lower them).
ZIP64_LIMIT, ZIP64_COUNT = 0xFFFFFFFF, 0xFFFF
_CENTRAL = struct.Struct("<IBBBBHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_END64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR = struct.Struct("<IIQI")
_ZIP64_EXTRA = 0x0001
DateTime = tuple[int, int, int, int, int, int]


def _strip_zip64(extra: bytes) -> bytes:
    """Drop zip64 fields: they describe the old archive (new ones are written as needed)."""
    kept: list[bytes] = []
    while len(extra) >= 4:
        field_id, size = struct.unpack("<HH", extra[:4])
        if field_id != _ZIP64_EXTRA:
            kept.append(extra[: 4 + size])
        extra = extra[4 + size :]
    return b"".join([*kept, extra])


class ZipWriter:
    """Local headers and data in order, then the central directory: a zip from raw members."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.offset, self.central = out, 0, list[bytes]()

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.offset += len(data)

    def add(self, info: zipfile.ZipInfo, local_extra: bytes, chunks: Iterable[bytes]) -> None:
        name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
        usize, csize, offset = info.file_size, info.compress_size, self.offset
        flags = info.flag_bits & ~0x08  # sizes go in the local header: no data descriptor
        year, month, day, hour, minute, second = info.date_time
        dos_time = hour << 11 | minute << 5 | second // 2
        dos_date = (year - 1980) << 9 | month << 5 | day
        big = usize >= ZIP64_LIMIT or csize >= ZIP64_LIMIT
        extra = _strip_zip64(local_extra)
        if big:
            extra += struct.pack("<HHQQ", _ZIP64_EXTRA, 16, usize, csize)
        self._write(
            LOCAL_HEADER.pack(
                LOCAL_SIGNATURE,
                (max(info.extract_version, 45) if big else info.extract_version)
                | info.reserved << 8,
                flags,
                info.compress_type,
                dos_time,
                dos_date,
                info.CRC,
                0xFFFFFFFF if big else csize,
                0xFFFFFFFF if big else usize,
                len(name),
                len(extra),
            )
            + name
            + extra
        )
        for chunk in chunks:
            self._write(chunk)
        wide = [v for v in (usize, csize, offset) if v >= ZIP64_LIMIT]  # in this order: the spec's
        extra = _strip_zip64(info.extra)
        if wide:
            extra += struct.pack(f"<HH{len(wide)}Q", _ZIP64_EXTRA, 8 * len(wide), *wide)
        self.central.append(
            _CENTRAL.pack(
                0x02014B50,
                info.create_version,
                info.create_system,
                max(info.extract_version, 45) if wide else info.extract_version,
                info.reserved,
                flags,
                info.compress_type,
                dos_time,
                dos_date,
                info.CRC,
                *(0xFFFFFFFF if v >= ZIP64_LIMIT else v for v in (csize, usize)),
                len(name),
                len(extra),
                len(info.comment),
                0,
                info.internal_attr,
                info.external_attr,
                0xFFFFFFFF if offset >= ZIP64_LIMIT else offset,
            )
            + name
            + extra
            + info.comment
        )

    def close(self, comment: bytes) -> None:
        start, count = self.offset, len(self.central)
        for record in self.central:
            self._write(record)
        size = self.offset - start
        if count >= ZIP64_COUNT or size >= ZIP64_LIMIT or start >= ZIP64_LIMIT:
            end64 = self.offset
            self._write(_END64.pack(0x06064B50, 44, 45, 45, 0, 0, count, count, size, start))
            self._write(_LOCATOR.pack(0x07064B50, 0, end64, 1))
        self._write(
            _END.pack(
                0x06054B50,
                0,
                0,
                min(count, 0xFFFF),
                min(count, 0xFFFF),
                min(size, 0xFFFFFFFF),
                min(start, 0xFFFFFFFF),
                len(comment),
            )
            + comment
        )


def member_time(shown: str, default: tuple[int, ...]) -> DateTime:
    """When the new members were made: SOURCE_DATE_EPOCH, else the input WHEEL's own time."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        y, mo, d, h, mi, s = default
        return y, mo, d, h, mi, s
    try:
        epoch = min(max(int(raw), _MIN_EPOCH), _MAX_EPOCH)
    except ValueError:
        raise OutputError(f"{shown}: SOURCE_DATE_EPOCH={raw!r} is not an integer") from None
    y, mo, d, h, mi, s = time.gmtime(epoch)[:6]
    return y, mo, d, h, mi, s


def fresh_member(
    source: zipfile.ZipInfo, data: bytes, when: DateTime
) -> tuple[zipfile.ZipInfo, bytes]:
    """A member written anew: deflated at a fixed level; names, modes, attributes as before."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    raw = compressor.compress(data) + compressor.flush()
    info = zipfile.ZipInfo(source.orig_filename, when)
    info.compress_type, info.CRC = zipfile.ZIP_DEFLATED, zlib.crc32(data)
    info.file_size, info.compress_size = len(data), len(raw)
    info.flag_bits = source.flag_bits & 0x800  # keep the name's encoding, nothing else
    info.create_system, info.create_version = source.create_system, source.create_version
    info.extract_version, info.reserved = max(source.extract_version, 20), source.reserved
    info.internal_attr, info.external_attr = source.internal_attr, source.external_attr
    info.comment, info.extra = source.comment, b""  # a timestamp extra would contradict `when`
    return info, raw
