from __future__ import annotations

from pathlib import Path

import pytest

from sdistcheck._check import check
from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import setupcfg as _setupcfg
from sdistcheck.backends import setuppy as _setuppy

SETUP = """
import os, sys, io
from pathlib import Path
from setuptools import setup, Extension
from setuptools_rust import RustExtension
here = os.path.abspath(os.path.dirname(__file__))
HERE = Path(__file__).parent
def read(*parts):
    with io.open(os.path.join(here, *parts), encoding="utf-8") as f:
        return f.read()
exec(open("pkg/version.py").read())
long = (HERE / "README.rst").read_text()
reqs = open(os.path.join(here, "requirements.txt")).read().splitlines()
try:
    changes = open("CHANGES.txt").read()
except IOError:
    changes = ""
if os.path.exists("EXTRA.txt"):
    extra = open("EXTRA.txt").read()
srcs = ["src/a.c", "src/b.c"]
exts = [Extension("pkg._a", sources=srcs + ["src/gen.pyx"], depends=["src/a.h"])]
if sys.platform == "win32":
    exts.append(Extension("pkg._win", ["src/win.c"]))
if os.environ.get("WITH_X"):
    exts.append(Extension("pkg._x", ["src/x.c"]))
setup(name="p", ext_modules=exts, long_description=read("NEWS.rst"),
      rust_extensions=[RustExtension("pkg._rs", "rust/Cargo.toml", features=["fast"])],
      data_files=[("share", ["data/a.dat"])], package_data={"pkg": ["*.pyi"]})
"""


def analyse(files: dict[str, str]) -> _setuppy.SetupAnalysis:
    return _setuppy.analyse_setup_py(SdistTree.from_mapping("t", files))


def test_references_with_scopes() -> None:
    out = analyse({"setup.py": SETUP})
    got = {(r.target, r.kind): r.scope for r in out.references}
    assert got == {
        ("pkg/version.py", "setup.py-open"): Scope.ALWAYS,
        ("README.rst", "setup.py-open"): Scope.ALWAYS,
        ("requirements.txt", "setup.py-open"): Scope.ALWAYS,
        ("CHANGES.txt", "setup.py-open"): Scope.GUARDED,
        ("EXTRA.txt", "setup.py-open"): Scope.GUARDED,
        ("NEWS.rst", "setup.py-open"): Scope.ALWAYS,
        ("src/a.c", "setuptools-ext-source"): Scope.ALWAYS,
        ("src/b.c", "setuptools-ext-source"): Scope.ALWAYS,
        ("src/gen.pyx", "setuptools-ext-source"): Scope.ALWAYS,
        ("src/a.h", "setuptools-ext-depends"): Scope.OPTION,
        ("src/win.c", "setuptools-ext-source"): Scope.PLATFORM,
        ("src/x.c", "setuptools-ext-source"): Scope.OPTION,
        ("data/a.dat", "setuptools-data-files"): Scope.ALWAYS,
        ("pkg/*.pyi", "setuptools-package-data"): Scope.OPTION,
    }
    win = next(r for r in out.references if r.target == "src/win.c")
    assert win.condition == "if sys.platform == 'win32'" and win.line == 23
    (root,) = out.rust_roots
    assert root.manifest == "rust/Cargo.toml" and root.features == ("fast",)


def test_generated_source_alternatives() -> None:
    out = analyse({"setup.py": SETUP})
    gen = next(r for r in out.references if r.target == "src/gen.pyx")
    assert "src/gen.c" in gen.alternatives
    a = next(r for r in out.references if r.target == "src/a.c")
    assert "src/a.pyx" in a.alternatives


def test_syntax_error_is_a_note_not_a_crash() -> None:
    out = analyse({"setup.py": "def f(:\n    pass\n"})
    assert out.references == [] and "not parseable" in out.notes[0]


def test_setup_py_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    evil = f"open({str(marker)!r}, 'w').write('x')\nimport os; os.system('touch {marker}')\n"
    out = analyse({"setup.py": evil})
    assert not marker.exists()
    assert [r.target for r in out.references] == []  # an absolute path is not an sdist file


