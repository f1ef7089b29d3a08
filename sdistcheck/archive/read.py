"""Read an sdist (.tar.gz, .tar.bz2, .tar.xz, .tar or a legacy .zip) into an `SdistTree`.

Nothing is extracted, written or executed: members are streamed once and checked, and only the
files worth parsing are kept in memory.  Hostile or broken input ends in `UnsafeArchiveError`,
`ArchiveLimitError` or `UnreadableArchiveError`, never in a traceback.
"""

from __future__ import annotations

import bz2
import io
import lzma
import posixpath
import re
import stat
import struct
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

try:  # zlib-ng inflates twice as fast where it has a wheel (pyproject.toml asks for it there)
    from zlib_ng import gzip_ng as _gzip
    from zlib_ng import zlib_ng as _inflater
except ImportError:  # pragma: no cover (the test environment has zlib-ng)
    import gzip as _gzip  # type: ignore[no-redef]
    import zlib as _inflater  # type: ignore[no-redef]

from .._errors import ArchiveLimitError, UnreadableArchiveError, UnsafeArchiveError
from . import prefetch
from .tree import SdistTree, normalize

if TYPE_CHECKING:
    import zipfile

    from _typeshed import WriteableBuffer

_MiB = 1024**2
_RATIO_GRACE = 32 * _MiB  # small archives of text compress very well; judge the ratio past this
_HEADER_SLACK = 16 * _MiB  # tar header bytes (pax records, GNU long names) allowed per member
_CHUNK = 64 * 1024  # zip reads: small, so the compressed bytes behind them are counted closely
# tarfile's reads of the decompressed stream: its default (10 KiB) makes six times as many reads
# and buffer joins, for every member's header and for the data skipped between them.
_TAR_BUFSIZE = 64 * 1024
_ABSOLUTE = re.compile(r"[/\\]|[A-Za-z]:")  # POSIX root, UNC or backslash root, Windows drive
_ODD_TYPES = {
    tarfile.CHRTYPE: "character device",
    tarfile.BLKTYPE: "block device",
    tarfile.FIFOTYPE: "FIFO",
}


class _BadZip(ValueError):
    """zipfile's BadZipFile, as one of the errors below (zipfile is imported only for a zip)."""


# What the decompressors, tarfile and zipfile raise on bad input.
_BAD_INPUT = (
    tarfile.TarError,
    EOFError,
    zlib.error,
    cast("type[Exception]", _inflater.error),  # zlib-ng's stub types the class as an instance
    OSError,
    lzma.LZMAError,
    _BadZip,
    ValueError,
    struct.error,
    RuntimeError,
    NotImplementedError,
    IndexError,
)


@dataclass(frozen=True)
class Limits:
    """Caps that turn decompression bombs and oversized archives into `ArchiveLimitError`."""

    max_member_size: int = 256 * 1024**2  # bytes uncompressed for one member
    max_total_size: int = 1024**3  # bytes uncompressed for the whole archive
    max_members: int = 200_000
    max_ratio: float = 200.0  # uncompressed/compressed, enforced once > 32 MiB has been read
    max_parse_size: int = 8 * 1024**2  # larger files are recorded as existing, content not kept


_KEEP_SUFFIXES = frozenset(
    [
        ".rs",
        ".toml",
        ".py",
        ".pyx",
        ".pxd",
        ".pxi",
        ".cfg",
        ".in",
        ".txt",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".hxx",
        ".ipp",
        ".tcc",
        ".tpp",
        ".inl",
        ".inc",
        ".def",
        ".cmake",
        ".go",
        ".mod",
        ".build",
        ".options",
        ".json",
        ".lock",
    ]
)
_KEEP_NAMES = frozenset(
    [
        "CMakeLists.txt",
        "meson.build",
        "meson_options.txt",
        "meson.options",
        "MANIFEST.in",
        "PKG-INFO",
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "Cargo.toml",
        "go.mod",
        "build.rs",
    ]
)


_SUFFIXLESS_MAX = 256 * 1024  # Eigen's largest suffix-less header is under 16 KiB
# Any file this small at the top of the sdist is kept too: setup.py may read a marker or version
# file there whatever its name (stringzilla's SZ_TARGET.env picks what it builds).
_SMALL_TOP = 4096


def default_keep(path: str) -> bool:
    """True for files an analyser may parse: build scripts, manifests, sources."""
    folder, _, name = path.rpartition("/")
    dot = name.rfind(".")
    if dot < 0:  # <Eigen/Core>: a header may have no suffix; one at the top is a README or LICENSE
        return bool(folder) or name in _KEEP_NAMES
    return name in _KEEP_NAMES or name[dot:].lower() in _KEEP_SUFFIXES


