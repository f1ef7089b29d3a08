"""The zip layer's inflating: zlib-ng or zlib, inline or in a worker thread, same bytes and the
same one-line errors; a worker never outlives its stream."""

from __future__ import annotations

import random
import threading
import zipfile
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from make_test_wheels import build_hostile, make_wheel

from retag._errors import RetagError, WheelFormatError
from retag.archive import zip as _zip
from retag.archive.wheelfile import LIMITS, Limits, iter_members, read_wheel

BIG = "demo/big.bin"


def _text(size: int) -> bytes:
    """Compressible but not trivial: a deflate stream of many blocks, with back-references."""
    rng = random.Random(14)
    words = [bytes(rng.choices(b"abcdefghij \n", k=rng.randint(1, 12))) for _ in range(5000)]
    return b"".join(rng.choices(words, k=size // 6))[:size]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_wheel(tmp_path_factory.mktemp("big"), files={BIG: _text(6 * 1024**2)})


@pytest.fixture(params=["zlib-ng", "zlib"])
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "zlib":
        monkeypatch.setattr(_zip, "inflater", zlib)
    else:
        assert _zip.inflater.__name__ == "zlib_ng.zlib_ng"  # installed with releasenet here
    return str(request.param)


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "retag-inflate"]


def _threaded(monkeypatch: pytest.MonkeyPatch, always: bool) -> list[int]:
    """Thread every deflated member (ALWAYS) or none; the list counts the workers started."""
    started: list[int] = []
    ahead = _zip._ahead

    def counted(chunks: Generator[bytes, None, None]) -> Generator[bytes, None, None]:
        started.append(1)
        return ahead(chunks)

    monkeypatch.setattr(_zip, "_ahead", counted)
    monkeypatch.setattr(_zip, "THREAD_ABOVE", -1 if always else 1 << 62)
    return started


@pytest.mark.parametrize("always", [True, False], ids=["thread", "inline"])
def test_members_inflate_to_zipfiles_bytes(
    big: Path, inflater: str, always: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _threaded(monkeypatch, always)
    wheel = read_wheel(big)  # every hash checked against RECORD
    members = dict(iter_members(wheel))
    with zipfile.ZipFile(big) as zf:
        assert members == {name: zf.read(name) for name in zf.namelist()}
        assert zf.getinfo(BIG).compress_size > 1024**2  # many compressed and output chunks
    assert bool(started) is always
    assert _workers() == []


def test_a_large_member_is_threaded_by_default(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    ahead = _zip._ahead
    monkeypatch.setattr(_zip, "_ahead", lambda chunks: started.append(1) or ahead(chunks))
    read_wheel(big)
    assert started == [1]  # the 6 MB member only: small ones are not worth a thread


def _flip(path: Path, member: str, where: float) -> None:
    """PATH with 64 bytes of MEMBER's deflate stream, from WHERE (0 the start, 1 the end), set."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data = bytearray(path.read_bytes())
    at = info.header_offset + 30 + len(info.filename) + int(info.compress_size * where)
    data[at : at + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (0, "corrupt data (Error -3 while decompressing data: invalid block type)"),
        (0.5, "expands past its declared 6,291,456 bytes"),  # garbage that still inflates
    ],
)
def test_a_corrupt_stream_is_the_same_line_whichever_inflater(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: float, reason: str
) -> None:
    broken = tmp_path / big.name
    broken.write_bytes(big.read_bytes())
    _flip(broken, BIG, where)
    messages = set()
    for module in (zlib, _zip.inflater):
        for always in (True, False):
            monkeypatch.setattr(_zip, "inflater", module)
            _threaded(monkeypatch, always)
            with pytest.raises(WheelFormatError) as info:
                read_wheel(broken)
            messages.add(str(info.value))
            assert _workers() == []
    assert messages == {f"{big.name}: member '{BIG}': {reason}"}  # zlib-ng's as zlib's


@pytest.mark.parametrize("case", ["corrupt_data", "lying_size", "bad_hash", "bad_size", "bomb"])
def test_hostile_members_say_the_same_in_a_thread(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build_hostile(tmp_path)[case]
    # The bomb within a 1 MiB budget: refused mid-stream, with the worker still inflating.
    limits = Limits(max_total_size=1024**2) if case == "bomb" else LIMITS
    messages = []
    for always in (False, True):
        _threaded(monkeypatch, always)
        try:
            read_wheel(path, limits=limits)
            messages.append("")
        except RetagError as exc:
            messages.append(str(exc))
    assert messages[0] == messages[1]
    assert all(messages)
    assert _workers() == []


def _endless() -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


def test_a_caller_that_stops_early_stops_the_worker() -> None:
    closed: list[bool] = []

    def source() -> Generator[bytes, None, None]:
        try:
            for n in _endless():
                yield n.to_bytes(8, "little")
        finally:
            closed.append(True)

    ahead = _zip._ahead(source())
    assert next(ahead) == (1).to_bytes(8, "little")
    assert len(_workers()) == 1  # running ahead, now blocked on the full queue
    ahead.close()
    assert _workers() == [] and closed == [True]


def test_the_workers_error_is_raised_to_the_caller() -> None:
    def source() -> Generator[bytes, None, None]:
        yield b"first"
        raise EOFError("deflate stream is truncated")

    ahead = _zip._ahead(source())
    assert next(ahead) == b"first"
    with pytest.raises(EOFError, match="truncated"):
        next(ahead)
    assert _workers() == []
