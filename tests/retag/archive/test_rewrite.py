"""The rewrite: new tags, raw-copied members, reproducible bytes, nothing left behind on failure."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from make_test_wheels import DATE, GOOD_FILES, build_hostile, make_wheel
from wheel._commands.tags import tags as wheel_tags
from wheel.wheelfile import WheelFile

from retag._errors import OutputError, RetagError, WheelFormatError
from retag.archive import rewrite as _rewrite
from retag.archive import zipwrite as _zipwrite
from retag.archive.rewrite import TEMP_MARK, compose_filename, rewrite
from retag.archive.wheelfile import Wheel, read_wheel

MUSL = "py3-none-musllinux_1_1_x86_64"
GLIBC = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
RETAGGED = "demo-1.0-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl"
UV = "uv-0.5.2-py3-none-musllinux_1_1_x86_64.whl"
UV_SHA256 = "772b32d157ec8f27c0099ecac94cf5cd298bce72f1a1f512205591de4e9f0c5c"
Raw = dict[str, tuple[tuple[object, ...], bytes]]


def raw_members(path: Path) -> Raw:
    """Each member's header fields and compressed bytes, read independently of retag."""
    out: Raw = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as f:
        for i in zf.infolist():
            f.seek(i.header_offset + 26)
            name_len, extra_len = struct.unpack("<HH", f.read(4))
            f.seek(i.header_offset + 30 + name_len + extra_len)
            fields = (
                i.compress_type,
                i.CRC,
                i.compress_size,
                i.file_size,
                i.date_time,
                i.external_attr,
                i.create_system,
                i.flag_bits & ~0x08,
            )
            out[i.filename] = (fields, f.read(i.compress_size))
    return out


def verify_with_wheel(path: Path) -> None:
    """wheel's own reader checks each member's hash against RECORD as it is read."""
    with WheelFile(path) as wf:
        for name in wf.namelist():
            wf.read(name)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def retag(
    wheel: Wheel, out_dir: Path, platforms: list[str] | None = None, build: str | None = None
) -> Path:
    added = GLIBC if platforms is None else platforms
    return rewrite(
        wheel,
        python_tags=wheel.python_tags,
        abi_tags=wheel.abi_tags,
        platform_tags=[*wheel.platform_tags, *added],
        build=build,
        out_dir=out_dir,
    )


@pytest.fixture
def musl(tmp_path: Path) -> Iterator[Wheel]:
    path = make_wheel(tmp_path / "in", tags=[MUSL])
    before = sha(path)
    (tmp_path / "out").mkdir()
    yield read_wheel(path)
    assert sha(path) == before, "the input was modified"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_rewrite_adds_tags(musl: Wheel, tmp_path: Path) -> None:
    out = retag(musl, tmp_path / "out")
    assert out == tmp_path / "out" / RETAGGED
    assert os.listdir(tmp_path / "out") == [RETAGGED]
    verify_with_wheel(out)
    new = read_wheel(out)
    assert {str(t) for t in new.tags} == {
        MUSL,
        "py3-none-manylinux_2_17_x86_64",
        "py3-none-manylinux2014_x86_64",
    }
    assert new.members == musl.members
    before, after = raw_members(musl.path), raw_members(out)
    changed = {musl.wheel_path, musl.record_path}
    assert {n for n in before if before[n] != after[n]} == changed
    # WHEEL: every other header as it was, the Tag lines where they were, sorted like `wheel tags`.
    assert [h for h in new.wheel_file if h[0] != "Tag"] == [
        h for h in musl.wheel_file if h[0] != "Tag"
    ]
    assert [v for k, v in new.wheel_file if k == "Tag"] == [
        "py3-none-manylinux2014_x86_64",
        "py3-none-manylinux_2_17_x86_64",
        MUSL,
    ]
    # RECORD: only WHEEL's line differs, and every other line is byte-identical.
    with zipfile.ZipFile(musl.path) as a, zipfile.ZipFile(out) as b:
        old, rec = (z.read(musl.record_path).splitlines(keepends=True) for z in (a, b))
    assert [i for i, (x, y) in enumerate(zip(old, rec, strict=True)) if x != y] == [
        musl.members.index(musl.wheel_path)
    ]