_Keep = Callable[[str], bool]
# A collected member: ("f", data or None, "") | ("d", None, "") | ("l", None, archive target).
_Entry = tuple[str, bytes | None, str]


class _Counting(io.BufferedReader):
    """The archive file, counting the bytes read: the denominator of the compression ratio."""

    count = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        # How zlib-ng's gzip reader reads, 512 KiB at a time: give it at most _CHUNK, so that
        # what it has read ahead of what came out (the ratio's denominator) stays small.
        n = super().readinto(memoryview(buffer)[:_CHUNK])
        self.count += n
        return n


def _size(n: float) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", _MiB), ("KiB", 1024)):
        if n >= scale and n % scale == 0:
            return f"{n // scale:.0f} {unit}"
    return f"{n:.0f} bytes"


@dataclass
class _Reader:
    """The state of one archive being read: limits, counters and the members collected."""

    artifact: str
    limits: Limits
    keep: _Keep
    raw: _Counting
    entries: dict[str, _Entry] = field(default_factory=dict)  # a later duplicate wins, as in tar
    members: int = 0
    total: int = 0  # uncompressed bytes

    def unsafe(self, member: str, reason: str) -> NoReturn:
        raise UnsafeArchiveError(self.artifact, member, reason)

    def _limit(self, member: str, what: str, flag: str) -> NoReturn:
        raise ArchiveLimitError(f"{self.artifact}: member {member!r} {what} (raise with {flag})")

    def count(self, member: str, n: int = 1) -> None:
        self.members += n
        if self.members > (limit := self.limits.max_members):
            self._limit(member, f"is past the {limit:,} member limit", "--max-members")

    def add(self, member: str, size: int, member_size: int) -> None:
        """Charge `size` more bytes; `member_size` is the member's size so far."""
        if member_size > (limit := self.limits.max_member_size):
            self._limit(
                member, f"exceeds the {_size(limit)} member size limit", "--max-member-size"
            )
        self.total += size
        if self.total > (limit := self.limits.max_total_size):
            self._limit(
                member,
                f"takes the archive past the {_size(limit)} total size limit",
                "--max-total-size",
            )

    def ratio(self, member: str, out: int) -> None:
        if out > _RATIO_GRACE and out > (limit := self.limits.max_ratio) * self.raw.count:
            self._limit(
                member, f"expands more than {limit:g}:1 (a decompression bomb?)", "--max-ratio"
            )

    def maybe_keep(self, path: str, size: int = 0) -> bool:
        # The prefix is only known at the end: ask for both candidate paths now, and again at the
        # end with the final one.  default_keep looks at the file name, and for one without a
        # suffix whether it is in a folder: the full path is asked, the relative one at the end.
        if size > _SUFFIXLESS_MAX and "." not in path.rpartition("/")[2]:
            return False  # a header without a suffix (Eigen/Core) is small: this is data
        keep = self.keep
        if keep is default_keep and size <= _SMALL_TOP and path.count("/") <= 1:
            return True  # the top or the folder under it: which one is known at the end
        return keep(path) or (keep is not default_keep and keep(path.partition("/")[2]))

    def dotdot_after_link(self, name: str) -> bool:
        """True when a `..` follows a component that is a link: it resolves physically, so the
        lexical check is not enough (`a/l/../../..` with `l -> x/y` climbs out on extraction)."""
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
                linked = linked or self.entries.get("/".join(prefix), ("",))[0] == "l"
        return False

    def path(self, name: str) -> str:
        """The member's normalized archive path, or UnsafeArchiveError."""
        if _ABSOLUTE.match(name):
            self.unsafe(name, "absolute path")
        path = normalize(name)
        if path is None:
            self.unsafe(name, "'..' climbs out of the archive root")
        if ".." in name and self.dotdot_after_link(name):
            self.unsafe(name, "'..' after a symlink could leave the tree")
        return path

    def link(self, name: str, base: str, target: str) -> _Entry:
        """A link entry to `target`, which is relative to the directory `base`."""
        if not target or _ABSOLUTE.match(target):
            self.unsafe(name, f"link target {target!r} is absolute or empty")
        joined = f"{base}/{target}" if base else target
        resolved = normalize(joined)
        if resolved is None:
            self.unsafe(name, f"link target {target!r} leaves the archive")
        if ".." in target and self.dotdot_after_link(joined):
            self.unsafe(name, f"link target {target!r} has '..' after a link")
        return ("l", None, resolved)


