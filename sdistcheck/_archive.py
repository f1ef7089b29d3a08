"""Read an sdist (.tar.gz, .tar.bz2, .tar.xz, .tar or a legacy .zip) into an `SdistTree`.

Nothing is extracted, written or executed: members are streamed once, checked, and only the files
worth parsing are kept in memory.  Hostile or broken input ends in `UnsafeArchiveError`,
`ArchiveLimitError` or `UnreadableArchiveError`, never in a traceback.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn, Protocol, cast

from ._errors import ArchiveLimitError, UnreadableArchiveError, UnsafeArchiveError
from ._tree import SdistTree, normalize

_MiB = 1024**2
_RATIO_GRACE = 32 * _MiB  # small archives of text compress very well; judge the ratio past this
_HEADER_SLACK = 16 * _MiB  # tar header bytes (pax records, GNU long names) allowed per member
_CHUNK = 64 * 1024  # zip reads: small, so the compressed side is counted closely
_BLOCK = 512
_ABSOLUTE = re.compile(r"[/\\]|[A-Za-z]:")  # POSIX root, UNC/backslash root, Windows drive
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# Anything else raised by the decompressors, tarfile or zipfile on bad input.
_BAD_INPUT = (
    tarfile.TarError, EOFError, zlib.error, OSError, lzma.LZMAError, zipfile.BadZipFile,
    ValueError, struct.error, RuntimeError, NotImplementedError, IndexError,
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """Caps that turn decompression bombs and oversized archives into `ArchiveLimitError`."""

    max_member_size: int = 256 * 1024**2  # bytes uncompressed for one member
    max_total_size: int = 1024**3  # bytes uncompressed for the whole archive
    max_members: int = 200_000
    max_ratio: float = 200.0  # uncompressed/compressed, enforced once > 32 MiB has been read
    max_parse_size: int = 8 * 1024**2  # larger files are recorded as existing, content not kept


_KEEP_SUFFIXES = frozenset(
    [".rs", ".toml", ".py", ".pyx", ".pxd", ".pxi", ".cfg", ".in", ".txt", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".inl", ".inc", ".def", ".cmake", ".go", ".mod", ".build", ".options", ".json", ".lock"]
)
_KEEP_NAMES = frozenset(
    ["CMakeLists.txt", "meson.build", "meson_options.txt", "meson.options", "MANIFEST.in", "setup.py", "setup.cfg", "pyproject.toml", "Cargo.toml", "go.mod", "build.rs"]
)


def default_keep(path: str) -> bool:
    """True for files an analyser may parse: build scripts, manifests, sources."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name in _KEEP_NAMES or (dot >= 0 and name[dot:].lower() in _KEEP_SUFFIXES)


# A collected member: ("f", data or None, "") | ("d", None, "") | ("l", None, archive target).
_Entry = tuple[str, bytes | None, str]
_Keep = Callable[[str], bool]


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Counting:
    """The raw file, counting the bytes read from it: the denominator of the compression ratio."""

    def __init__(self, f: io.BufferedReader) -> None:
        self._f = f
        self.count = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._f.read(size)
        self.count += len(data)
        return data

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def seekable(self) -> bool:
        return True


def _size(n: float) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", _MiB), ("KiB", 1024)):
        if n >= scale and n % scale == 0:
            return f"{n // scale:.0f} {unit}"
    return f"{n:.0f} bytes"


class _Budget:
    """Counts members and uncompressed bytes against `Limits`."""

    def __init__(self, artifact: str, limits: Limits, raw: _Counting) -> None:
        self.artifact, self.limits, self.raw = artifact, limits, raw
        self.members = 0
        self.total = 0

    def _fail(self, member: str, what: str, flag: str) -> NoReturn:
        raise ArchiveLimitError(f"{self.artifact}: member {member!r} {what} (raise with {flag})")

    def count(self, member: str, n: int = 1) -> None:
        self.members += n
        if self.members > self.limits.max_members:
            limit = self.limits.max_members
            self._fail(member, f"is past the {limit:,} member limit", "--max-members")

    def add(self, member: str, size: int, member_size: int) -> None:
        """Charge `size` more bytes; `member_size` is the member's size so far."""
        if member_size > self.limits.max_member_size:
            limit = _size(self.limits.max_member_size)
            self._fail(member, f"exceeds the {limit} member size limit", "--max-member-size")
        self.total += size
        if self.total > self.limits.max_total_size:
            limit = _size(self.limits.max_total_size)
            self._fail(member, f"takes the archive past the {limit} total size limit",
                       "--max-total-size")  # fmt: skip

    def ratio(self, member: str, out: int) -> None:
        if out > _RATIO_GRACE and out > self.limits.max_ratio * self.raw.count:
            ratio = f"{self.limits.max_ratio:g}:1"
            self._fail(member, f"expands more than {ratio} (a decompression bomb?)", "--max-ratio")


