"""retag through its command line on small wheels built here: proofs, checks, hostile input,
signals.  No network."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from paths import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_test_wheels import build_hostile, make_wheel

BIN = ROOT / "testdata" / "bin"


def retag(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retag", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def binary_wheel(directory: Path, binary: str, tag: str, name: str = "demo") -> Path:
    files = {f"{name}-1.0.data/scripts/{name}": (BIN / binary).read_bytes()}
    return make_wheel(directory, name=name, version="1.0", tags=[f"py3-none-{tag}"], files=files)


def test_static_musl_wheel_is_retagged_and_linux_wheel_gets_musllinux(tmp_path: Path) -> None:
    musl = binary_wheel(tmp_path / "a", "musl-static-pie-x86_64", "musllinux_1_1_x86_64")
    doc = json.loads(retag("--format", "json", str(musl)).stdout)
    assert doc["results"][0]["status"] == "retagged"
    linux = binary_wheel(tmp_path / "b", "musl-static-x86_64", "linux_x86_64")
    res = json.loads(retag("--format", "json", str(linux)).stdout)["results"][0]
    assert set(res["added_tags"]) == {
        "manylinux_2_17_x86_64",
        "manylinux2014_x86_64",
        "musllinux_1_1_x86_64",
    }
    # PyPI refuses linux_x86_64: the output name drops it, and says so
    assert "linux_x86_64" not in res["output"].replace("manylinux", "").replace("musllinux", "")
    assert any("dropped linux_x86_64" in w for w in res["warnings"])
    armv7 = binary_wheel(tmp_path / "c", "static-armv7l", "linux_armv7l")
    kept = json.loads(retag("--format", "json", str(armv7)).stdout)["results"][0]
    assert "-py3-none-linux_armv7l.manylinux2014_armv7l." in kept["output"]


def test_manylinux_floor_option(tmp_path: Path) -> None:
    musl = binary_wheel(tmp_path, "musl-static-x86_64", "musllinux_1_1_x86_64")
    res = json.loads(
        retag("--dry-run", "--manylinux", "2_28", "--format", "json", str(musl)).stdout
    )["results"][0]
    assert res["added_tags"] == ["manylinux_2_28_x86_64"]
    assert retag("--manylinux", "two", str(musl)).returncode == 2


@pytest.mark.parametrize(
    ("binary", "tag", "reason"),
    [
        ("glibc-static-aarch64", "musllinux_1_1_x86_64", "ELF machine is aarch64"),
        ("musl-dynamic-x86_64", "musllinux_1_1_x86_64", "PT_INTERP /lib/ld-musl-x86_64.so.1"),
        ("demo.cpython-311-x86_64-linux-gnu.so", "linux_x86_64", "extension module"),
        ("hello-x86_64.exe", "linux_x86_64", "PE binary"),
        ("static-riscv64", "linux_riscv64", None),
    ],
)
def test_refusals_and_riscv(tmp_path: Path, binary: str, tag: str, reason: str | None) -> None:
    wheel = binary_wheel(tmp_path / "in", binary, tag)
    result = retag("--out-dir", str(tmp_path / "out"), str(wheel))
    if (
        reason is None
    ):  # riscv64: manylinux_2_31, no alias; linux_riscv64, which PyPI refuses, dropped
        assert result.returncode == 0, result.stdout
        assert [p.name for p in (tmp_path / "out").iterdir()] == [
            "demo-1.0-py3-none-manylinux_2_31_riscv64.musllinux_1_1_riscv64.whl"
        ]
        return
    assert result.returncode == 1 and reason in result.stdout, result.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_loongarch_is_refused_for_pypi(tmp_path: Path) -> None:
    wheel = binary_wheel(tmp_path, "static-loongarch64", "linux_loongarch64")
    result = retag(str(wheel))
    assert result.returncode == 1 and "loongarch64" in result.stdout and "PyPI" in result.stdout


def test_check_flags_architecture_mismatch(tmp_path: Path) -> None:
    # An x86_64 wheel carrying aarch64 code: a release bug.
    wrong = binary_wheel(tmp_path, "static-pie-aarch64", "manylinux_2_17_x86_64")
    result = retag("check", "--format", "json", str(wrong))
    assert result.returncode == 1
    (res,) = json.loads(result.stdout)["results"]
    assert any("aarch64" in r and "x86_64" in r for r in res["reasons"])
    pe = make_wheel(
        tmp_path / "win",
        name="demo",
        version="1.0",
        tags=["py3-none-win_amd64"],
        files={"demo/x.exe": (BIN / "hello-arm64.exe").read_bytes()},
    )
    assert retag("check", str(pe)).returncode == 1


def test_check_flags_glibc_floor_and_libc_kind(tmp_path: Path) -> None:
    glibc = binary_wheel(tmp_path / "a", "glibc-dynamic-x86_64", "manylinux_2_17_x86_64")
    result = retag("check", str(glibc))  # needs GLIBC_2.34
    assert result.returncode == 1 and "GLIBC_2.34" in result.stdout
    assert "the honest tag is manylinux_2_34_x86_64" in result.stdout
    musl_dyn = binary_wheel(tmp_path / "b", "musl-dynamic-x86_64", "manylinux_2_17_x86_64")
    assert retag("check", str(musl_dyn)).returncode == 1
    honest = binary_wheel(tmp_path / "c", "glibc-dynamic-x86_64", "manylinux_2_34_x86_64")
    assert retag("check", str(honest)).returncode == 0


def test_hostile_wheels_exit_2_with_one_line(tmp_path: Path) -> None:
    hostile = build_hostile(tmp_path / "hostile")
    del hostile["bomb"]  # 64 MiB of zeros: a bomb only under the lowered limits of its own test
    for name, path in hostile.items():
        out = tmp_path / "out" / name
        for command in (
            ["--out-dir", str(out)],
            ["check"],
            ["tags", "--platform-tag", "+manylinux_2_17_x86_64"],
        ):
            args = [*command, str(path)] if command[0] != "check" else ["check", str(path)]
            if command[0] == "tags":
                args = [
                    "tags",
                    "--platform-tag",
                    "+manylinux_2_17_x86_64",
                    "--out-dir",
                    str(out),
                    str(path),
                ]
            result = retag(*args)
            assert result.returncode in (1, 2), (name, result.stdout)
            assert "Traceback" not in result.stdout + result.stderr, name
            if command[0] == "tags":  # prints like `wheel tags`: errors on stderr
                assert result.stdout == "" and result.stderr.startswith("error:"), name
                assert len(result.stderr.strip().splitlines()) == 1, name
                continue
            lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
            # `check` also names the PyPI archive rule a duplicate or a lying header breaks
            cited = 1 if command[0] == "check" and name in ("duplicate", "lying_size") else 0
            assert lines[0].startswith("error:") and len(lines) == 2 + cited, (name, result.stdout)
            assert not cited or "[PyPI upload: " in lines[2], (name, result.stdout)
            assert not out.exists() or not list(out.iterdir()), name


def test_tags_semantics(tmp_path: Path) -> None:
    wheel = binary_wheel(tmp_path, "musl-static-x86_64", "musllinux_1_1_x86_64")
    result = retag("tags", "--python-tag", "py39.py3", "--build", "7", "--remove", str(wheel))
    assert result.returncode == 0, result.stdout
    assert [p.name for p in tmp_path.iterdir()] == [
        "demo-1.0-7-py3.py39-none-musllinux_1_1_x86_64.whl"
    ]


def test_tags_fix(tmp_path: Path) -> None:
    """--fix rewrites a wheel whose name stays but whose WHEEL compresses its Tag line (in place,
    or into --out-dir, --remove dropping the input), and writes nothing when nothing needs it."""
    compressed = "py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64"
    name = "demo-1.0-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl"
    files = {"demo-1.0.data/scripts/demo": (BIN / "musl-static-x86_64").read_bytes()}
    wheel = make_wheel(tmp_path / "a", tags=[compressed], wheel_tags=[compressed], files=files)
    assert wheel.name == name
    assert retag("tags", str(wheel)).stdout.strip() == name  # without --fix: left alone
    assert "compressed tag set" in retag("check", str(wheel)).stdout
    wheel_tags = [sys.executable, "-m", "wheel", "tags", "--python-tag", "py3"]
    assert subprocess.run([*wheel_tags, str(wheel)], capture_output=True).returncode != 0
    doc = json.loads(retag("tags", "--fix", "--format", "json", str(wheel)).stdout)
    assert doc["results"][0]["status"] == "retagged" and doc["results"][0]["output"] == str(wheel)
    assert [p.name for p in wheel.parent.iterdir()] == [name]
    check = retag("check", str(wheel))
    assert check.returncode == 0 and "!" not in check.stdout, check.stdout  # no warning left
    assert subprocess.run([*wheel_tags, str(wheel)], capture_output=True).returncode == 0
    before = (wheel.read_bytes(), wheel.stat().st_mtime_ns)
    again = json.loads(retag("tags", "--fix", "--format", "json", str(wheel)).stdout)
    assert again["results"][0]["status"] == "unchanged" and again["exit_code"] == 0
    assert (wheel.read_bytes(), wheel.stat().st_mtime_ns) == before
    # an unsorted name and a compressed line, with a tag change, into --out-dir, input removed
    unsorted = "demo-1.0-py3-none-musllinux_1_1_x86_64.manylinux2014_x86_64.whl"
    src = make_wheel(
        tmp_path / "b", tags=[compressed], wheel_tags=[compressed], files=files, filename=unsorted
    )
    out = tmp_path / "out"
    args = ["--platform-tag", "+manylinux_2_17_x86_64", "--out-dir", str(out), "--remove"]
    result = retag("tags", "--fix", *args, str(src))
    assert result.stdout.strip() == (
        "demo-1.0-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl"
    )
    assert not src.exists() and retag("check", str(out)).stdout.count("!") == 0


SLOW = """
import sys, time
import retag.archive.rewrite as rw
from retag._cli import main
copy = rw._copy_source
def slow(src, entry):
    time.sleep(0.05)
    yield from copy(src, entry)
