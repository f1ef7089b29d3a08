"""`sdistcheck --build` end to end on small sdists made here (no isolation: setuptools is here)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import make_sdist, run
from real_artifacts import REAL_SDISTS
from real_incomplete import CASES

Fetch = Callable[[str, str], Path]

SETUP = (
    "from setuptools import setup, Extension\n"
    "setup(name='tiny', version='1.0', ext_modules=[Extension('tiny', ['tiny.c'])])\n"
)
C_SOURCE = (
    '#include <Python.h>\n#include "tiny.h"\n'
    'static struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "tiny", NULL, -1, NULL};\n'
    "PyMODINIT_FUNC PyInit_tiny(void) { return PyModule_Create(&m); }\n"
)
FILES = {
    "setup.py": SETUP,
    "tiny.c": C_SOURCE,
    "tiny.h": "#define TINY 1\n",
    "PKG-INFO": "Metadata-Version: 2.1\nName: tiny\nVersion: 1.0\n",
    "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
    'build-backend = "setuptools.build_meta"\n',
}


def build(sdist: Path, *extra: str, isolated: bool = False) -> dict[str, object]:
    isolation = () if isolated else ("--no-isolation",)
    result = run("--build", *isolation, "--format", "json", *extra, str(sdist))
    doc = json.loads(result.stdout)
    res = doc["results"][0]
    res["returncode"] = result.returncode
    return res  # type: ignore[no-any-return]


def test_good_sdist_builds(tmp_path: Path) -> None:
    res = build(make_sdist(tmp_path / "tiny-1.0.tar.gz", FILES, prefix="tiny-1.0"))
    assert res["returncode"] == 0, res
    assert res["build"]["ok"] and res["build"]["wheel"].startswith("tiny-1.0-")  # type: ignore[index]


def test_missing_header_fails_and_agrees_with_the_static_check(tmp_path: Path) -> None:
    files = {k: v for k, v in FILES.items() if k != "tiny.h"}
    res = build(make_sdist(tmp_path / "tiny-1.0.tar.gz", files, prefix="tiny-1.0"))
    assert res["returncode"] == 1
    assert [f["path"] for f in res["findings"]] == ["tiny.h"]  # type: ignore[union-attr]
    b = res["build"]
    assert not b["ok"] and b["causes"][0]["kind"] == "missing-file"  # type: ignore[index]
    assert b["agrees_with_static"] == ["tiny.h"]  # type: ignore[index]
    assert Path(b["log"]).is_file()  # type: ignore[index,arg-type]


def test_missing_compiler_is_the_environment_not_the_sdist(tmp_path: Path) -> None:
    nocc = tmp_path / "bin"
    nocc.mkdir()
    for tool in ("sh", "env"):
        target = next(
            (Path(d) / tool for d in os.environ["PATH"].split(":") if (Path(d) / tool).exists()),
            None,
        )
        if target:
            (nocc / tool).symlink_to(target)
    (nocc / "python3").symlink_to(sys.executable)
    sdist = make_sdist(tmp_path / "tiny-1.0.tar.gz", FILES, prefix="tiny-1.0")
    old = os.environ["PATH"]
    os.environ["PATH"] = str(nocc)
    try:
        res = build(sdist)
    finally:
        os.environ["PATH"] = old
    assert res["findings"] == []
    kinds = [c["kind"] for c in res["build"]["causes"]]  # type: ignore[index]
    assert kinds[0] == "missing-tool" and res["returncode"] == 2, res["build"]


@pytest.mark.network
def test_real_sdist_missing_header(pypi: Fetch) -> None:
    case = next(c for c in CASES if c.bad == "crc32c-2.7.tar.gz")
    res = build(pypi(case.bad, case.bad_sha256), isolated=True)
    assert res["returncode"] == 1
    b = res["build"]
    assert not b["ok"] and b["causes"][0]["kind"] == "missing-file"  # type: ignore[index]
    assert "src/crc32c/ext/checkarm.h" in b["agrees_with_static"]  # type: ignore[index,operator]


@pytest.mark.network
def test_real_good_c_extension_builds(pypi: Fetch) -> None:
    msgpack = next(s for s in REAL_SDISTS if s.filename.startswith("msgpack-"))
    res = build(pypi(msgpack.filename, msgpack.sha256), isolated=True)
    assert res["returncode"] == 0 and res["build"]["ok"], res["build"]  # type: ignore[index]