def test_same_result_as_wheel_tags(musl: Wheel, tmp_path: Path) -> None:
    """`wheel tags` recompresses everything, but must agree on the name and every content."""
    copy = tmp_path / "wt" / musl.filename
    copy.parent.mkdir()
    shutil.copy(musl.path, copy)
    theirs = copy.parent / wheel_tags(str(copy), platform_tags="+" + ".".join(GLIBC))
    ours = retag(musl, tmp_path / "out")
    assert ours.name == theirs.name
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_two_runs_give_identical_bytes(musl: Wheel, tmp_path: Path) -> None:
    first = retag(musl, tmp_path / "out")
    (tmp_path / "again").mkdir()
    time.sleep(1.1)  # a clock in the output would now differ
    assert retag(musl, tmp_path / "again").read_bytes() == first.read_bytes()


def test_new_members_are_dated_like_the_input_wheel_file(musl: Wheel, tmp_path: Path) -> None:
    after = raw_members(retag(musl, tmp_path / "out"))
    assert {after[n][0][4] for n in after} == {DATE}


def test_source_date_epoch_dates_only_the_new_members(
    musl: Wheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13 12:26:40 UTC
    after = raw_members(retag(musl, tmp_path / "out"))
    dates = {name: fields[4] for name, (fields, _) in after.items()}
    assert dates.pop(musl.wheel_path) == dates.pop(musl.record_path) == (2020, 9, 13, 12, 26, 40)
    assert set(dates.values()) == {DATE}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(OutputError, match="SOURCE_DATE_EPOCH='yesterday' is not an integer"):
        retag(musl, tmp_path / "out", platforms=["linux_x86_64"])
    assert os.listdir(tmp_path / "out") == [RETAGGED]


def test_build_tag_set_and_removed(musl: Wheel, tmp_path: Path) -> None:
    built = read_wheel(retag(musl, tmp_path / "out", build="7"))
    assert built.filename == RETAGGED.replace("demo-1.0-", "demo-1.0-7-")
    assert built.wheel_file[-1] == ("Build", "7") and built.build == "7"
    (tmp_path / "plain").mkdir()
    plain = read_wheel(retag(built, tmp_path / "plain", platforms=[]))
    assert plain.filename == RETAGGED and "Build" not in dict(plain.wheel_file)


def test_same_name_in_the_same_directory_is_left_alone(musl: Wheel) -> None:
    listing, mtime = sorted(os.listdir(musl.path.parent)), musl.path.stat().st_mtime_ns
    assert retag(musl, musl.path.parent, platforms=[]) == musl.path
    assert sorted(os.listdir(musl.path.parent)) == listing
    assert musl.path.stat().st_mtime_ns == mtime


def test_unsorted_tags_are_normalised(tmp_path: Path) -> None:
    unsorted = "demo-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    path = make_wheel(tmp_path, tags=[f"py3-none-{p}" for p in GLIBC], filename=unsorted)
    out = retag(read_wheel(path), tmp_path, platforms=[])
    assert out.name == "demo-1.0-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    verify_with_wheel(out)


COMPRESSED = "py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64"
SORTED = "demo-1.0-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl"


def test_canonical(tmp_path: Path) -> None:
    assert _rewrite.canonical(read_wheel(make_wheel(tmp_path / "a", tags=[COMPRESSED])))
    compressed = make_wheel(tmp_path / "b", tags=[COMPRESSED], wheel_tags=[COMPRESSED])
    assert not _rewrite.canonical(read_wheel(compressed))
    unsorted = "demo-1.0-py3-none-musllinux_1_1_x86_64.manylinux2014_x86_64.whl"
    assert not _rewrite.canonical(
        read_wheel(make_wheel(tmp_path / "c", tags=[COMPRESSED], filename=unsorted))
    )
    twice = make_wheel(tmp_path / "d", tags=[MUSL], wheel_tags=[MUSL, MUSL])
    assert not _rewrite.canonical(read_wheel(twice))


def test_in_place_expands_a_compressed_tag_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name stays, so the input itself is replaced: WHEEL with one Tag line per tag, RECORD's
    WHEEL line rehashed, every other member copied raw; the same bytes from two copies."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outs = []
    for sub in ("a", "b"):
        path = make_wheel(tmp_path / sub, tags=[COMPRESSED], wheel_tags=[COMPRESSED])
        assert path.name == SORTED
        before, wheel = raw_members(path), read_wheel(path)
        out = rewrite(
            wheel,
            python_tags=wheel.python_tags,
            abi_tags=wheel.abi_tags,
            platform_tags=wheel.platform_tags,
            build=None,
            out_dir=path.parent,
            in_place=True,
        )
        assert out == path and os.listdir(path.parent) == [SORTED]  # no temporary file left
        verify_with_wheel(out)
        fixed = read_wheel(out)
        assert [v for k, v in fixed.wheel_file if k == "Tag"] == [
            "py3-none-manylinux2014_x86_64",
            MUSL,
        ]
        after = raw_members(out)
        assert {n for n in before if before[n] != after[n]} == {wheel.wheel_path, wheel.record_path}
        assert _rewrite.canonical(fixed)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_wheel_file_formatting_is_kept(tmp_path: Path) -> None:
    text = (
        "Wheel-Version: 1.0\r\nTag: py3-none-any\r\nGenerator: odd\r\n  folded\r\n"
        "Root-Is-Purelib: true\r\n"
    )
    wheel = read_wheel(make_wheel(tmp_path, wheel_text=text))
    out = retag(wheel, tmp_path, platforms=["linux_x86_64"])
    written = zipfile.ZipFile(out).read(wheel.wheel_path).decode()
    assert (
        written
        == text.replace(
            "Tag: py3-none-any\r\n", "Tag: py3-none-any\r\nTag: py3-none-linux_x86_64\r\n"
        )
        + "\r\n"
    )
    again = retag(read_wheel(out), tmp_path, platforms=["linux_aarch64"])  # no second blank line
    assert zipfile.ZipFile(again).read(wheel.wheel_path).decode().endswith("true\r\n\r\n")


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_other_compression_methods_are_copied_raw(tmp_path: Path, method: int) -> None:
    wheel = read_wheel(make_wheel(tmp_path, tags=[MUSL], compression=method))
    out = retag(wheel, tmp_path)
    before, after = raw_members(wheel.path), raw_members(out)
    assert before["demo/_core.py"] == after["demo/_core.py"]
    verify_with_wheel(out)


def test_zip64_records(musl: Wheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sizes, offsets and counts past the zip limits (lowered here: 4 GiB wheels are slow)."""
    monkeypatch.setattr(_zipwrite, "ZIP64_LIMIT", 64)
    monkeypatch.setattr(_zipwrite, "ZIP64_COUNT", 3)
    out = retag(musl, tmp_path / "out")
    assert b"PK\x06\x06" in out.read_bytes()  # the zip64 end of central directory record
    verify_with_wheel(out)
    read_wheel(out)
    before, after = raw_members(musl.path), raw_members(out)
    assert before["demo-1.0.data/scripts/demo"] == after["demo-1.0.data/scripts/demo"]


def test_compose_filename() -> None:
    assert compose_filename(
        "uv", "0.5.2", None, ["py3", "py3"], ["none"], ["musllinux_1_1_x86_64", *GLIBC]
    ) == ("uv-0.5.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl")
    assert compose_filename("a", "1", "2b", ["py3"], ["none"], ["any"]) == "a-1-2b-py3-none-any.whl"
    for tags, build in ((["a.b"], None), (["has-dash"], None), ([], None), (["any"], "x")):
        with pytest.raises(OutputError) as info:
            compose_filename("a", "1", build, ["py3"], ["none"], tags)
        assert "\n" not in str(info.value)


def _entries(path: Path) -> list[str]:
    return sorted(os.listdir(path))


def test_disk_full_mid_write_leaves_nothing(
    musl: Wheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _zipwrite.ZipWriter._write

    def fill(self: _zipwrite.ZipWriter, data: bytes) -> None:
        if self.offset > 200:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, data)

    monkeypatch.setattr(_zipwrite.ZipWriter, "_write", fill)
    with pytest.raises(OutputError) as info:
        retag(musl, tmp_path / "out")
    message = f"{RETAGGED}: cannot write to {tmp_path / 'out'}: No space left on device"
    assert str(info.value) == message
    assert _entries(tmp_path / "out") == []


def test_a_failed_fsync_leaves_nothing(
    musl: Wheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output's fsync runs in a thread beside its check: its error still fails the rewrite."""
    checked: list[bool] = []
    real_check = _rewrite._check

    def check(*args: object) -> None:
        real_check(*args)  # type: ignore[arg-type]
        checked.append(True)

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(_rewrite, "_check", check)
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError) as info:
        retag(musl, tmp_path / "out")
    assert str(info.value) == f"{RETAGGED}: cannot write to {tmp_path / 'out'}: Input/output error"
    assert checked == [True] and _entries(tmp_path / "out") == []


def test_ctrl_c_mid_write_leaves_nothing(
    musl: Wheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(self: _zipwrite.ZipWriter, data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_zipwrite.ZipWriter, "_write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        retag(musl, tmp_path / "out")
    assert _entries(tmp_path / "out") == []


def test_output_failing_its_check_is_removed(
    musl: Wheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_rewrite, "_new_record", lambda shown, data, replaced: data)  # stale hash
    with pytest.raises(OutputError, match=r"failed its check: member '.*WHEEL': sha256 does not"):
        retag(musl, tmp_path / "out")
    assert _entries(tmp_path / "out") == []


def test_an_unverified_input_is_verified_through_its_output(tmp_path: Path) -> None:
    bad = build_hostile(tmp_path / "hostile")["bad_hash"]
    with pytest.raises(OutputError, match=r"'demo/_core\.py': sha256 does not match RECORD"):
        retag(read_wheel(bad, verify=False), tmp_path)
    assert _entries(tmp_path) == ["hostile"]


def test_an_input_changed_since_reading_is_refused(musl: Wheel, tmp_path: Path) -> None:
    shutil.copy(musl.path, tmp_path / "copy")
    (tmp_path / "copy").replace(musl.path)  # same bytes, another file
    with pytest.raises(WheelFormatError, match="changed since it was read"):
        retag(musl, tmp_path / "out")


def test_the_output_directory_is_created_if_it_can_be(musl: Wheel, tmp_path: Path) -> None:
    assert retag(musl, tmp_path / "new" / "dist").parent == tmp_path / "new" / "dist"
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OutputError, match=r"^demo-1.0-.*: cannot write to .*/file/dist: [^\n]+$"):
        retag(musl, tmp_path / "file" / "dist")


SLOW_REWRITE = """
import sys, time
from pathlib import Path
import retag.archive.rewrite as rw
from retag.archive.wheelfile import read_wheel

copy = rw._copy_source
def slow(src, entry):  # deterministic slowness: 50 ms per member, 300 members
    time.sleep(0.05)
    yield from copy(src, entry)
rw._copy_source = slow
wheel = read_wheel(Path(sys.argv[1]))
rw.rewrite(wheel, python_tags=wheel.python_tags, abi_tags=wheel.abi_tags,
           platform_tags=["manylinux_2_17_x86_64"], build=None, out_dir=Path(sys.argv[2]))
"""


def test_sigkill_mid_write_leaves_the_input_and_no_output(tmp_path: Path) -> None:
    files = {f"demo/m{i:03}.py": f"x = {i}\n".encode() * 50 for i in range(300)}
    path = make_wheel(tmp_path / "in", tags=[MUSL], files=files)
    before, out = sha(path), tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_REWRITE, str(path), str(out)])
    try:
        deadline = time.monotonic() + 30
        while not os.listdir(out) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(0.3)  # a few members into the file
        assert proc.poll() is None, "the rewrite finished before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()  # reaped: a zombie would still count as alive
    final = "demo-1.0-py3-none-manylinux_2_17_x86_64.whl"
    [left] = os.listdir(out)
    assert left.startswith(f".{final}{TEMP_MARK}{proc.pid}-")  # clearly temporary, and whose
    assert sha(path) == before
    # The next rewrite to that name cleans up after the dead one.
    wheel = read_wheel(path)
    rewrite(
        wheel,
        python_tags=["py3"],
        abi_tags=["none"],
        platform_tags=["manylinux_2_17_x86_64"],
        build=None,
        out_dir=out,
    )
    assert os.listdir(out) == [final]


