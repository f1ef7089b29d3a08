"""Write small hostile and broken sdists for testing `sdistcheck`'s archive reader.

    python scripts/make_hostile_archives.py OUT_DIR

Everything is deterministic (fixed mtimes, seeded random bytes) and built in memory or streamed,
so the whole set takes a second or two.  The bombs are assembled from one repeated deflate block
instead of compressing gigabytes of zeros.  Importable: `build_all(out_dir)`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import stat
import struct
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

MTIME = 1_700_000_000
ZIP_DATE = (2023, 11, 14, 22, 13, 20)
PWNED_MARKER = "PWNED"  # created next to the archives if the sdist's setup.py ever runs
BOMB_SIZE = 2 * 1024**3  # uncompressed bytes of zeros in each bomb
MANY_MEMBERS = 150_000
_MiB = 1024**2

Member = tuple[tarfile.TarInfo, bytes | None]


def _info(
    name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, link: str = ""
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname, info.mtime = kind, size, link, MTIME
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return info


def _file(name: str, data: bytes | str) -> Member:
    raw = data.encode() if isinstance(data, str) else data
    return _info(name, size=len(raw)), raw


def _special(name: str, kind: bytes, link: str = "") -> Member:
    return _info(name, kind, link=link), None


def tar_bytes(members: Iterable[Member], compression: str = "gz", encoding: str = "utf-8") -> bytes:
    """A tar archive in memory; "gz" output has a fixed gzip header so it is reproducible."""
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w", format=tarfile.GNU_FORMAT, encoding=encoding) as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = plain.getvalue()
    if compression == "gz":
        return gzip.compress(raw, mtime=0)
    if compression == "bz2":
        return bz2.compress(raw)
    if compression == "xz":
        return lzma.compress(raw)
    return raw


def zip_bytes(members: Iterable[tuple[str, bytes | str, int]]) -> bytes:
    """A zip of (name, data, unix mode) members; a S_IFLNK mode makes a symlink member."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.create_system, info.external_attr = 3, mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out.getvalue()


VALID = [
    _special("p-1", tarfile.DIRTYPE),
    _file("p-1/pyproject.toml", '[project]\nname = "p"\nversion = "1"\n'),
    _file("p-1/PKG-INFO", "Metadata-Version: 2.1\nName: p\nVersion: 1\n"),
    _file("p-1/src/p/__init__.py", "VERSION = 1\n"),
]


# --- CRC-32 of long runs of zeros, without touching gigabytes (zlib's crc32_combine math) ---

_POLY = 0xEDB88320


