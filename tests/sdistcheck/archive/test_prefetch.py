"""Inflating the command line's sdist while the command loads: taken only when it cannot change
what is reported, and then the same tree (or the same error) as the streaming read."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path

import make_hostile_archives
import pytest

from sdistcheck._errors import SdistCheckError
from sdistcheck.archive import prefetch
from sdistcheck.archive import read as _read
from sdistcheck.archive.read import read_sdist
from sdistcheck.archive.tree import SdistTree


@pytest.fixture(autouse=True)
def _nothing_pending() -> Iterator[None]:
    prefetch._pending = None
    yield
    if prefetch._pending is not None:  # a test that started one without taking it: let it end
        with prefetch._pending.done:
            pass
        prefetch._pending = None


def _targz(path: Path, files: dict[str, bytes]) -> Path:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(f"p-1/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(buf.getvalue(), mtime=0))
    return path


def _outcome(path: Path) -> SdistTree | str:
    try:
        return read_sdist(path)
    except SdistCheckError as exc:
        return f"{type(exc).__name__}: {exc}"


def test_the_archive_named_alone_is_inflated_and_read_from_memory(tmp_path: Path) -> None:
    sdist = _targz(tmp_path / "p-1.tar.gz", {"setup.py": b"print(1)\n", "a.c": b"int x;\n"})
    prefetch.start(["--format", "json", str(sdist)])
    assert prefetch._pending is not None
    tree = read_sdist(sdist)
    assert prefetch._pending is None  # taken
    assert tree == read_sdist(sdist)  # same as streaming, without the prefetch
    assert tree.contents == {"setup.py": b"print(1)\n", "a.c": b"int x;\n"}


def test_inflated_bytes_are_the_whole_tar(tmp_path: Path) -> None:
    sdist = _targz(tmp_path / "p-1.tar.gz", {"PKG-INFO": b"Name: p\n"})
    prefetch.start([str(sdist)])
    assert prefetch.take(sdist) == gzip.decompress(sdist.read_bytes())
    assert prefetch.take(sdist) is None  # once


def test_every_hostile_archive_reads_the_same(tmp_path: Path) -> None:
    taken = 0
    for name, path in sorted(make_hostile_archives.build_all(tmp_path).items()):
        expected = _outcome(path)
        prefetch.start([str(path)])
        slot = prefetch._pending
        got = _outcome(path)
        assert got == expected, name
        if slot is not None and slot.data is not None:
            taken += 1
    assert taken >= 5  # the ordinary and the hostile-but-small .tar.gz files were taken


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-9],  # truncated trailer
        lambda data: data + b"junk",  # trailing bytes
        lambda data: data + data,  # two gzip members: GzipFile reads both
        lambda data: data[:-8] + b"\0\0\0\0" + data[-4:],  # bad CRC
    ],
    ids=["truncated", "trailing", "two-members", "crc"],
)
def test_anything_but_one_clean_member_is_streamed(tmp_path: Path, damage: object) -> None:
    sdist = _targz(tmp_path / "p-1.tar.gz", {"setup.py": b"x = 1\n"})
    sdist.write_bytes(damage(sdist.read_bytes()))  # type: ignore[operator]
    prefetch.start([str(sdist)])
    assert prefetch.take(sdist) is None
    prefetch.start([str(sdist)])
    assert _outcome(sdist) == _outcome(sdist)


def test_past_the_ratio_grace_it_is_streamed(tmp_path: Path) -> None:
    assert prefetch.MAX_INFLATED <= _read._RATIO_GRACE  # below it no limit sees the read order
    sdist = _targz(tmp_path / "p-1.tar.gz", {"big.bin": bytes(prefetch.MAX_INFLATED)})
    prefetch.start([str(sdist)])
    assert prefetch.take(sdist) is None


def test_a_folder_with_one_sdist_is_prefetched(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    sdist = _targz(dist / "p-1.tar.gz", {"setup.py": b"x = 1\n"})
    (dist / "p-1-py3-none-any.whl").write_bytes(b"PK")  # wheels are retag's
    prefetch.start([str(dist)])
    assert prefetch.take(sdist) == gzip.decompress(sdist.read_bytes())
    _targz(dist / "q-1.tar.gz", {"x": b""})  # two sdists: two checks, none prefetched
    prefetch.start([str(dist)])
    assert prefetch._pending is None


def _started(sdist: Path) -> prefetch._Prefetch:
    prefetch.start([str(sdist)])
    slot = prefetch._pending
    assert slot is not None
    return slot


def test_discarding_waits_for_the_thread(tmp_path: Path) -> None:
    sdist = _targz(tmp_path / "p-1.tar.gz", {"setup.py": b"x = 1\n"})
    slot = _started(sdist)
    prefetch.discard()
    assert prefetch._pending is None and not slot.done.locked()  # the thread has ended
    assert prefetch.take(sdist) is None
    prefetch.discard()  # nothing pending: nothing to do


def test_not_started_for_several_files_or_none(tmp_path: Path) -> None:
    a = _targz(tmp_path / "a-1.tar.gz", {"x": b""})
    b = _targz(tmp_path / "b-1.tar.gz", {"x": b""})
    prefetch.start([str(a), str(b)])
    assert prefetch._pending is None
    prefetch.start(["uv==0.5.2", str(tmp_path), "-"])
    assert prefetch._pending is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "p-1.tar.gz"
    os.mkfifo(fifo)
    prefetch.start([str(fifo)])  # opening it would block until a writer came
    assert prefetch._pending is None


def test_a_file_changed_since_is_read_again(tmp_path: Path) -> None:
    sdist = _targz(tmp_path / "p-1.tar.gz", {"setup.py": b"a\n"})
    slot = _started(sdist)
    with slot.done:  # the old bytes are inflated ...
        pass
    _targz(sdist, {"setup.py": b"longer now\n"})  # ... then the file is rewritten
    os.utime(sdist, ns=(1, 1))
    assert prefetch.take(sdist) is None
    assert read_sdist(sdist).contents["setup.py"] == b"longer now\n"


def test_a_forked_worker_does_not_wait_for_a_thread_it_lacks(tmp_path: Path) -> None:
    sdist = _targz(tmp_path / "p-1.tar.gz", {"setup.py": b"a\n"})
    slot = _started(sdist)
    slot.pid = -1  # as a forked process sees it
    assert prefetch.take(sdist) is None
    slot.pid = os.getpid()
