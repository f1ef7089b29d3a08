"""CMake conditions (cmake/conditions.py): how a find_package() result guards a branch."""

from __future__ import annotations

from sdistcheck._model import SCOPE_RANK, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.cmake import analysis as _cmake

# levenshtein 0.27.5: the vendored rapidfuzz-cpp is the fallback of a system one
VENDORED = (
    "project(p)\nfind_package(rapidfuzz 3.3.3 QUIET)\nif(rapidfuzz_FOUND)\n"
    '  message(STATUS "system")\nelse()\n  add_subdirectory(extern/rapidfuzz-cpp)\nendif()\n'
    "if(NOT rapidfuzz_FOUND)\n  add_subdirectory(extern/again)\nendif()\n"
    "if(rapidfuzz_FOUND)\n  add_subdirectory(extern/system-glue)\nendif()\n"
    "find_package(zlib REQUIRED)\nif(NOT zlib_FOUND)\n  add_subdirectory(extern/zlib)\nendif()\n"
)


def _scopes(text: str) -> dict[str, tuple[Scope, str | None]]:
    out = _cmake.analyse(SdistTree.from_mapping("t", {"CMakeLists.txt": text}), "")
    return {r.target: (r.scope, r.condition) for r in out.references}


def test_the_not_found_side_of_a_find_package_is_the_default_build() -> None:
    scopes = _scopes(VENDORED)
    not_installed = "where rapidfuzz is not installed (find_package)"
    assert scopes["extern/rapidfuzz-cpp/CMakeLists.txt"] == (Scope.ALWAYS, not_installed)
    assert scopes["extern/again/CMakeLists.txt"] == (Scope.ALWAYS, not_installed)
    assert scopes["extern/system-glue/CMakeLists.txt"] == (
        Scope.OPTION,
        "if(rapidfuzz_FOUND)",
    )
    # REQUIRED: a build where it is missing fails anyway, so X_FOUND decides nothing new
    assert scopes["extern/zlib/CMakeLists.txt"][0] is Scope.OPTION


def test_a_found_variable_the_project_sets_itself_is_not_the_probe() -> None:
    text = VENDORED.replace(
        "find_package(rapidfuzz", "set(rapidfuzz_FOUND ON)\nfind_package(rapidfuzz"
    )
    assert "extern/rapidfuzz-cpp/CMakeLists.txt" not in _scopes(text)  # its else() never runs


def test_an_environment_variable_is_empty_in_the_default_build() -> None:
    # argon2-cffi-bindings 26.2.0: the vendored libargon2 unless ARGON2_CFFI_USE_SYSTEM=1
    text = (
        "project(p)\nadd_library(m MODULE m.c)\n"
        'if("$ENV{USE_SYSTEM}" STREQUAL "1")\n  target_sources(m PRIVATE system.c)\n'
        "else()\n  target_sources(m PRIVATE vendored.c)\nendif()\n"
        'if("$ENV{FAST}")\n  target_sources(m PRIVATE fast.c)\nendif()\n'
    )
    scopes = _scopes(text)
    assert scopes["vendored.c"][0] is Scope.ALWAYS
    assert scopes["system.c"][0] is Scope.OPTION
    assert scopes["fast.c"][0] is Scope.OPTION


def test_a_forced_cache_value_is_fixed_not_an_option() -> None:
    # ml_dtypes 0.7.0 turns Eigen's tests off before add_subdirectory(third_party/eigen)
    text = (
        'project(p)\nset(EIGEN_BUILD_DOC OFF CACHE BOOL "" FORCE)\n'
        'set(WITH_X OFF CACHE BOOL "")\n'
        "if(EIGEN_BUILD_DOC)\n  add_subdirectory(doc)\nendif()\n"
        "if(WITH_X)\n  add_subdirectory(x)\nendif()\n"
    )
    scopes = _scopes(text)
    assert "doc/CMakeLists.txt" not in scopes  # unreachable: -D cannot turn it on
    assert scopes["x/CMakeLists.txt"][0] is Scope.OPTION


def test_a_source_added_in_every_branch_is_always_compiled() -> None:
    # levenshtein 0.27.5: python_add_library on both sides of if(CMAKE_VERSION VERSION_LESS 3.17)
    text = (
        "project(p)\nfunction(add_mod name)\n  if(CMAKE_VERSION VERSION_LESS 3.17)\n"
        "    python_add_library(${name} MODULE ${ARGN})\n  else()\n"
        "    python_add_library(${name} MODULE WITH_SOABI ${ARGN})\n  endif()\nendfunction()\n"
        "add_mod(m m.cpp)\n"
        "if(CMAKE_VERSION VERSION_LESS 3.17)\n  add_library(old old.c)\nendif()\n"
        "if(WITH_A)\n  add_library(a both.c)\nelseif(WITH_B)\n  add_library(a both.c)\nendif()\n"
    )
    out = _cmake.analyse(SdistTree.from_mapping("t", {"CMakeLists.txt": text}), "")
    best = {}
    for r in out.references:
        best[r.target] = min(best.get(r.target, 9), SCOPE_RANK[r.scope])
    assert best["m.cpp"] == SCOPE_RANK[Scope.ALWAYS]
    assert best["old.c"] == SCOPE_RANK[Scope.OPTION]
    assert best["both.c"] == SCOPE_RANK[Scope.OPTION]  # no else(): neither may be taken
    (unit,) = [u for u in out.units if u.source == "m.cpp" and u.scope is Scope.ALWAYS]
    assert unit.condition is None


def test_a_target_nobody_defined_so_far_is_absent_in_the_default_build() -> None:
    # pyscamp 2.1.2: `if(NOT TARGET gflags) add_subdirectory(third_party/gflags)`; gflags is
    # defined only by a gRPC build behind an option, which the walk never reached
    text = (
        "project(p)\nif(NOT TARGET gflags)\n  add_subdirectory(third_party/gflags)\nendif()\n"
        "add_library(own a.c)\nif(NOT TARGET own)\n  add_subdirectory(never)\nendif()\n"
        "if(TARGET own)\n  add_subdirectory(always)\nendif()\n"
        "if(NOT TARGET pybind11::module)\n  add_subdirectory(imported)\nendif()\n"
    )
    scopes = _scopes(text)
    assert scopes["third_party/gflags/CMakeLists.txt"] == (
        Scope.ALWAYS,
        "where no target gflags is defined",
    )
    assert "never/CMakeLists.txt" not in scopes
    assert scopes["always/CMakeLists.txt"][0] is Scope.ALWAYS
    # an imported target is there when its package is installed: either way
    assert scopes["imported/CMakeLists.txt"][0] is Scope.OPTION
