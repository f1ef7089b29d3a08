"""The zip layer under `archive.wheelfile`: raw access to members, and bounded streaming of their
content.

`zipfile` alone will not do: it has no public way to read a member's compressed bytes as stored,
which `archive.rewrite` copies unchanged, and it trusts the sizes in the headers. Here the local
headers are checked against the central directory, overlapping data (a zip bomb's trick) is refused,
and a member is inflated in bounded chunks with every byte counted, so a bomb ends in
`WheelFormatError`, not in exhausted memory. What the members mean (WHEEL, RECORD, names) is
`archive.wheelfile`'s concern.

Inflating is most of a retag's time (uv's 34 MB binary), so zlib-ng inflates where it has a wheel
(the same API and stream semantics as zlib, about twice as fast; stdlib zlib elsewhere), and a
large member is inflated in a worker thread while the caller hashes the chunks already out: both
release the GIL, so the two run on two cores.
"""

from __future__ import annotations

import contextlib
import lzma
import queue
import stat
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

try:  # where zlib-ng has no wheel (PyPy, ppc64le, ...), pyproject.toml does not ask for it
    from zlib_ng import zlib_ng as inflater
except ImportError:  # pragma: no cover (the test environment has zlib-ng)
    import zlib as inflater  # type: ignore[no-redef]

from .._errors import RetagError, fail, oneline

_CHUNK = 1024**2  # compressed bytes read at a time
_OUT_CHUNK = 1024**2  # most bytes one inflate call may produce: bounds memory on a bomb
# A member compressed larger than this is inflated in a worker thread (below it, starting the
# thread costs more than the overlap saves); at most _AHEAD chunks wait for the caller.
THREAD_ABOVE = 1024**2
_AHEAD = 8
LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
LOCAL_SIGNATURE = 0x04034B50
_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
# What zipfile, zlib, the codecs and the file system raise on bad input.
BAD_INPUT = (
    zipfile.BadZipFile,
    zlib.error,
    cast("type[Exception]", inflater.error),  # zlib-ng's stub types the class as an instance
    lzma.LZMAError,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    struct.error,
    NotImplementedError,
    RuntimeError,
)


@dataclass(frozen=True)
class Entry:
    """A member's central directory entry, and where its compressed bytes start."""

    info: zipfile.ZipInfo
    data_offset: int
    local_extra: bytes  # the local header's extra field (may differ from the central one's)

    @property
    def name(self) -> str:
        return self.info.filename


def _local_entry(fp: BinaryIO, info: zipfile.ZipInfo, shown: str) -> Entry:
    fp.seek(info.header_offset)
    head = fp.read(LOCAL_HEADER.size)
    if len(head) < LOCAL_HEADER.size:
        fail(shown, "truncated local header", info.filename)
    sig, _, _, method, _, _, _, _, _, name_len, extra_len = LOCAL_HEADER.unpack(head)
    name, extra = fp.read(name_len), fp.read(extra_len)
    central = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
    if sig != LOCAL_SIGNATURE or name != central or method != info.compress_type:
        fail(shown, "local header disagrees with the central directory", info.filename)
    return Entry(info, info.header_offset + LOCAL_HEADER.size + name_len + extra_len, extra)


def scan_zip(
    fp: BinaryIO, shown: str, max_members: int, unsafe: Callable[[str], str | None]
) -> tuple[zipfile.ZipFile, list[Entry]]:
    """The members of a zip, checked for names (by UNSAFE: why a name is refused, or None),
    duplicates, types, encryption and overlapping data."""
    try:
        zf = zipfile.ZipFile(fp)
    except zipfile.BadZipFile as exc:
        fail(shown, f"not a zip file, or truncated ({oneline(exc)})")
    infos = zf.infolist()
    if len(infos) > max_members:
        fail(shown, f"more than {max_members:,} members")
    seen: set[str] = set()
    entries: list[Entry] = []
    for info in infos:
        name = info.orig_filename
        if (reason := unsafe(name)) is not None:
            fail(shown, f"unsafe name: {reason}", name)
        if name in seen:
            fail(shown, "appears twice in the archive", name)
        seen.add(name)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind == stat.S_IFLNK:
            fail(shown, "is a symbolic link", name)
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            fail(shown, f"is not a regular file (mode {info.external_attr >> 16:o})", name)
        if info.flag_bits & 0x41:
            fail(shown, "is encrypted", name)
        if info.compress_type not in _METHODS:
            fail(shown, f"uses unsupported compression method {info.compress_type}", name)
        entries.append(_local_entry(fp, info, shown))
    end = zf.start_dir
    for entry in sorted(entries, key=lambda e: -e.info.header_offset):  # from the last one back
        if entry.data_offset + entry.info.compress_size > end:  # overlap: a bomb, or truncation
            fail(shown, "its data overlaps another member or the central directory", entry.name)
        end = entry.info.header_offset
    return zf, entries


