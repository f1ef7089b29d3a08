"""A release pipeline's step over dist/: uv-0.5.2's sdist and musllinux wheel, as published.

One `sdistcheck dist/` and one `retag dist/`, their annotations, SARIF, summary tables,
parallel runs, `[tool.retag]`, and the Python API the commands are thin layers over.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from real_artifacts import UV_BROKEN, UV_FIXED
from real_wheels import UV_MUSL_X86_64

import retag
import sdistcheck

pytestmark = pytest.mark.network
Fetch = Callable[[str, str], Path]
RETAGGED = "uv-0.5.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl"
LIB_RS = "crates/uv-trampoline-builder/src/lib.rs"


def _run(tool: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", tool, *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def dist(pypi: Fetch, tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    out.mkdir()
    for artifact in (UV_BROKEN, UV_MUSL_X86_64):
        shutil.copy(pypi(artifact.filename, artifact.sha256), out)
    return out


def test_one_sdistcheck_over_dist(dist: Path) -> None:
    done = _run("sdistcheck", str(dist))
    assert done.returncode == 1
    assert "INCOMPLETE" in done.stdout and done.stdout.count("✗ crates/uv-trampoline/") == 6
    assert f"skipped {dist / UV_MUSL_X86_64.filename}: a wheel" in done.stdout


def test_github_annotations_over_dist_point_at_lib_rs(dist: Path) -> None:
    done = _run("sdistcheck", "--format", "github", str(dist))
    lines, coverage = done.stdout.splitlines()[:6], done.stdout.splitlines()[6:]
    assert done.returncode == 1 and len(lines) == 6
    assert all(ln.startswith(f"::error file={LIB_RS},line=") for ln in lines)
    # the folder is a release with one (musl x86_64) wheel: every Windows builds the sdist
    assert [ln.split("::")[2].split(" has no wheel")[0] for ln in coverage] == [
        "uv 0.5.2: Windows x64 (win_amd64)",
        "uv 0.5.2: Windows x86 (win32)",
        "uv 0.5.2: Windows ARM64 (win_arm64)",
    ]
    assert sorted(int(ln.split(",line=")[1].split(",")[0]) for ln in lines) == [
        13,
        17,
        21,
        25,
        29,
        33,
    ]


def test_sarif_for_code_scanning(dist: Path) -> None:
    done = _run("sdistcheck", "--format", "sarif", str(dist))
    doc = json.loads(done.stdout)
    assert done.returncode == 1 and doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "sdistcheck"
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["missing-file/platform", "release-coverage"]  # three Windows platforms fail
    results = [r for r in run["results"] if r["ruleId"] != "release-coverage"]
    assert len(run["results"]) == 9 and {r["level"] for r in run["results"]} == {"error"}
    assert len(results) == 6
    where = [r["locations"][0]["physicalLocation"] for r in results]
    assert {w["artifactLocation"]["uri"] for w in where} == {LIB_RS}
    assert sorted(w["region"]["startLine"] for w in where) == [13, 17, 21, 25, 29, 33]


def test_one_retag_over_dist(dist: Path) -> None:
    done = _run("retag", str(dist))
    assert done.returncode == 0, done.stdout
    assert (dist / RETAGGED).is_file() and (dist / UV_MUSL_X86_64.filename).is_file()
    assert f"skipped {dist / UV_BROKEN.filename}: an sdist" in done.stdout
    again = json.loads(_run("retag", "check", "--format", "json", str(dist)).stdout)
    assert [r["status"] for r in again["results"]] == ["clean", "clean"]
    sarif = json.loads(_run("retag", "check", "--format", "sarif", str(dist)).stdout)
    assert sarif["runs"][0]["results"] == []  # clean: nothing for code scanning


def test_summary_tables_and_parallel_runs_agree(pypi: Fetch, tmp_path: Path) -> None:
    for artifact in (UV_BROKEN, UV_FIXED):
        shutil.copy(pypi(artifact.filename, artifact.sha256), tmp_path)
    serial = _run("sdistcheck", "--jobs", "1", "--format", "json", str(tmp_path))
    parallel = _run("sdistcheck", "--jobs", "2", "--format", "json", str(tmp_path))
    assert serial.returncode == parallel.returncode == 1

    def untimed(text: str) -> Any:
        doc = json.loads(text)
        for result in doc["results"]:
            result["stats"].pop("analysis_seconds")
        return doc

    assert untimed(serial.stdout) == untimed(parallel.stdout)
    text = _run("sdistcheck", str(tmp_path)).stdout
    table = text[text.index("┏") :]
    assert "uv-0.5.2.tar.gz │ INCOMPLETE │ 6" in table and "uv-0.5.3.tar.gz │ complete" in table


def _pyproject(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.retag]\n{body}\n')
    return tmp_path


def test_tool_retag_config_and_flags_over_it(pypi: Fetch, tmp_path: Path) -> None:
    wheel = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    project = _pyproject(tmp_path, 'manylinux = "2_28"\nout-dir = "out"')
    done = json.loads(_run("retag", "--format", "json", str(wheel), cwd=project).stdout)
    assert done["results"][0]["added_tags"] == ["manylinux_2_28_x86_64"]
    assert Path(done["results"][0]["output"]).parent == Path("out")
    flag = json.loads(
        _run(
            "retag", "--format", "json", "--dry-run", "--manylinux", "2_31", str(wheel), cwd=project
        ).stdout
    )
    assert flag["results"][0]["added_tags"] == ["manylinux_2_31_x86_64"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('colour = "always"', "[tool.retag] has unknown key 'colour'"),
        ("manylinux = 2.28", "[tool.retag] manylinux must be a glibc version"),
        ("timeout = true", "[tool.retag] timeout must be seconds"),
        ('manylinux = "two"', "not a glibc version: 'two'"),
        ('engine = "sh"', '[tool.retag] engine: \'sh\' is not "podman" or "docker"'),
        ("timeout = -3", "[tool.retag] timeout: not a number of seconds between 0 and 86400"),
    ],
)
def test_bad_tool_retag_is_one_line_exit_2(
    pypi: Fetch, tmp_path: Path, body: str, message: str
) -> None:
    wheel = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    done = _run("retag", "--dry-run", str(wheel), cwd=_pyproject(tmp_path, body))
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unreadable_config_file_is_one_line_exit_2(pypi: Fetch, tmp_path: Path) -> None:
    wheel = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    (tmp_path / "pyproject.toml").write_text("[tool.retag\nmanylinux = ")
    done = _run("retag", "--dry-run", str(wheel), cwd=tmp_path)
    assert done.returncode == 2 and "pyproject.toml: not valid TOML" in done.stderr
    done = _run("retag", "--dry-run", "--config", str(tmp_path / "absent.toml"), str(wheel))
    assert done.returncode == 2 and "absent.toml: cannot read the configuration" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_python_api(pypi: Fetch, tmp_path: Path) -> None:
    report: Any = sdistcheck.check_sdist(pypi(UV_BROKEN.filename, UV_BROKEN.sha256))
    assert len(report.errors) == 6
    wheel = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    result = retag.retag_wheel(wheel, out_dir=tmp_path)
    assert result.status == "retagged" and result.output == str(tmp_path / RETAGGED)
    assert retag.check_wheel(tmp_path / RETAGGED).status == "clean"
    with pytest.raises(retag.RetagError):
        retag.check_wheel(tmp_path / "missing-1.0-py3-none-any.whl")
