"""CMake conditions (cmake/conditions.py): how a find_package() result guards a branch."""

from __future__ import annotations

from sdistcheck._model import Scope
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
