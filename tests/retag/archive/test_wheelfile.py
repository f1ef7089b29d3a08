"""The wheel reader against good, hostile and broken wheels: one-line errors naming the file."""

from __future__ import annotations

import email.parser
import email.policy
import zipfile
from pathlib import Path

import pytest
from make_test_wheels import GOOD_FILES, build_hostile, make_wheel
from packaging.tags import Tag

from retag._errors import RecordMismatchError, RetagError, WheelFormatError
from retag.archive.wheelfile import (
    LIMITS,
    Limits,
    Verification,
    iter_members,
    read_member,
    read_wheel,
    tag_order_problems,
)

# case -> (exact exception class, the member the message must name, or None)
EXPECTED: dict[str, tuple[type[RetagError], str | None]] = {
    "bad_hash": (RecordMismatchError, "demo/_core.py"),
    "bad_size": (RecordMismatchError, "demo/_core.py"),
    "missing_wheel": (WheelFormatError, None),
    "missing_record": (WheelFormatError, None),
    "bad_filename": (WheelFormatError, None),
    "tag_mismatch": (WheelFormatError, None),
    "build_mismatch": (WheelFormatError, None),
    "no_wheel_version": (WheelFormatError, None),
    "dotdot": (WheelFormatError, "demo/../../evil.py"),
    "absolute": (WheelFormatError, "/etc/evil"),
    "backslash": (WheelFormatError, "demo\\evil.py"),
    "drive": (WheelFormatError, "C:/evil.py"),
    "duplicate": (WheelFormatError, "demo/__init__.py"),
    "truncated": (WheelFormatError, None),
    "not_zip": (WheelFormatError, None),
    "empty": (WheelFormatError, None),
    "not_in_record": (RecordMismatchError, "demo/extra.py"),
    "record_extra": (RecordMismatchError, "demo/gone.py"),
    "symlink": (WheelFormatError, "demo/link"),
    "corrupt_data": (WheelFormatError, "demo/data.bin"),
    "lying_size": (WheelFormatError, "demo/_core.py"),
    "encrypted": (WheelFormatError, "demo/_core.py"),
    "bad_data_key": (WheelFormatError, "demo-1.0.data/evil/x"),
    "two_dist_info": (WheelFormatError, None),
    "weak_hash": (WheelFormatError, "demo/_core.py"),
}
SMALL = Limits(max_member_size=1024**2, max_total_size=2 * 1024**2)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_hostile(tmp_path_factory.mktemp("hostile"))


def _raises(
    path: Path, error: type[RetagError], limits: Limits = LIMITS, verify: bool = True
) -> str:
    with pytest.raises(RetagError) as info:
        read_wheel(path, verify, limits=limits)
    assert type(info.value) is error, info.value
    message = str(info.value)
    assert message.startswith(f"{path.name}: "), message
    assert "\n" not in message and "Traceback" not in message
    return message


def test_every_hostile_wheel_has_an_expectation(hostile: dict[str, Path]) -> None:
    assert set(hostile) - {"bomb"} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_hostile_wheel(hostile: dict[str, Path], case: str) -> None:
    error, member = EXPECTED[case]
    message = _raises(hostile[case], error)
    if member is not None:
        assert repr(member) in message


def test_messages_say_why(hostile: dict[str, Path]) -> None:
    assert "sha256 does not match RECORD" in _raises(hostile["bad_hash"], RecordMismatchError)
    assert "symbolic link" in _raises(hostile["symlink"], WheelFormatError)
    assert "'..'" in _raises(hostile["dotdot"], WheelFormatError)
    assert "not listed in RECORD" in _raises(hostile["not_in_record"], RecordMismatchError)
    assert "no demo-1.0.dist-info/WHEEL" in _raises(hostile["missing_wheel"], WheelFormatError)
    mismatch = _raises(hostile["tag_mismatch"], WheelFormatError)
    assert "py3-none-linux_x86_64" in mismatch and "py3-none-any" in mismatch  # both sets named


def test_structure_is_checked_even_without_verify(hostile: dict[str, Path]) -> None:
    for case in ("dotdot", "symlink", "duplicate", "tag_mismatch", "not_in_record", "truncated"):
        _raises(hostile[case], EXPECTED[case][0], verify=False)
    # Content is not: a bad hash passes (iter_members and rewrite check it later).
    assert read_wheel(hostile["bad_hash"], verify=False).verified is False


def test_limits_stop_a_bomb_before_it_expands(hostile: dict[str, Path]) -> None:
    assert "byte limit" in _raises(hostile["bomb"], WheelFormatError, SMALL)
    read_wheel(hostile["bomb"])  # 64 MiB of zeros: within the default limits
    total = Limits(max_member_size=1024**2, max_total_size=10_000)
    assert "total size limit" in _raises(
        make_wheel(hostile["bomb"].parent.parent / "t"), WheelFormatError, total
    )


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    message = _raises(tmp_path / "demo-1.0-py3-none-any.whl", WheelFormatError)
    assert "No such file" in message


