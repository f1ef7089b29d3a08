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
