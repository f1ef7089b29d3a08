"""`sdistcheck` on a release: the coverage matrix, tied to the sdist's findings.  NAME==VERSION
runs against a local simple index written from the recorded file lists (tests/support/releases.py)
with the real sdist (pinned, cached): no network once the sdist is cached."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from real_wheels import UV_GLIBC_X86_64, UV_MACOS_ARM64, UV_MUSL_X86_64, UV_WIN_AMD64
from releases import SDISTS, write_index

Fetch = Callable[[str, str], Path]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "sdistcheck", *args], capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def _release(
    pypi: Fetch, tmp: Path, name: str, version: str, *args: str
) -> subprocess.CompletedProcess[str]:
    sdist = f"{name}-{version}.tar.gz"
    url = write_index(tmp / "index", name, version, pypi(sdist, SDISTS[sdist]))
    return _run("--index-url", url, "--cache-dir", str(tmp / "cache"), *args, f"{name}=={version}")


def _coverage(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    coverage: dict[str, Any] = json.loads(done.stdout)["results"][0]["coverage"]
    return coverage


def _impact(coverage: dict[str, Any], key: str) -> dict[str, Any]:
    (impact,) = [i for i in coverage["builds_sdist"] if i["platform"] == key]
    return impact


@pytest.mark.network
def test_uv_052_windows_arm64_builds_the_sdist_and_fails(pypi: Fetch, tmp_path: Path) -> None:
    done = _release(pypi, tmp_path, "uv", "0.5.2")
    assert done.returncode == 1
    out = done.stdout
    assert (
        "Windows ARM64 (win_arm64) has no wheel: every CPython (3.9-3.14t) builds the sdist" in out
    )
    assert "every win_arm64 install fails: the sdist lacks" in out
    assert "crates/uv-trampoline/trampolines/uv-trampoline-aarch64-console.exe  (under " in out
    assert "a build there needs: Rust toolchain (cargo, rustc)" in out
    done = _release(pypi, tmp_path, "uv", "0.5.2", "--format", "json")
    coverage = _coverage(done)
    assert done.returncode == 1 and coverage["exit_code"] == 1
    assert coverage["install_fails"] == ["win_arm64"] and coverage["regressions"] == []
    arm = _impact(coverage, "win_arm64")
    assert arm["install_fails"] and arm["history"] == "gap"
    assert sorted(Path(p).name for p in arm["missing_files"]) == [
        "uv-trampoline-aarch64-console.exe",
        "uv-trampoline-aarch64-gui.exe",
    ]
    # uv 0.5.2 has win32 and win_amd64 wheels: their missing trampolines bite no installer
    assert {i["platform"] for i in coverage["builds_sdist"]} & {"win32", "win_amd64"} == set()


@pytest.mark.network
def test_pandas_221_win32_builds_with_a_compiler_and_meson(pypi: Fetch, tmp_path: Path) -> None:
    done = _release(pypi, tmp_path, "pandas", "2.2.1")
    assert done.returncode == 0, done.stdout  # a complete sdist: gaps are information
    lines = done.stdout.splitlines()
    every = [line for line in lines if line.strip().startswith("every CPython (3.9-3.14t): ")]
    assert any("win32" in line.split(": ", 1)[1].split(", ") for line in every)
    assert (
        "a build needs, on Windows: meson and ninja, C/C++ compiler (MSVC Build Tools)"
        in done.stdout
    )
    coverage = _coverage(_release(pypi, tmp_path, "pandas", "2.2.1", "--format", "json"))
    win32 = _impact(coverage, "win32")
    assert win32["pythons"] == coverage["pythons"]  # every CPython version
    assert win32["needs"] == ["meson and ninja", "C/C++ compiler (MSVC Build Tools)"]
    assert not win32["install_fails"]


@pytest.mark.network
def test_uv_0140_old_glibc_aarch64_and_the_retag_remedy(pypi: Fetch, tmp_path: Path) -> None:
    done = _release(pypi, tmp_path, "uv", "0.1.40")
    assert "  Linux aarch64 glibc 2.17" in done.stdout
    assert "retag --out-dir dist/ uv-0.1.40-py3-none-musllinux_1_2_aarch64.whl" in done.stdout
    coverage = _coverage(_release(pypi, tmp_path, "uv", "0.1.40", "--format", "json"))
    assert (
        _impact(coverage, "manylinux_2_17_aarch64")["needs"][0] == "Rust toolchain (cargo, rustc)"
    )
    (remedy,) = coverage["remedies"]
    assert remedy["kind"] == "retag" and remedy["platforms"] == ["manylinux_2_17_aarch64"]
    assert remedy["wheel"] == "uv-0.1.40-py3-none-musllinux_1_2_aarch64.whl"


@pytest.mark.network
def test_uv_058_regression_is_an_error(pypi: Fetch, tmp_path: Path) -> None:
    done = _release(pypi, tmp_path, "uv", "0.5.8", "--format", "json")
    coverage = _coverage(done)
    assert coverage["regressions"] == ["musllinux_1_1_ppc64le", "musllinux_1_2_ppc64le"]
    assert coverage["exit_code"] == 1 and done.returncode == 1
    github = _release(pypi, tmp_path, "uv", "0.5.8", "--format", "github").stdout
    assert (
        "the previous release had uv-0.5.7-py3-none-musllinux_1_1_ppc64le.whl (a regression)"
        in github
    )


@pytest.mark.network
def test_no_coverage_and_markdown(pypi: Fetch, tmp_path: Path) -> None:
    done = _release(pypi, tmp_path, "uv", "0.5.2", "--no-coverage", "--format", "json")
    assert json.loads(done.stdout)["results"][0]["coverage"] is None
    md = _release(pypi, tmp_path, "uv", "0.5.2", "--format", "markdown").stdout
    assert "#### Release coverage: uv 0.5.2" in md
    assert "| ❌ Windows ARM64 (win_arm64) | sdist |" in md
    assert "every win_arm64 install fails" in md


@pytest.mark.network
def test_a_release_folder_is_covered_and_its_wheels_read(pypi: Fetch, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name, sha in [("uv-0.5.2.tar.gz", SDISTS["uv-0.5.2.tar.gz"])] + [
        (w.filename, w.sha256)
        for w in (UV_GLIBC_X86_64, UV_MUSL_X86_64, UV_WIN_AMD64, UV_MACOS_ARM64)
    ]:
        shutil.copy(pypi(name, sha), dist)
    coverage = _coverage(_run("--format", "json", str(dist)))
    assert coverage["release"]["origin"] == "folder" and coverage["release"]["previous"] is None
    # no win32 wheel in this folder: 32-bit Windows builds the sdist and lacks the i686 trampolines
    assert coverage["install_fails"] == ["win32", "win_arm64"]
    assert coverage["consistency"] == []
    assert (
        _run("--no-coverage", "--format", "json", str(dist)).stdout.count('"coverage": null') == 1
    )


def test_an_unreadable_wheel_beside_the_sdist_is_one_line(tmp_path: Path) -> None:
    from cli_helpers import make_sdist

    make_sdist(
        tmp_path / "p-1.tar.gz",
        {"PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n", "setup.py": ""},
    )
    (tmp_path / "p-1-py3-none-any.whl").write_bytes(b"not a zip")
    done = _run(str(tmp_path))
    assert done.returncode == 2
    assert "p-1-py3-none-any.whl: unreadable wheel" in done.stdout


def test_hostile_index_page_names_are_harmless(tmp_path: Path) -> None:
    from cli_helpers import make_sdist

    sdist = make_sdist(
        tmp_path / "p-1.tar.gz",
        {"PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n", "setup.py": ""},
    )
    page = tmp_path / "index" / "p"
    page.mkdir(parents=True)
    links = [
        f'<a href="{sdist.as_uri()}">p-1.tar.gz</a>',
        '<a href="x" data-requires-python="&gt;=3.12">p-1-py3-none-[bold]win32.whl</a>',
        '<a href="x">p-1-py3-none-\x1b[31mevil.whl</a>',
        '<a href="x">../../p-0.9-py3-none-win_arm64.whl</a>',
        '<a href="x" data-requires-python="garbage">p-0.9-py3-none-win_amd64.whl</a>',
    ]
    (page / "index.html").write_text("\n".join(links), "utf-8")
    url = (tmp_path / "index").as_uri() + "/"
    for fmt in ("text", "json", "markdown", "github", "sarif"):
        done = _run("--index-url", url, "--cache-dir", str(tmp_path / "c"), "--format", fmt, "p==1")
        assert done.returncode == 1, done.stdout + done.stderr  # win_amd64 lost since 0.9