class _Guard(io.BufferedIOBase):
    """The decompressed tar stream as tarfile reads it ("r|": forward only, bufsize reads).

    Checks the ratio as bytes come out, so a bomb stops within a read of the cap; bounds the
    header bytes between members (tarfile buffers a pax header whole); and keeps the last two
    reads so the end-of-archive block can be verified (tarfile silently stops at a bad header).
    """

    def __init__(self, inner: io.BufferedIOBase, ctx: _Reader) -> None:
        super().__init__()
        self.inner, self.ctx = inner, ctx
        self.out, self.allow, self.member = 0, _HEADER_SLACK, "<first header>"
        self.prev = self.last = (0, b"")

    def read(self, size: int | None = -1, /) -> bytes:
        data = self.inner.read(size)
        if data:
            self.prev, self.last = self.last, (self.out, data)
            self.out += len(data)
            if self.out > self.allow:
                what = f"tar headers after member {self.member!r} exceed {_size(_HEADER_SLACK)}"
                raise ArchiveLimitError(f"{self.ctx.artifact}: {what}")
            self.ctx.ratio(self.member, self.out)
        return data

    def ended_at(self, offset: int) -> bool:
        """True when a zero block, the end-of-archive marker, was read at `offset`."""
        start = self.prev[0] if self.prev[1] else self.last[0]
        block = (self.prev[1] + self.last[1])[offset - start : offset - start + tarfile.BLOCKSIZE]
        return offset >= start and len(block) == tarfile.BLOCKSIZE and not block.strip(b"\0")


def _tar_entry(tf: tarfile.TarFile, m: tarfile.TarInfo, path: str, ctx: _Reader) -> _Entry:
    if m.isreg():
        if m.size < 0:  # possible with base-256 sizes
            raise tarfile.ReadError(f"negative size for member {m.name!r}")
        ctx.add(m.name, m.size, m.size)
        if m.size > ctx.limits.max_parse_size or not ctx.maybe_keep(path, m.size):
            return ("f", None, "")
        f = tf.extractfile(m) if m.size else None
        return ("f", f.read() if f else b"", "")
    if m.isdir():
        return ("d", None, "")
    if m.issym():  # relative to the link's directory
        return ctx.link(m.name, posixpath.dirname(path), m.linkname)
    if m.islnk():  # a tar hard link names another member, from the archive root
        return ctx.link(m.name, "", m.linkname)
    ctx.unsafe(m.name, _ODD_TYPES.get(m.type, f"unsupported member type {m.type!r}"))


def _read_tar(stream: io.BufferedIOBase, ctx: _Reader, plain: bool) -> None:
    guard = _Guard(stream, ctx)
    try:  # "r|": a forward-only stream; decompression already happens in `stream`
        with tarfile.open(fileobj=guard, mode="r|", bufsize=_TAR_BUFSIZE) as tf:
            for m in tf:
                guard.member = m.name
                ctx.count(m.name)
                path = ctx.path(m.name)
                entry = _tar_entry(tf, m, path, ctx)
                guard.allow = m.offset_data + m.size + _HEADER_SLACK
                if path:  # not "./", the archive root itself
                    ctx.entries[path] = entry
            if ctx.entries and not guard.ended_at(tf.offset):
                raise tarfile.ReadError("no end-of-archive marker after the last member")
    except tarfile.ReadError as exc:
        if plain and not ctx.members:
            raise UnreadableArchiveError(f"{ctx.artifact}: not a tar or zip archive") from exc
        raise


def _zip_data(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: _Reader, want: bool) -> bytes | None:
    name, limit = info.filename, ctx.limits.max_parse_size
    ctx.add(name, 0, info.file_size)  # refuse a declared giant early ...
    chunks, size = [], 0
    with zf.open(info) as f:
        while chunk := f.read(_CHUNK):  # ... but count what really comes out
            size += len(chunk)
            ctx.add(name, len(chunk), size)
            ctx.ratio(name, ctx.total)
            if want and size <= limit:
                chunks.append(chunk)
    return b"".join(chunks) if want and size <= limit else None


def _zip_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, ctx: _Reader) -> _Entry:
    name, kind = info.filename, stat.S_IFMT(info.external_attr >> 16)
    if info.flag_bits & 1:
        raise UnreadableArchiveError(f"{ctx.artifact}: member {name!r} is encrypted")
    if kind == stat.S_IFLNK:  # as pip and unzip see it: a symlink whose data is the target
        target = (_zip_data(zf, info, ctx, True) or b"").decode("utf-8", "surrogateescape")
        return ctx.link(name, posixpath.dirname(path), target)
    if info.is_dir() or kind == stat.S_IFDIR:
        return ("d", None, "")
    if kind in (0, stat.S_IFREG) or info.create_system != 3:  # not made on Unix: no file types
        return ("f", _zip_data(zf, info, ctx, ctx.maybe_keep(path, info.file_size)), "")
    ctx.unsafe(name, f"not a regular file (mode {kind:#o})")


