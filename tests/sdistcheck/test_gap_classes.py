"""Recall gaps the traced builds (scripts/oracle.py) showed, closed as classes: each real sdist
(pinned by sha256) is complete as published, and deleting a file its traced build read is now
named, as the build would fail (or said out loud where the checker cannot follow)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from deletion_recall import caught, without

from sdistcheck._check import check
from sdistcheck._model import Scope, Severity
from sdistcheck.archive.read import Limits, read_sdist
from sdistcheck.archive.tree import SdistTree

pytestmark = pytest.mark.network
Fetch = Callable[[str, str], Path]

STRINGZILLA = (
    "stringzilla-5.3.2.tar.gz",
    "31dac11362af4014a906ee5ef0b06d98eea13ca712f99ab579cd38808b30fbcc",
)
NINJA = ("ninja-1.13.2.tar.gz", "525bfa3fc88aa30a4467df270fd5be6f9fcae8061d54d4df74ea1dc5abd5a975")
PYMONGO = (
    "pymongo-4.20.1.tar.gz",
    "1ac112b3ffa3d010cfc2fc54e3ae677a12c63d18c6115db4451df64f1a1175eb",
)
CRC32C = (
    "google_crc32c-1.9.0.tar.gz",
    "7b8c84c3d159ab6817fe3f74e6e6cef099c3f95dcec3abc0d8afb1404642efbe",
)
EDITDISTANCE = (
    "editdistance-0.8.1.tar.gz",
    "d1cdf80a5d5014b0c9126a69a42ce55a457b457f6986ff69ca98e4fe4d2d8fed",
)
PYYAML = ("pyyaml-6.0.4.tar.gz", "e24bf71af8a432d7808fabff134d38dfe16d3cbb41f2873bb4b1e42422de0a1a")
H3 = ("h3-4.5.0.tar.gz", "a1e279a1674fc799445c710e35bc4b1b388a406c881d8b5e59a9b8bebeb5bb43")
LEVENSHTEIN = (
    "levenshtein-0.27.5.tar.gz",
    "22021caf5867a46fae5ab927bbdcb430599d7e5ee3898449cbbe430ff07b7d08",
)
PYINSTALLER = (
    "pyinstaller-6.22.3.tar.gz",
    "05eb2f5615503e72939a7224d68b4aff572c6b0438ee4a17d0a4b481f399362d",
)
NUMCODECS = (
    "numcodecs-0.17.1.tar.gz",
    "5069dc01b0087c6135cbb3b043707aaf927c992fcd325248d15d907c51dd3747",
)
AMAZON_ION = (
    "amazon_ion-0.15.0.tar.gz",
    "1b9e642232dd3a87b61ba8f17f7d7660b8ea14be03baca6e5f4d0a7fd9a01d06",
)
PYBIND11 = (
    "pybind11-3.1.0.tar.gz",
    "a1cc06b524ab3edca51f8ad3895f9c4fa20b8b19283173dff4ae781449dc9639",
)
NANOBIND = (
    "nanobind-3.1.0.tar.gz",
    "6661e3dc1434d78781ccf7913442d90361dab395c3424efadb63bbb6ddea7ea3",
)
CACHEBOX = (
    "cachebox-6.2.10.tar.gz",
    "13310b136aaa75558855642a5d20d9d430566d9c4dbb5e733e9b68259a5b81b6",
)
PY_SPY = ("py_spy-0.4.3.tar.gz", "65ac4319f8c20dcd1e2ea219935c6b4fd98179b0b7faf59181eae2680a85fad4")
ML_DTYPES = (
    "ml_dtypes-0.7.0.tar.gz",
    "67fd890fb09d1e068cfe1b4dc8e204430ae7632102b4a4f854b093b6f02b3950",
)
LIGHTGBM = (
    "lightgbm-4.7.0.tar.gz",
    "f8e20f682c9aabd000bcf4a7ed8aa6f473c1adfecccae34ec24e823d156f4af0",
)
ARGON2 = (
    "argon2_cffi_bindings-26.2.0.tar.gz",
    "f21ab89bb9850f32b9ca038d9961424bb0d3669d579cbbbfed068cffa6fc0643",
)
PYYAML_FT = (
    "pyyaml_ft-8.0.0.tar.gz",
    "0c947dce03954c7b5d38869ed4878b2e6ff1d44b08a0d84dc83fdad205ae39ab",
)
DDTRACE = (
    "ddtrace-4.16.0.tar.gz",
    "de14e2bf0b65020674f06284d112a935965c3fd5c3119baa47d23f45d439ff97",
)
SOXR = ("soxr-1.1.0.tar.gz", "9f228ae21c78fa9359ca98d8a5e8e91f30639e438e574133dace62c5b5309e44")
PYSCAMP_BAD = (
    "pyscamp-2.1.2.tar.gz",
    "4de2f2fa2a343efaddfd36203ce915212df6e5ae5a3dec0bf455e5a897ad871a",
)
PYSCAMP_FIXED = (
    "pyscamp-2.1.3.tar.gz",
    "edf5ff70e428c87ad347aa63aadd43ecc6c79f73926a3ca7dfec504df694364b",
)


def _tree(pypi: Fetch, pinned: tuple[str, str]) -> SdistTree:
    return read_sdist(pypi(*pinned), Limits())


@pytest.mark.parametrize(
    ("pinned", "deleted"),
    [
        (NINJA, "ninja-upstream/src/build.cc"),  # an in-tree wrapper of scikit-build-core
        (EDITDISTANCE, "src/editdistance/_editdistance.cpp"),  # `# distutils: sources`
        (EDITDISTANCE, "src/editdistance/def.h"),  # ... and what that source includes
        (H3, "src/h3/_cy/error_system.pxd"),  # cimported from a .pyx a custom command compiles
        (LEVENSHTEIN, "extern/rapidfuzz-cpp/CMakeLists.txt"),  # the vendored fallback
        # meson: vendored unless a feature disabled by default finds the system library
        (NUMCODECS, "c-blosc/internal-complibs/zlib-1.3.1/inflate.c"),
        # py-build-cmake: CMake in [tool.py-build-cmake.cmake] source_path
        (AMAZON_ION, "src/_ioncmodule.h"),
        (AMAZON_ION, "src/ion-c/ionc/ion_binary.h"),
        # install(FILES) under an option that is on by default (cmake --install fails)
        (PYBIND11, "tools/pybind11NewTools.cmake"),
        (NANOBIND, "cmake/nanobind-config.cmake"),
        # C/C++ include classes
        (ML_DTYPES, "third_party/eigen/Eigen/src/Core/Reverse.h"),  # from suffix-less Eigen/Core
        (LIGHTGBM, "external_libs/eigen/Eigen/src/Core/util/BlasUtil.h"),  # NCCL only if(USE_CUDA)
        (LIGHTGBM, "include/LightGBM/utils/text_reader.h"),  # OpenMP holds no project header
        (ARGON2, "extras/libargon2/src/thread.h"),  # "$ENV{ARGON2_CFFI_USE_SYSTEM}" is ""
        (ARGON2, "extras/libargon2/src/encoding.c"),
        (LEVENSHTEIN, "src/Levenshtein/Levenshtein-c/_levenshtein.cpp"),  # in if() and else()
        (LEVENSHTEIN, "extern/rapidfuzz-cpp/rapidfuzz/details/common_impl.hpp"),
        (PYYAML, "yaml/_yaml.h"),  # cdef extern from "_yaml.h" in yaml/_yaml.pxd
        (PYYAML, "yaml/_yaml.pxd"),  # _yaml.pyx declares yaml_parser_t variables
        (PYYAML_FT, "yaml_ft/_yaml.h"),
        (PYYAML_FT, "yaml_ft/_yaml.pxd"),
        # "ml_dtypes/_src/common.h" on the root include dir, beside ${NumPy_INCLUDE_DIR}
        (ML_DTYPES, "ml_dtypes/_src/common.h"),
        # CMake module lookup: include(FindCFlags) from libsoxr's FindSIMD32.cmake, which
        # find_package(SIMD32) loads from CMAKE_MODULE_PATH; and the libsoxr build files the
        # analysis reaches now that `set(vectors ${output} ${vectors})` no longer exhausts it
        (SOXR, "libsoxr/cmake/Modules/FindCFlags.cmake"),
        (SOXR, "libsoxr/src/pffft32s.c"),
        (SOXR, "cmake/LICENSE-PFFFT.txt"),
        # the Extension of the branch a helper's default return picks: its target is read from
        # the marker file SZ_TARGET.env when $SZ_TARGET is unset
        (STRINGZILLA, "c/stringzilla/runtime.c"),
        # ... and a header on its include path: its build_ext appends only numpy's include dir
        # and passes its own on, so the path is known and an unfound header is missing
        (STRINGZILLA, "include/stringzilla/intersect/icelake.h"),
        # ... and a header beside its sources, although include/stringzilla/ has one of that name
        (STRINGZILLA, "python/stringzilla/stringzilla.h"),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) else v,
)
def test_a_file_the_traced_build_read_is_named_when_deleted(
    pypi: Fetch, pinned: tuple[str, str], deleted: str
) -> None:
    tree = _tree(pypi, pinned)
    assert check(tree).status == "complete"
    assert tree.is_file(deleted)
    assert caught(tree, deleted) is not None


def test_ninja_is_analysed_as_the_backend_its_wrapper_reexports(pypi: Fetch) -> None:
    report = check(_tree(pypi, NINJA))
    assert report.backend == "scikit-build-core"
    ((source, line, what),) = [(u.source, u.line, u.what) for u in report.unchecked]
    assert (source, line) == ("_build_backend/backend.py", 5)
    assert what.startswith("in-tree build backend 'backend' wraps scikit-build-core")
    assert report.references_checked > 70


def test_levenshtein_names_the_vendored_fallback_for_builds_without_the_library(
    pypi: Fetch,
) -> None:
    report = check(without(_tree(pypi, LEVENSHTEIN), "extern/rapidfuzz-cpp/CMakeLists.txt"))
    (finding,) = [f for f in report.errors if f.path == "extern/rapidfuzz-cpp/CMakeLists.txt"]
    assert finding.scope is Scope.ALWAYS
    assert finding.references[0].condition == "where rapidfuzz is not installed (find_package)"


def test_google_crc32c_falls_back_to_pure_python_without_its_source(pypi: Fetch) -> None:
    # setup.py: try: build_c_extension() except SystemExit: build_pure_python()
    report = check(without(_tree(pypi, CRC32C), "src/google_crc32c/_crc32c.c"))
    assert report.status == "complete"
    (finding,) = report.warnings
    assert finding.path == "src/google_crc32c/_crc32c.c" and finding.severity is Severity.WARNING
    assert finding.references[0].tolerated


def test_pymongo_builds_without_an_extension_that_fails_so_its_sources_are_tolerated(
    pypi: Fetch,
) -> None:
    # a hatch hook runs _setup.py build_ext, whose custom_build_ext warns and goes on unless
    # PYMONGO_C_EXT_MUST_BUILD is set: the deletion oracle built the wheel without bson/buffer.c
    # and without bson/_cbsonmodule.h (testdata/traces/deletions.tsv)
    for deleted in ("bson/buffer.c", "bson/_cbsonmodule.h"):
        report = check(without(_tree(pypi, PYMONGO), deleted))
        assert report.status == "complete"
        (finding,) = [f for f in report.findings if f.path == deleted]
        assert finding.severity is Severity.WARNING and finding.references[0].tolerated
        assert "custom_build_ext (_setup.py:18) builds the wheel without" in str(
            finding.references[0].note
        )


def test_pyyaml_names_the_companion_pxd_cython_reads(pypi: Fetch) -> None:
    report = check(_tree(pypi, PYYAML))
    companions = [r for r in report.references if r.kind == "cython-companion-pxd"]
    assert [(r.target, r.source) for r in companions] == [("yaml/_yaml.pxd", "yaml/_yaml.pyx")]


def test_pyinstaller_lists_its_waf_bootloader_build_as_not_checked(pypi: Fetch) -> None:
    report = check(_tree(pypi, PYINSTALLER))
    assert report.status == "complete"
    assert ("hatch_build.py", 66) in [(u.source, u.line) for u in report.unchecked]


@pytest.mark.parametrize(
    ("pinned", "deleted"),
    [
        (PYBIND11, "include/pybind11/detail/argument_vector.h"),
        (NANOBIND, "include/nanobind/stl/complex.h"),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) else v,
)
def test_a_file_install_directory_copies_is_not_needed_by_the_build(
    pypi: Fetch, pinned: tuple[str, str], deleted: str
) -> None:
    # install(DIRECTORY include/...) copies what is there: nothing compiles these headers, and
    # cmake --install succeeds without one (the traced build read it only to copy it)
    report = check(without(_tree(pypi, pinned), deleted))
    assert report.status == "complete"
    assert deleted not in {f.path for f in report.errors}  # test code's includes: warnings


@pytest.mark.parametrize(
    ("pinned", "deleted"),
    [
        # auto-discovered (no `build =` key): without it cargo runs no build script, and
        # use_pyo3_cfgs() only adds cfgs (Py_GIL_DISABLED) a GIL-enabled CPython build leaves off
        (CACHEBOX, "build.rs"),
        # `bindings = "bin"`: src/main.rs declares its own modules (`mod x;`, no `py_spy::`),
        # so the auto-discovered library is a target of its own, gone with its root
        (PY_SPY, "src/lib.rs"),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) else v,
)
def test_an_auto_discovered_cargo_target_is_not_needed_by_the_build(
    pypi: Fetch, pinned: tuple[str, str], deleted: str
) -> None:
    tree = _tree(pypi, pinned)
    assert tree.is_file(deleted)
    assert caught(tree, deleted) is None


def test_ddtrace_stays_complete_with_an_include_dir_it_cannot_see(pypi: Fetch) -> None:
    # dd_wrapper: include ${Datadog_INCLUDE_DIRS} and links the IMPORTED _native, whence
    # "datadog/profiling.h"; linking Threads::Threads no longer stands in for them
    assert check(_tree(pypi, DDTRACE)).status == "complete"


def test_soxr_builds_without_simd_when_its_find_module_is_missing(pypi: Fetch) -> None:
    # find_package(SIMD32) without REQUIRED: CMake falls back to Config mode, finds nothing,
    # and goes on with SIMD32_FOUND false; while shipped, the module is an option reference
    tree = _tree(pypi, SOXR)
    report = check(tree)
    (ref,) = [r for r in report.references if r.target.endswith("FindSIMD32.cmake")]
    assert (ref.kind, ref.scope) == ("cmake-find-module", Scope.OPTION)
    assert ref.condition == "find_package(SIMD32) goes on without it"
    assert check(without(tree, "libsoxr/cmake/Modules/FindSIMD32.cmake")).status == "complete"


def test_pyscamp_passes_build_python_module_to_cmake_so_pybind11_is_always_added(
    pypi: Fetch,
) -> None:
    # setup.py's CMakeBuild always passes -DBUILD_PYTHON_MODULE=TRUE: `if(BUILD_PYTHON_MODULE)
    # add_subdirectory(third_party/pybind11)` is every build's, and 2.1.2 shipped only the
    # vendored CMakeLists.txt files (testdata/corpus/incomplete.md)
    report = check(_tree(pypi, PYSCAMP_BAD))
    errors = {f.path: f for f in report.errors}
    common = errors["third_party/pybind11/tools/pybind11Common.cmake"]
    assert common.references[0].source == "third_party/pybind11/CMakeLists.txt"
    # `if(NOT TARGET gflags)`: no target gflags is defined before it in a default build
    assert "third_party/gflags/cmake/utils.cmake" in errors
    assert not check(_tree(pypi, PYSCAMP_FIXED)).errors
