"""The command line, run as a user runs it: exit codes, one-line errors, JSON schema."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import make_sdist, run
from real_artifacts import UV_BROKEN, UV_FIXED

from sdistcheck._cli import console_main

Fetch = Callable[[str, str], Path]


GOOD = {
    "pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "p"\n',
    "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
    "Cargo.toml": '[package]\nname = "p"\nversion = "1.0.0"\n',
    "src/lib.rs": "mod a;\n",
    "src/a.rs": "",
}


def test_complete_sdist_exits_0(tmp_path: Path) -> None:
    result = run(str(make_sdist(tmp_path / "p-1.tar.gz", GOOD)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "complete" in result.stdout and result.stderr == ""


def test_console_script_skips_the_last_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(GOOD)
    del files["src/a.rs"]
    monkeypatch.setattr(
        sys, "argv", ["sdistcheck", str(make_sdist(tmp_path / "p-1.tar.gz", files))]
    )
    frozen = gc.get_freeze_count()
    try:
        assert console_main() == 1  # main's exit code
        assert gc.get_freeze_count() > frozen  # what the run made is left to the OS
    finally:
        gc.unfreeze()
    assert "INCOMPLETE" in capsys.readouterr().out


def test_missing_module_exits_1_with_json(tmp_path: Path) -> None:
    files = dict(GOOD)
    del files["src/a.rs"]
    result = run("--format", "json", str(make_sdist(tmp_path / "p-1.tar.gz", files)))
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["schema"] == "sdistcheck-report" and doc["schema_version"] == 1
    assert doc["exit_code"] == 1
    (res,) = doc["results"]
    assert res["status"] == "incomplete" and res["summary"]["error"] == 1
    (finding,) = res["findings"]
    assert finding["path"] == "src/a.rs"
    assert finding["references"][0] | {"text": None} == {
        "source": "src/lib.rs",
        "line": 1,
        "text": None,
        "kind": "mod",
        "condition": None,
        "scope": "always",
        "platforms": None,
        "alternatives": ["src/a/mod.rs"],
        "note": None,
        "tolerated": False,
    }
    assert 'format = "sdist"' in res["fixes"][0]["snippet"]


def test_directory_target_checks_each_sdist(tmp_path: Path) -> None:
    make_sdist(tmp_path / "p-1.tar.gz", GOOD)
    bad = dict(GOOD)
    del bad["src/a.rs"]
    make_sdist(tmp_path / "q-1.tar.gz", bad, prefix="q-1")
    (tmp_path / "notes.txt").write_text("not an sdist")
    result = run("--format", "json", str(tmp_path))
    doc = json.loads(result.stdout)
    assert [r["status"] for r in doc["results"]] == ["complete", "incomplete"]
    assert result.returncode == 1


def test_config_in_the_sdist_is_honoured_and_validated(tmp_path: Path) -> None:
    files = dict(GOOD)
    del files["src/a.rs"]
    files["pyproject.toml"] += '[tool.sdistcheck]\nignore = ["src/a.rs"]\n'
    assert run(str(make_sdist(tmp_path / "p-1.tar.gz", files))).returncode == 0
    files["pyproject.toml"] += "typo = 1\n"
    result = run(str(make_sdist(tmp_path / "p-1.tar.gz", files)))
    assert result.returncode == 2 and "unknown key 'typo'" in result.stdout


def test_strict_and_fail_on(tmp_path: Path) -> None:
    files = dict(GOOD, **{"src/lib.rs": "#[cfg(test)]\nmod tests;\n"})
    sdist = str(make_sdist(tmp_path / "p-1.tar.gz", files))
    assert run(sdist).returncode == 0  # a test-only module: a warning
    assert run("--strict", sdist).returncode == 1
    assert run("--fail-on", "always,test", sdist).returncode == 1
    bad = run("--fail-on", "sometimes", sdist)
    assert bad.returncode == 2 and "unknown scope 'sometimes'" in bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["does-not-exist.tar.gz"], "no such file"),
        (["--max-member-size", "lots", "x.tar.gz"], "not a size"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_empty_directory_exits_2(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"sdistcheck: error: {tmp_path}: no sdists in this folder"
    ]


@pytest.mark.network
def test_uv_pair_from_the_command_line(pypi: Fetch) -> None:
    broken = run(str(pypi(UV_BROKEN.filename, UV_BROKEN.sha256)))
    assert broken.returncode == 1
    for arch in ("i686", "x86_64", "aarch64"):
        for kind in ("gui", "console"):
            assert f"uv-trampoline-{arch}-{kind}.exe" in broken.stdout
    assert 'cfg(all(windows, target_arch = "aarch64"))' in broken.stdout
    assert run(str(pypi(UV_FIXED.filename, UV_FIXED.sha256))).returncode == 0


@pytest.mark.network
def test_name_version_target(tmp_path: Path) -> None:
    result = run("--cache-dir", str(tmp_path), "--format", "json", "uv==0.5.3")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["results"][0]["artifact"] == "uv-0.5.3.tar.gz"
    missing = run("--cache-dir", str(tmp_path), "no-such-project-sdistcheck-test==1.0")
    assert missing.returncode == 2 and "not found" in missing.stdout


def test_default_index_matches_the_fetcher() -> None:
    from sdistcheck import _cli
    from sdistcheck.archive import fetch as _fetch

    assert _cli.DEFAULT_INDEX == _fetch.DEFAULT_INDEX


def test_source_checkout_separates_bugs_from_generated_files(tmp_path: Path) -> None:
    files = dict(GOOD, **{"src/lib.rs": "mod a;\nmod gen;\n"})
    del files["src/a.rs"]
    sdist = str(make_sdist(tmp_path / "p-1.tar.gz", files))
    checkout = tmp_path / "checkout"
    (checkout / "src").mkdir(parents=True)
    (checkout / "src" / "a.rs").write_text("")  # committed, left out of the sdist
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    subprocess.run(["git", "-C", str(checkout), "add", "src/a.rs"], check=True)
    (checkout / "src" / "gen.rs").write_text("")  # untracked: not in a clean clone
    result = run("--format", "json", "--source", str(checkout), sdist)
    findings = {f["path"]: f for f in json.loads(result.stdout)["results"][0]["findings"]}
    assert findings["src/a.rs"]["in_source"] is True
    assert findings["src/a.rs"]["severity"] == "error"
    assert findings["src/gen.rs"]["in_source"] is False
    assert findings["src/gen.rs"]["severity"] == "info"
    assert result.returncode == 1
    bad = run("--source", str(tmp_path / "nope"), sdist)
    assert bad.returncode == 2 and "not a directory" in bad.stderr


@pytest.mark.network
def test_github_annotations_point_at_the_referencing_lines(pypi: Fetch) -> None:
    result = run("--format", "github", str(pypi(UV_BROKEN.filename, UV_BROKEN.sha256)))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and all(ln.startswith("::error file=") for ln in lines)
    located = sorted(int(ln.split(",line=")[1].split(",")[0]) for ln in lines)
    assert located == [13, 17, 21, 25, 29, 33]
    assert all("file=crates/uv-trampoline-builder/src/lib.rs," in ln for ln in lines)


def test_github_format_escapes_and_reports_unreadable(tmp_path: Path) -> None:
    from sdistcheck.pipeline import gh_escape

    assert gh_escape("a:b,c%\nd", prop=True) == "a%3Ab%2Cc%25%0Ad"
    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"not an archive")
    result = run("--format", "github", str(bad))
    assert result.returncode == 2 and result.stdout.startswith("::error title=sdistcheck::")


def test_wording_names_no_internal_kinds_and_no_placeholders(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        "requires = []\n",
        "backend.py": "",
        "setup.py": "from setuptools import Extension, setup\n"
        'setup(ext_modules=[Extension("a", sources=["src/a.c"])])\n',
        "src/a.c": '#include "b.h"\nint x;\n',
        "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
    }
    sdist = str(make_sdist(tmp_path / "p-1.tar.gz", files))
    text = run(sdist)
    assert text.returncode == 1, text.stdout
    head = text.stdout.splitlines()[0]
    assert head.startswith("p-1.tar.gz (p 1, build backend 'backend'): INCOMPLETE"), head
    assert "src/a.c:1  C/C++ #include" in text.stdout
    github = run("--format", "github", sdist).stdout
    assert "src/b.h is missing from p-1.tar.gz; C/C++ #include needs it" in github
    for out in (text.stdout, github, run("--format", "markdown", sdist).stdout):
        for internal in ("c-include", "backend backend", "(?", "?,"):
            assert internal not in out, (internal, out)


@pytest.mark.parametrize(
    ("files", "blocker"),
    [
        (dict(GOOD, **{"pyproject.toml": "[build-system\n"}), "pyproject.toml is not valid TOML"),
        ({k: v for k, v in GOOD.items() if k != "PKG-INFO"}, "no PKG-INFO at its top"),
    ],
)
def test_an_sdist_that_cannot_build_is_never_complete(
    tmp_path: Path, files: dict[str, str], blocker: str
) -> None:
    sdist = str(make_sdist(tmp_path / "p-1.tar.gz", files))
    text = run(sdist)
    assert text.returncode == 1 and "UNBUILDABLE" in text.stdout and blocker in text.stdout
    (result,) = json.loads(run("--format", "json", sdist).stdout)["results"]
    assert result["status"] == "unbuildable" and blocker in result["blockers"][0]
    github = run("--format", "github", sdist).stdout
    assert github.startswith("::error title=sdistcheck::p-1.tar.gz cannot build: ")


def test_name_and_version_come_from_pkg_info(tmp_path: Path) -> None:
    sdist = str(make_sdist(tmp_path / "p-1.tar.gz", GOOD))
    (result,) = json.loads(run("--format", "json", sdist).stdout)["results"]
    assert (result["name"], result["version"]) == ("p", "1")