class _Guard:
    """The decompressed tar stream as tarfile reads it (forward only, fixed-size reads).

    Checks the ratio as bytes come out, so a bomb stops within a chunk of the cap; bounds the
    header bytes between members (tarfile buffers a pax header whole); and keeps the last two
    chunks so the end-of-archive block can be verified (tarfile silently stops at a bad header).
    """

    def __init__(self, inner: _Readable, budget: _Budget) -> None:
        self.inner, self.budget = inner, budget
        self.out = 0
        self.allow = _HEADER_SLACK
        self.member = "<first header>"
        self.prev = self.last = (0, b"")

    def read(self, size: int, /) -> bytes:
        data = self.inner.read(size)
        if data:
            self.prev, self.last = self.last, (self.out, data)
            self.out += len(data)
            if self.out > self.allow:
                raise ArchiveLimitError(f"{self.budget.artifact}: tar headers after member "
                                        f"{self.member!r} exceed {_size(_HEADER_SLACK)}")  # fmt: skip
            self.budget.ratio(self.member, self.out)
        return data

    def ended_at(self, offset: int) -> bool:
        """True when a zero block (the end-of-archive marker) was read at `offset`."""
        start = self.prev[0] if self.prev[1] else self.last[0]
        block = (self.prev[1] + self.last[1])[offset - start : offset - start + _BLOCK]
        return offset >= start and len(block) == _BLOCK and not block.strip(b"\0")

    # The rest of tarfile's file protocol, never used by a "r|" stream.
    def write(self, b: bytes, /) -> NoReturn:
        raise io.UnsupportedOperation("write")

    def seek(self, pos: int, /) -> NoReturn:
        raise io.UnsupportedOperation("seek")

    def tell(self) -> int:
        return self.out

    def close(self) -> None:
        pass


@dataclass
class _Reader:
    """What the member readers share while one archive is read."""

    artifact: str
    limits: Limits
    keep: _Keep
    budget: _Budget
    entries: dict[str, _Entry]


def _dotdot_after_link(name: str, entries: dict[str, _Entry]) -> bool:
    """True when a `..` follows a component that is a link: it would resolve physically."""
    prefix: list[str] = []
    linked = False
    for part in name.replace("\\", "/").split("/"):
        if part == "..":
            if linked:
                return True
            if prefix:
                prefix.pop()
        elif part not in ("", "."):
            prefix.append(part)
            linked = linked or entries.get("/".join(prefix), ("",))[0] == "l"
    return False


def _member_path(artifact: str, name: str, entries: dict[str, _Entry]) -> str:
    if _ABSOLUTE.match(name):
        raise UnsafeArchiveError(artifact, name, "absolute path")
    path = normalize(name)
    if path is None:
        raise UnsafeArchiveError(artifact, name, "'..' climbs out of the archive root")
    if ".." in name and _dotdot_after_link(name, entries):
        raise UnsafeArchiveError(artifact, name, "'..' after a symlink could leave the tree")
    return path


def _link_target(
    artifact: str, name: str, base: str, target: str, entries: dict[str, _Entry]
) -> str:
    """The archive path a link points to; `base` is the directory it is relative to."""
    if not target:
        raise UnsafeArchiveError(artifact, name, "link with an empty target")
    if _ABSOLUTE.match(target):
        raise UnsafeArchiveError(artifact, name, f"link target {target!r} is absolute")
    joined = f"{base}/{target}" if base else target
    resolved = normalize(joined)
    if resolved is None:
        raise UnsafeArchiveError(artifact, name, f"link target {target!r} leaves the archive")
    if ".." in target and _dotdot_after_link(joined, entries):
        raise UnsafeArchiveError(artifact, name, f"link target {target!r} has '..' after a link")
    return resolved


