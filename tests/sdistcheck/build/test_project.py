"""`sdistcheck --project DIR` (the pre-commit hook's command): build the repository's sdist with
`build` in isolation, then check it against the checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.network  # the isolated build installs setuptools from the index

PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-proj"
version = "1.0"
"""
SETUP_PY = """from setuptools import Extension, setup
setup(ext_modules=[Extension("demo._c", ["src/demo/c.c"])], packages=["demo"],
      package_dir={"": "src"})
"""


def _project(root: Path) -> Path:
    (root / "src" / "demo").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "setup.py").write_text(SETUP_PY)
    (root / "src" / "demo" / "__init__.py").write_text("")
    (root / "src" / "demo" / "c.c").write_text('#include "helper.h"\nint x;\n')
    (root / "src" / "demo" / "helper.h").write_text("#define X 1\n")
    return root


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "sdistcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_header_setuptools_leaves_out_is_caught_before_the_commit(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _run("--project", ".", cwd=project)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "demo_proj-1.0.tar.gz" in done.stdout
    assert "✗ src/demo/helper.h [always] in the source tree: left out of the sdist" in done.stdout
    assert "include src/demo/helper.h" in done.stdout  # the MANIFEST.in fix
    (project / "MANIFEST.in").write_text("include src/demo/helper.h\n")
    assert _run("--project", ".", cwd=project).returncode == 0


def test_not_a_project_and_a_broken_backend_are_one_line_exit_2(tmp_path: Path) -> None:
    done = _run("--project", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "not a Python project" in done.stderr
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "no_such_backend"\n'
    )
    done = _run("--project", ".", cwd=tmp_path)
    assert done.returncode == 2 and "its sdist did not build" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
