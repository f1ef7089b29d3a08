"""retag on real PyPI wheels, through the command line, as a release pipeline runs it."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from real_wheels import (
    MATURIN_MUSL,
    NINJA_MUSL,
    NUMPY_MUSL,
    STATIC_MUSL,
    UV_DUAL_AARCH64,
    UV_GLIBC_X86_64,
    UV_MUSL_X86_64,
    RealWheel,
)

Fetch = Callable[[str, str], Path]
pytestmark = pytest.mark.network


def retag(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retag", *args], capture_output=True, text=True, timeout=300
    )


def copy_in(pypi: Fetch, wheel: RealWheel, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(pypi(wheel.filename, wheel.sha256), directory))


def raw_member(path: Path, name: str) -> tuple[bytes, int, tuple[int, ...], int]:
    """A member's compressed bytes, CRC, date_time and external attributes."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
        assert zf.fp is not None
        zf.fp.seek(info.header_offset + 26)
        name_len, extra_len = (
            int.from_bytes(zf.fp.read(2), "little"),
            int.from_bytes(zf.fp.read(2), "little"),
        )
        zf.fp.seek(info.header_offset + 30 + name_len + extra_len)
        return zf.fp.read(info.compress_size), info.CRC, info.date_time, info.external_attr


def test_uv_musllinux_gets_the_manylinux_tags(pypi: Fetch, tmp_path: Path) -> None:
    src = copy_in(pypi, UV_MUSL_X86_64, tmp_path / "in")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "out"
    result = retag("--out-dir", str(out), "--format", "json", str(src))
    assert result.returncode == 0, result.stdout + result.stderr
    expected = (
        "uv-0.5.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl"
    )
    assert [p.name for p in out.iterdir()] == [expected]
    doc = json.loads(result.stdout)
    assert doc["results"][0]["status"] == "retagged"
    assert set(doc["results"][0]["added_tags"]) == {"manylinux2014_x86_64", "manylinux_2_17_x86_64"}
    produced = out / expected
    from wheel.wheelfile import WheelFile  # its reader checks every hash against RECORD

    with WheelFile(produced) as wf:
        for name in wf.namelist():
            wf.read(name)
        wheel_meta = wf.read("uv-0.5.2.dist-info/WHEEL").decode()
    assert sorted(line for line in wheel_meta.splitlines() if line.startswith("Tag:")) == [
        "Tag: py3-none-manylinux2014_x86_64",
        "Tag: py3-none-manylinux_2_17_x86_64",
        "Tag: py3-none-musllinux_1_1_x86_64",
    ]
    assert raw_member(produced, "uv-0.5.2.data/scripts/uv") == raw_member(
        src, "uv-0.5.2.data/scripts/uv"
    )
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # input untouched
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--no-index",
            "--report",
            "-",
            str(produced),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pip.returncode == 0, pip.stderr
    again = tmp_path / "again"
    assert retag("--out-dir", str(again), str(src)).returncode == 0
    assert (again / expected).read_bytes() == produced.read_bytes()


def test_already_dual_tagged_is_left_as_is(pypi: Fetch, tmp_path: Path) -> None:
    src = copy_in(pypi, UV_DUAL_AARCH64, tmp_path)
    result = retag("--format", "json", str(src))
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["results"][0]["status"] == "already-tagged"
    assert [p.name for p in tmp_path.iterdir()] == [UV_DUAL_AARCH64.filename]


@pytest.mark.parametrize(
    ("wheel", "reason"),
    [
        (NUMPY_MUSL, "extension module"),
        (NINJA_MUSL, "PT_INTERP /lib/ld-musl-x86_64.so.1"),
    ],
)
def test_not_static_is_refused(pypi: Fetch, tmp_path: Path, wheel: RealWheel, reason: str) -> None:
    src = copy_in(pypi, wheel, tmp_path / "in")
    out = tmp_path / "out"
    result = retag("--out-dir", str(out), str(src))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refused" in result.stdout and reason in result.stdout
    assert not out.exists() or list(out.iterdir()) == []
    assert [p.name for p in src.parent.iterdir()] == [wheel.filename]


