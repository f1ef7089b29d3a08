"""Both tools on a real multi-platform release folder (uv 0.5.2 as published: the sdist and
wheels for x86_64 glibc, x86_64 musl, Windows amd64 and macOS arm64), through the command
line, as the README's GitHub Actions job runs them; and the one rule for inputs, flags and
usage errors that both tools follow."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from containers import DEBIAN, MUSL, require_images
from real_artifacts import UV_BROKEN
from real_wheels import UV_GLIBC_X86_64, UV_MACOS_ARM64, UV_MUSL_X86_64, UV_WIN_AMD64

from sdistcheck.pipeline import FORMATS, jobs_count

Fetch = Callable[[str, str], Path]
WHEELS = (UV_GLIBC_X86_64, UV_MUSL_X86_64, UV_WIN_AMD64, UV_MACOS_ARM64)


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", tool, *args], capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


@pytest.fixture
def dist(pypi: Fetch, tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    out.mkdir()
    for artifact in (UV_BROKEN, *WHEELS):
        shutil.copy(pypi(artifact.filename, artifact.sha256), out)
    return out


def _by_wheel(report: dict[str, object]) -> dict[str, dict[str, object]]:
    results = report["results"]
    assert isinstance(results, list)
    return {Path(r["wheel"]).name: r for r in results}


@pytest.mark.network
def test_retag_decides_per_wheel_and_exits_0(dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run("retag", "--out-dir", str(out), "--format", "json", str(dist))
    assert done.returncode == 0, done.stdout
    results = _by_wheel(json.loads(done.stdout))
    status = {name: r["status"] for name, r in results.items()}
    assert status == {
        UV_GLIBC_X86_64.filename: "not-applicable",
        UV_MUSL_X86_64.filename: "not-needed",
        UV_WIN_AMD64.filename: "not-applicable",
        UV_MACOS_ARM64.filename: "not-applicable",
    }
    assert not out.exists() or not any(out.iterdir())  # nothing retagged that should not be
    why = {name: " ".join(r["reasons"]) for name, r in results.items()}  # type: ignore[arg-type]
    assert "a manylinux (glibc) wheel" in why[UV_GLIBC_X86_64.filename]
    assert "not a Linux wheel (win_amd64)" in why[UV_WIN_AMD64.filename]
    assert "not a Linux wheel (macosx_11_0_arm64)" in why[UV_MACOS_ARM64.filename]
    assert (
        f"{UV_GLIBC_X86_64.filename} already covers glibc 2.17 and newer"
        in (why[UV_MUSL_X86_64.filename])
    )


@pytest.mark.network
def test_retag_text_names_every_wheel_whole_and_the_sdist_once(dist: Path) -> None:
    done = _run("retag", "--dry-run", str(dist))
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    for wheel in WHEELS:  # the summary table: full names on one line each, outside a terminal
        assert any(wheel.filename in line and "│" in line for line in lines), wheel.filename
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert skipped == [
        f"skipped {dist / UV_BROKEN.filename}: an sdist (`sdistcheck` checks sdists)"
    ]


@pytest.mark.network
def test_retag_check_is_clean_and_sdistcheck_checks_only_the_sdist(dist: Path) -> None:
    check = _run("retag", "check", "--format", "json", str(dist))
    assert check.returncode == 0, check.stdout
    results = _by_wheel(json.loads(check.stdout))
    assert {r["status"] for r in results.values()} == {"clean"}
    # uv's glibc wheel has one WHEEL line for both its tags: the format's letter broken,
    # installable all the same: a warning
    warnings = results[UV_GLIBC_X86_64.filename]["warnings"]
    assert any("one WHEEL Tag line per tag" in w for w in warnings)  # type: ignore[union-attr]
    done = _run("sdistcheck", str(dist))
    assert done.returncode == 1  # uv-0.5.2's sdist really lacks the Windows trampolines
    skipped = [line for line in done.stdout.splitlines() if line.startswith("skipped ")]
    assert sorted(skipped) == sorted(
        f"skipped {dist / w.filename}: a wheel (`retag check` audits wheels)" for w in WHEELS
    )


@pytest.mark.network
@pytest.mark.containers
def test_retag_validate_over_the_release_exits_0(dist: Path) -> None:
    require_images(DEBIAN, MUSL)
    done = _run(
        "retag", "validate", "--format", "json", "--image", DEBIAN, "--image", MUSL, str(dist)
    )
    assert done.returncode == 0, done.stdout
    results = _by_wheel(json.loads(done.stdout))
    cells = {
        name: {"empty" if c["origin"] == "empty" else c["image"]: c for c in r["cells"]}  # type: ignore[union-attr]
        for name, r in results.items()
    }
    glibc = cells[UV_GLIBC_X86_64.filename]
    assert set(glibc) == {DEBIAN, MUSL}  # no static claim: no empty image
    assert glibc[DEBIAN]["status"] == "pass" and glibc[MUSL]["status"] == "not-target"
    musl = cells[UV_MUSL_X86_64.filename]
    assert musl["empty"]["status"] == "pass" and musl["empty"]["target"]
    assert musl[MUSL]["status"] == "pass"
    for other in (UV_WIN_AMD64, UV_MACOS_ARM64):
        assert results[other.filename]["not_applicable"] and not results[other.filename]["cells"]
    text = _run("retag", "validate", "--image", DEBIAN, "--image", MUSL, str(dist)).stdout
    assert text.count(f"skipped {dist / UV_BROKEN.filename}") == 1
    assert not any(line.startswith("skipped ") and len(line) < 12 for line in text.splitlines())


@pytest.mark.network
def test_validate_never_fails_a_glibc_wheel_for_the_missing_loader(pypi: Fetch) -> None:
    wheel = str(pypi(UV_GLIBC_X86_64.filename, UV_GLIBC_X86_64.sha256))
    done = _run("retag", "validate", "--format", "json", wheel)  # the default images
    assert done.returncode in (0, 2), done.stdout  # 2: an image that cannot be had here
    (result,) = json.loads(done.stdout)["results"] if done.stdout else [{"cells": []}]
    assert all(c["origin"] != "empty" for c in result["cells"])
    assert all(c["status"] != "fail" for c in result["cells"])


@pytest.mark.network
def test_markdown_job_summaries(dist: Path) -> None:
    sdist = _run("sdistcheck", "--format", "markdown", str(dist))
    assert sdist.returncode == 1 and sdist.stdout.startswith("## sdistcheck\n")
    assert "| uv-0.5.2.tar.gz | ❌ incomplete | 6 | 0 |" in sdist.stdout
    assert '(Rust include_bytes!) under cfg(all(windows, target_arch = "aarch64"))' in sdist.stdout
    retag = _run("retag", "--dry-run", "--format", "markdown", str(dist))
    assert retag.returncode == 0 and retag.stdout.startswith("## retag\n")
    assert f"| {UV_MUSL_X86_64.filename} | not-needed |" in retag.stdout
    check = _run("retag", "check", "--format", "markdown", str(dist))
    assert check.stdout.startswith("## retag check\n") and check.stdout.count("| clean |") == 4


@pytest.mark.parametrize(
    "command",
    [
        ["sdistcheck"],
        ["retag"],
        ["retag", "check"],
        ["retag", "tags", "--platform-tag", "+x"],
        ["retag", "validate"],
    ],
)
def test_an_empty_folder_or_a_missing_path_is_one_line_and_exit_2(
    command: list[str], tmp_path: Path
) -> None:
    for target, why in ((tmp_path, "s in this folder"), (tmp_path / "nope", "no such file")):
        done = _run(command[0], *command[1:], str(target))
        assert done.returncode == 2 and done.stdout == "", done.stdout
        (line,) = done.stderr.splitlines()
        assert why in line and str(target) in line


@pytest.mark.network
def test_an_artifact_of_the_other_kind_is_exit_2(pypi: Fetch) -> None:
    wheel = str(pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256))
    done = _run("sdistcheck", wheel)
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr.strip()
        == f"sdistcheck: error: {wheel}: a wheel, not an sdist (retag check handles wheels)"
    )
    sdist = str(pypi(UV_BROKEN.filename, UV_BROKEN.sha256))
    for command in (["retag"], ["retag", "check"], ["retag", "validate"]):
        done = _run(*command, sdist)
        assert done.returncode == 2 and "an sdist, not a wheel" in done.stderr


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["sdistcheck", "--jobs", "0", "x.tar.gz"], "--jobs/-j: must be 1 or more, not 0"),
        (["retag", "--jobs", "-2", "x.whl"], "--jobs/-j: must be 1 or more, not -2"),
        (["retag", "check", "--jobs", "0", "x.whl"], "--jobs/-j: must be 1 or more, not 0"),
        (["retag", "--manylinux", "2_5", "x.whl"], "below the static-binary floor 2_17"),
        (["retag", "--manylinux", "3_0", "x.whl"], "there is no glibc 3.0"),
        (["retag", "--manylinux", "2_99", "x.whl"], "newer than any manylinux policy"),
        (["sdistcheck", "--format", "yaml", "x.tar.gz"], "invalid choice: 'yaml'"),
        (["retag", "validate", "--bogus", "x.whl"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_are_one_line(command: list[str], message: str) -> None:
    done = _run(command[0], *command[1:])
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()  # no usage block: that is for --help
    assert message in line and not line.startswith("usage:")


def _parsers() -> list[argparse.ArgumentParser]:
    from retag import _cli, _cli_validate
    from sdistcheck import _cli as sdistcheck_cli

    return [
        sdistcheck_cli._parser(),
        _cli._retag_parser(),
        _cli._check_parser(),
        _cli._tags_parser(),
        _cli_validate._parser(),
    ]


@pytest.mark.parametrize("parser", _parsers(), ids=lambda p: p.prog)
def test_every_option_has_help_and_the_shared_flags_mean_the_same(
    parser: argparse.ArgumentParser,
) -> None:
    bare = [a.option_strings or [a.dest] for a in parser._actions if not a.help]
    assert bare == []
    by_flag = {flag: a for a in parser._actions for flag in a.option_strings}
    assert by_flag["--format"].choices == FORMATS and by_flag["--format"].default == "text"
    assert by_flag["-v"] is by_flag["--verbose"]
    if "--jobs" in by_flag:
        assert by_flag["-j"] is by_flag["--jobs"] and by_flag["--jobs"].type is jobs_count


@pytest.mark.network
def test_verbose_lists_what_was_checked(dist: Path, pypi: Fetch) -> None:
    sdist = _run("sdistcheck", "-v", str(dist / UV_BROKEN.filename))
    # 787 references, and 3 libraries cargo discovers that the build needs (rust/targets.py)
    assert "checked (790):" in sdist.stdout
    assert "crates/uv-trampoline-builder/src/lib.rs:33  Rust include_bytes! -> " in sdist.stdout
    wheel = _run("retag", "-v", "--dry-run", str(dist / UV_MUSL_X86_64.filename))
    assert "binary uv-0.5.2.data/scripts/uv: elf x86_64 static-pie, static" in wheel.stdout