def _maybe_keep(keep: _Keep, path: str) -> bool:
    # The prefix is only known at the end, so ask for both candidate paths now and again at the
    # end with the final one.  default_keep looks at the file name only: one question suffices.
    return keep(path) or (keep is not default_keep and keep(path.partition("/")[2]))


def _odd_type(m: tarfile.TarInfo) -> str:
    if m.ischr():
        return "character device"
    if m.isblk():
        return "block device"
    return "FIFO" if m.isfifo() else f"unsupported member type {m.type!r}"


def _tar_entry(
    tf: tarfile.TarFile, m: tarfile.TarInfo, path: str, ctx: _Reader
) -> _Entry:
    if m.isreg():
        ctx.budget.add(m.name, m.size, m.size)
        data = None
        if m.size <= ctx.limits.max_parse_size and _maybe_keep(ctx.keep, path):
            f = tf.extractfile(m) if m.size else None
            data = f.read() if f else b""
        return ("f", data, "")
    if m.isdir():
        return ("d", None, "")
    if m.issym():  # relative to the link's directory
        return ("l", None, _link_target(ctx.artifact, m.name, posixpath.dirname(path),
                                        m.linkname, ctx.entries))  # fmt: skip
    if m.islnk():  # tar hard links name another member, relative to the archive root
        return ("l", None, _link_target(ctx.artifact, m.name, "", m.linkname, ctx.entries))
    raise UnsafeArchiveError(ctx.artifact, m.name, _odd_type(m))


def _read_tar(stream: _Readable, ctx: _Reader, plain: bool) -> None:
    guard = _Guard(stream, ctx.budget)
    try:
        # "r|": a forward-only stream; the decompression already happened in `stream`.
        tf = tarfile.open(fileobj=guard, mode="r|")
    except tarfile.ReadError as exc:
        if plain:
            raise UnreadableArchiveError(f"{ctx.artifact}: not a tar or zip archive") from exc
        raise
    with tf:
        for m in tf:
            guard.member = m.name
            ctx.budget.count(m.name)
            path = _member_path(ctx.artifact, m.name, ctx.entries)
            entry = _tar_entry(tf, m, path, ctx)
            guard.allow = m.offset_data + (m.size if m.isreg() else 0) + _HEADER_SLACK
            if path:  # "./" is the archive root itself
                ctx.entries[path] = entry  # a later duplicate wins, as on extraction
        if ctx.entries and not guard.ended_at(tf.offset):
            raise tarfile.ReadError("no end-of-archive marker after the last member")


def _read_zip_data(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: _Reader, want: bool) -> bytes | None:
    name, limit = info.filename, ctx.limits.max_parse_size
    ctx.budget.add(name, 0, info.file_size)  # refuse a declared giant early ...
    chunks, size = [], 0
    with zf.open(info) as f:
        while chunk := f.read(_CHUNK):  # ... but count what really comes out
            size += len(chunk)
            ctx.budget.add(name, len(chunk), size)
            ctx.budget.ratio(name, ctx.budget.total)
            if want and size <= limit:
                chunks.append(chunk)
    return b"".join(chunks) if want and size <= limit else None


def _zip_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, ctx: _Reader) -> _Entry:
    name, kind = info.filename, stat.S_IFMT(info.external_attr >> 16)
    if info.flag_bits & 1:
        raise UnreadableArchiveError(f"{ctx.artifact}: member {name!r} is encrypted")
    if kind == stat.S_IFLNK:  # a Unix symlink: the member's data is the target
        target = (_read_zip_data(zf, info, ctx, True) or b"").decode("utf-8", "surrogateescape")
        base = posixpath.dirname(path)
        return ("l", None, _link_target(ctx.artifact, name, base, target, ctx.entries))
    if info.is_dir() or kind == stat.S_IFDIR:
        return ("d", None, "")
    if kind in (0, stat.S_IFREG):  # 0: made on a system without Unix modes
        return ("f", _read_zip_data(zf, info, ctx, _maybe_keep(ctx.keep, path)), "")
    raise UnsafeArchiveError(ctx.artifact, name, f"not a regular file (mode {kind:#o})")