def test_ninja_reasons_name_the_needed_libraries(pypi: Fetch, tmp_path: Path) -> None:
    src = copy_in(pypi, NINJA_MUSL, tmp_path)
    doc = json.loads(retag("--dry-run", "--format", "json", str(src)).stdout)
    reasons = " ".join(doc["results"][0]["reasons"])
    assert "libc.musl-x86_64.so.1" in reasons or "needs shared libraries" in reasons


@pytest.mark.parametrize("wheel", STATIC_MUSL, ids=lambda w: w.filename.split("-")[0])
def test_static_musl_wheels_are_retagged(pypi: Fetch, tmp_path: Path, wheel: RealWheel) -> None:
    src = copy_in(pypi, wheel, tmp_path / "in")
    result = retag("--out-dir", str(tmp_path / "out"), "--format", "json", str(src))
    assert result.returncode == 0, result.stdout + result.stderr
    (res,) = json.loads(result.stdout)["results"]
    assert res["status"] == "retagged"
    assert "manylinux_2_17_x86_64" in res["output"] and "musllinux_1_2_x86_64" in res["output"]


def test_siblings_decide_not_needed_refused_or_retag(pypi: Fetch, tmp_path: Path) -> None:
    src = copy_in(pypi, STATIC_MUSL[0], tmp_path)
    sibling = tmp_path / "ruff-0.17.6-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    sibling.write_bytes(b"")  # only its name matters to installers' ranking
    tie = retag("--dry-run", "--format", "json", str(src))
    (res,) = json.loads(tie.stdout)["results"]
    assert tie.returncode == 0 and res["status"] == "not-needed", tie.stdout
    assert sibling.name in res["reasons"][0] and "glibc 2.17 and newer" in res["reasons"][0]
    forced = json.loads(retag("--dry-run", "--force", "--format", "json", str(src)).stdout)
    assert forced["results"][0]["status"] == "would-retag"
    # a higher floor would take glibc 2.28+ systems from the glibc wheel: refused
    switch = retag("--dry-run", "--manylinux", "2_28", "--format", "json", str(src))
    (res,) = json.loads(switch.stdout)["results"]
    assert switch.returncode == 1 and res["status"] == "refused", switch.stdout
    assert "on glibc 2.28 installers would pick the retagged wheel instead of" in res["reasons"][0]
    sibling.rename(tmp_path / "ruff-0.17.6-py3-none-manylinux_2_28_x86_64.whl")
    ok = json.loads(retag("--dry-run", "--format", "json", str(src)).stdout)["results"][0]
    winners = {s["system"]: s["winner"] for s in ok["siblings"]}
    assert winners["glibc 2.17"].startswith("ruff-0.17.6-py3-none-manylinux2014_x86_64")
    assert winners["glibc 2.28"] == "ruff-0.17.6-py3-none-manylinux_2_28_x86_64.whl"
    assert "musllinux" in winners["musl 1.2"]


def test_maturin_old_manylinux_claim_is_warned(pypi: Fetch, tmp_path: Path) -> None:
    src = copy_in(pypi, MATURIN_MUSL, tmp_path)
    result = retag("check", "--format", "json", str(src))
    (res,) = json.loads(result.stdout)["results"]
    assert any("manylinux2010_x86_64" in w for w in res["warnings"])


def test_check_on_real_wheels(pypi: Fetch) -> None:
    uv = retag("check", str(pypi(UV_DUAL_AARCH64.filename, UV_DUAL_AARCH64.sha256)))
    # the binary is honest; WHEEL's single compressed Tag line is a warning (test_pypi_rules)
    assert uv.returncode == 0 and "✗" not in uv.stdout, uv.stdout
    assert "compressed tag set" in uv.stdout, uv.stdout
    ninja = retag("check", str(pypi(NINJA_MUSL.filename, NINJA_MUSL.sha256)))
    assert ninja.returncode == 0, ninja.stdout  # musllinux and dynamically musl-linked: honest


