"""Read and validate a wheel: file name, WHEEL, RECORD, member names, hashes and sizes.

Nothing is extracted: members are streamed by `archive.zip`, in bounded chunks with every byte
counted; every error is one line naming the wheel (and member). `wheel.wheelfile.WheelFile` checks
hashes too, but not sizes nor members RECORD forgets, and its `WheelError` names no file;
`open_wheel` also serves `archive.rewrite`'s raw copy.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from packaging.tags import Tag, parse_tag
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from .._errors import RecordMismatchError, RetagError, fail, oneline
from .zip import BAD_INPUT, Entry, scan_zip, stream_member

_MiB = 1024**2
_SMALL = 16 * _MiB  # cap on WHEEL and RECORD, which are read whole
_SIGNATURES = ("RECORD.jws", "RECORD.p7s")  # listed nowhere, as the wheel spec says
_SCHEME_KEYS = frozenset({"purelib", "platlib", "headers", "scripts", "data"})  # pip's list
_WEAK_HASHES = frozenset({"md5", "sha1"})  # refused by PEP 427 (and by wheel's reader)
_HEADER = re.compile(r"([!-9;-~]+):[ \t]*(.*?)\r?\n?\Z", re.DOTALL)
_DRIVE = re.compile(r"[A-Za-z]:")

RecordRow = tuple[str, str, str]  # path, "algorithm=urlsafe-b64 digest", size (as written)
RecordLine = tuple[bytes, RecordRow | None]  # a RECORD line's raw bytes; its row (None: blank)


@dataclass(frozen=True)
class Limits:
    """Caps on uncompressed bytes, counted as they are produced (header sizes are not trusted)."""

    max_member_size: int = 2 * 1024**3
    max_total_size: int = 8 * 1024**3
    max_members: int = 100_000


LIMITS = Limits()


@dataclass(frozen=True)
class Wheel:
    """A wheel read and validated by `read_wheel`; names and tags as spelled in the file name."""

    path: Path
    filename: str
    name: str  # escaped, as in the file name, e.g. "uv"
    version: str
    build: str | None
    python_tags: tuple[str, ...]  # each compressed tag set as in the file name, in order
    abi_tags: tuple[str, ...]
    platform_tags: tuple[str, ...]
    tags: frozenset[Tag]
    dist_info: str  # "uv-0.5.2.dist-info"
    wheel_file: tuple[tuple[str, str], ...]  # WHEEL headers in order, every Tag line included
    members: tuple[str, ...]  # in archive order, directory entries included
    record: tuple[RecordRow, ...] = field(default=(), repr=False)  # RECORD rows in order
    verified: bool = field(default=False, compare=False)  # every hash and size checked
    # (st_dev, st_ino, st_size, st_mtime_ns) when read: later reads refuse a replaced file
    fingerprint: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def wheel_path(self) -> str:
        return f"{self.dist_info}/WHEEL"

    @property
    def record_path(self) -> str:
        return f"{self.dist_info}/RECORD"


@dataclass(frozen=True)
class Header:
    """One WHEEL header, with its raw text (continuation lines and line ending included)."""

    key: str
    value: str
    raw: str


def parse_wheel_headers(shown: str, data: bytes) -> tuple[list[Header], str]:
    """WHEEL's headers in order, and whatever follows a blank line (normally nothing).

    Parsed by hand rather than by `email.parser` only to keep each header's raw text, so that a
    rewrite can leave every line but the Tag and Build ones byte-identical."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(shown, "WHEEL is not valid UTF-8")
    headers: list[Header] = []
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    for i, line in enumerate(lines):
        if line in ("\n", "\r\n"):
            return headers, "".join(lines[i:])
        if line[:1] in (" ", "\t") and headers:  # a folded continuation of the previous header
            last = headers[-1]
            headers[-1] = Header(last.key, f"{last.value} {line.strip()}", last.raw + line)
            continue
        match = _HEADER.match(line)
        if match is None:
            fail(shown, f"WHEEL line {i + 1} is not a 'Key: value' header: {line.strip()!r:.60}")
        headers.append(Header(match[1], match[2].strip(), line))
    return headers, ""


