"""What the default isolated build can import decides `try: import X except ImportError:`."""

from __future__ import annotations

import ast

import pytest

from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import setuppy as _setuppy
from sdistcheck.backends.buildenv import BuildEnvironment

# pomegranate 0.11.1's shape: Cython decides between the .pyx and the shipped .c
_SETUP = (
    "from setuptools import setup, Extension\n"
    "try:\n    from Cython.Build import cythonize\nexcept ImportError:\n"
    "    use_cython = False\n    ext = 'c'\nelse:\n    use_cython = True\n    ext = 'pyx'\n"
    "if not use_cython:\n    exts = [Extension('p.m', ['p/m.' + ext])]\n"
    "else:\n    exts = cythonize([Extension('p.*', ['p/*.pyx'])])\n"
    "setup(ext_modules=exts{requires})\n"
)


def _sources(files: dict[str, str]) -> dict[str, Scope]:
    tree = SdistTree.from_mapping("p-1", files)
    found = _setuppy.analyse_setup_py(tree)
    return {r.target: r.scope for r in found.references if r.kind == "setuptools-ext-source"}


@pytest.mark.parametrize(
    ("extra", "requires", "cython"),
    [
        ({}, "", False),  # no pyproject.toml: setuptools and wheel only
        ({}, ", setup_requires=['cython>=0.22']", True),  # setuptools' backend installs them
        ({"pyproject.toml": "[build-system]\nrequires = ['setuptools', 'Cython']\n"}, "", True),
        ({"pyproject.toml": "[build-system]\nrequires = ['setuptools']\n"}, "", False),
    ],
)
def test_cython_is_importable_exactly_when_a_build_requirement_gives_it(
    extra: dict[str, str], requires: str, cython: bool
) -> None:
    files = {"setup.py": _SETUP.format(requires=requires), **extra}
    scopes = _sources(files)
    if cython:
        assert scopes == {"p/*.pyx": Scope.ALWAYS, "p/m.pyx": Scope.OPTION}
    else:
        assert scopes == {"p/m.c": Scope.ALWAYS, "p/*.pyx": Scope.OPTION}


def _references(files: dict[str, str]) -> list[Reference]:
    tree = SdistTree.from_mapping("p-1", files)
    found = _setuppy.analyse_setup_py(tree).references
    return [r for r in found if r.kind == "setuptools-ext-source"]


def test_a_conditional_expression_takes_the_default_build_s_arm() -> None:
    # rencode 1.0.6: source_ext = ".pyx" if cythonize else ".c"; Cython is no requirement
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "try:\n    from Cython.Build import cythonize\nexcept ImportError:\n"
        "    cythonize = False\n"
        "source_ext = '.pyx' if cythonize else '.c'\n"
        "setup(ext_modules=[Extension('r', sources=['r/r' + source_ext])])\n"
    }
    refs = {r.target: r for r in _references(files)}
    assert refs["r/r.c"].scope is Scope.ALWAYS
    # a build without isolation that has Cython compiles the .pyx, and nothing stands in for it
    pyx = refs["r/r.pyx"]
    assert pyx.scope is Scope.OPTION and pyx.alternatives == ()
    assert pyx.condition == "if Cython were importable (a build without isolation)"


def test_a_try_body_only_builds_with_the_module_loses_the_c_stand_in() -> None:
    # pysamstats 1.0.1: cythonize([Extension(.., ['opt.pyx'])]) in the try, the .c in except
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "try:\n    from Cython.Build import cythonize\n"
        "    exts = cythonize([Extension('p.o', sources=['p/o.pyx'])])\n"
        "except ImportError:\n    exts = [Extension('p.o', sources=['p/o.c'])]\n"
        "setup(ext_modules=exts)\n"
    }
    pyx = [r for r in _references(files) if r.target == "p/o.pyx"]
    # the default build's reading (with setuptools' .c stand-in) and the one without isolation
    assert {r.alternatives for r in pyx} == {("p/o.c", "p/o.cpp"), ()}
    assert all(r.scope is Scope.OPTION for r in pyx)