def _multmodp(a: int, b: int) -> int:
    """a * b modulo the CRC-32 polynomial, in zlib's reflected bit order."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if a & (m - 1) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def crc32_zeros(crc: int, n: int) -> int:
    """`zlib.crc32(bytes(n), crc)`, in O(log n)."""
    x, power = 1 << 31, 1 << 30  # x^0, and x^(2^k) starting with x^1
    bits = 8 * n
    while bits:
        if bits & 1:
            x = _multmodp(power, x)
        power = _multmodp(power, power)
        bits >>= 1
    return _multmodp(x, crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF


def _deflate_zeros(prefix: bytes, zeros: int, suffix_zeros: int = 0) -> Iterable[bytes]:
    """Raw deflate of prefix + zeros: after a full flush the encoder state is reset, so one
    compressed MiB of zeros can be repeated instead of compressing them all."""
    assert zeros % _MiB == 0
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    yield co.compress(prefix) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(bytes(_MiB)) + co.flush(zlib.Z_FULL_FLUSH)
    yield block
    for _ in range(zeros // _MiB - 1):
        yield block
    yield co.compress(bytes(suffix_zeros)) + co.flush()


def write_gzip_bomb(path: Path, size: int = BOMB_SIZE) -> None:
    """A .tar.gz holding one member of `size` zero bytes (about 1 KiB per MiB compressed)."""
    header = _info("p-1/zeros.bin", size=size).tobuf(tarfile.GNU_FORMAT)
    tail = 2 * 512  # end-of-archive blocks; `size` is a MiB multiple, so no padding
    crc = crc32_zeros(zlib.crc32(header), size + tail)
    with path.open("wb") as f:
        f.write(b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff")
        for chunk in _deflate_zeros(header, size, tail):
            f.write(chunk)
        f.write(struct.pack("<II", crc, (len(header) + size + tail) & 0xFFFFFFFF))


def write_zip_bomb(path: Path, size: int = BOMB_SIZE) -> None:
    """A .zip holding one deflated member of `size` zero bytes (size < 4 GiB: no zip64)."""
    name = b"p-1/zeros.bin"
    data = b"".join(_deflate_zeros(b"", size))
    crc = crc32_zeros(0, size)
    common = struct.pack("<HHHHHIII", 20, 0, 8, 0x6E5A, 0x576E, crc, len(data), size)
    local = b"PK\x03\x04" + common + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 3 << 8 | 20)
        + common
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, (stat.S_IFREG | 0o644) << 16, 0)
        + name
    )
    offset = len(local) + len(data)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), offset, 0)
    path.write_bytes(local + data + central + end)


def write_many_members(path: Path, count: int = MANY_MEMBERS) -> None:
    """A .tar.gz of `count` empty files, from hand-made ustar headers (tarfile takes ~10 s)."""
    rest = (
        b"0000644\0"
        b"0000000\0"
        b"0000000\0"
        b"00000000000\0"
        + b"%011o\0" % MTIME
        + b" " * 8
        + b"0"
        + bytes(100)
        + b"ustar\x0000"
        + bytes(32 + 32 + 8 + 8 + 155 + 12)
    )
    base = sum(rest)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        batch = []
        for i in range(count):
            name = b"p-1/d%03d/f%06d.txt" % (i // 1000, i)
            header = name.ljust(100, b"\0") + rest
            batch.append(header[:148] + b"%06o\0 " % (base + sum(name)) + header[156:])
            if len(batch) == 4096 or i == count - 1:
                gz.write(b"".join(batch))
                batch.clear()
        gz.write(bytes(1024))


def _with(*extra: Member) -> bytes:
    return tar_bytes([*VALID, *extra])


def _simple(out: dict[str, bytes], out_dir: Path) -> None:
    marker = out_dir.resolve() / PWNED_MARKER
    setup = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('pwned')\n"
    big = random.Random(7).randbytes(64 * 1024)
    valid_tar = tar_bytes([*VALID, _file("p-1/data.bin", big)], "")
    with tarfile.open(fileobj=io.BytesIO(valid_tar)) as tf:
        last = tf.getmembers()[-1]
        members_end = last.offset_data + -(-last.size // 512) * 512
    out.update(
        {
            "valid.tar.gz": tar_bytes(VALID),
            "valid.tar.bz2": tar_bytes(VALID, "bz2"),
            "valid.tar.xz": tar_bytes(VALID, "xz"),
            "valid.tar": tar_bytes(VALID, ""),
            "valid.zip": zip_bytes([(i.name, d or b"", 0o100644) for i, d in VALID[1:]]),
            "traversal.tar.gz": _with(_file("p-1/../../evil", "x")),
            "absolute.tar.gz": _with(_file("/etc/evil", "x")),
            "absolute_windows.tar.gz": _with(_file("C:\\evil.txt", "x")),
            "symlink_abs.tar.gz": _with(_special("p-1/link", tarfile.SYMTYPE, "/etc/passwd")),
            "symlink_rel.tar.gz": _with(_special("p-1/link", tarfile.SYMTYPE, "../../x")),
            "hardlink_out.tar.gz": _with(_special("p-1/hl", tarfile.LNKTYPE, "../etc/passwd")),
            "chardev.tar.gz": _with(_special("p-1/null", tarfile.CHRTYPE)),
            "fifo.tar.gz": _with(_special("p-1/pipe", tarfile.FIFOTYPE)),
            "truncated.tar.gz": gzip.compress(valid_tar, mtime=0)[: len(big) // 2],
            "truncated.tar": valid_tar[: len(valid_tar) // 2],
            "no_end_marker.tar": valid_tar[:members_end],
            "random.tar.gz": b"\0" + random.Random(1234).randbytes(64 * 1024),
            "empty.tar.gz": b"",
            "pwned.tar.gz": _with(_file("p-1/setup.py", setup)),
            "non_utf8.tar.gz": tar_bytes(
                [*VALID, _file("p-1/caf\xe9.txt", "x")], encoding="latin-1"
            ),
            "zip_symlink.zip": zip_bytes(
                [
                    ("p-1/pyproject.toml", VALID[1][1] or b"", 0o100644),
                    ("p-1/link", "../../etc/passwd", stat.S_IFLNK | 0o777),
                ]
            ),
        }
    )


def build_all(out_dir: Path) -> dict[str, Path]:
    """Write every archive into `out_dir`; returns {file name: path}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    blobs: dict[str, bytes] = {}
    _simple(blobs, out_dir)
    paths = {}
    for name, data in blobs.items():
        paths[name] = out_dir / name
        paths[name].write_bytes(data)
    for name, writer in (
        ("gzip_bomb.tar.gz", write_gzip_bomb),
        ("zip_bomb.zip", write_zip_bomb),
        ("many_members.tar.gz", write_many_members),
    ):
        paths[name] = out_dir / name
        writer(paths[name])
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for name, path in build_all(Path(argv[0])).items():
        print(f"{path.stat().st_size:>12,}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
