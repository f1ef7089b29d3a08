"""The archive rules PyPI applies at upload, each broken in a copy of a real wheel (MarkupSafe
3.0.2, contents and RECORD unchanged), and real wheels clean."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fabricate import fabricate, rezip
from real_wheels import MARKUPSAFE_CP312, NUMPY_MUSL, UV_DUAL_AARCH64, UV_MUSL_X86_64

from retag._jobs import check
from retag.audit import zip_hygiene

Fetch = Callable[[str, str], Path]
pytestmark = pytest.mark.network
NATIVE = "markupsafe/_native.py"
SPEEDUPS = "markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so"


@pytest.fixture
def src(pypi: Fetch) -> Path:
    return pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)


def only(result: Any, rule: str) -> dict[str, Any]:
    """The one finding of RULE, and no other finding."""
    findings = result.extra["findings"]
    assert [f["rule"] for f in findings] == [rule], result.reasons
    finding: dict[str, Any] = findings[0]
    return finding


def test_real_wheels_are_clean(pypi: Fetch, src: Path) -> None:
    for wheel in (MARKUPSAFE_CP312, UV_MUSL_X86_64, UV_DUAL_AARCH64, NUMPY_MUSL):
        assert zip_hygiene.audit(pypi(wheel.filename, wheel.sha256)) == [], wheel.filename
    copy = check(src)
    assert copy.status == "clean", copy.reasons


def test_bzip2_member(src: Path, tmp_path: Path) -> None:
    bzip = fabricate(src, tmp_path, compress={NATIVE: zipfile.ZIP_BZIP2})
    result = check(bzip)  # readable: every other claim audited too
    finding = only(result, zip_hygiene.METHOD)
    assert finding["member"] == NATIVE and "method 12" in finding["problem"]
    assert result.exit_code == 1


def test_a_method_nobody_inflates_is_still_a_finding(src: Path, tmp_path: Path) -> None:
    """zstd (93): the reader cannot inflate it, so the wheel is unreadable (exit 2), but the
    finding names PyPI's rule."""
    stored = fabricate(src, tmp_path, compress={NATIVE: zipfile.ZIP_STORED})
    data = bytearray(stored.read_bytes())
    with zipfile.ZipFile(stored) as zf:
        info = zf.getinfo(NATIVE)
    struct.pack_into("<H", data, info.header_offset + 8, 93)  # the local header's method
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(NATIVE.encode()))
    struct.pack_into("<H", data, central + 10, 93)  # and the central directory's
    stored.write_bytes(bytes(data))
    result = check(stored)
    assert result.exit_code == 2 and result.status == "error"
    assert only(result, zip_hygiene.METHOD)["member"] == NATIVE
    assert "unsupported compression method 93" in result.reasons[0]


def test_duplicate_member(src: Path, tmp_path: Path) -> None:
    twice = rezip(src, tmp_path / src.name, duplicate=NATIVE)
    result = check(twice)
    finding = only(result, zip_hygiene.DUPLICATE)
    assert finding["member"] == NATIVE and "appears 2 times" in finding["problem"]
    assert result.exit_code == 2 and "appears twice" in result.reasons[0]  # unsafe to read


def test_trailing_data(src: Path, tmp_path: Path) -> None:
    trailing = tmp_path / src.name
    trailing.write_bytes(src.read_bytes() + b"signature: 0123456789")
    finding = only(check(trailing), zip_hygiene.FRAMING)
    assert "21 byte(s) after the end of central directory record" in finding["problem"]
    commented = tmp_path / "c" / src.name  # an archive comment is part of the end record
    commented.parent.mkdir()
    with zipfile.ZipFile(src) as zf:
        comment_len = len(zf.comment)
    data = src.read_bytes()
    end = len(data) - 22 - comment_len
    commented.write_bytes(data[: end + 20] + struct.pack("<H", 5) + b"hello")
    assert zip_hygiene.audit(commented) == []


def test_data_before_and_between_members(src: Path, tmp_path: Path) -> None:
    prefixed = tmp_path / "a" / src.name
    prefixed.parent.mkdir()
    prefixed.write_bytes(b"#!/bin/sh\nexit 0\n" + src.read_bytes())  # a self-extractor's trick
    finding = only(check(prefixed), zip_hygiene.FRAMING)
    assert "17 byte(s) before the first member" in finding["problem"]
    hidden = rezip(src, tmp_path / "b" / src.name, junk={SPEEDUPS: b"PK\x03\x04hidden"})
    finding = only(check(hidden), zip_hygiene.FRAMING)
    assert "10 byte(s) between" in finding["problem"] and SPEEDUPS in finding["problem"]


def test_data_descriptors_and_comments(src: Path, tmp_path: Path) -> None:
    streamed = rezip(src, tmp_path / "a" / src.name, streamed=True)
    with zipfile.ZipFile(src) as zf:
        first, count = zf.infolist()[0].filename, len(zf.infolist())
    finding = only(check(streamed), zip_hygiene.FRAMING)  # one finding for the whole zip
    assert finding["member"] == first and "data descriptor" in finding["problem"]
    assert f"(and {count - 1} more like it)" in finding["problem"]
    commented = rezip(src, tmp_path / "b" / src.name, comments={NATIVE: b"hi"})
    finding = only(check(commented), zip_hygiene.FRAMING)
    assert finding["member"] == NATIVE and "comment" in finding["problem"]


def test_zip_bomb(src: Path, tmp_path: Path) -> None:
    """warehouse's guard: past 64 MiB unpacked, at most 50:1 to the file's size."""
    bomb = fabricate(src, tmp_path / "b", add={"markupsafe/zeros.bin": bytes(70 * 1024**2)})
    finding = only(check(bomb), zip_hygiene.RATIO)
    assert "a compression ratio over 50:1" in finding["problem"]
    small = fabricate(src, tmp_path / "s", add={"markupsafe/zeros.bin": bytes(60 * 1024**2)})
    assert check(small).status == "clean"  # over 50:1, but under 64 MiB: PyPI takes it


def test_not_a_zip_gives_no_finding(tmp_path: Path) -> None:
    junk = tmp_path / "x-1.0-py3-none-any.whl"
    junk.write_bytes(b"not a zip")
    assert zip_hygiene.audit(junk) == []
