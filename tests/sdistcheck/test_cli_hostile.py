"""Hostile and broken archives through the real command line: one line, the documented exit code,
no traceback, nothing written, in seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from make_hostile_archives import build_all

EXPECTED = {
    "valid.tar.gz": 0,
    "valid.tar.bz2": 0,
    "valid.tar.xz": 0,
    "valid.tar": 0,
    "valid.zip": 0,
    "non_utf8.tar.gz": 0,
    "pwned.tar.gz": 0,
    "traversal.tar.gz": 2,
    "absolute.tar.gz": 2,
    "absolute_windows.tar.gz": 2,
    "symlink_abs.tar.gz": 2,
    "symlink_rel.tar.gz": 2,
    "hardlink_out.tar.gz": 2,
    "chardev.tar.gz": 2,
    "fifo.tar.gz": 2,
    "truncated.tar.gz": 2,
    "truncated.tar": 2,
    "no_end_marker.tar": 2,
    "random.tar.gz": 2,
    "empty.tar.gz": 2,
    "zip_symlink.zip": 2,
    "gzip_bomb.tar.gz": 2,
    "zip_bomb.zip": 2,
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_all(tmp_path_factory.mktemp("hostile"))


def snapshot(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


def test_every_fixture_has_an_expectation(hostile: dict[str, Path]) -> None:
    assert set(hostile) - {"many_members.tar.gz"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_archive(hostile: dict[str, Path], name: str, tmp_path: Path) -> None:
    path = hostile[name]
    before = snapshot(path.parent) | snapshot(tmp_path)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sdistcheck", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == EXPECTED[name], result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert elapsed < 10
    if EXPECTED[name] == 2:
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {name}:"), result.stdout
    assert snapshot(path.parent) | snapshot(tmp_path) == before  # nothing written anywhere near
    assert not (path.parent / "PWNED").exists()  # where pwned.tar.gz's setup.py would write


def test_json_error_result(hostile: dict[str, Path]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sdistcheck",
            "--format",
            "json",
            str(hostile["traversal.tar.gz"]),
            str(hostile["valid.tar.gz"]),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    doc = json.loads(result.stdout)
    assert doc["exit_code"] == 2 == result.returncode
    bad, good = doc["results"]
    assert bad["status"] == "error" and "traversal.tar.gz" in bad["error"]
    assert good["status"] == "complete"


def test_many_members_in_seconds(hostile: dict[str, Path]) -> None:
    path = hostile["many_members.tar.gz"]
    start = time.perf_counter()
    capped = subprocess.run(
        [sys.executable, "-m", "sdistcheck", "--max-members", "100000", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert capped.returncode == 2 and "100000" in capped.stdout.replace(",", "")
    assert time.perf_counter() - start < 20
    full = subprocess.run(
        [sys.executable, "-m", "sdistcheck", str(path)], capture_output=True, text=True, timeout=120
    )
    assert full.returncode in (0, 1) and "Traceback" not in full.stderr
