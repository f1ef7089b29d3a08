"""Inflating the one sdist named on the command line while the command's code loads.

A run on one `.tar.gz` spends its first ~50 ms importing, on one core, while inflating the
archive (zlib works without the GIL) takes ~25 ms that another core can do at the same time, as
`tar tzf` runs gzip beside tar.  `start` begins that in a thread before the imports; `read_sdist`
asks `take` for the result.

Only the plain case is taken: a regular file that is one complete gzip member, CRC and length
verified, inflating to at most `MAX_INFLATED` bytes (not past the point where the ratio limit is
first consulted).  Anything else (truncated, corrupt, trailing bytes, several members, larger) is
dropped and the archive is streamed as if there had been no prefetch, so what is reported is the
same byte for byte.  This module imports only what the interpreter has already loaded.
"""

from __future__ import annotations

import _thread
import os
import stat
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

MAX_INFLATED = 32 * 1024**2  # read.py's ratio grace: below it no limit depends on the read order
_MAX_COMPRESSED = MAX_INFLATED
# While the thread runs, the importing thread hands over the GIL this often when asked (the
# default 5 ms would hold each of the inflater's output blocks back that long).
_SWITCH_INTERVAL = 0.0005

_Key = tuple[int, int, int, int, int]


def _key(st: os.stat_result) -> _Key:
    # ctime too: a rewrite in place that keeps size and mtime (`cp -p`) still changes it
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class _Prefetch:
    """One inflation in flight: the file it is for, and its result once `done` is released."""

    def __init__(self, path: str, key: _Key) -> None:
        self.path, self.key, self.pid = path, key, os.getpid()
        self.done = _thread.allocate_lock()
        self.done.acquire()
        self.data: bytes | None = None
        self.interval = sys.getswitchinterval()

    def run(self) -> None:
        try:
            self.data = _inflated(self.path, self.key)
        except Exception:  # any failure means: stream the archive as usual
            self.data = None
        finally:  # the faster hand-over was for this thread: back to what it was
            sys.setswitchinterval(self.interval)
            self.done.release()


_pending: _Prefetch | None = None


def _read_all(path: str, key: _Key) -> bytes | None:
    # O_NONBLOCK: should the path have become a FIFO since it was looked at, opening must not hang
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or _key(st) != key:
            return None
        chunks, left = [], st.st_size
        while left > 0 and (chunk := os.read(fd, left)):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks) if left == 0 else None
    finally:
        os.close(fd)


def _inflated(path: str, key: _Key) -> bytes | None:
    data = _read_all(path, key)
    if data is None or not data.startswith(b"\x1f\x8b"):
        return None
    try:
        from zlib_ng import zlib_ng as inflater
    except ImportError:  # pragma: no cover (the test environment has zlib-ng)
        import zlib as inflater  # type: ignore[no-redef]
    d = inflater.decompressobj(31)  # gzip wrapper: the trailer's CRC and length are verified
    out = d.decompress(data, MAX_INFLATED + 1)
    if not d.eof or d.unused_data or d.unconsumed_tail or len(out) > MAX_INFLATED:
        return None
    return out


def start(argv: Sequence[str]) -> None:
    """Begin inflating the archive when ARGV names exactly one: one regular file, or a folder
    (`dist/`) holding one sdist (the options' values that are files count too, so a run that
    names more does not prefetch at all)."""
    global _pending
    found: list[tuple[str, _Key]] = []
    for arg in argv:
        if not arg.startswith("-"):
            found += _named(arg)
    if len(found) != 1:
        return
    path, key = found[0]
    if not 0 < key[2] <= _MAX_COMPRESSED:  # its size
        return
    _pending = _Prefetch(path, key)
    sys.setswitchinterval(_SWITCH_INTERVAL)
    try:
        _thread.start_new_thread(_pending.run, ())
    except RuntimeError:  # pragma: no cover (no thread to be had: nothing lost)
        sys.setswitchinterval(_pending.interval)
        _pending = None


def _named(arg: str) -> list[tuple[str, _Key]]:
    """The regular files ARG names: itself, or a folder's sdists (as `find_inputs` takes them)."""
    try:
        st = os.stat(arg)
        if stat.S_ISREG(st.st_mode):
            return [(arg, _key(st))]
        if not stat.S_ISDIR(st.st_mode):
            return []
        from ..pipeline import SDIST_SUFFIXES  # only for a folder: it costs some imports

        names = [e for e in os.scandir(arg) if e.name.lower().endswith(SDIST_SUFFIXES)]
        return [(e.path, _key(e.stat())) for e in names if e.is_file()]
    except (OSError, ValueError):
        return []


def discard() -> None:
    """Let a prefetch end unused: before the command forks workers for several artifacts (a
    fork beside a running thread is unsafe)."""
    global _pending
    slot, _pending = _pending, None
    if slot is not None and slot.pid == os.getpid():
        with slot.done:
            pass
        for _ in range(200):  # until it has ended, not only finished its work (0.1 s at most)
            if not _thread._count():
                break
            time.sleep(0.0005)


def take(path: Path) -> bytes | None:
    """The inflated tar of PATH if it was prefetched and is still the same file, else None."""
    global _pending
    slot = _pending
    if slot is None or slot.pid != os.getpid():  # a forked worker has no thread to wait for
        return None
    try:
        same = _key(os.stat(path)) == slot.key
    except (OSError, ValueError):
        same = False
    _pending = None  # the one archive it was for is read now, from the file if not the same
    if not same:
        return None
    with slot.done:  # waits for the thread
        return slot.data
