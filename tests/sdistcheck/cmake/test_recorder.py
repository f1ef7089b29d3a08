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