def test_no_optional_import_no_second_reading() -> None:
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('p.o', sources=['p/o.pyx'])])\n"
    }
    assert [(r.target, r.scope) for r in _references(files)] == [("p/o.pyx", Scope.ALWAYS)]


def test_what_both_builds_read_is_not_repeated() -> None:
    files = {"setup.py": _SETUP.format(requires=", setup_requires=['cython']")}
    targets = [r.target for r in _references(files)]
    assert len(targets) == len(set(targets))


def test_importable_modules() -> None:
    tree = SdistTree.from_mapping(
        "p-1",
        {
            "pyproject.toml": "[build-system]\nrequires = ['oldest-supported-numpy', "
            "'scikit-build>=0.13', 'pybind11[global]', 'versioneer-518']\n",
            "helpers.py": "",
            "tools/__init__.py": "",
        },
    )
    env = BuildEnvironment(tree, ast.parse(""))
    assert all(map(env.importable, ["os.path", "numpy", "skbuild", "pybind11", "helpers"]))
    assert env.importable("tools.build") and env.importable("setuptools.command.build_ext")
    assert env.importable("versioneer")  # quadax 0.2.7
    assert not any(map(env.importable, ["Cython.Build", "torch", "ci.setup_utils"]))


def test_a_module_setup_py_imports_and_no_requirement_gives_is_the_sdist_s() -> None:
    # datatable 0.7.0: `from ci.setup_utils import ...`, and ci/ was not shipped
    files = {
        "setup.py": "import os\nimport numpy\nimport versioneer\nfrom helpers import x\n"
        "from ci.setup_utils import get_version\nfrom setuptools import setup\n"
        "try:\n    import extra_tools\nexcept ImportError:\n    pass\n"
        "def later():\n    import inside\n"
        "import sys\nsys.path.insert(0, 'src')\nimport from_src\nsetup()\n",
        "helpers/__init__.py": "",
    }
    tree = SdistTree.from_mapping("p-1", files)
    refs = [r for r in _setuppy.analyse_setup_py(tree).references if r.kind == "setup.py-import"]
    # numpy is a missing build requirement, not a missing file; a guarded or late import is
    # no certain one, nor is one after setup.py changes sys.path (debugpy, grpcio, psutil)
    assert {(r.target, r.alternatives, r.scope) for r in refs} == {
        ("versioneer.py", ("versioneer/__init__.py",), Scope.ALWAYS),
        ("ci/setup_utils.py", ("ci/setup_utils/__init__.py",), Scope.ALWAYS),
    }


def test_a_constant_some_platforms_rebind_makes_a_platform_branch() -> None:
    # ffpyplayer 4.2.0: can_use_cython = True, set False for iOS and Android only
    files = {
        "setup.py": "import sys\nfrom setuptools import setup, Extension\n"
        "can_use_cython = True\nflag = True\n"
        "if sys.platform in ('ios', 'android'):\n    can_use_cython = False\n"
        "suffix = '.pyx' if flag else '.c'\n"
        "if can_use_cython:\n    src = ['m.pyx']\nelse:\n    src = ['m.c']\n"
        "setup(ext_modules=[Extension('m', src), Extension('n', ['n' + suffix])])\n"
    }
    assert _sources(files) == {
        "m.pyx": Scope.PLATFORM,
        "m.c": Scope.PLATFORM,
        "n.pyx": Scope.ALWAYS,
    }


def test_what_a_build_without_isolation_compiles_is_followed_as_an_option() -> None:
    # healpy 1.8.0: the .pyx sources only a build with Cython compiles cimport a .pxd
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "try:\n    from Cython.Distutils import build_ext\n    src = 'p/m.pyx'\n"
        "except ImportError:\n    src = 'p/m.cpp'\n"
        "setup(ext_modules=[Extension('p.m', [src])])\n",
        "p/m.cpp": "",
        "p/m.pyx": "from _common cimport x\n",
    }
    tree = SdistTree.from_mapping("p-1", files)
    units = {u.source: u for u in _setuppy.analyse_setup_py(tree).units}
    assert units["p/m.cpp"].scope is Scope.ALWAYS
    assert units["p/m.pyx"].scope is Scope.OPTION
    assert units["p/m.pyx"].condition == "if Cython were importable (a build without isolation)"