def raw_chunks(fp: BinaryIO, entry: Entry) -> Generator[bytes, None, None]:
    """ENTRY's compressed bytes as stored, in chunks (also what a raw copy copies)."""
    pos, left = entry.data_offset, entry.info.compress_size
    while left > 0:
        fp.seek(pos)  # the file may be read elsewhere between two chunks
        buf = fp.read(min(_CHUNK, left))
        if not buf:
            raise EOFError("compressed data is truncated")
        pos, left = pos + len(buf), left - len(buf)
        yield buf


def _inflate(fp: BinaryIO, entry: Entry) -> Generator[bytes, None, None]:
    decompressor, out = inflater.decompressobj(-15), b""
    for buf in raw_chunks(fp, entry):
        if decompressor.eof:  # bytes past the end of the stream: ignored, as zipfile does
            break
        while buf and not decompressor.eof:
            out = decompressor.decompress(buf, _OUT_CHUNK)
            yield out
            buf = decompressor.unconsumed_tail
        while len(out) == _OUT_CHUNK and not decompressor.eof:  # output zlib still holds
            out = decompressor.decompress(b"", _OUT_CHUNK)
            yield out
    if not decompressor.eof:
        raise EOFError("deflate stream is truncated")


def _ahead(chunks: Generator[bytes, None, None]) -> Generator[bytes, None, None]:
    """CHUNKS produced by a worker thread, up to _AHEAD ahead of the caller; the worker's error
    is raised here, and a caller that stops early stops the worker too."""
    ready: queue.Queue[bytes | BaseException | None] = queue.Queue(_AHEAD)
    stop = threading.Event()

    def work() -> None:
        try:
            with contextlib.closing(chunks):
                for chunk in chunks:
                    if stop.is_set():
                        return
                    ready.put(chunk)
            ready.put(None)
        except BaseException as exc:  # handed to the caller, which raises it
            ready.put(exc)

    worker = threading.Thread(target=work, name="retag-inflate", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # make room for a worker blocked on a full queue
            with contextlib.suppress(queue.Empty):
                ready.get_nowait()
            worker.join(0.001)


def _unzip(zf: zipfile.ZipFile, entry: Entry) -> Generator[bytes, None, None]:
    with zf.open(entry.info) as stream:  # bzip2 and lzma: rare enough for zipfile's own reader
        while buf := stream.read(_CHUNK):
            yield buf


def stream_member(
    zf: zipfile.ZipFile,
    fp: BinaryIO,
    entry: Entry,
    shown: str,
    cap: int,
    budget: list[int] | None = None,
) -> Iterator[bytes]:
    """The uncompressed content of ENTRY in chunks; CRC and size checked at the end.

    More than `cap` bytes, or more than `budget[0]` (decremented as bytes arrive), is refused."""
    info = entry.info
    if info.file_size > cap:
        fail(shown, f"is larger ({info.file_size:,} bytes) than the {cap:,} byte limit", entry.name)
    method = info.compress_type
    chunks: Generator[bytes, None, None]
    if method == zipfile.ZIP_DEFLATED:
        inflating = _inflate(fp, entry)
        chunks = _ahead(inflating) if info.compress_size > THREAD_ABOVE else inflating
    elif method == zipfile.ZIP_STORED:
        chunks = raw_chunks(fp, entry)
    else:
        chunks = _unzip(zf, entry)
    size = crc = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > min(cap, info.file_size):  # zipfile would stop at file_size: so do we
                fail(shown, f"expands past its declared {info.file_size:,} bytes", entry.name)
            if budget is not None:
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    fail(shown, "takes the wheel past its total size limit", entry.name)
            crc = inflater.crc32(chunk, crc)
            yield chunk
    except RetagError:
        raise
    except BAD_INPUT as exc:
        fail(shown, f"corrupt data ({oneline(exc)})", entry.name)
    finally:
        chunks.close()  # now, not when garbage collected: it may hold a worker thread
    if size != info.file_size or crc != info.CRC:
        fail(shown, "corrupt data (size or CRC-32 does not match the zip header)", entry.name)