rw._copy_source = slow
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_mid_write_cleans_up(tmp_path: Path) -> None:
    files = {f"demo/m{i:03}.py": b"x = 1\n" * 50 for i in range(300)}
    files["demo-1.0.data/scripts/demo"] = (BIN / "musl-static-x86_64").read_bytes()
    wheel = make_wheel(
        tmp_path / "in",
        name="demo",
        version="1.0",
        tags=["py3-none-musllinux_1_1_x86_64"],
        files=files,
    )
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW, "--out-dir", str(out), str(wheel)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not (out.exists() and os.listdir(out)) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert proc.poll() is None, "finished before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err
    assert os.listdir(out) == []


def test_malformed_elf_member_is_one_line(tmp_path: Path) -> None:
    wheel = binary_wheel(tmp_path / "in", "truncated-x86_64.elf", "musllinux_1_1_x86_64")
    for args in (["--out-dir", str(tmp_path / "out")], ["check"]):
        cmd = ["check", str(wheel)] if args == ["check"] else [*args, str(wheel)]
        result = retag(*cmd)
        assert result.returncode == 2, result.stdout
        assert "Traceback" not in result.stdout + result.stderr
        lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
        assert len(lines) == 2 and "demo-1.0.data/scripts/demo" in lines[1], result.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_github_annotations(tmp_path: Path) -> None:
    wheel = binary_wheel(tmp_path, "musl-dynamic-x86_64", "musllinux_1_1_x86_64")
    result = retag("--format", "github", "--dry-run", str(wheel))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(ln.startswith("::error file=") for ln in lines)
    assert any("PT_INTERP /lib/ld-musl-x86_64.so.1" in ln for ln in lines)


def test_tags_verifies_while_copying_and_says_what_read_wheel_says(tmp_path: Path) -> None:
    """`retag tags` checks the members against RECORD while the rewrite copies them: a broken
    input gives read_wheel's own error (first, even when the output directory is unusable) and
    leaves nothing behind."""
    from retag._errors import RetagError
    from retag._jobs import TagEdit
    from retag._jobs import tags as tags_job
    from retag.archive.wheelfile import read_wheel

    hostile = build_hostile(tmp_path / "hostile")
    del hostile["bomb"]
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"")
    for name, path in hostile.items():
        try:
            read_wheel(path)
            continue
        except RetagError as exc:
            expected = (type(exc), str(exc))
        for out in (tmp_path / "out" / name, blocked / "out"):  # the second cannot be made
            with pytest.raises(RetagError) as info:
                tags_job(path, TagEdit(platform_tag="+manylinux_2_17_x86_64", out_dir=out))
            assert (type(info.value), str(info.value)) == expected, name
            assert not out.exists() or list(out.iterdir()) == [], name