def parse_record(shown: str, data: bytes) -> list[RecordLine]:
    """RECORD line by line: the rows, and the raw bytes of each line for a byte-exact rewrite."""
    lines: list[RecordLine] = []
    for raw in re.findall(rb"[^\n]*\n|[^\n]+\Z", data):
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
            rows = list(csv.reader([text])) if text.strip() else []
        except (UnicodeDecodeError, csv.Error) as exc:
            fail(shown, f"RECORD line {len(lines) + 1} is unreadable: {oneline(exc)}")
        if rows and len(rows[0]) != 3:
            fail(shown, f"RECORD line {len(lines) + 1} does not have 3 fields: {text!r:.80}")
        lines.append((raw, (rows[0][0], rows[0][1], rows[0][2]) if rows else None))
    return lines


def _decode_hash(shown: str, row: RecordRow) -> tuple[str, bytes]:
    algorithm, _, digest = row[1].partition("=")
    if algorithm.lower() in _WEAK_HASHES or algorithm not in hashlib.algorithms_guaranteed:
        fail(shown, f"RECORD uses an unsupported hash {algorithm!r}", row[0])
    try:
        return algorithm, base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4))
    except (binascii.Error, ValueError):
        fail(shown, f"RECORD hash {row[1]!r:.80} is not urlsafe base64", row[0])


def _unsafe(name: str) -> str | None:
    """Why a member name could escape the install directory, or None."""
    if "\\" in name:
        return "a backslash in the name"
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "a control character in the name"
    parts = (name[:-1] if name.endswith("/") else name).split("/")
    if ".." in parts:
        return "a '..' component"
    if any(part in ("", ".") for part in parts):
        return "an empty or '.' path component"
    data_dir = parts[0].endswith(".data") and not name.endswith("/")
    if data_dir and (len(parts) < 3 or parts[1] not in _SCHEME_KEYS):  # pip refuses these
        return f"not under one of {parts[0]}/{{{','.join(sorted(_SCHEME_KEYS))}}}/"
    return None


def _split_filename(shown: str) -> tuple[str, str, str | None, list[str], frozenset[Tag]]:
    try:
        _, _, _, tags = parse_wheel_filename(shown)
    except InvalidWheelFilename as exc:
        fail(shown, f"not a valid wheel file name ({oneline(exc)})")
    parts = shown[: -len(".whl")].split("-")
    return parts[0], parts[1], parts[2] if len(parts) == 6 else None, parts[-3:], tags


def _dist_info(shown: str, name: str, members: list[str]) -> str:
    tops = sorted(
        {
            m.split("/", 1)[0]
            for m in members
            if m.split("/", 1)[0].endswith(".dist-info") and "/" in m
        }
    )
    if len(tops) != 1:
        fail(shown, f"expected one .dist-info directory, found {len(tops)}: {', '.join(tops)}")
    project = tops[0][: -len(".dist-info")].rpartition("-")[0]
    if canonicalize_name(project) != canonicalize_name(name):  # pip's check, no stricter
        fail(shown, f"{tops[0]} does not belong to project {name!r}")
    return tops[0]


def _wheel_tags(shown: str, headers: list[Header], tags: frozenset[Tag], build: str | None) -> None:
    versions = [h.value for h in headers if h.key.lower() == "wheel-version"]
    if len(versions) != 1 or not re.fullmatch(r"1(\.\d+)*", versions[0]):
        fail(shown, f"WHEEL needs one 'Wheel-Version: 1.x' header, has {versions!r}")
    inner: set[Tag] = set()
    for h in headers:
        if h.key.lower() == "tag":
            if not re.fullmatch(r"[^\s-]+-[^\s-]+-[^\s-]+", h.value):
                fail(shown, f"WHEEL has a malformed Tag line {h.value!r:.60}")
            inner |= parse_tag(h.value)
    if inner != tags:
        fail(
            shown,
            f"WHEEL tags {{{', '.join(sorted(map(str, inner)))}}} disagree with the file "
            f"name's {{{', '.join(sorted(map(str, tags)))}}}",
        )
    builds = [h.value for h in headers if h.key.lower() == "build"]
    if builds != ([build] if build else []):
        fail(shown, f"WHEEL Build {builds!r} disagrees with the file name's build tag {build!r}")


