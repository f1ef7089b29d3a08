from __future__ import annotations

from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import pyproject as _pyproject


def analyse(text: str, **files: str) -> _pyproject.PyprojectAnalysis:
    return _pyproject.analyse(SdistTree.from_mapping("t", {"pyproject.toml": text, **files}))


def test_maturin_config() -> None:
    out = analyse("""
[build-system]
requires = ["maturin>=1"]
build-backend = "maturin"
[project]
name = "x"
readme = "README.md"
license = { file = "LICENSE" }
license-files = ["LICENSES/*"]
[tool.maturin]
manifest-path = "crates/x/Cargo.toml"
python-source = "python"
features = ["pyo3/extension-module", "fast"]
no-default-features = true
include = [{ path = "assets/*", format = "sdist" }]
""")
    assert out.backend == "maturin" and out.name == "x"
    kinds = {r.kind: (r.target, r.line, r.scope) for r in out.references}
    assert kinds["project-readme"] == ("README.md", 7, Scope.ALWAYS)
    assert kinds["project-license-file"][0] == "LICENSE"
    assert kinds["project-license-files"][0] == "LICENSES/*"
    assert kinds["maturin-python-source"][0] == "python"
    assert kinds["maturin-include"] == ("assets/*", 15, Scope.GUARDED)
    (root,) = out.rust_roots
    assert root.manifest == "crates/x/Cargo.toml" and root.line == 11
    assert root.features == ("pyo3/extension-module", "fast") and not root.default_features


def test_maturin_default_manifest() -> None:
    out = analyse('[build-system]\nbuild-backend = "maturin"\n')
    assert out.rust_roots[0].manifest == "Cargo.toml"


def test_setuptools_dynamic_and_setuptools_rust() -> None:
    out = analyse("""
[build-system]
build-backend = "setuptools.build_meta"
[tool.setuptools.dynamic]
dependencies = { file = ["requirements.txt"] }
readme = { file = ["README.rst"] }
[[tool.setuptools-rust.ext-modules]]
target = "pkg._rs"
path = "rust/Cargo.toml"
""")
    assert {r.target for r in out.references} == {"requirements.txt", "README.rst"}
    assert [r.manifest for r in out.rust_roots] == ["rust/Cargo.toml"]


def test_other_backends_entry_files() -> None:
    assert [
        r.target for r in analyse('[build-system]\nbuild-backend = "mesonpy"\n').references
    ] == ["meson.build"]
    skb = analyse(
        '[build-system]\nbuild-backend = "scikit_build_core.build"\n'
        '[tool.scikit-build]\ncmake.source-dir = "native"\n'
    )
    assert [r.target for r in skb.references] == ["native/CMakeLists.txt"]
    hatch = analyse(
        '[build-system]\nbuild-backend = "hatchling.build"\n'
        '[tool.hatch.build.targets.wheel.force-include]\n"bin/tool" = "pkg/tool"\n'
    )
    assert [r.target for r in hatch.references] == ["bin/tool"]


def test_py_build_cmake_runs_cmake_only_with_its_cmake_table() -> None:
    backend = '[build-system]\nbuild-backend = "py_build_cmake.build"\n'
    native = analyse(backend + '[tool.py-build-cmake.cmake]\nsource_path = "src"\n')
    assert native.backend == "py-build-cmake" and native.cmake_source_dir == "src"
    assert [r.target for r in native.references] == ["src/CMakeLists.txt"]
    root = analyse(backend + "[tool.py-build-cmake.cmake]\nbuild_type = 'Release'\n")
    assert root.cmake_source_dir == ""
    assert [r.target for r in root.references] == ["CMakeLists.txt"]
    pure = analyse(backend + '[tool.py-build-cmake.module]\nname = "x"\n')
    assert pure.cmake_source_dir is None and pure.references == []
    assert pure.unchecked == []