def test_good_wheel(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, tags=["py3-none-musllinux_1_1_x86_64"], build="1")
    wheel = read_wheel(path)
    assert (wheel.name, wheel.version, wheel.build) == ("demo", "1.0", "1")
    assert wheel.filename == path.name == "demo-1.0-1-py3-none-musllinux_1_1_x86_64.whl"
    assert wheel.tags == {Tag("py3", "none", "musllinux_1_1_x86_64")}
    assert wheel.platform_tags == ("musllinux_1_1_x86_64",)
    assert wheel.dist_info == "demo-1.0.dist-info"
    assert wheel.members == (
        *GOOD_FILES,
        "demo-1.0.dist-info/METADATA",
        "demo-1.0.dist-info/WHEEL",
        "demo-1.0.dist-info/RECORD",
    )
    assert wheel.verified and tag_order_problems(wheel) == []
    # The WHEEL headers, as email.parser reads them (the way wheel and pip do).
    raw = zipfile.ZipFile(path).read("demo-1.0.dist-info/WHEEL")
    parsed = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    assert list(wheel.wheel_file) == list(parsed.items())


def test_escaped_name_and_compressed_tags(tmp_path: Path) -> None:
    path = make_wheel(
        tmp_path,
        name="my_pkg",
        version="2.0.post1",
        files={"my_pkg/x.py": b""},
        tags=["cp311.cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64"],
    )
    wheel = read_wheel(path)
    assert wheel.filename == (
        "my_pkg-2.0.post1-cp311.cp312-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    )
    assert wheel.python_tags == ("cp311", "cp312") and len(wheel.tags) == 4
    assert [k for k, _ in wheel.wheel_file].count("Tag") == 4


def test_tag_order_problems(tmp_path: Path) -> None:
    unsorted = "demo-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    tags = ["py3-none-manylinux_2_17_x86_64", "py3-none-manylinux2014_x86_64"]
    wheel = read_wheel(make_wheel(tmp_path / "a", tags=tags, filename=unsorted))
    [problem] = tag_order_problems(wheel)
    assert problem.startswith(unsorted) and "not sorted" in problem
    assert "manylinux2014_x86_64.manylinux_2_17_x86_64" in problem
    twice = "demo-1.0-py3.py3-none-any.whl"
    wheel = read_wheel(
        make_wheel(tmp_path / "b", filename=twice, wheel_tags=["py3-none-any", "py3-none-any"])
    )
    assert [p.split(": ", 1)[1] for p in tag_order_problems(wheel)] == [
        "python tag set py3.py3 repeats a tag",
        "WHEEL lists Tag py3-none-any more than once",
    ]


def test_directory_entries_and_signatures_need_no_record_line(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, unrecorded={"demo/": b"", "demo-1.0.dist-info/RECORD.jws": b"{}"})
    wheel = read_wheel(path)
    assert "demo/" in wheel.members and wheel.verified


def test_read_member_and_iter_members(tmp_path: Path) -> None:
    wheel = read_wheel(make_wheel(tmp_path), verify=False)
    assert read_member(wheel, "demo/_core.py") == GOOD_FILES["demo/_core.py"]
    members = dict(iter_members(wheel))
    assert list(members) == list(wheel.members)
    with zipfile.ZipFile(wheel.path) as zf:
        assert members == {name: zf.read(name) for name in zf.namelist()}
    with pytest.raises(WheelFormatError, match=r"^demo-1.0-py3-none-any.whl: member 'nope'"):
        read_member(wheel, "nope")
    with pytest.raises(WheelFormatError, match="byte limit"):
        read_member(wheel, "demo/_core.py", limit=100)


def test_iter_members_verifies_what_a_quick_read_did_not(hostile: dict[str, Path]) -> None:
    wheel = read_wheel(hostile["bad_hash"], verify=False)
    with pytest.raises(RecordMismatchError, match=r"'demo/_core\.py': sha256 does not match"):
        dict(iter_members(wheel))
    with pytest.raises(RecordMismatchError):
        read_member(wheel, "demo/_core.py")


def test_a_wheel_replaced_after_reading_is_refused(tmp_path: Path) -> None:
    path = make_wheel(tmp_path)
    wheel = read_wheel(path)
    other = make_wheel(tmp_path / "other", files={"demo/__init__.py": b"changed\n"})
    other.replace(path)
    with pytest.raises(WheelFormatError, match="changed since it was read"):
        read_member(wheel, "demo/__init__.py")


def test_other_compression_methods(tmp_path: Path) -> None:
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        wheel = read_wheel(make_wheel(tmp_path / str(method), compression=method))
        assert dict(iter_members(wheel))["demo/_core.py"] == GOOD_FILES["demo/_core.py"]


def test_verification_in_a_thread_is_read_wheels(hostile: dict[str, Path], tmp_path: Path) -> None:
    good = read_wheel(make_wheel(tmp_path), verify=False)
    assert Verification(good).result() == good and Verification(good).result().verified
    for case in ("bad_hash", "bad_size", "corrupt_data", "lying_size"):
        wheel = read_wheel(hostile[case], verify=False)
        error, _ = EXPECTED[case]
        with pytest.raises(error) as info:
            Verification(wheel).result()
        assert str(info.value) == _raises(hostile[case], error)