def _check_record(shown: str, rows: dict[str, RecordRow], dist_info: str, names: list[str]) -> None:
    exempt = {f"{dist_info}/RECORD"} | {f"{dist_info}/{s}" for s in _SIGNATURES}
    for name in names:
        if name.endswith("/") or name in exempt:
            continue
        row = rows.get(name)
        if row is None or not row[1]:
            fail(
                shown,
                "has no hash in RECORD" if row else "is not listed in RECORD",
                name,
                RecordMismatchError,
            )
        _decode_hash(shown, row)
    present = set(names)
    for path in rows:
        if path not in present and path not in exempt:
            fail(shown, "is listed in RECORD but not in the wheel", path, RecordMismatchError)


def verify_member(
    zf: zipfile.ZipFile,
    fp: BinaryIO,
    entry: Entry,
    row: RecordRow | None,
    shown: str,
    cap: int,
    budget: list[int] | None = None,
    keep: bool = False,
) -> bytes:
    """Stream ENTRY and check it against its RECORD row; its content with KEEP, else b""."""
    algorithm, expected = _decode_hash(shown, row) if row and row[1] else ("sha256", None)
    digest = hashlib.new(algorithm)
    kept: list[bytes] = []
    for chunk in stream_member(zf, fp, entry, shown, cap, budget):
        digest.update(chunk)
        if keep:
            kept.append(chunk)
    if expected is not None and digest.digest() != expected:
        fail(shown, f"{algorithm} does not match RECORD", entry.name, RecordMismatchError)
    if row and row[2] and row[2] != str(entry.info.file_size):
        fail(
            shown,
            f"size {entry.info.file_size} does not match RECORD's {row[2]}",
            entry.name,
            RecordMismatchError,
        )
    return b"".join(kept)


def _verify_all(
    zf: zipfile.ZipFile,
    fp: BinaryIO,
    entries: list[Entry],
    rows: dict[str, RecordRow],
    shown: str,
    limits: Limits,
) -> None:
    budget = [limits.max_total_size]
    for entry in entries:
        if not entry.name.endswith("/"):
            verify_member(
                zf, fp, entry, rows.get(entry.name), shown, limits.max_member_size, budget
            )


@dataclass(frozen=True)
class Opened:
    """A wheel held open: the file, its zip directory and its entries, for reading and copying."""

    wheel: Wheel
    fp: BinaryIO
    zf: zipfile.ZipFile
    entries: list[Entry]
    rows: dict[str, RecordRow]


def _load(fp: BinaryIO, path: Path, shown: str, verify: bool, limits: Limits) -> Opened:
    try:
        st = os.fstat(fp.fileno())
        name, version, build, tag_sets, tags = _split_filename(shown)
        zf, entries = scan_zip(fp, shown, limits.max_members, _unsafe)
        by_name = {e.name: e for e in entries}
        names = [e.name for e in entries]
        dist_info = _dist_info(shown, name, names)
        for leaf in ("WHEEL", "RECORD"):
            if f"{dist_info}/{leaf}" not in by_name:
                fail(shown, f"has no {dist_info}/{leaf}")
        wheel_data, record_data = (
            b"".join(stream_member(zf, fp, by_name[f"{dist_info}/{leaf}"], shown, _SMALL))
            for leaf in ("WHEEL", "RECORD")
        )
        headers, _ = parse_wheel_headers(shown, wheel_data)
        _wheel_tags(shown, headers, tags, build)
        rows: dict[str, RecordRow] = {}
        for _, row in parse_record(shown, record_data):
            if row is not None and rows.setdefault(row[0], row) is not row:
                fail(shown, "is listed twice in RECORD", row[0], RecordMismatchError)
        _check_record(shown, rows, dist_info, names)
        if verify:
            _verify_all(zf, fp, entries, rows, shown, limits)
    except RetagError:
        raise
    except BAD_INPUT as exc:
        fail(shown, f"cannot read ({oneline(exc)})")
    python_tags, abi_tags, platform_tags = (tuple(s.split(".")) for s in tag_sets)
    wheel = Wheel(
        path=path,
        filename=shown,
        name=name,
        version=version,
        build=build,
        python_tags=python_tags,
        abi_tags=abi_tags,
        platform_tags=platform_tags,
        tags=tags,
        dist_info=dist_info,
        wheel_file=tuple((h.key, h.value) for h in headers),
        members=tuple(names),
        record=tuple(rows.values()),
        verified=verify,
        fingerprint=(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns),
    )
    return Opened(wheel, fp, zf, entries, rows)