def _read_zip(raw: _Counting, ctx: _Reader) -> None:
    with zipfile.ZipFile(raw) as zf:
        infos = zf.infolist()
        if infos:  # the central directory lists them all: refuse before reading any data
            ctx.budget.count(infos[-1].filename, len(infos))
        for info in infos:
            path = _member_path(ctx.artifact, info.filename, ctx.entries)
            entry = _zip_entry(zf, info, path, ctx)
            if path:
                ctx.entries[path] = entry


def _top_dir(entries: dict[str, _Entry]) -> str:
    """The single top-level directory every member lives in (`name-version`), or ""."""
    top = next(iter(entries)).partition("/")[0]
    if entries.get(top, ("d",))[0] != "d":
        return ""
    under = top + "/"
    return top if all(p == top or p.startswith(under) for p in entries) else ""


def _build(artifact: str, entries: dict[str, _Entry], keep: _Keep) -> SdistTree:
    if not entries:
        raise UnreadableArchiveError(f"{artifact}: archive has no members")
    prefix = _top_dir(entries)
    tree = SdistTree(artifact=artifact, root_prefix=prefix)
    cut = len(prefix) + 1 if prefix else 0
    for path, (kind, data, target) in entries.items():
        rel = path[cut:]
        if path == prefix:
            continue
        if kind == "f":
            recheck = data is not None and keep is not default_keep
            tree.add_file(rel, None if recheck and not keep(rel) else data)
        elif kind == "d":
            tree.add_dir(rel)
        elif not prefix or target.startswith(prefix + "/"):
            tree.add_link(rel, target[cut:])
        elif target == prefix:
            tree.add_link(rel, "")
        else:
            raise UnsafeArchiveError(artifact, path, f"link target {target!r} leaves the sdist")
    return tree


def _printable(text: str) -> str:
    # Names from the file system or the archive may hold surrogate escapes; make them printable.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_file(artifact: str, path: Path) -> None:
    try:
        st = path.stat()  # not open(): opening a FIFO would block
    except FileNotFoundError:
        raise UnreadableArchiveError(f"{artifact}: no such file") from None
    except OSError as exc:
        raise UnreadableArchiveError(f"{artifact}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableArchiveError(f"{artifact}: is a directory, not an sdist")
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableArchiveError(f"{artifact}: not a regular file")
    if st.st_size == 0:
        raise UnreadableArchiveError(f"{artifact}: empty file, not an sdist")


def _decompressor(head: bytes, raw: _Counting) -> _Readable:
    # By magic bytes, not by file name.  Each is a streaming reader.
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if head.startswith(b"BZh"):
        return bz2.BZ2File(raw)
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(cast("IO[bytes]", raw))  # only read() is used
    return raw


def _read(artifact: str, f: io.BufferedReader, limits: Limits, keep: _Keep) -> dict[str, _Entry]:
    head = f.read(_BLOCK)
    f.seek(0)
    raw = _Counting(f)
    ctx = _Reader(artifact, limits, keep, _Budget(artifact, limits, raw), {})
    if head.startswith(_ZIP_MAGIC):
        _read_zip(raw, ctx)
    else:
        stream = _decompressor(head, raw)
        _read_tar(stream, ctx, plain=stream is raw)
    return ctx.entries


def read_sdist(path: Path, limits: Limits = Limits(), keep: _Keep = default_keep) -> SdistTree:
    """Read an sdist without extracting it: every member checked, `keep` files' contents kept.

    `keep` is asked with sdist-relative paths.  Raises `UnsafeArchiveError`, `ArchiveLimitError`
    or `UnreadableArchiveError` (all `SdistCheckError`).
    """
    artifact = _printable(path.name or str(path))
    _check_file(artifact, path)
    try:
        with path.open("rb") as f:
            entries = _read(artifact, f, limits, keep)
    except _BAD_INPUT as exc:
        reason = _printable(str(exc).partition("\n")[0][:200] or type(exc).__name__)
        raise UnreadableArchiveError(f"{artifact}: truncated or corrupt archive: {reason}") from exc
    return _build(artifact, entries, keep)
