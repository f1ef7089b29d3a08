"""Give a wheel new tags: fast, exact and atomic.

Only WHEEL (its Tag and Build lines) and RECORD (the WHEEL line) change.  Every other member is
copied as its raw compressed bytes, with the same method, CRC, sizes, date_time, attributes and
extra fields, so a 30 MiB binary costs a copy, not an inflate and a deflate (`wheel tags`
recompresses everything: ten times slower on uv).  The zip is written here with `struct`, local
headers and central directory both, because `zipfile` has no public way to add raw members.

The output goes to `.<final name>.retag-tmp-<pid>-<random>` in the output directory, is fsynced,
re-read and checked, and only then renamed over the final name.  Any error, or Ctrl-C, deletes
the temporary file; a SIGKILL can leave one behind, which the next rewrite to the same name
deletes once its process is gone.  The input is only ever read.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import itertools
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from packaging.tags import parse_tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from .._errors import OutputError, RetagError, fail, oneline
from .wheelfile import (
    Opened,
    Verification,
    Wheel,
    open_wheel,
    parse_record,
    parse_wheel_headers,
    reopen,
    verify_member,
)
from .zip import Entry, raw_chunks, stream_member
from .zipwrite import DateTime, ZipWriter, fresh_member, member_time

_TAG = re.compile(r"[A-Za-z0-9_]+")  # what PEP 425 tags are made of (no '.', '-' or space)
TEMP_MARK = ".retag-tmp-"
_SMALL = 16 * 1024**2  # cap on the new WHEEL and RECORD when checking them


def compose_filename(
    name: str,
    version: str,
    build: str | None,
    python_tags: Sequence[str],
    abi_tags: Sequence[str],
    platform_tags: Sequence[str],
) -> str:
    """The wheel file name, each tag set sorted and deduplicated as `wheel tags` writes it."""
    sets = [sorted(set(tags)) for tags in (python_tags, abi_tags, platform_tags)]
    for tags in sets:
        bad = [t for t in tags if not _TAG.fullmatch(t)]
        if not tags or bad:
            what = f"bad tag {bad[0]!r}" if bad else "an empty tag set"
            raise OutputError(f"{name}-{version}: cannot name the output wheel: {what}")
    filename = "-".join([name, version, *([build] if build else []), *map(".".join, sets)])
    try:
        parse_wheel_filename(filename + ".whl")
    except InvalidWheelFilename as exc:
        raise OutputError(f"{filename}.whl: not a valid wheel file name ({oneline(exc)})") from None
    return filename + ".whl"


def _new_wheel_file(shown: str, data: bytes, tags: list[str], build: str | None) -> bytes:
    """WHEEL with the Tag lines replaced, where the first one was, and Build set or dropped;
    every other header byte-identical and in place.  The headers end with a blank line, as
    `wheel tags` (email's generator) writes them, so that for the usual WHEEL (Tag lines last)
    the result is byte-identical to that of `wheel tags`."""
    headers, body = parse_wheel_headers(shown, data)
    eol = "\r\n" if headers[0].raw.endswith("\r\n") else "\n"
    key = next(h.key for h in headers if h.key.lower() == "tag")
    had_build = any(h.key.lower() == "build" for h in headers)
    out: list[str] = []
    placed = False
    for header in headers:
        kind = header.key.lower()
        if kind == "tag" and not placed:
            out += [f"{key}: {tag}{eol}" for tag in tags]
            out += [f"Build: {build}{eol}"] if build and not had_build else []
            placed = True
        elif kind == "build":
            out += [f"{header.key}: {build}{eol}"] if build else []
        elif kind != "tag":
            out.append(header.raw)
    return "".join([*out, body or eol]).encode("utf-8")


def _new_record(shown: str, data: bytes, replaced: dict[str, bytes]) -> bytes:
    """RECORD with the lines of replaced members (other than RECORD) rehashed, the rest as is."""
    out: list[bytes] = []
    for raw, row in parse_record(shown, data):
        if row is None or row[0] not in replaced or not row[1]:
            out.append(raw)
            continue
        path, content = row[0], replaced[row[0]]
        algorithm = row[1].partition("=")[0]  # the wheel's own, checked when it was read
        digest = base64.urlsafe_b64encode(hashlib.new(algorithm, content).digest()).rstrip(b"=")
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(
            [path, f"{algorithm}={digest.decode()}", len(content)]
        )
        eol = raw[len(raw.rstrip(b"\r\n")) :]
        out.append(text.getvalue().rstrip("\n").encode("utf-8") + eol)
    return b"".join(out)


def _copy_source(src: Opened, entry: Entry) -> Iterator[bytes]:
    """The raw bytes of ENTRY; a read error is the input's fault, not the output's."""
    try:
        yield from raw_chunks(src.fp, entry)
    except (OSError, EOFError) as exc:
        fail(src.wheel.filename, f"cannot read ({oneline(exc)})", entry.name)


def _write(out: BinaryIO, src: Opened, replaced: dict[str, bytes], when: DateTime) -> None:
    writer = ZipWriter(out)
    for entry in src.entries:
        if entry.name in replaced:
            info, raw = fresh_member(entry.info, replaced[entry.name], when)
            writer.add(info, b"", [raw])
        else:
            writer.add(entry.info, entry.local_extra, _copy_source(src, entry))
    writer.close(src.zf.comment)


def _check(
    tmp: Path,
    filename: str,
    wheel: Wheel,
    src: Opened,
    replaced: dict[str, bytes],
    tags: list[str],
    build: str | None,
    trusted: bool,
) -> None:
    """Re-read the temporary output as a wheel: valid, tagged as named, and every member either
    the intended new content or byte-identical compressed data (and headers) to the input's, so
    the input's verified hashes carry over; if the input is not TRUSTED, verify all."""
    with open_wheel(tmp, not trusted, filename=filename) as out:
        new = out.wheel
        expected = frozenset(t for tag in tags for t in parse_tag(tag))
        if new.tags != expected or new.build != build or new.members != wheel.members:
            fail(filename, "tags, build tag or member list are not the intended ones")
        unchanged = [row for row in new.record if row[0] not in replaced]
        if unchanged != [row for row in wheel.record if row[0] not in replaced]:
            fail(filename, "RECORD lines of unchanged members differ from the input's")
        for made, was in zip(out.entries, src.entries, strict=True):
            if made.name in replaced:
                content = verify_member(
                    out.zf, out.fp, made, out.rows.get(made.name), filename, _SMALL, keep=True
                )
                if content != replaced[made.name]:
                    fail(filename, "content is not the intended one", made.name)
                continue
            fields = (
                "compress_type",
                "CRC",
                "compress_size",
                "file_size",
                "date_time",
                "external_attr",
                "internal_attr",
                "create_system",
            )
            pairs = zip(raw_chunks(out.fp, made), raw_chunks(src.fp, was), strict=True)
            same = all(getattr(made.info, f) == getattr(was.info, f) for f in fields) and all(
                a == b for a, b in pairs
            )
            if not same:
                fail(filename, "is not an exact copy of the input's", made.name)


def _synced_while(out: BinaryIO, check: Callable[[], None]) -> None:
    """Run CHECK while OUT is fsynced in a thread (the disk flushes as the output is re-read from
    the page cache); an fsync error is raised after CHECK, which is raised first."""
    errors: list[OSError] = []

    def sync() -> None:
        try:
            os.fsync(out.fileno())
        except OSError as exc:
            errors.append(exc)

    syncing = threading.Thread(target=sync, name="retag-fsync", daemon=True)
    syncing.start()
    try:
        check()
    finally:
        syncing.join()
    if errors:
        raise errors[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but not ours (EPERM)
    return True


def _clean_stale(out_dir: Path, filename: str) -> None:
    """Delete temporary files a killed rewrite to the same name left, once their process is gone
    (POSIX only: elsewhere `os.kill(pid, 0)` is not a harmless question)."""
    prefix = f".{filename}{TEMP_MARK}"
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        for name in os.listdir(out_dir):
            pid = name[len(prefix) :].partition("-")[0]
            if name.startswith(prefix) and pid.isdigit() and int(pid) > 0 and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(out_dir / name)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):  # some file systems refuse: the rename is atomic anyway
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def canonical(wheel: Wheel) -> bool:
    """Whether WHEEL is named and tagged as `rewrite` writes it: each tag set of the name sorted
    and without repeats, and WHEEL with one Tag line per tag, none repeated (their order aside).
    `retag tags --fix` rewrites a wheel that is not."""
    sets = (wheel.python_tags, wheel.abi_tags, wheel.platform_tags)
    lines = [value for key, value in wheel.wheel_file if key.lower() == "tag"]
    return (
        all(list(tags) == sorted(set(tags)) for tags in sets)
        and all("." not in line for line in lines)
        and len(set(lines)) == len(lines)
    )


def rewrite(
    wheel: Wheel,
    *,
    python_tags: Sequence[str],
    abi_tags: Sequence[str],
    platform_tags: Sequence[str],
    build: str | None,
    out_dir: Path,
    in_place: bool = False,
    verification: Verification | None = None,
) -> Path:
    """Write WHEEL with exactly these tags (and BUILD, None for none) into OUT_DIR, created if
    need be; the new file's path.  If that is the input itself (same directory, same tags),
    nothing is written, unless IN_PLACE: then the input is replaced, atomically, by its
    rewrite (a compressed Tag line expanded, as `retag tags --fix` wants).

    VERIFICATION, WHEEL's members being checked against RECORD in a thread, is awaited before
    the output takes its name; its error comes first, as if WHEEL had been verified when read."""
    try:
        return _rewrite(
            wheel, python_tags, abi_tags, platform_tags, build, out_dir, in_place, verification
        )
    except Exception:
        if verification is not None:
            verification.result()
        raise


def _rewrite(
    wheel: Wheel,
    python_tags: Sequence[str],
    abi_tags: Sequence[str],
    platform_tags: Sequence[str],
    build: str | None,
    out_dir: Path,
    in_place: bool,
    verification: Verification | None,
) -> Path:
    build = build or None
    filename = compose_filename(
        wheel.name, wheel.version, build, python_tags, abi_tags, platform_tags
    )
    target = out_dir / filename
    if _same_file(target, wheel.path) and not in_place:
        if verification is not None:
            verification.result()
        return wheel.path
    sets = [sorted(set(tags)) for tags in (python_tags, abi_tags, platform_tags)]
    tags = ["-".join(parts) for parts in itertools.product(*sets)]  # the order `wheel tags` uses
    # An input verified (or being verified) is not verified again through the output.
    trusted = wheel.verified or verification is not None
    _clean_stale(out_dir, filename)
    tmp = out_dir / f".{filename}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with reopen(wheel) as src:
            _write_checked(tmp, filename, wheel, src, tags, build, trusted)
        if verification is not None:
            verification.result()
        # The input is closed by now: a rewrite in place replaces it on Windows too.
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(
                f"{filename}: cannot write to {out_dir}: {exc.strerror or oneline(exc)}"
            ) from None
        raise
    _fsync_dir(out_dir)
    return target


def _write_checked(
    tmp: Path,
    filename: str,
    wheel: Wheel,
    src: Opened,
    tags: list[str],
    build: str | None,
    trusted: bool,
) -> None:
    """The new wheel, written to TMP (created here) and checked."""
    by_name = {entry.name: entry for entry in src.entries}
    old = [
        b"".join(stream_member(src.zf, src.fp, by_name[path], wheel.filename, _SMALL))
        for path in (wheel.wheel_path, wheel.record_path)
    ]
    new_wheel = _new_wheel_file(wheel.filename, old[0], tags, build)
    replaced = {
        wheel.wheel_path: new_wheel,
        wheel.record_path: _new_record(wheel.filename, old[1], {wheel.wheel_path: new_wheel}),
    }
    when = member_time(filename, by_name[wheel.wheel_path].info.date_time)
    tmp.parent.mkdir(parents=True, exist_ok=True)  # as `auditwheel repair -w` does
    fd = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
    )  # 0o666: the umask decides, as for any new file
    with open(fd, "wb") as out:
        _write(out, src, replaced, when)
        out.flush()
        try:  # the fsync runs while the output is read back and compared
            _synced_while(
                out, lambda: _check(tmp, filename, wheel, src, replaced, tags, build, trusted)
            )
        except RetagError as exc:
            reason = str(exc).removeprefix(f"{filename}: ")
            raise OutputError(f"{filename}: the output failed its check: {reason}") from None
