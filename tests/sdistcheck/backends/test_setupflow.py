"""setup.py followed as the default build runs it (no environment variable set, CPython):
branches, list growth, helpers, and which side of an `if` each reference is under."""

from __future__ import annotations

import ast

import pytest

from sdistcheck._check import check
from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import setuppy as _setuppy
from sdistcheck.backends.pybranches import branch_guards


def _units(setup_py: str, **files: str) -> dict[str, tuple[Scope, str | None]]:
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py, **files})
    found = _setuppy.analyse_setup_py(tree)
    return {u.source: (u.scope, u.condition) for u in found.units}


def test_an_environment_branch_leaves_its_else_to_the_default_build() -> None:
    # xxhash 1.4.0: the bundled library is compiled unless XXHASH_LINK_SO is set
    units = _units(
        "import os\n"
        "from setuptools import setup, Extension\n"
        "if os.getenv('XXHASH_LINK_SO'):\n"
        "    source = ['src/_xxhash.c']\n"
        "else:\n"
        "    source = ['src/_xxhash.c', 'deps/xxhash/xxhash.c']\n"
        "setup(ext_modules=[Extension('_xxhash', source)])\n"
    )
    assert units["src/_xxhash.c"] == (Scope.ALWAYS, None)
    assert units["deps/xxhash/xxhash.c"] == (Scope.ALWAYS, None)


@pytest.mark.parametrize(
    ("test", "body", "orelse"),
    [
        ("os.getenv('X')", Scope.OPTION, Scope.ALWAYS),
        ("not os.environ.get('X')", Scope.ALWAYS, Scope.OPTION),
        ("'X' in os.environ", Scope.OPTION, Scope.ALWAYS),
        ("os.environ.get('X', '1') == '1'", Scope.ALWAYS, Scope.OPTION),
        ("os.environ.get('X', '0').lower() in ('1', 'true')", Scope.OPTION, Scope.ALWAYS),
        ("USE_X", Scope.OPTION, Scope.ALWAYS),  # USE_X = bool_from_environ("X")
        ("sys.platform == 'win32'", Scope.PLATFORM, Scope.PLATFORM),
        ("platform.python_implementation() == 'PyPy'", Scope.PLATFORM, Scope.PLATFORM),
        ("os.path.exists('x.c')", Scope.GUARDED, Scope.GUARDED),
        ("WITH_CYTHON", Scope.OPTION, Scope.OPTION),  # not from the environment: unknown
    ],
)
def test_branch_guards(test: str, body: Scope, orelse: Scope) -> None:
    env = {"USE_X": ast.parse("bool_from_environ('X')", mode="eval").body}
    got = branch_guards(ast.parse(test, mode="eval").body, env)
    assert (got[0][0], got[1][0]) == (body, orelse)


def test_the_else_side_is_shown_as_not_the_if() -> None:
    units = _units(
        "import sys\nfrom setuptools import Extension, setup\n"
        "if sys.platform == 'win32':\n    extra = ['win.c']\nelse:\n    extra = ['posix.c']\n"
        "setup(ext_modules=[Extension('m', ['m.c'] + extra)])\n"
    )
    assert units["win.c"] == (Scope.PLATFORM, "if sys.platform == 'win32'")
    assert units["posix.c"] == (Scope.PLATFORM, "if not (sys.platform == 'win32')")
    assert units["m.c"] == (Scope.ALWAYS, None)


def test_lists_grow_and_helpers_return_them() -> None:
    units = _units(
        "import os\nfrom setuptools import Extension, setup\n"
        "SRC = 'src'\n"
        "sources = [os.path.join(SRC, 'a.c')]\n"
        "sources += [f'{SRC}/b.c']\n"
        "sources.append(SRC + '/c.c')\n"
        "sources.extend(x for x in ['d.c', 'e.h'] if x.endswith('.c'))\n"
        "for name in ('f', 'g'):\n    sources.append('src/' + name + '.c')\n"
        "if os.environ.get('WITH_H'):\n    sources.append('src/h.c')\n"
        "def more():\n    out = ['src/i.c']\n    out.append('src/j.c')\n    return out\n"
        "setup(ext_modules=[Extension('m', sources + more() + ['k.c' if probe() else 'l.c'])])\n"
    )
    always = {s for s, (scope, _) in units.items() if scope is Scope.ALWAYS}
    assert {"src/a.c", "src/b.c", "src/c.c", "d.c", "src/f.c", "src/g.c"} <= always
    assert {"src/i.c", "src/j.c", "k.c"} <= always
    assert "e.h" not in units
    assert units["src/h.c"][0] is Scope.OPTION
    assert "l.c" in units  # both arms of a conditional expression may be built


