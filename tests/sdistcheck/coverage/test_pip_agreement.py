"""The matrix against pip's own choice: `pip download --platform ... --python-version ...
--implementation ... --abi ... --only-binary :all: --no-deps NAME==VERSION` for a sample of
cells (every platform of the environment passed, in order, as pip on such a machine would
compute them).  pip's answers are cached by command in the test cache."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypi import test_cache_dir
from releases import recorded

from sdistcheck.coverage.matrix import Cell, compute

SAMPLE = {
    # release: (environment keys, Python labels); every pair is one cell
    ("markupsafe", "3.0.2"): (
        (
            "manylinux_2_17_x86_64",
            "manylinux_2_34_aarch64",
            "musllinux_1_1_x86_64",
            "musllinux_1_2_aarch64",
            "macosx_11_0_x86_64",
            "macosx_14_0_arm64",
            "win32",
            "win_amd64",
            "win_arm64",
            "manylinux_2_17_riscv64",
        ),
        ("3.9", "3.13", "3.14"),
    ),
    ("pydantic-core", "2.27.1"): (
        ("manylinux_2_28_aarch64", "win_amd64", "musllinux_1_2_x86_64"),
        ("3.12", "PyPy 3.10"),
    ),
    # the most specific tag wins: glibc 2.34 aarch64 takes manylinux_2_28 over manylinux_2_17
    ("uv", "0.5.2"): (("manylinux_2_34_aarch64", "win_arm64"), ("3.12",)),
}


def _command(name: str, version: str, cell: Cell) -> list[str]:
    py = cell.python
    args = ["--python-version", f"{py.version[0]}.{py.version[1]}"]
    args += ["--implementation", py.implementation, "--abi", py.abi]
    for platform in cell.env.platforms:
        args += ["--platform", platform]
    return ["--only-binary", ":all:", "--no-deps", *args, f"{name}=={version}"]


def _pip_choice(command: list[str]) -> str | None:
    """The wheel pip downloads, or None when it finds none."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
             "-d", out, *command],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
        files = [p.name for p in Path(out).iterdir()]
    if done.returncode != 0:
        assert "No matching distribution" in done.stderr or "from versions: none" in done.stderr, (
            done.stderr
        )
        return None
    (wheel,) = files
    return wheel


@pytest.mark.network
def test_matrix_agrees_with_pip_download() -> None:
    cache_file = test_cache_dir() / "pip-download-choices.json"
    cache: dict[str, str | None] = (
        json.loads(cache_file.read_text("utf-8")) if cache_file.exists() else {}
    )
    cells: list[tuple[str, Cell]] = []
    for (name, version), (envs, pythons) in SAMPLE.items():
        matrix = compute(recorded(name, version))
        for cell in matrix.cells:
            if cell.env.key in envs and cell.python.label in pythons:
                cells.append((" ".join(_command(name, version, cell)), cell))
    assert len(cells) == 10 * 3 + 3 * 2 + 2
    todo = [key for key, _ in cells if key not in cache]
    with ThreadPoolExecutor(max_workers=4) as pool:
        choices = pool.map(lambda k: _pip_choice(k.split(" ")), todo)
        for key, choice in zip(todo, choices, strict=True):
            cache[key] = choice
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True), "utf-8")
    disagree = [
        (cell.env.key, cell.python.label, cell.wheel, cache[key])
        for key, cell in cells
        if cell.wheel != cache[key]
    ]
    agree = len(cells) - len(disagree)
    print(f"pip download agreement: {agree} of {len(cells)} cells")
    assert not disagree, disagree
    # the sample is not trivial: wheels and sdist cells both, and the 2_28-over-2_17 choice
    assert {cell.status for _, cell in cells} == {"wheel", "sdist"}
    assert "uv-0.5.2-py3-none-manylinux_2_28_aarch64.whl" in cache.values()