@contextmanager
def open_wheel(
    path: Path, verify: bool = True, *, filename: str | None = None, limits: Limits = LIMITS
) -> Iterator[Opened]:
    """`read_wheel`, keeping the file open; FILENAME stands in for a temporary file's name.

    Errors raised by the caller's `with` body pass through untouched."""
    shown = filename or path.name
    try:
        fp = open(path, "rb")  # noqa: SIM115 (closed by the `with` below, outside the `try`)
    except OSError as exc:
        fail(shown, f"cannot read ({exc.strerror or oneline(exc)})")
    with fp:
        yield _load(fp, path, shown, verify, limits)


def read_wheel(
    path: Path, verify: bool = True, *, filename: str | None = None, limits: Limits = LIMITS
) -> Wheel:
    """Read and validate the wheel at PATH; with VERIFY, every member against RECORD too."""
    with open_wheel(path, verify, filename=filename, limits=limits) as opened:
        return opened.wheel


@contextmanager
def reopen(wheel: Wheel, limits: Limits = LIMITS) -> Iterator[Opened]:
    """WHEEL's file again, refused if it was replaced or changed since it was read."""
    with open_wheel(wheel.path, False, filename=wheel.filename, limits=limits) as opened:
        if opened.wheel != wheel or opened.wheel.fingerprint != wheel.fingerprint:
            fail(wheel.filename, "changed since it was read")
        yield opened


class Verification:
    """A wheel read without `verify`, its members checked against RECORD in a thread, as
    `read_wheel` checks them: the caller copies the file meanwhile (`archive.rewrite`), since
    inflating the members leaves a core free.  `result` waits: the verified wheel, or the error
    `read_wheel` would have raised."""

    def __init__(self, wheel: Wheel, limits: Limits = LIMITS) -> None:
        self._wheel, self._limits = wheel, limits
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="retag-verify", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with reopen(self._wheel, self._limits) as o:
                try:
                    _verify_all(o.zf, o.fp, o.entries, o.rows, o.wheel.filename, self._limits)
                except RetagError:
                    raise
                except BAD_INPUT as exc:
                    fail(o.wheel.filename, f"cannot read ({oneline(exc)})")
        except BaseException as exc:  # handed to whoever waits for the result
            self._error = exc

    def result(self) -> Wheel:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return replace(self._wheel, verified=True)


def read_member(wheel: Wheel, name: str, limit: int = 512 * _MiB) -> bytes:
    """One member's content, checked against RECORD; at most LIMIT bytes."""
    with reopen(wheel) as opened:
        entry = next((e for e in opened.entries if e.name == name), None)
        if entry is None or name.endswith("/"):
            fail(wheel.filename, "is not a file in the wheel", name)
        return verify_member(
            opened.zf, opened.fp, entry, opened.rows.get(name), wheel.filename, limit, keep=True
        )


def iter_members(
    wheel: Wheel, limit: int = 512 * _MiB, limits: Limits = LIMITS
) -> Iterator[tuple[str, bytes]]:
    """Every file member's content once, in archive order, each checked against RECORD as it is
    read (so reading with `verify=False` and then iterating verifies the wheel in one pass)."""
    with reopen(wheel, limits) as opened:
        budget = [limits.max_total_size]
        for entry in opened.entries:
            if not entry.name.endswith("/"):
                data = verify_member(
                    opened.zf,
                    opened.fp,
                    entry,
                    opened.rows.get(entry.name),
                    wheel.filename,
                    limit,
                    budget,
                    keep=True,
                )
                yield entry.name, data


def tag_order_problems(wheel: Wheel) -> list[str]:
    """Unsorted or repeated tags in the file name, and repeated WHEEL Tag lines: installers
    accept them, but `wheel tags` and pip never write them, and indexes may normalise them."""
    problems = []
    for what, tags in (
        ("python", wheel.python_tags),
        ("abi", wheel.abi_tags),
        ("platform", wheel.platform_tags),
    ):
        text = ".".join(tags)
        if len(set(tags)) != len(tags):
            problems.append(f"{what} tag set {text} repeats a tag")
        elif list(tags) != sorted(tags):
            problems.append(
                f"{what} tag set {text} is not sorted (expected {'.'.join(sorted(tags))})"
            )
    lines = [v for k, v in wheel.wheel_file if k.lower() == "tag"]
    problems += [
        f"WHEEL lists Tag {t} more than once" for t in sorted(set(lines)) if lines.count(t) > 1
    ]
    return [f"{wheel.filename}: {p}" for p in problems]