def test_run_time_include_dirs_make_an_unfound_header_a_warning() -> None:
    # mysqlclient: build_ext fills include_dirs from mysql_config; the headers are MySQL's
    setup_py = (
        "from setuptools import Extension, setup\n"
        "def get_config():\n    include_dirs = []\n    include_dirs.append(mysql_config())\n"
        "    return include_dirs\n"
        "setup(ext_modules=[Extension('m', ['m.c'])])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py, "m.c": '#include "mysql.h"\n'})
    (unit,) = _setuppy.analyse_setup_py(tree).units
    assert unit.open_dirs == "set at run time at setup.py:3"
    static = SdistTree.from_mapping(
        "p-1",
        {
            "setup.py": "from setuptools import Extension, setup\n"
            "setup(ext_modules=[Extension('m', ['m.c'], include_dirs=['src'])])\n",
            "m.c": '#include "tree_sitter/parser.h"\n',
        },
    )
    (unit,) = _setuppy.analyse_setup_py(static).units
    assert unit.open_dirs is None  # tree-sitter grammars: every include path is known


def test_the_checker_judges_headers_by_the_include_path_being_known() -> None:
    from sdistcheck import _check

    common = {"PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n"}
    dynamic = SdistTree.from_mapping(
        "p-1",
        {
            **common,
            "setup.py": "from setuptools import Extension, setup\n"
            "class B:\n    def run(self):\n        self.include_dirs.append(x)\n"
            "setup(ext_modules=[Extension('m', ['m.c'])])\n",
            "m.c": '#include "vendor_config.h"\n',
        },
    )
    report = _check.check(dynamic)
    (finding,) = report.findings
    assert (
        finding.severity.value == "warning"
        and "cannot see (set at run time at setup.py:4)" in str(finding.references[0].note)
    )
    fixed = SdistTree.from_mapping(
        "p-1",
        {
            **common,
            "setup.py": "from setuptools import Extension, setup\n"
            "setup(ext_modules=[Extension('m', ['m.c'], include_dirs=['src'])])\n",
            "m.c": '#include "tree_sitter/parser.h"\n',
        },
    )
    (finding,) = _check.check(fixed).findings
    assert finding.severity.value == "error" and finding.path == "tree_sitter/parser.h"


def test_readers_are_followed_through_helpers_and_local_names() -> None:
    # ccy 1.1.0: requirements(name) -> read(name) -> open(os.path.join(dirname, name))
    setup_py = (
        "import os\nfrom setuptools import setup\n"
        "def read(name):\n"
        "    filename = os.path.join(os.path.dirname(__file__), name)\n"
        "    with open(filename, encoding='utf8') as fp:\n        return fp.read()\n"
        "def requirements(name):\n    return read(name).split('\\n')\n"
        "def probe(library):\n"
        "    name = library + '.c'\n    with open(name, 'w') as f:\n        f.write('x')\n"
        "setup(install_requires=requirements('dev/requirements.txt'), x=probe('fftw3'))\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    refs = _setuppy.analyse_setup_py(tree).references
    assert [(r.target, r.note) for r in refs] == [
        ("dev/requirements.txt", "read by requirements()")
    ]  # probe() writes its file: no reference


def test_hostile_flow_is_bounded() -> None:
    import time

    setup_py = (
        "from setuptools import Extension, setup\n"
        "def f(x):\n    return f(x) + f(x)\n"
        "src = []\n"
        f"for i in {['a'] * 300}:\n"
        f"    for j in {['b'] * 300}:\n        src.append('x.c')\n"
        "while True:\n    src += src\n"
        "setup(ext_modules=[Extension('m', src), Extension('n', f('y'))])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    start = time.perf_counter()
    found = _setuppy.analyse_setup_py(tree)
    assert time.perf_counter() - start < 5
    assert [u.source for u in found.units] == ["x.c"]  # f() never returns: no value


@pytest.mark.parametrize(
    ("body", "tool", "directory"),
    [
        # libsourcemap 0.5.0: build_py runs cargo in setup.py's directory
        (
            "def build(base):\n    here = os.path.abspath(os.path.dirname(__file__))\n"
            "    cmdline = ['cargo', 'build', '--release']\n"
            "    subprocess.Popen(cmdline, cwd=here).wait()\n",
            "cargo",
            "",
        ),
        ("subprocess.check_call(['cmake', '-S', 'native', '-B', 'build'])\n", "cmake", "native"),
        ("subprocess.check_call(['cmake', 'src/cpp'], cwd='.')\n", "cmake", "src/cpp"),
        ("os.system('make -C vendor/lib')\n", "make", "vendor/lib"),
        # somewhere the checker cannot know: listed as not checked
        ("subprocess.run(['cargo', 'build'], cwd=os.environ['X'])\n", "cargo", "\x00"),
        ("subprocess.run(['cmake', '--build', 'b'])\n", None, None),
    ],
)
def test_build_tools_setup_py_runs_itself(body: str, tool: str | None, directory: str) -> None:
    from sdistcheck.backends.buildcommands import build_commands
    from sdistcheck.backends.pyexpr import Constants

    module = ast.parse("import os, subprocess\n" + body)
    found = build_commands(module, Constants(module))
    if tool is None:
        assert found == []
    else:
        assert [(c.tool, c.directory) for c in found] == [(tool, directory)]


def test_a_cargo_run_by_setup_py_needs_its_manifest() -> None:
    setup_py = (
        "import os, subprocess\nfrom setuptools import setup\n"
        "def build():\n    subprocess.check_call(['cargo', 'build'], cwd='rust')\n"
        "setup()\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    (root,) = _setuppy.analyse_setup_py(tree).rust_roots
    assert root.manifest == "rust/Cargo.toml" and root.line == 4


def test_package_dir_maps_package_data() -> None:
    from sdistcheck.backends.setupsyntax import package_path

    assert package_path("a.b", {"": "src"}) == "src/a/b"
    assert package_path("a.b", {"a": "lib/a", "": "src"}) == "lib/a/b"
    assert package_path("a.b", {"a.b": "x"}) == "x"
    assert package_path("a", {}) == "a"
    setup_py = (
        "from setuptools import setup\n"
        "DIRS = {'': 'src'}\n"
        "setup(package_dir=DIRS, package_data={'pkg': ['data/*.json']})\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py, "src/pkg/data/a.json": "{}"})
    (ref,) = _setuppy.analyse_setup_py(tree).references
    assert ref.target == "src/pkg/data/*.json"


def test_a_name_bound_to_an_implementation_test_is_a_platform_branch() -> None:
    # vmprof 0.4.3: IS_PYPY = '__pypy__' in sys.builtin_module_names; `if IS_PYPY: ... else:`
    units = _units(
        "import sys\nfrom setuptools import Extension, setup\n"
        "IS_PYPY = '__pypy__' in sys.builtin_module_names\n"
        "if IS_PYPY:\n    ext = []\nelse:\n    ext = [Extension('_v', ['src/v.c'])]\n"
        "setup(ext_modules=ext)\n"
    )
    assert units["src/v.c"] == (Scope.PLATFORM, "if not (IS_PYPY)")


def test_include_dirs_the_checker_cannot_know_are_open() -> None:
    # pysamstats: include_dirs=pysam.get_include(); numpy's and Python's dirs hold no sdist file
    setup_py = (
        "import numpy, pysam\nfrom setuptools import Extension, setup\n"
        "setup(ext_modules=[Extension('a', ['a.c'], include_dirs=pysam.get_include()),\n"
        "    Extension('b', ['b.c'], include_dirs=[numpy.get_include(), 'src'])])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    units = {u.source: u for u in _setuppy.analyse_setup_py(tree).units}
    assert units["a.c"].open_dirs == "include_dirs at setup.py:3 is not static"
    assert units["b.c"].open_dirs is None and units["b.c"].include_dirs == ("src",)


def test_include_flags_made_while_building_are_run_time_include_dirs() -> None:
    # sentencepiece 0.2.3: build_extension sets extra_compile_args to '-I' + the bundled build
    setup_py = (
        "from setuptools import Extension, setup\n"
        "def includes(root):\n    prefix = '-I'\n    return [prefix + root]\n"
        "setup(ext_modules=[Extension('m', ['m.cc'])])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    (unit,) = _setuppy.analyse_setup_py(tree).units
    assert unit.open_dirs == "set at run time at setup.py:3"


def test_an_include_dir_setup_py_fills_itself_is_open() -> None:
    # bblfsh 2.9.3: include_dirs=['bblfsh/libuast/'], which build_ext downloads and copies
    setup_py = (
        "import os\nfrom setuptools import Extension, setup\n"
        "def get():\n    os.system('cp -a libuast/src bblfsh/libuast')\n"
        "setup(ext_modules=[Extension('m', ['bblfsh/m.cc'], include_dirs=['bblfsh/libuast/']),\n"
        "    Extension('n', ['n.c'], include_dirs=['include'])])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    units = {u.source: u for u in _setuppy.analyse_setup_py(tree).units}
    assert units["bblfsh/m.cc"].open_dirs == (
        "bblfsh/libuast is not in the sdist: setup.py's own steps fill it"
    )
    assert units["n.c"].open_dirs is None  # simsimd 5.4.3: only named as an include dir


def test_a_glob_that_lists_no_extension_source_is_a_missing_reference() -> None:
    # MulensModel 2.3.2: sources=[str(f) for f in source_AC.glob("*.c")], nothing shipped
    setup_py = (
        "from pathlib import Path\nfrom setuptools import Extension, setup\n"
        "PROJECT = Path(__file__).resolve().parent\nSRC = PROJECT / 'source'\n"
        "setup(ext_modules=[\n"
        "    Extension('m.ac', sources=[str(f) for f in (SRC / 'AC').glob('*.c')]),\n"
        "    Extension('m.v', sources=[str(f) for f in (SRC / 'V').glob('*.cpp')])])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py, "source/V/v.cpp": ""})
    refs = {r.target: r for r in _setuppy.analyse_setup_py(tree).references}
    assert refs["source/AC/*.c"].is_glob and refs["source/AC/*.c"].scope is Scope.ALWAYS
    assert "source/V/*.cpp" not in refs and "source/V/v.cpp" in refs


def test_extensions_made_in_a_comprehension_over_a_static_list() -> None:
    # ffpyplayer 4.2.0: [Extension(..., sources=[join(src_path, 'pkg', *(m + suffix).split('/'))])
    # for m in mods], with src_path = build_path = dirname(__file__); a written file is no read
    units = _units(
        "from os.path import join, dirname\nfrom setuptools import Extension, setup\n"
        "src_path = build_path = dirname(__file__)\nmods = ['pic', 'player/core']\n"
        "with open(join(src_path, 'pkg', 'config.h'), 'w') as f:\n    f.write('')\n"
        "setup(ext_modules=[Extension('pkg.' + m.replace('/', '.'),\n"
        "    sources=[join(src_path, 'pkg', *(m + '.pyx').split('/'))]) for m in mods])\n"
    )
    assert set(units) == {"pkg/pic.pyx", "pkg/player/core.pyx"}
    tree = SdistTree.from_mapping(
        "p-1",
        {"setup.py": "from os.path import join\nopen(join('pkg', 'config.h'), 'w').write('')\n"},
    )
    assert _setuppy.analyse_setup_py(tree).references == []


@pytest.mark.parametrize(
    ("shipped", "compiled"), [("pkg/a.pyx", "pkg/a.pyx"), ("pkg/a.py", "pkg/a.py")]
)
def test_an_exists_test_of_an_sdist_path_is_decided_by_the_sdist(
    shipped: str, compiled: str
) -> None:
    # cython 3.3.1: `if not os.path.exists(src): src += "x"` picks the .py or the .pyx it ships
    setup_py = (
        "import os\n"
        "from setuptools import setup, Extension\n"
        "def extensions():\n"
        "    out = []\n"
        "    for module in ['pkg.a']:\n"
        "        src = os.path.join(*module.split('.')) + '.py'\n"
        "        if not os.path.exists(src):\n"
        "            src += 'x'\n"
        "        out.append(Extension(module, sources=[src]))\n"
        "    return out\n"
        "setup(ext_modules=extensions())\n"
    )
    assert set(_units(setup_py, **{shipped: ""})) == {compiled}


def test_extension_keywords_given_as_a_dict_are_read() -> None:
    # pybcj 1.0.8: kwargs = {"sources": sources, ...}; Extension(**kwargs)
    setup_py = (
        "from setuptools import setup, Extension\n"
        "sources = ['src/a.c', 'src/b.c']\n"
        "kwargs = {'name': 'p._m', 'sources': sources, 'include_dirs': ['src']}\n"
        "setup(ext_modules=[Extension(**kwargs)])\n"
    )
    assert set(_units(setup_py)) == {"src/a.c", "src/b.c"}


def test_extensions_declared_in_a_module_setup_py_imports_are_built() -> None:
    # cvxpy 1.9.3: `import setup.extensions as X; ext_modules=[X.cvxcore]`, the sources
    # relative to setup.py's folder, where the module runs
    from sdistcheck import _check

    files = {
        "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
        "setup.py": "import setup.extensions as X\nfrom setuptools import setup\n"
        "setup(ext_modules=[X.core])\n",
        "setup/__init__.py": "",
        "setup/extensions.py": "from setuptools import Extension\n"
        "core = Extension('_core', sources=['src/core.cpp'], include_dirs=['src'])\n",
        "src/core.cpp": '#include "core.h"\n',
    }
    report = _check.check(SdistTree.from_mapping("p-1", files))
    assert [(f.path, f.severity.value) for f in report.findings] == [("src/core.h", "error")]


def test_a_function_local_list_of_sdist_paths_and_python_s_folder_is_followed() -> None:
    # murmurhash 1.0.16: include_dirs = [get_path("include"), join(root, "pkg", "include")]
    # inside setup_package(); the header left out of the sdist is an error, not a warning
    setup_py = (
        "import os\nfrom sysconfig import get_path\nfrom setuptools import Extension, setup\n"
        "def setup_package():\n    root = os.path.abspath(os.path.dirname(__file__))\n"
        "    include_dirs = [get_path('include'), os.path.join(root, 'pkg', 'include')]\n"
        "    setup(ext_modules=[Extension('m', ['pkg/m.cpp'], include_dirs=include_dirs)])\n"
        "setup_package()\n"
    )
    files = {
        "setup.py": setup_py,
        "pkg/m.cpp": '#include "pkg/h2.h"\n#include "pkg/h3.h"\n',
        "pkg/include/pkg/h3.h": "",
    }
    tree = SdistTree.from_mapping("p-1", files)
    (unit,) = _setuppy.analyse_setup_py(tree).units
    assert unit.open_dirs is None and unit.include_dirs == ("pkg/include",)
    errors = {f.path for f in check(tree).errors}
    # named where it was left out: the include dir's folder, not a folder beside pkg/m.cpp
    assert errors == {"pkg/include/pkg/h2.h"}
    # a name from anything but the sdist's folder (mysqlclient's `connector`) stays run-time
    dynamic = setup_py.replace(
        "os.path.join(root, 'pkg', 'include')", "os.path.join(connector, 'include')"
    ).replace("    root = ", "    connector = os.environ['C']\n    root = ")
    tree = SdistTree.from_mapping("p-1", {**files, "setup.py": dynamic})
    (unit,) = _setuppy.analyse_setup_py(tree).units
    assert unit.open_dirs == "set at run time at setup.py:7"


def test_string_operations_setup_py_files_build_paths_with() -> None:
    units = _units(
        "import os\nfrom setuptools import Extension, setup\n"
        "FILES = ['a.c', 'b.c']\n"
        "srcs = list(map(lambda f: os.path.join('lib', 'src', f), FILES))\n"  # freesasa
        "srcs.append('pkg.mod'.replace('.', '/') + '.pyx')\n"  # spaCy's mod_path
        "srcs.append('{}/aio.c'.format('caio'))\n"  # caio
        "srcs.append('cassandra/%s.py' % 'io')\n"  # cassandra-driver
        "setup(ext_modules=[Extension('m', srcs)])\n"
    )
    assert set(units) == {
        "lib/src/a.c",
        "lib/src/b.c",
        "pkg/mod.pyx",
        "caio/aio.c",
        "cassandra/io.py",
    }


def test_extension_sources_the_checker_cannot_follow_are_listed_as_unchecked() -> None:
    setup_py = (
        "from setuptools import Extension, setup\n"
        "setup(ext_modules=[Extension('m', sources=find_sources()), Extension('n', [])])\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py})
    (unknown,) = _setuppy.analyse_setup_py(tree).unchecked
    assert (unknown.source, unknown.line) == ("setup.py", 2)
    assert unknown.what == "Extension sources 'find_sources()' are not static"


def test_cythons_shared_utility_module_is_written_by_cython() -> None:
    # cython 3.3.1: Extension(shared, sources=[shared.replace('.', '/') + '.c']), and each
    # extension's shared_utility_qualified_name = shared: cythonize writes that .c
    setup_py = (
        "from setuptools import Extension, setup\nshared = 'pkg._shared'\n"
        "exts = [Extension('pkg.m', ['pkg/m.pyx'])]\n"
        "exts.append(Extension(shared, sources=[shared.replace('.', '/') + '.c']))\n"
        "for ext in exts:\n    ext.shared_utility_qualified_name = shared\n"
        "setup(ext_modules=exts)\n"
    )
    assert set(_units(setup_py)) == {"pkg/m.pyx"}
    plain = setup_py.replace("    ext.shared_utility_qualified_name = shared\n", "    pass\n")
    assert set(_units(plain)) == {"pkg/m.pyx", "pkg/_shared.c"}


def test_the_default_build_runs_setup_py_in_the_sdists_own_folder() -> None:
    # chroma-hnswlib 0.7.6: `if "python_bindings" in os.path.basename(os.getcwd()):` chooses
    # ./bindings.cpp (run from the subfolder) or python_bindings/bindings.cpp (the default)
    units = _units(
        "import os\nfrom setuptools import Extension, setup\n"
        "if 'python_bindings' in os.path.basename(os.getcwd()):\n"
        "    srcs = ['./bindings.cpp']\nelse:\n    srcs = ['./python_bindings/bindings.cpp']\n"
        "setup(ext_modules=[Extension('m', srcs)])\n"
    )
    assert units["python_bindings/bindings.cpp"][0] is Scope.ALWAYS
    assert units["bindings.cpp"][0] is Scope.OPTION


_TARGET_HELPER = (
    "import os\n"
    "from typing import Final\n"
    "from setuptools import setup, Extension\n"
    "def target_name() -> str:\n"
    "    val = os.environ.get('SZ_TARGET')\n"
    "    if val:\n"
    "        return val\n"
    "    try:\n"
    "        with open('SZ_TARGET.env', 'r', encoding='utf-8') as f:\n"
    "            v = f.read().strip()\n"
    "            if v:\n"
    "                return v\n"
    "    except FileNotFoundError:\n"
    "        pass\n"
    "    return 'base'\n"
    "target: Final[str] = target_name()\n"
    "if target == 'base':\n"
    "    ext = Extension('base', ['base.c'])\n"
    "elif target == 'cpus':\n"
    "    ext = Extension('cpus', ['cpus.cpp'])\n"
    "setup(ext_modules=[ext])\n"
)


@pytest.mark.parametrize(
    ("marker", "built", "other"),
    [("base\n", "base.c", "cpus.cpp"), ("cpus", "cpus.cpp", "base.c")],
)
def test_a_helper_s_default_return_decides_what_is_built(
    marker: str, built: str, other: str
) -> None:
    # stringzilla 5.3.2: $SZ_TARGET if set (not in the default build), else SZ_TARGET.env's text
    units = _units(_TARGET_HELPER, **{"SZ_TARGET.env": marker})
    assert units[built][0] is Scope.ALWAYS
    assert units[other][0] is Scope.OPTION


def test_a_helper_return_the_default_build_cannot_know_decides_nothing() -> None:
    # the marker file is not in the sdist: open() would raise, which the walk does not follow
    units = _units(_TARGET_HELPER)
    assert units["base.c"][0] is Scope.OPTION and units["cpus.cpp"][0] is Scope.OPTION
    # ... nor does a return that depends on what the build environment can import
    importing = _TARGET_HELPER.replace(
        "    try:\n", "    try:\n        import numpy\n        return 'cpus'\n", 1
    ).replace("except FileNotFoundError", "except ImportError")
    units = _units(importing, **{"SZ_TARGET.env": "base"})
    assert units["base.c"][0] is Scope.OPTION and units["cpus.cpp"][0] is Scope.OPTION


def test_annotated_assignments_are_followed() -> None:
    units = _units(
        "from setuptools import setup, Extension\n"
        "SOURCES: list[str] = ['a.c']\n"
        "SOURCES += ['b.c']\n"
        "setup(ext_modules=[Extension('a', SOURCES)])\n"
    )
    assert units["a.c"] == units["b.c"] == (Scope.ALWAYS, None)


def test_a_helper_returning_a_file_s_text_decides_too() -> None:
    units = _units(
        "from setuptools import setup, Extension\n"
        "def flavour():\n"
        "    return open('FLAVOUR').read().strip()\n"
        "if flavour() == 'fast':\n"
        "    ext = Extension('f', ['fast.c'])\n"
        "else:\n"
        "    ext = Extension('s', ['slow.c'])\n"
        "setup(ext_modules=[ext])\n",
        FLAVOUR="fast\n",
    )
    assert units["fast.c"][0] is Scope.OPTION  # a call in the test itself is not a fact ...
    kept = _units(
        "from setuptools import setup, Extension\n"
        "def flavour():\n"
        "    return open('FLAVOUR').read().strip()\n"
        "FLAVOUR = flavour()\n"
        "if FLAVOUR == 'fast':\n"
        "    ext = Extension('f', ['fast.c'])\n"
        "else:\n"
        "    ext = Extension('s', ['slow.c'])\n"
        "setup(ext_modules=[ext])\n",
        FLAVOUR="fast\n",
    )
    assert kept["fast.c"] == (Scope.ALWAYS, None)  # ... a name bound to its value is
    assert kept["slow.c"][0] is Scope.OPTION


@pytest.mark.parametrize(
    ("build_ext", "open_dirs"),
    [
        # stringzilla 5.3.2: passes ext.include_dirs on, appends numpy's, re-emits its own as -I
        (
            "    def build_extension(self, ext):\n"
            "        import numpy as np\n"
            "        numpy_include = np.get_include()\n"
            "        if numpy_include not in ext.include_dirs:\n"
            "            ext.include_dirs.append(numpy_include)\n"
            "        self.compiler.compile(ext.sources, include_dirs=ext.include_dirs)\n"
            "        cmd = ['nvcc']\n"
            "        for inc_dir in ext.include_dirs:\n"
            "            cmd.extend(['-I', inc_dir])\n",
            None,
        ),
        (
            "    def build_extension(self, ext):\n"
            "        ext.include_dirs.append(find_prefix() + '/include')\n",
            "set at run time at setup.py:5",
        ),
        (
            "    def build_extension(self, ext):\n"
            "        self.compiler.compile(ext.sources, include_dirs=ext.include_dirs + [gen()])\n",
            "set at run time at setup.py:5",
        ),
        ("    def finalize_options(self):\n        self.include_dirs = [x()]\n", "set at run time"),
    ],
    ids=["numpy-and-own", "appended", "passed-grown", "assigned"],
)
def test_a_build_ext_adds_include_dirs_only_by_adding_unknown_ones(
    build_ext: str, open_dirs: str | None
) -> None:
    setup_py = (
        "from setuptools import Extension, setup\n"
        "from setuptools.command.build_ext import build_ext\n"
        "class B(build_ext):\n" + build_ext + "setup(ext_modules=[Extension('m', ['m.c'], "
        "include_dirs=['include'])], cmdclass={'build_ext': B})\n"
    )
    tree = SdistTree.from_mapping("p-1", {"setup.py": setup_py, "m.c": "", "include/a.h": ""})
    (unit,) = _setuppy.analyse_setup_py(tree).units
    if open_dirs is None:
        assert unit.open_dirs is None
    else:
        assert unit.open_dirs is not None and unit.open_dirs.startswith(open_dirs)


@pytest.mark.parametrize(
    ("extension", "include", "missing"),
    [
        # the whole include path is known: a header of the same name elsewhere does not count
        ("Extension('m', ['src/m.c'], include_dirs=['include'])", '#include "a.h"', "src/a.h"),
        # a -I flag adds a folder: the one of that name may be on it
        ("Extension('m', ['src/m.c'], extra_compile_args=['-Iother'])", '#include "a.h"', None),
        # under an option: a branch the including file's own #defines may decide
        ("Extension('m', ['src/m.c'])", '#ifdef CHECK_APIS\n#include "a.h"\n#endif', None),
    ],
    ids=["exact", "flag", "option"],
)
def test_a_header_found_by_name_only_counts_unless_the_include_path_is_known(
    extension: str, include: str, missing: str | None
) -> None:
    from sdistcheck import _check

    tree = SdistTree.from_mapping(
        "p-1",
        {
            "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
            "setup.py": "from setuptools import Extension, setup\n"
            f"setup(ext_modules=[{extension}])\n",
            "src/m.c": include + "\n",
            "include/b.h": "",
            "other/a.h": "",
        },
    )
    errors = [f.path for f in _check.check(tree).findings if f.severity.value == "error"]
    assert errors == ([missing] if missing else [])


_PICKED = (
    "TARGET = target()\n"
    "sources = ['src/main.c']\n"
    "if TARGET == 'portable':\n"
    "    sources.append('src/portable.c')\n"
    "setup(ext_modules=[Extension('m', sources)])\n"
)


@pytest.mark.parametrize(
    ("helper", "files"),
    [
        (  # the try body may raise on the build machine: the handler's value is as likely
            "def target():\n    try:\n        subprocess.check_output(['nvcc'])\n"
            "        return 'simd'\n    except OSError:\n        return 'portable'\n",
            {},
        ),
        (  # `+=` of a static string: the fact follows
            "def target():\n    name = 'sz'\n    name += '_simd'\n"
            "    if name == 'sz':\n        return 'portable'\n    return 'simd'\n",
            {},
        ),
        (  # unpacked from a call: no stale fact of the module's `mode` decides
            "mode = 'simd'\ndef read():\n    return ('portable', 3)\n"
            "def target():\n    mode, level = read()\n"
            "    if mode == 'simd':\n        return 'simd'\n    return 'portable'\n",
            {},
        ),
        (  # defined again under an option: which one runs is not certain
            "def target():\n    return 'simd'\n"
            "if os.environ.get('LEGACY'):\n    def target():\n        return 'portable'\n",
            {},
        ),
        (  # a fact some platforms' builds rebind
            "SIMD = 'none'\nif sys.platform == 'linux':\n    SIMD = 'avx2'\n"
            "def target():\n    if SIMD == 'avx2':\n        return 'simd'\n    return 'portable'\n",
            {},
        ),
        (  # open() keeps a UTF-8 BOM, which strip() does not remove
            "def target():\n    with open('T.env') as f:\n        name = f.read().strip()\n"
            "    if name == 'portable':\n        return 'portable'\n    return 'simd'\n",
            {"T.env": b"\xef\xbb\xbfportable\n"},
        ),
    ],
    ids=["try-raises", "augmented", "unpacked", "redefined", "per-platform", "bom"],
)
def test_a_helper_s_return_decides_only_when_certain(
    helper: str, files: dict[str, str | bytes]
) -> None:
    head = "import os, subprocess, sys\nfrom setuptools import setup, Extension\n"
    tree = SdistTree.from_mapping("p-1", {"setup.py": head + helper + _PICKED, **files})
    units = {u.source: u.scope for u in _setuppy.analyse_setup_py(tree).units}
    assert units["src/portable.c"] is not Scope.ALWAYS