def test_only_stale_temporaries_of_dead_processes_are_removed(musl: Wheel, tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    out = tmp_path / "out"
    stale = out / f".{RETAGGED}{TEMP_MARK}{dead.pid}-0000"
    live = out / f".{RETAGGED}{TEMP_MARK}{os.getpid()}-0000"
    other = out / f".other.whl{TEMP_MARK}{dead.pid}-0000"
    for p in (stale, live, other):
        p.write_bytes(b"partial")
    retag(musl, out)
    assert _entries(out) == sorted([live.name, other.name, RETAGGED])


@pytest.mark.network
def test_real_uv_wheel(pypi: Callable[[str, str], Path], tmp_path: Path) -> None:
    path = pypi(UV, UV_SHA256)
    wheel = read_wheel(path)
    out = rewrite(
        wheel,
        python_tags=["py3"],
        abi_tags=["none"],
        platform_tags=["manylinux_2_17_x86_64", "manylinux2014_x86_64", "musllinux_1_1_x86_64"],
        build=None,
        out_dir=tmp_path,
    )
    assert out.name == (
        "uv-0.5.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl"
    )
    verify_with_wheel(out)
    before, after = raw_members(path), raw_members(out)
    assert after["uv-0.5.2.data/scripts/uv"] == before["uv-0.5.2.data/scripts/uv"]
    assert sha(path) == UV_SHA256
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--no-deps",
        "--no-index",
        "--disable-pip-version-check",
        "--target",
        str(tmp_path / "target"),
    ]
    accepted = subprocess.run([*pip, str(out)], capture_output=True, text=True, check=False)
    assert accepted.returncode == 0 and "Would install uv-0.5.2" in accepted.stdout, accepted
    if os.uname().machine == "x86_64" and os.confstr("CS_GNU_LIBC_VERSION"):  # glibc: musl only
        refused = subprocess.run([*pip, str(path)], capture_output=True, text=True, check=False)
        assert "is not a supported wheel on this platform" in refused.stderr