def _read_zip(raw: _Counting, ctx: _Reader) -> None:
    import zipfile  # legacy .zip sdists only: a .tar.gz run does not pay for it

    try:
        with zipfile.ZipFile(raw) as zf:
            infos = zf.infolist()
            if infos:  # the central directory lists them all: refuse before reading any data
                ctx.count(infos[-1].filename, len(infos))
            for info in infos:
                path = ctx.path(info.filename)
                entry = _zip_entry(zf, info, path, ctx)
                if path:
                    ctx.entries[path] = entry
    except zipfile.BadZipFile as exc:
        raise _BadZip(str(exc)) from exc


def _top_dir(entries: dict[str, _Entry]) -> str:
    """The single top-level directory every member lives in (`name-version`), or ""."""
    top = next(iter(entries)).partition("/")[0]
    under = top + "/"
    if entries.get(top, ("d",))[0] != "d":
        return ""
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
            small_top = keep is default_keep and "/" not in rel and len(data or b"") <= _SMALL_TOP
            recheck = data is not None and (
                keep is not default_keep or ("." not in rel.rpartition("/")[2] and not small_top)
            )
            tree.add_file(rel, None if recheck and not keep(rel) else data)
        elif kind == "d":
            tree.add_dir(rel)
        elif not prefix or target == prefix or target.startswith(prefix + "/"):
            tree.add_link(rel, target[cut:])
        else:  # to a sibling of `name-version/`: outside the sdist on the user's disk
            raise UnsafeArchiveError(artifact, path, f"link target {target!r} leaves the sdist")
    return tree


def _printable(text: str) -> str:
    # File and member names may hold surrogate escapes (non-UTF-8 bytes): make them printable.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _open(artifact: str, path: Path) -> _Counting:
    try:
        st = path.stat()  # before open(): opening a FIFO would block
        problem = (
            "is a directory, not an sdist"
            if stat.S_ISDIR(st.st_mode)
            else "not a regular file"
            if not stat.S_ISREG(st.st_mode)
            else "empty file, not an sdist"
            if st.st_size == 0
            else ""
        )
        raw = None if problem else _Counting(io.FileIO(path))
    except OSError as exc:
        raise UnreadableArchiveError(f"{artifact}: cannot read: {exc.strerror}") from None
    if raw is None:
        raise UnreadableArchiveError(f"{artifact}: {problem}")
    return raw


def _read(
    artifact: str, path: Path, raw: _Counting, limits: Limits, keep: _Keep
) -> dict[str, _Entry]:
    head = raw.peek(tarfile.BLOCKSIZE)
    ctx = _Reader(artifact, limits, keep, raw)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _read_zip(raw, ctx)
        return ctx.entries
    stream: io.BufferedIOBase = raw  # by magic bytes, not by file name; all streaming readers
    if head.startswith(b"\x1f\x8b"):
        inflated = prefetch.take(path)  # inflated already, while the command loaded
        if inflated is not None:
            stream = io.BytesIO(inflated)
        else:
            stream = _gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[no-untyped-call]
    elif head.startswith(b"BZh"):
        stream = bz2.BZ2File(raw)
    elif head.startswith(b"\xfd7zXZ\x00"):
        stream = lzma.LZMAFile(raw)  # noqa: SIM115 - it owns nothing to close
    _read_tar(stream, ctx, plain=stream is raw)
    return ctx.entries


def read_sdist(path: Path, limits: Limits = Limits(), keep: _Keep = default_keep) -> SdistTree:
    """Read an sdist without extracting it: every member checked, `keep` files' contents kept.

    `keep` is asked with sdist-relative paths.  Raises `UnsafeArchiveError`, `ArchiveLimitError`
    or `UnreadableArchiveError` (all `SdistCheckError`).
    """
    artifact = _printable(path.name or str(path))
    try:
        with _open(artifact, path) as raw:
            entries = _read(artifact, path, raw, limits, keep)
    except _BAD_INPUT as exc:
        reason = _printable(str(exc).partition("\n")[0][:200] or type(exc).__name__)
        raise UnreadableArchiveError(f"{artifact}: truncated or corrupt archive: {reason}") from exc
    return _build(artifact, entries, keep)