def test_setup_cfg_file_directives() -> None:
    cfg = (
        "[metadata]\nlong_description = file: README.md, CHANGES.md\n"
        "[options]\ninstall_requires = file: requirements.txt\n"
    )
    out = _setupcfg.analyse(SdistTree.from_mapping("t", {"setup.cfg": cfg}))
    assert [(r.target, r.line) for r in out.references] == [
        ("README.md", 2),
        ("CHANGES.md", 2),
        ("requirements.txt", 4),
    ]


def test_broken_setup_cfg_is_a_note() -> None:
    out = _setupcfg.analyse(SdistTree.from_mapping("t", {"setup.cfg": "no section\n"}))
    assert out.references == [] and out.notes


def test_extensions_and_cythonize_become_compile_units() -> None:
    setup = """
from setuptools import setup, Extension
from Cython.Build import cythonize
ext = Extension("pkg._a", ["src/a.c", "src/b.c"], include_dirs=["include", "src/vendor"])
setup(ext_modules=[ext] + cythonize("pkg/*.pyx"))
"""
    tree = SdistTree.from_mapping(
        "t", {"setup.py": setup, "pkg/x.pyx": "", "pkg/y.pyx": "", "pkg/z.py": ""}
    )
    out = _setuppy.analyse_setup_py(tree)
    units = [(u.source, u.include_dirs, u.line) for u in out.units]
    assert units == [
        ("src/a.c", ("include", "src/vendor"), 4),
        ("src/b.c", ("include", "src/vendor"), 4),
        ("pkg/x.pyx", (), 5),
        ("pkg/y.pyx", (), 5),
    ]


def test_cmake_extension_skbuild_and_cythonize_rules() -> None:
    cmake_ext = """
from setuptools import setup, Extension
class CMakeExtension(Extension):
    def __init__(self, name, sourcedir=''):
        Extension.__init__(self, name, sources=[])
setup(ext_modules=[CMakeExtension('x'), CMakeExtension('y', sourcedir='native')])
"""
    out = analyse({"setup.py": cmake_ext})
    assert [r.target for r in out.references] == ["CMakeLists.txt", "native/CMakeLists.txt"]
    skbuild = "from skbuild import setup\nsetup(name='x', cmake_source_dir='src')\n"
    assert [r.target for r in analyse({"setup.py": skbuild}).references] == ["src/CMakeLists.txt"]
    always = (
        "from Cython.Build import cythonize\nfrom setuptools import Extension, setup\n"
        "setup(ext_modules=cythonize([Extension('m', ['m.pyx'])]))\n"
    )
    (pyx,) = analyse({"setup.py": always}).references
    assert pyx.alternatives == ()  # stratify 0.1: cythonize needs the .pyx, the .c cannot stand in
    guarded = (
        "from setuptools import Extension, setup\ntry:\n"
        "    from Cython.Build import cythonize\n"
        "    exts = cythonize([Extension('m', ['m.pyx'])])\n"
        "except ImportError:\n    exts = [Extension('m', ['m.c'])]\nsetup(ext_modules=exts)\n"
    )
    pyx = [r for r in analyse({"setup.py": guarded}).references if r.target == "m.pyx"]
    # the default build's reading keeps the .c stand-in; a build with Cython has none
    assert [("m.c" in r.alternatives, r.scope) for r in pyx] == [
        (True, Scope.OPTION),
        (False, Scope.OPTION),
    ]


