from __future__ import annotations

from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import pyproject as _pyproject
from sdistcheck.backends.intree import resolve

PYPROJECT = '[build-system]\nbuild-backend = "backend"\nbackend-path = ["_build"]\n'
SKBUILD_REEXPORT = (
    "import os\nfrom scikit_build_core import build as _orig\nbuild_wheel = _orig.build_wheel\n"
)


def analyse(backend: str, **files: str) -> _pyproject.PyprojectAnalysis:
    files = {"pyproject.toml": PYPROJECT, "_build/backend.py": backend, **files}
    return _pyproject.analyse(SdistTree.from_mapping("t", files))


def test_a_thin_wrapper_is_analysed_as_the_backend_it_reexports() -> None:
    out = analyse(SKBUILD_REEXPORT, **{"CMakeLists.txt": ""})
    assert out.backend == "scikit-build-core" and out.cmake_source_dir == ""
    assert "CMakeLists.txt" in {r.target for r in out.references}
    ((source, line, what),) = [(u.source, u.line, u.what) for u in out.unchecked]
    assert (source, line) == ("_build/backend.py", 2)
    assert what.startswith("in-tree build backend 'backend' wraps scikit-build-core")


def test_a_build_wheel_that_hands_over_first_is_the_backends() -> None:
    # cmake 4.x's form: call the backend, retry with a bootstrapped CMake on failure
    retry = (
        "from scikit_build_core import build as _orig\n"
        "def build_wheel(wd, cs=None, md=None):\n"
        "    from scikit_build_core.errors import CMakeNotFoundError\n"
        "    try:\n        return _orig.build_wheel(wd, cs, md)\n"
        "    except CMakeNotFoundError:\n        pass\n"
    )
    assert analyse(retry).backend == "scikit-build-core"
    star = "from maturin import *\n"
    assert analyse(star).backend == "maturin"


def test_a_wrapper_that_works_before_its_backend_is_not_mapped() -> None:
    # mistral-vibe 3.0.3's form: it stages the Cargo manifest [tool.maturin] names, then builds
    staged = (
        "import maturin\ndef build_wheel(wd, cs=None, md=None):\n"
        "    _stage()\n    return maturin.build_wheel(wd, cs, md)\n"
    )
    out = analyse(staged)
    assert out.backend == "backend" and not out.rust_roots
    assert "runs its own build_wheel before maturin's" in out.unchecked[0].what


def test_setuptools_wrappers_stay_setuptools_even_when_they_work_first() -> None:
    own = (
        "from setuptools import build_meta as _s\nfrom setuptools.build_meta import *\n"
        "def build_wheel(wd, cs=None, md=None):\n    return _s.build_wheel(wd, _apply(cs), md)\n"
    )
    assert analyse(own).backend == "setuptools"
    nested = "def _bridge():\n    from setuptools import build_meta\n"
    assert analyse(nested).backend == "setuptools"


def test_relative_imports_of_the_wrapper_package_are_followed() -> None:
    tree = SdistTree.from_mapping(
        "t",
        {
            "pkg/hooks/__init__.py": "from ._backend import build_wheel\n",
            "pkg/hooks/_backend.py": "from setuptools.build_meta import build_wheel\n",
        },
    )
    found = resolve(tree, "hooks", ["pkg"])
    assert (found.path, found.wraps) == ("pkg/hooks/__init__.py", "setuptools")


def test_what_cannot_be_mapped_is_listed() -> None:
    nothing = analyse("def build_wheel(wd, cs=None, md=None):\n    return 'x.whl'\n")
    assert nothing.backend == "backend"
    assert nothing.unchecked[0].source == "_build/backend.py"
    assert "wraps no backend the checker knows" in nothing.unchecked[0].what
    two = analyse("import maturin\nimport mesonpy\n")
    assert two.backend == "backend" and "wraps no backend" in two.unchecked[0].what
    absent = _pyproject.analyse(SdistTree.from_mapping("t", {"pyproject.toml": PYPROJECT}))
    assert [(u.source, u.line) for u in absent.unchecked] == [("pyproject.toml", 2)]
    external = '[build-system]\nbuild-backend = "sipbuild.api"\n'
    out = _pyproject.analyse(SdistTree.from_mapping("t", {"pyproject.toml": external}))
    assert out.unchecked[0].what == "build backend 'sipbuild.api': not one it models"
