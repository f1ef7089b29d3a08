"""What the CMake recorder hands on to the C analysis (cmake/recorder.py)."""

from __future__ import annotations

from sdistcheck.archive.tree import SdistTree
from sdistcheck.cmake import analysis as _cmake


def test_a_unit_knows_the_installed_libraries_its_target_links() -> None:
    # pyarrow 26: `#include "arrow/array.h"` in a target linking Arrow::arrow_shared
    text = (
        "project(p)\nfind_package(Arrow REQUIRED)\nadd_library(own STATIC own.c)\n"
        "add_library(m MODULE m.cc)\n"
        "target_link_libraries(m PRIVATE Arrow::arrow_shared PkgConfig::Blosc2 libz_static own)\n"
    )
    tree = SdistTree.from_mapping("t", {"CMakeLists.txt": text})
    out = _cmake.analyse(tree, "")
    unit = next(u for u in out.units if u.source == "m.cc")
    assert unit.libraries == ("arrow", "pkgconfig", "blosc2", "z")  # `own` is the sdist's


def test_a_pyx_cython_compiles_in_a_custom_command_is_the_targets_unit() -> None:
    # h3 4.5.0: add_custom_command(OUTPUT x.c COMMAND Python::Interpreter -m cython x.pyx ...)
    text = (
        "project(p)\ninclude_directories(${CMAKE_CURRENT_SOURCE_DIR})\n"
        "macro(add_cython_file filename)\n"
        '  add_custom_command(OUTPUT "${filename}.c"\n'
        '    COMMAND Python::Interpreter -m cython "${CMAKE_CURRENT_SOURCE_DIR}/${filename}.pyx"'
        ' --output-file "${filename}.c"\n'
        '    DEPENDS "${filename}.pyx" VERBATIM)\n'
        '  python_add_library(${filename} MODULE "${filename}.c" WITH_SOABI)\n'
        "endmacro()\nadd_cython_file(cells)\n"
        'add_custom_command(OUTPUT gen.c COMMAND python make.py DEPENDS "gen.pyx")\n'
        "add_library(other gen.c)\n"
    )
    files = {"CMakeLists.txt": text, "cells.pyx": "", "gen.pyx": ""}
    out = _cmake.analyse(SdistTree.from_mapping("t", files), "")
    assert [u.source for u in out.units] == ["cells.pyx"]  # make.py is not Cython
    assert "cells.c" in out.generated


def _open_dirs(links: str) -> str | None:
    text = f"project(p)\nadd_library(m MODULE m.cc)\n{links}"
    out = _cmake.analyse(SdistTree.from_mapping("t", {"CMakeLists.txt": text}), "")
    (unit,) = [u for u in out.units if u.source == "m.cc"]
    return unit.open_dirs


def test_only_links_that_can_bring_the_projects_headers_open_the_include_path() -> None:
    # lightgbm 4.7.0 links OpenMP always and NCCL only if(USE_CUDA): neither can hold
    # <LightGBM/utils/text_reader.h> in the default build
    assert (
        _open_dirs("target_link_libraries(m PRIVATE OpenMP::OpenMP_CXX Threads::Threads)\n") is None
    )
    assert (
        _open_dirs("if(USE_CUDA)\n  target_link_libraries(m PRIVATE NCCL::NCCL)\nendif()\n") is None
    )
    assert _open_dirs("target_link_libraries(m PRIVATE absl::strings)\n") == (
        "from the linked absl::strings"
    )
    # ddtrace 4.16.0: an IMPORTED library and ${Datadog_INCLUDE_DIRS} bring unseen headers
    imported = "add_library(_native SHARED IMPORTED)\ntarget_link_libraries(m PRIVATE _native)\n"
    assert _open_dirs(imported) == "from the linked _native"
    unknown = "target_include_directories(m PRIVATE include ${Datadog_INCLUDE_DIRS})\n"
    assert _open_dirs(unknown) == "include directory ${Datadog_INCLUDE_DIRS}"
