"""CMake's module lookup (cmake/modules.py): include() and find_package() load modules from
the sdist's CMAKE_MODULE_PATH directories; what a missing one does to the build."""

from __future__ import annotations

from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.cmake import analysis as _cmake
from sdistcheck.native.model import BuildAnalysis

# libsoxr's form (soxr 1.1.0): a SIMD Find module that includes a helper module defining the
# function that probes compiler flags and reports through find_package_handle_standard_args
TOP = """\
project(p C)
list(APPEND CMAKE_MODULE_PATH ${CMAKE_CURRENT_SOURCE_DIR}/cmake/Modules)
option(WITH_SIMD "simd" ON)
if(WITH_SIMD)
  find_package(SIMD32)
endif()
find_package(Needed REQUIRED)
find_package(Threads REQUIRED)
find_package(Vendored MODULE REQUIRED)
find_package(Optional MODULE)
find_package(Python MODULE REQUIRED)
find_package(nanobind CONFIG REQUIRED)
find_package(Installed REQUIRED)
if(NEEDED_FOUND)
  add_library(needed src/needed.c)
endif()
if(HELPER_DEFINED)
  add_library(helper src/helper.c)
endif()
"""
FIND_SIMD = """\
include(FindCFlags)
FindCFlags(SIMD32 "-msse")
"""
FIND_CFLAGS = """\
include(CheckCSourceCompiles)
include(FindPackageHandleStandardArgs)
function(FindCFlags PKG FLAGS)
  check_c_source_compiles("int main(){}" DETECT_${PKG})
  find_package_handle_standard_args(${PKG} DEFAULT_MSG DETECT_${PKG})
  set(${PKG}_FOUND ${${PKG}_FOUND} PARENT_SCOPE)
endfunction()
"""
FIND_NEEDED = "set(HELPER_DEFINED ON)\nfind_package_handle_standard_args(NEEDED DEFAULT_MSG X)\n"


def _refs(files: dict[str, str]) -> dict[str, Reference]:
    out: BuildAnalysis = _cmake.analyse(SdistTree.from_mapping("t", files), "")
    return {r.target: r for r in out.references}


FILES = {
    "CMakeLists.txt": TOP,
    "cmake/Modules/FindSIMD32.cmake": FIND_SIMD,
    "cmake/Modules/FindCFlags.cmake": FIND_CFLAGS,
    "cmake/Modules/FindNeeded.cmake": FIND_NEEDED,
}


def test_a_find_module_in_the_sdist_is_referenced_and_run() -> None:
    refs = _refs(FILES)
    needed = refs["cmake/Modules/FindNeeded.cmake"]
    assert (needed.kind, needed.scope, needed.line) == ("cmake-find-module", Scope.ALWAYS, 7)
    assert refs["src/helper.c"].scope is Scope.ALWAYS  # a variable the module set
    # its verdict is the system's: a platform test
    assert refs["src/needed.c"].scope is Scope.PLATFORM


def test_without_required_cmake_goes_on_without_the_find_module() -> None:
    refs = _refs(FILES)
    simd = refs["cmake/Modules/FindSIMD32.cmake"]
    assert simd.scope is Scope.OPTION
    assert simd.condition == "find_package(SIMD32) goes on without it"
    # what the module includes is needed whenever the module runs: include() has no fallback
    helper = refs["cmake/Modules/FindCFlags.cmake"]
    assert (helper.kind, helper.scope, helper.source) == (
        "cmake-include",
        Scope.ALWAYS,
        "cmake/Modules/FindSIMD32.cmake",
    )


def test_a_missing_find_module_is_needed_only_in_module_mode() -> None:
    refs = _refs(FILES)
    vendored = refs["cmake/Modules/FindVendored.cmake"]
    assert (vendored.scope, vendored.kind) == (Scope.ALWAYS, "cmake-find-module")
    assert refs["cmake/Modules/FindOptional.cmake"].scope is Scope.OPTION
    # CMake's own modules and Config mode are no references
    for name in ("Threads", "Python", "nanobind"):
        assert f"cmake/Modules/Find{name}.cmake" not in refs
    # without MODULE, an installed package's Config may stand in for it (pyarrow's Arrow):
    # whether the sdist lost one cannot be told
    assert "cmake/Modules/FindInstalled.cmake" not in refs


def test_a_deleted_find_module_is_named_as_the_build_would_miss_it() -> None:
    files = {**FILES}
    del files["cmake/Modules/FindCFlags.cmake"], files["cmake/Modules/FindNeeded.cmake"]
    refs = _refs(files)
    # include(FindCFlags) from FindSIMD32, its sibling in the module directory: CMake stops
    cflags = refs["cmake/Modules/FindCFlags.cmake"]
    assert (cflags.scope, cflags.source) == (Scope.ALWAYS, "cmake/Modules/FindSIMD32.cmake")
    # a REQUIRED Find module deleted falls back to Config mode, where an installed package
    # may provide it: no reference
    assert "cmake/Modules/FindNeeded.cmake" not in refs
    # include() of a name in no module directory, from the project's CMakeLists: an option
    other = _refs({**files, "CMakeLists.txt": TOP + "include(ProjectHelpers)\n"})
    assert other["cmake/Modules/ProjectHelpers.cmake"].scope is Scope.OPTION
    assert "cmake/Modules/FindPackageHandleStandardArgs.cmake" not in other


def test_configure_package_config_file_reads_its_input() -> None:
    text = (
        "project(p)\ninclude(CMakePackageConfigHelpers)\n"
        'configure_package_config_file(cmake/Config.cmake.in "${CMAKE_CURRENT_BINARY_DIR}/'
        'pConfig.cmake" INSTALL_DESTINATION lib/cmake/p)\n'
    )
    ref = _refs({"CMakeLists.txt": text})["cmake/Config.cmake.in"]
    assert (ref.kind, ref.scope) == ("cmake-configure-file", Scope.ALWAYS)