@pytest.mark.parametrize(
    ("call", "scope"),
    [
        ("spawn(cmd)", Scope.ALWAYS),  # llvmlite 0.2.0: distutils' spawn raises on failure
        ("subprocess.check_call(cmd)", Scope.ALWAYS),
        ("subprocess.run(cmd, check=True)", Scope.ALWAYS),
        ("subprocess.run(cmd)", Scope.OPTION),  # a failure is not noticed: the build goes on
    ],
)
def test_a_python_script_setup_py_runs_must_be_there(call: str, scope: Scope) -> None:
    setup_py = (
        "import os, subprocess, sys\nfrom distutils.spawn import spawn\n"
        "from setuptools import setup\nfrom setuptools.command.build_ext import build_ext\n"
        "here = os.path.dirname(os.path.abspath(__file__))\n"
        "class Build(build_ext):\n    def run(self):\n"
        "        cmd = [sys.executable, os.path.join(here, 'ffi', 'build.py')]\n"
        f"        {call}\n"
        "setup(cmdclass={'build_ext': Build})\n"
    )
    refs = [
        r for r in analyse({"setup.py": setup_py}).references if r.kind == "setup.py-script-run"
    ]
    assert [(r.target, r.scope) for r in refs] == [("ffi/build.py", scope)]


def test_a_cffi_build_script_is_a_reference_and_what_it_reads_is_checked() -> None:
    # cmarkgfm 2025.10.20: build_cmark.py (cffi_modules) open()s two headers beside it
    files = {
        "PKG-INFO": "Name: p\n",
        "setup.py": "from setuptools import setup\n"
        "setup(cffi_modules=['src/p/build_p.py:ffibuilder'])\n",
        "src/p/build_p.py": "import os\nHERE = os.path.dirname(os.path.abspath(__file__))\n"
        "with open(os.path.join(HERE, 'p.cffi.h')) as f:\n    DEFS = f.read()\n"
        "with open('README.md') as f:\n    pass\n",
        "README.md": "",
    }
    tree = SdistTree.from_mapping("p-1", files)
    assert {f.path for f in check(tree).errors} == {"src/p/p.cffi.h"}  # README.md: cwd's
    del files["src/p/build_p.py"]
    missing = {f.path: f for f in check(SdistTree.from_mapping("p-1", files)).errors}
    assert missing["src/p/build_p.py"].references[0].kind == "setup.py-cffi-module"


def test_a_reader_helper_keeps_the_folder_it_joins_and_all_its_parts() -> None:
    setup_py = (
        "import os\nfrom setuptools import setup\n"
        "here = os.path.dirname(__file__)\n"
        "def read_source(name):\n    with open(os.path.join(here, 'src', name)) as f:\n"
        "        return f.read()\n"  # gevent 26.9.0's _corecffi_build.py
        "def get_version(*parts):\n    filename = os.path.join(here, *parts)\n"
        "    return open(filename).read()\n"  # pypugjs 5.9.8
        "setup(description=read_source('cdef.c'), version=get_version('pkg', 'v.py'))\n"
    )
    refs = analyse({"setup.py": setup_py}).references
    assert {r.target for r in refs if r.kind == "setup.py-open"} == {"src/cdef.c", "pkg/v.py"}


def test_a_python_2_setup_py_is_read_with_its_python_2_lines_rewritten() -> None:
    # CodeTalker 1.0: `print '...'` statements; setup(include_dirs=) reaches every Extension
    setup_py = (
        "try:\n    from distutils.core import setup, Extension\nexcept ImportError:\n"
        "    print 'distutils is required'\n    raise\n"
        "try:\n    import foo\nexcept ImportError, e:\n    print >>sys.stderr, 'no foo',\n"
        "MODE = 0755\nBIG = 10L\nif MODE <> 1:\n    pass\n"
        "setup(ext_modules=[Extension('p.m', ['p/c/m.c'])], include_dirs='p')\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py, "p/c/m.c": ""})
    out = _setuppy.analyse_setup_py(tree)
    assert not out.unchecked
    assert out.notes == ["setup.py is Python 2 (a Python 3 build fails on it): read as Python 3"]
    (unit,) = out.units
    assert (unit.source, unit.include_dirs) == ("p/c/m.c", ("p",))
    broken = SdistTree.from_mapping("p-1", {"setup.py": "def f(:\n    pass\n"})
    (unknown,) = _setuppy.analyse_setup_py(broken).unchecked
    assert unknown.what == "not Python 3 (SyntaxError): its references are unknown"
