"""Backend-true severity: a reference is judged by what the backend in use does when the file
is missing (each case judged by a real build in testdata/corpus/judgements.tsv)."""

from __future__ import annotations

import pytest

from sdistcheck import _check
from sdistcheck._model import Severity
from sdistcheck.archive.tree import SdistTree

PKG_INFO = "Metadata-Version: 2.1\nName: p\nVersion: 1\n"


def _findings(files: dict[str, str]) -> dict[str, Severity]:
    tree = SdistTree.from_mapping("p-1", {"PKG-INFO": PKG_INFO, **files})
    return {f.path: f.severity for f in _check.check(tree).findings}


@pytest.mark.parametrize(
    ("backend", "severity"),
    [
        ("setuptools.build_meta", Severity.WARNING),  # kiwisolver 1.5.1 builds, readme lost
        ("hatchling.build", Severity.ERROR),
        ("flit_core.buildapi", Severity.ERROR),
    ],
)
def test_a_missing_readme_is_what_the_backend_makes_of_it(backend: str, severity: Severity) -> None:
    pyproject = (
        f'[build-system]\nbuild-backend = "{backend}"\n[project]\nname = "p"\nversion = "1"\n'
        'readme = "README.rst"\n'
    )
    assert _findings({"pyproject.toml": pyproject}) == {"README.rst": severity}


def test_setup_cfg_long_description_file_is_tolerated() -> None:
    # cx_Oracle 8.3.0: setuptools warns "File ... cannot be found" and builds
    found = _findings(
        {
            "setup.py": "from setuptools import setup\nsetup()\n",
            "setup.cfg": "[metadata]\nlong_description = file: README.md\n",
        }
    )
    assert found == {"README.md": Severity.WARNING}


def test_another_backends_configuration_is_no_reference() -> None:
    # safetensors 0.8.0: [tool.setuptools.dynamic] in a maturin project
    pyproject = (
        '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "p"\ndynamic = ["readme"]\n'
        '[tool.setuptools.dynamic]\nreadme = {file = "README.rst"}\n'
        '[tool.setuptools-rust]\next-modules = [{path = "other/Cargo.toml"}]\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "Cargo.toml": '[package]\nname = "p"\nversion = "1.0.0"\n',
    }
    files["src/lib.rs"] = ""
    assert _findings(files) == {}


def test_dot_paths_are_one_spelling() -> None:
    # mmh3 5.3.1: ext-modules sources "./src/mmh3/mmh3module.c"; maturin python-source "."
    pyproject = (
        '[build-system]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "p"\n'
        'version = "1"\n[tool.setuptools]\n'
        'ext-modules = [{name = "m", sources = ["./src/m.c", "src/./gone.c"]}]\n'
    )
    found = _findings({"pyproject.toml": pyproject, "src/m.c": ""})
    assert found == {"src/gone.c": Severity.ERROR}


@pytest.mark.parametrize(
    ("backend", "read"),
    [
        ("poetry.core.masonry.api", False),  # pypugjs 5.9.8: poetry-core never runs setup.py
        ("hatchling.build", False),
        ("maturin", False),
        ("setuptools.build_meta", True),
        ("setuptools.build_meta:__legacy__", True),
        ("my_backend", True),  # an in-tree backend not found: it may run setuptools
    ],
)
def test_setup_py_is_read_only_by_a_build_that_runs_setuptools(backend: str, read: bool) -> None:
    setup_py = "from setuptools import setup\nsetup(long_description=open('HISTORY.rst').read())\n"
    files = {
        "pyproject.toml": f'[build-system]\nbuild-backend = "{backend}"\n',
        "setup.py": setup_py,
        "setup.cfg": "[metadata]\nlicense_files = LICENSE\n",
    }
    tree = SdistTree.from_mapping("p-1", {"PKG-INFO": PKG_INFO, **files})
    report = _check.check(tree)
    assert ("HISTORY.rst" in {f.path for f in report.findings}) is read
    note = "setup.py and setup.cfg are not read"
    assert any(n.startswith(note) for n in report.notes) is not read


def test_a_hatch_hook_that_runs_setup_py_still_has_it_read() -> None:
    files = {
        "pyproject.toml": '[build-system]\nbuild-backend = "hatchling.build"\n'
        '[tool.hatch.build.hooks.custom]\npath = "hatch_build.py"\n',
        "hatch_build.py": "import subprocess, sys\n"
        "from hatchling.builders.hooks.plugin.interface import BuildHookInterface\n"
        "class Hook(BuildHookInterface):\n    def initialize(self, version, build_data):\n"
        "        subprocess.run([sys.executable, 'setup.py', 'build_ext', '-i'], check=True)\n",
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('p._c', ['p/_c.c'])])\n",
    }
    assert _findings(files) == {"p/_c.c": Severity.ERROR}
