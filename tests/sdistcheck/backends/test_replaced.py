"""Build commands that replace the declared extensions (backends/replaced.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import sdistcheck
from sdistcheck import _check
from sdistcheck._model import Severity
from sdistcheck.archive.tree import SdistTree

PKG_INFO = "Metadata-Version: 2.1\nName: p\nVersion: 1\n"
SETUP = """\
from setuptools import Extension, setup
import setup_build
setup(
    ext_modules=[Extension("p.x", ["x.c"])],  # to make build_ext run
    cmdclass={"build_ext": setup_build.BuildExt},
)
"""


def _severity(build_module: str) -> dict[str, Severity]:
    files = {"PKG-INFO": PKG_INFO, "setup.py": SETUP, "setup_build.py": build_module}
    return {f.path: f.severity for f in _check.check(SdistTree.from_mapping("p-1", files)).findings}


def test_a_placeholder_the_build_command_replaces_is_only_a_warning() -> None:
    build = (
        "from setuptools.command.build_ext import build_ext\n"
        "class BuildExt(build_ext):\n"
        "    def run(self):\n"
        "        self.extensions = self.distribution.ext_modules = make_extensions()\n"
        "        super().run()\n"
    )
    assert _severity(build) == {"x.c": Severity.WARNING}


@pytest.mark.parametrize(
    "assignment",
    ["self.extensions = cythonize(self.extensions)", "self.extensions = []  # not a command"],
)
def test_the_declared_sources_stay_needed_unless_replaced_by_a_command(assignment: str) -> None:
    base = "build_ext" if "cythonize" in assignment else "object"
    build = (
        "from setuptools.command.build_ext import build_ext\n"
        f"class BuildExt({base}):\n"
        "    def run(self):\n"
        f"        {assignment}\n"
    )
    assert _severity(build) == {"x.c": Severity.ERROR}


@pytest.mark.network
def test_h5py_placeholder_extension_is_not_an_error(
    pypi: Callable[[str, str], Path],
) -> None:
    # judged by a real build (testdata/corpus/judgements.tsv): h5py 3.16.0 builds without x.c
    sdist = pypi(
        "h5py-3.16.0.tar.gz", "a0dbaad796840ccaa67a4c144a0d0c8080073c34c76d5a6941d6818678ef2738"
    )
    report = sdistcheck.check_sdist(sdist)
    assert report.errors == ()
    assert [f.path for f in report.warnings] == ["x.c"]
    assert "setup_build.py:204" in (report.warnings[0].references[0].note or "")