def test_invalid_toml_is_reported() -> None:
    out = analyse("[build-system\n")
    assert out.notes and out.references[0].kind == "pyproject-invalid"


def test_sdistcheck_config_table_is_read() -> None:
    out = analyse('[tool.sdistcheck]\nignore = ["gen/*"]\n')
    assert out.config == {"ignore": ["gen/*"]}


def test_pdm_backend_includes() -> None:
    out = analyse(
        '[build-system]\nbuild-backend = "pdm.backend"\n'
        '[tool.pdm.build]\nincludes = ["src/pkg", "data/*.bin"]\n'
        'source-includes = ["tests/"]\n',
        **{"src/pkg/__init__.py": ""},
    )
    assert [(r.target, r.kind, r.scope) for r in out.references] == [
        ("src/pkg", "pdm-includes", Scope.GUARDED),
        ("data/*.bin", "pdm-includes", Scope.GUARDED),
        ("tests/", "pdm-source-includes", Scope.GUARDED),
    ]


def test_pdm_run_setuptools_hook_is_a_setup_script() -> None:
    # editdistance 0.8.1: pdm_build_update_setup_kwargs sets ext_modules=cythonize(...)
    text = (
        '[build-system]\nbuild-backend = "pdm.backend"\n[project]\nname = "x"\n'
        "[tool.pdm.build]\nrun-setuptools = true\n"
    )
    hook = "def pdm_build_update_setup_kwargs(context, kwargs):\n    kwargs.update(x=1)\n"
    assert analyse(text, **{"pdm_build.py": hook}).setup_scripts == ["pdm_build.py"]
    assert analyse(text.replace("true", "false"), **{"pdm_build.py": hook}).setup_scripts == []
    other = text + 'custom-hook = "build/hook.py"\n'
    assert analyse(other, **{"build/hook.py": hook}).setup_scripts == ["build/hook.py"]
    assert (
        analyse(text, **{"pdm_build.py": "def pdm_build_initialize(c):\n    pass\n"}).setup_scripts
        == []
    )


def test_setuptools_ext_modules_in_pyproject_are_compiled_units() -> None:
    # mmh3 5.3.1: [tool.setuptools] ext-modules; their headers are followed like setup.py's
    from sdistcheck import _check

    files = {
        "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
        "pyproject.toml": '[build-system]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\n'
        'ext-modules = [{name = "m", sources = ["./src/m.c"]}]\n',
        "src/m.c": '#include "m.h"\n',
    }
    report = _check.check(SdistTree.from_mapping("p-1", files))
    assert [(f.path, f.severity.value) for f in report.findings] == [("src/m.h", "error")]


def test_scikit_build_core_defines_are_the_values_every_build_passes() -> None:
    # onnx 1.23.2 and pybind11 3.1.0: cmake.define with plain values, booleans and
    # environment variables (unset in a plain build: the default), one changed by an override
    out = analyse(
        '[build-system]\nbuild-backend = "scikit_build_core.build"\n'
        "[tool.scikit-build]\n"
        'cmake.args = ["-DFROM_ARGS:BOOL=ON", "-G", "Ninja"]\n'
        "[tool.scikit-build.cmake.define]\n"
        'ONNX_BUILD_PYTHON = "ON"\nBUILD_TESTING = false\nLIST = ["a", "b"]\n'
        'ONNX_ML = {env = "ONNX_ML", default = "ON"}\nNO_DEFAULT = {env = "X"}\n'
        'ONNX_COVERAGE = "OFF"\n'
        "[[tool.scikit-build.overrides]]\n"
        'if.env.COVERAGE = "1"\ncmake.define.ONNX_COVERAGE = "ON"\n'
    )
    assert dict(out.cmake_defines) == {
        "BUILD_TESTING": "FALSE",
        "FROM_ARGS": "ON",
        "LIST": "a;b",
        "ONNX_BUILD_PYTHON": "ON",
        "ONNX_ML": "ON",
    }