def test_errors_are_retag_errors() -> None:
    assert issubclass(OutputError, RetagError) and issubclass(WheelFormatError, RetagError)
    assert GOOD_FILES  # the synthetic wheels' default content is shared with the builder


class _Unseekable(io.RawIOBase):
    """A pipe-like sink: zipfile then writes data descriptors after each member's data."""

    def __init__(self, sink: io.BufferedWriter) -> None:
        self.sink = sink

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.sink.write(data)


def test_streamed_zip_with_data_descriptors_and_utf8_names(tmp_path: Path) -> None:
    files = {**GOOD_FILES, "demo/données.py": "é = 1\n".encode()}
    plain = make_wheel(tmp_path / "plain", tags=[MUSL], files=files)
    streamed = tmp_path / "in" / plain.name
    streamed.parent.mkdir()
    with (
        zipfile.ZipFile(plain) as src,
        open(streamed, "wb") as f,
        zipfile.ZipFile(_Unseekable(f), "w") as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    with zipfile.ZipFile(streamed) as zf:
        assert all(i.flag_bits & 0x08 for i in zf.infolist())
        assert zf.getinfo("demo/données.py").flag_bits & 0x800
    wheel = read_wheel(streamed)
    out = retag(wheel, tmp_path)
    verify_with_wheel(out)
    before, after = raw_members(streamed), raw_members(out)
    assert before["demo/données.py"] == after["demo/données.py"]
    assert before["demo-1.0.data/scripts/demo"] == after["demo-1.0.data/scripts/demo"]