def test_tags_matches_wheel_tags(pypi: Fetch, tmp_path: Path) -> None:
    ours_dir, theirs_dir = tmp_path / "ours", tmp_path / "theirs"
    src = copy_in(pypi, UV_MUSL_X86_64, ours_dir)
    theirs_src = copy_in(pypi, UV_MUSL_X86_64, theirs_dir)
    spec = "+manylinux_2_17_x86_64.manylinux2014_x86_64"
    ours = retag("tags", "--platform-tag", spec, str(src))
    assert ours.returncode == 0, ours.stdout + ours.stderr
    theirs = subprocess.run(
        [sys.executable, "-m", "wheel", "tags", "--platform-tag", spec, str(theirs_src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert theirs.returncode == 0, theirs.stderr
    new = theirs.stdout.strip().splitlines()[-1]
    assert (ours_dir / new).exists()
    with zipfile.ZipFile(ours_dir / new) as a, zipfile.ZipFile(theirs_dir / new) as b:
        assert a.namelist() == b.namelist()
        for name in ("uv-0.5.2.dist-info/WHEEL", "uv-0.5.2.dist-info/RECORD"):
            assert a.read(name) == b.read(name), name


@pytest.mark.parametrize("wheel", [UV_DUAL_AARCH64, UV_GLIBC_X86_64], ids=lambda w: w.filename)
def test_tags_fix_on_uv_compressed_tag_lines(pypi: Fetch, tmp_path: Path, wheel: RealWheel) -> None:
    """uv 0.5.2's real single compressed Tag line, expanded; the binary copied raw; `wheel tags`
    (which fails on the original) reads the result; `retag check` warns no more."""
    src = copy_in(pypi, wheel, tmp_path / "in")
    spec = ["--python-tag", "py3"]
    failed = subprocess.run(
        [sys.executable, "-m", "wheel", "tags", *spec, str(src)], capture_output=True, text=True
    )
    assert failed.returncode != 0 and "Wheel internal tags" in failed.stderr
    result = retag("tags", "--fix", "--out-dir", str(tmp_path / "out"), str(src))
    assert result.returncode == 0, result.stderr
    (out,) = (tmp_path / "out").iterdir()
    assert out.name == result.stdout.strip()
    platforms = out.name.removesuffix(".whl").split("-")[-1].split(".")
    assert platforms == sorted(src.name.removesuffix(".whl").split("-")[-1].split("."))
    with zipfile.ZipFile(out) as zf:
        lines = [
            ln
            for ln in zf.read("uv-0.5.2.dist-info/WHEEL").decode().splitlines()
            if ln.startswith("Tag:")
        ]
    assert lines == [f"Tag: py3-none-{p}" for p in platforms]
    assert raw_member(out, "uv-0.5.2.data/scripts/uv") == raw_member(
        src, "uv-0.5.2.data/scripts/uv"
    )
    check = retag("check", str(out))
    assert check.returncode == 0 and "!" not in check.stdout, check.stdout
    read = subprocess.run(
        [sys.executable, "-m", "wheel", "tags", *spec, str(out)], capture_output=True, text=True
    )
    assert read.returncode == 0, read.stderr


def test_tags_fix_with_a_tag_change_on_uv_musl(pypi: Fetch, tmp_path: Path) -> None:
    src = copy_in(pypi, UV_MUSL_X86_64, tmp_path)
    unchanged = retag("tags", "--fix", "--format", "json", str(src))
    assert json.loads(unchanged.stdout)["results"][0]["status"] == "unchanged"
    assert [p.name for p in tmp_path.iterdir()] == [src.name]  # one Tag line already: nothing
    spec = "+manylinux_2_17_x86_64.manylinux2014_x86_64"
    result = retag("tags", "--fix", "--platform-tag", spec, "--remove", str(src))
    new = tmp_path / result.stdout.strip()
    assert [p.name for p in tmp_path.iterdir()] == [new.name]
    with zipfile.ZipFile(new) as zf:
        wheel_file = zf.read("uv-0.5.2.dist-info/WHEEL").decode()
    assert [ln for ln in wheel_file.splitlines() if ln.startswith("Tag:")] == [
        "Tag: py3-none-manylinux2014_x86_64",
        "Tag: py3-none-manylinux_2_17_x86_64",
        "Tag: py3-none-musllinux_1_1_x86_64",
    ]
