"""CMake: tokenizer, references with their scopes, compile units, and hostile input."""

from __future__ import annotations

import time

import pytest
from native_helpers import scopes, units

from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.cmake import analysis as _cmake
from sdistcheck.cmake import lexer
from sdistcheck.native.model import NativeAnalysis


def analyse(
    files: dict[str, str], source_dir: str = "", defines: dict[str, str] | None = None
) -> NativeAnalysis:
    return _cmake.analyse(SdistTree.from_mapping("t", files), source_dir, defines)


def refs(out: NativeAnalysis, kind: str | None = None) -> dict[str, Reference]:
    return {r.target: r for r in out.references if kind is None or r.kind == kind}


# -- tokenizer --------------------------------------------------------------------------------


def test_tokenizer_arguments_comments_and_continuations() -> None:
    text = (
        "# a comment add_library(x y.c)\n"
        "#[[ a bracket comment\n add_subdirectory(nope) ]]\n"
        'set(A "quoted ${X} \\"esc\\" \\\n continued" [==[bracket ]] $ ${}]==] unq\\;uoted\n'
        "    # comment between arguments\n"
        "    (nested (parens)) a#[=[inline]=]b)\n"
        "ADD_LIBRARY ( lib a.c )\n"
    )
    commands, problems = lexer.tokenize(text)
    assert problems == []
    assert [c.name for c in commands] == ["set", "add_library"]
    args = commands[0].args
    assert args[1].text == 'quoted ${X} "esc"  continued' and args[1].kind == lexer.QUOTED
    assert args[2].text == "bracket ]] $ ${}" and args[2].kind == lexer.BRACKET
    assert args[3].text == "unq\x02uoted"  # an escaped `;` does not split a list
    assert [a.text for a in args[4:]] == ["(", "nested", "(", "parens", ")", ")", "a", "b"]
    assert [a.line for a in (args[0], args[4])] == [4, 7]
    assert commands[1].line == 8


def test_bracket_arguments_and_comments_hide_commands() -> None:
    out = analyse(
        {
            "CMakeLists.txt": "#[[\nadd_subdirectory(a)\n]]\n"
            "set(DOC [=[\nadd_subdirectory(b)\n]=])\n"
            "# add_subdirectory(c)\n"
            'message(STATUS "add_subdirectory(d)")\n'
        }
    )
    assert out.references == []


# -- references and scopes ----------------------------------------------------------------------


def test_missing_add_subdirectory_is_an_error_even_excluded_from_all() -> None:
    out = analyse(
        {
            "CMakeLists.txt": "project(p C)\n"
            "add_subdirectory(extern/pybind11 EXCLUDE_FROM_ALL)\n"
            "add_subdirectory(src)\n",
            "src/CMakeLists.txt": "add_library(core STATIC core.c)\n",
            "src/core.c": "",
        }
    )
    got = refs(out)
    missing = got["extern/pybind11/CMakeLists.txt"]
    assert (missing.kind, missing.scope, missing.line, missing.source) == (
        "cmake-add-subdirectory",
        Scope.ALWAYS,
        2,
        "CMakeLists.txt",
    )
    assert missing.text == "add_subdirectory(extern/pybind11 EXCLUDE_FROM_ALL)"
    assert got["src/core.c"].source == "src/CMakeLists.txt"


def test_nested_subdirectories_and_directory_variables() -> None:
    out = analyse(
        {
            "CMakeLists.txt": "project(top C)\nset(SHARED_DIR ${CMAKE_CURRENT_SOURCE_DIR}/shared)\n"
            "add_subdirectory(a)\n",
            "a/CMakeLists.txt": "add_subdirectory(b)\n",
            "a/b/CMakeLists.txt": "add_library(lib ${CMAKE_CURRENT_SOURCE_DIR}/x.c\n"
            "  ${PROJECT_SOURCE_DIR}/root.c ${CMAKE_SOURCE_DIR}/top.c ../up.c\n"
            "  ${top_SOURCE_DIR}/named.c ${SHARED_DIR}/s.c)\n"
            "add_subdirectory(../../c)\n",
            "c/CMakeLists.txt": "add_library(c c.c)\n",
        }
    )
    assert set(refs(out)) == {
        "a/CMakeLists.txt",
        "a/b/CMakeLists.txt",
        "a/b/x.c",
        "root.c",
        "top.c",
        "a/up.c",
        "named.c",
        "shared/s.c",
        "c/CMakeLists.txt",
        "c/c.c",
    }


def test_source_dir_from_the_backend_and_paths_leaving_the_sdist() -> None:
    out = analyse(
        {"native/CMakeLists.txt": "add_subdirectory(../common)\nadd_subdirectory(../../out)\n"},
        source_dir="native",
    )
    got = refs(out)
    assert got["common/CMakeLists.txt"].note is None
    assert got["../out/CMakeLists.txt"].note == "the path leaves the sdist"


def test_platform_branches() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
set(SRC common.c)
if(WIN32)
  list(APPEND SRC win.c)
elseif(APPLE)
  list(APPEND SRC mac.c)
else()
  list(APPEND SRC posix.c)
endif()
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  list(APPEND SRC linux.c)
endif()
if("${CMAKE_SYSTEM_PROCESSOR}" MATCHES "^(arm|aarch64)")
  list(APPEND SRC neon.c)
endif()
if(CMAKE_SIZEOF_VOID_P EQUAL 8)
  list(APPEND SRC x64.c)
endif()
if(MSVC)
  list(APPEND SRC msvc.c)
endif()
add_library(lib ${SRC})
"""
        }
    )
    got = refs(out)
    assert got["common.c"].scope is Scope.ALWAYS and got["common.c"].condition is None
    assert {t: got[t].scope for t in ("win.c", "mac.c", "posix.c", "linux.c", "neon.c")} == {
        t: Scope.PLATFORM for t in ("win.c", "mac.c", "posix.c", "linux.c", "neon.c")
    }
    assert got["x64.c"].scope is got["msvc.c"].scope is Scope.PLATFORM
    assert got["win.c"].condition == got["win.c"].platforms == "if(WIN32)"
    assert got["mac.c"].condition == "elseif(APPLE) after if(WIN32)"
    assert got["posix.c"].condition == "else() of if(WIN32)"
    assert got["win.c"].line == 22  # where the build uses it


def test_compiler_and_system_probes_are_platform_tests() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
include(CheckIncludeFile)
include(CheckSymbolExists)
check_include_file(sys/epoll.h HAVE_EPOLL)
check_symbol_exists(kqueue "sys/event.h" HAVE_KQUEUE)
if(HAVE_EPOLL)
  set(POLLER epoll.c)
elseif(HAVE_KQUEUE)
  set(POLLER kqueue.c)
else()
  set(POLLER select.c)
endif()
add_library(poll ${POLLER})
"""
        }
    )
    assert scopes(out) == {t: Scope.PLATFORM for t in ("epoll.c", "kqueue.c", "select.c")}


def test_test_branches() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
include(CTest)
option(DEMO_BUILD_BENCHMARKS "benchmarks" OFF)
if(BUILD_TESTING)
  add_subdirectory(tests)
else()
  add_library(release release.c)
endif()
if(DEMO_BUILD_BENCHMARKS)
  add_subdirectory(bench)
endif()
add_subdirectory(vendor)
""",
            "vendor/CMakeLists.txt": "option(VENDOR_EXAMPLES OFF)\nadd_library(v v.c)\n"
            "if(VENDOR_EXAMPLES)\n  add_subdirectory(examples)\nendif()\n"
            "add_subdirectory(docs)\n",
            "vendor/docs/CMakeLists.txt": "if(NOT BUILD_DOCS)\n  return()\nendif()\n"
            "add_executable(doc-tool tool.c)\n",
        }
    )
    assert scopes(out) == {
        "tests/CMakeLists.txt": Scope.TEST,
        "release.c": Scope.ALWAYS,  # the other side of a test switch is the ordinary build
        "bench/CMakeLists.txt": Scope.TEST,
        "vendor/CMakeLists.txt": Scope.ALWAYS,
        "vendor/v.c": Scope.ALWAYS,
        "vendor/examples/CMakeLists.txt": Scope.TEST,
        "vendor/docs/CMakeLists.txt": Scope.ALWAYS,
        "vendor/docs/tool.c": Scope.TEST,  # after `if(NOT BUILD_DOCS) return()`
    }


def test_exists_is_decided_against_the_sdist() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/extra/CMakeLists.txt")
  add_subdirectory(extra)
endif()
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/present.txt)
  configure_file(needed.in needed)
else()
  configure_file(fallback.in fallback)
endif()
if(NOT EXISTS "${PROJECT_SOURCE_DIR}/extern/lib/CMakeLists.txt")
  message(FATAL_ERROR "Run: git submodule update --init")
endif()
if(EXISTS relative/path)
  configure_file(unknown.in unknown)
endif()
""",
            "present.txt": "",
        }
    )
    assert scopes(out) == {
        "extra/CMakeLists.txt": Scope.GUARDED,  # not shipped: the branch never runs on it
        "needed.in": Scope.ALWAYS,  # present.txt is shipped: the branch always runs
        "extern/lib/CMakeLists.txt": Scope.ALWAYS,  # the FATAL_ERROR check fails on this sdist
        "unknown.in": Scope.GUARDED,  # relative: resolved in the build directory, unknown
    }
    required = refs(out)["extern/lib/CMakeLists.txt"]
    assert required.kind == "cmake-exists-required" and required.line == 11


def test_unreachable_branches_are_dropped() -> None:
    out = analyse(
        {
            "CMakeLists.txt": "if(FALSE)\n add_subdirectory(a)\nendif()\n"
            "if(0)\n add_subdirectory(b)\nelseif(OFF)\n add_subdirectory(c)\n"
            "else()\n add_subdirectory(d)\nendif()\n"
            "if(TRUE)\nelse()\n add_subdirectory(e)\nendif()\n"
            'if("x" STREQUAL "y")\n add_subdirectory(f)\nendif()\n'
        }
    )
    assert scopes(out) == {"d/CMakeLists.txt": Scope.ALWAYS}


def test_options_and_defines() -> None:
    files = {
        "CMakeLists.txt": """
option(USE_OFF "off by default" OFF)
option(USE_ON "on by default" ON)
set(BACKEND "" CACHE STRING "the backend")
if(USE_OFF)
  add_library(a off.c)
else()
  add_library(b not_off.c)
endif()
if(USE_ON)
  add_library(c on.c)
else()
  add_library(d not_on.c)
endif()
if(NEVER_DECLARED)
  add_library(e undeclared.c)
endif()
if(NOT BACKEND)
  add_library(f no_backend.c)
endif()
if(__BUILD_FOR_PYTHON)
  add_library(g python.c)
endif()
"""
    }
    assert scopes(analyse(files)) == {
        "off.c": Scope.OPTION,
        "not_off.c": Scope.ALWAYS,  # an option that is off by default: its else is the default
        "on.c": Scope.ALWAYS,  # on by default: a plain `pip install` builds it
        "not_on.c": Scope.OPTION,  # only a build that turns it off
        "undeclared.c": Scope.OPTION,
        "no_backend.c": Scope.ALWAYS,
        "python.c": Scope.OPTION,
    }
    defined = scopes(analyse(files, defines={"__BUILD_FOR_PYTHON": "ON", "USE_OFF": "ON"}))
    assert defined["python.c"] is defined["off.c"] is Scope.ALWAYS
    assert "not_off.c" not in defined


def test_an_option_set_again_in_one_branch_keeps_its_default_in_the_others() -> None:
    # pybind11: option(PYBIND11_INSTALL ... ${PYBIND11_MASTER_PROJECT}), turned OFF only in the
    # else() of `if(NOT TARGET pybind11_headers)`; its install(FILES) is the ordinary build
    files = {
        "CMakeLists.txt": """
project(p)
if(CMAKE_SOURCE_DIR STREQUAL PROJECT_SOURCE_DIR)
  set(MASTER ON)
else()
  set(MASTER OFF)
endif()
option(P_INSTALL "install" ${MASTER})
option(P_EXTRA "extra" OFF)
if(NOT TARGET headers)
  add_library(headers INTERFACE)
else()
  set(P_INSTALL OFF)
endif()
if(BUILD_EXTRA)
  set(P_EXTRA ON)
endif()
if(P_INSTALL AND NOT CMAKE_SKIP_INSTALL_RULES)
  install(FILES tools/config.cmake DESTINATION share)
  install(DIRECTORY include/ DESTINATION include)
endif()
if(P_EXTRA)
  install(FILES extra.cmake DESTINATION share)
endif()
"""
    }
    got = refs(analyse(files), "cmake-install")
    assert got["tools/config.cmake"].scope is Scope.ALWAYS
    assert got["include"].scope is Scope.ALWAYS and got["include"].is_dir
    assert got["extra.cmake"].scope is Scope.OPTION


def test_variables_lists_and_branch_values() -> None:
    out = analyse(
        {
            "CMakeLists.txt": r"""
set(DIR src)
set(SRCS ${DIR}/a.c "${DIR}/b.c;${DIR}/c.c")
list(APPEND SRCS ${DIR}/d.c)
list(REMOVE_ITEM SRCS ${DIR}/b.c)
list(TRANSFORM SRCS PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/")
set(name "${DIR}/e")
string(APPEND name ".c")
if(BACKEND STREQUAL "cffi")
  set(EXT _cffi)
elseif(BACKEND STREQUAL "cython")
  set(EXT _cython)
  set(PYX "${EXT}.pyx")
endif()
add_library(lib ${SRCS} ${name} ${PYX} ${NOT_SET}/x.c)
"""
        }
    )
    assert set(refs(out)) == {"src/a.c", "src/c.c", "src/d.c", "src/e.c", "_cython.pyx"}
    # `_cffi.pyx` would need EXT from the first branch inside the second: the branches exclude
    # each other whatever BACKEND is.
    assert out.notes == [
        "1 CMake path(s) built from variables the checker cannot know were skipped"
    ]


def test_generator_expressions_and_build_outputs_are_not_references() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
configure_file(version.h.in ${CMAKE_CURRENT_BINARY_DIR}/version.h)
configure_file(config.h.in config.h)
add_custom_command(OUTPUT gen.c COMMAND gen > gen.c DEPENDS tools/gen.py helper_target)
add_custom_target(helper_target)
add_library(lib
  $<$<PLATFORM_ID:Windows>:win.c> ${CMAKE_CURRENT_BINARY_DIR}/version.c
  ${CMAKE_BINARY_DIR}/b.c ${PROJECT_BINARY_DIR}/p.c gen.c config.h real.c)
file(GLOB GLOBBED src/*.c)
add_library(globbed ${GLOBBED})
"""
        }
    )
    assert set(refs(out)) == {"version.h.in", "config.h.in", "tools/gen.py", "real.c"}
    assert out.generated == ["config.h", "gen.c", "version.h"]  # paths, then names
    assert refs(out)["tools/gen.py"].kind == "cmake-custom-command-depends"
    assert any("generator expressions" in n for n in out.notes)
    glob = "file(GLOB_RECURSE SRCS CONFIGURE_DEPENDS src/*.c src/*.cpp)\nadd_library(g ${SRCS})\n"
    with_glob = analyse({"src/a.c": "", "src/b.cpp": "", "CMakeLists.txt": glob})
    assert with_glob.references == []  # globs match what is there: no reference
    assert set(units(with_glob)) == {"src/a.c", "src/b.cpp"}


def test_cmake_modules_are_not_references_but_local_ones_are() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
include(GNUInstallDirs)
include(FetchContent)
include(CheckCXXCompilerFlag)
include(PythonExtensions)
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_SOURCE_DIR}/cmake")
include(Helpers)
include(NotShipped)
include(cmake/direct.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/cmake/optional.cmake OPTIONAL)
add_subdirectory(sub)
""",
            "cmake/Helpers.cmake": "add_library(helper ${CMAKE_CURRENT_LIST_DIR}/helper.c)\n",
            "cmake/direct.cmake": "",
            "sub/CMakeLists.txt": "include(local.cmake)\n",
        }
    )
    assert scopes(out) == {
        "cmake/Helpers.cmake": Scope.ALWAYS,
        "cmake/helper.c": Scope.ALWAYS,  # CMAKE_CURRENT_LIST_DIR is the included file's dir
        "cmake/NotShipped.cmake": Scope.OPTION,  # it may come from a package found earlier
        "cmake/direct.cmake": Scope.ALWAYS,
        "cmake/optional.cmake": Scope.GUARDED,
        "sub/CMakeLists.txt": Scope.ALWAYS,
        "sub/local.cmake": Scope.ALWAYS,  # relative to the current source directory
    }
    assert refs(out)["cmake/NotShipped.cmake"].note


def test_functions_macros_and_parse_arguments() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
function(add_ext name)
  cmake_parse_arguments(ARG "WITH_EXTRA" "KIND" "SOURCES;HEADERS" ${ARGN})
  add_library(${name} ${ARG_KIND} ${ARG_SOURCES} ${ARG_HEADERS})
  if(ARG_WITH_EXTRA)
    target_sources(${name} PRIVATE extra_${name}.c)
  endif()
  set(LAST ${name} PARENT_SCOPE)
endfunction()
macro(add_tool tool)
  add_executable(${tool} tools/${tool}.c)
endmacro()
function(never_called)
  add_subdirectory(never)
endfunction()
add_ext(one KIND STATIC SOURCES one.c one_b.c HEADERS one.h WITH_EXTRA)
if(WIN32)
  add_ext(two SOURCES two.c)
endif()
add_tool(${LAST})
foreach(t IN ITEMS alpha beta)
  add_tool(${t})
endforeach()
"""
        }
    )
    assert scopes(out) == {
        "one.c": Scope.ALWAYS,
        "one_b.c": Scope.ALWAYS,
        "one.h": Scope.ALWAYS,
        "extra_one.c": Scope.ALWAYS,
        "two.c": Scope.PLATFORM,
        "tools/one.c": Scope.ALWAYS,
        "tools/two.c": Scope.PLATFORM,  # LAST was set by the call under if(WIN32)
        "tools/alpha.c": Scope.ALWAYS,
        "tools/beta.c": Scope.ALWAYS,
    }


def test_other_configure_and_build_inputs() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
file(READ VERSION version)
file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/include/ver.h" lines)
install(FILES data/a.json ${CMAKE_CURRENT_BINARY_DIR}/gen.json DESTINATION share)
install(FILES maybe.txt DESTINATION share OPTIONAL)
install(DIRECTORY assets/ DESTINATION share)
FetchContent_Declare(zlib URL ${CMAKE_CURRENT_SOURCE_DIR}/vendor/zlib.tar.gz)
FetchContent_Declare(fmt GIT_REPOSITORY https://example.invalid/fmt.git)
add_cython_target(_speedups src/_speedups.pyx C PY3)
add_library(_speedups MODULE ${_speedups})
cython_transpile(src/_other.pyx LANGUAGE CXX OUTPUT_VARIABLE other_c)
python_add_library(_other MODULE WITH_SOABI ${other_c})
"""
        }
    )
    got = refs(out)
    assert {t: (r.kind, r.scope) for t, r in got.items()} == {
        "VERSION": ("cmake-file-read", Scope.ALWAYS),
        "include/ver.h": ("cmake-file-read", Scope.ALWAYS),
        "data/a.json": ("cmake-install", Scope.ALWAYS),
        "maybe.txt": ("cmake-install", Scope.GUARDED),
        "assets": ("cmake-install", Scope.ALWAYS),
        "vendor/zlib.tar.gz": ("cmake-fetchcontent", Scope.ALWAYS),
        "src/_speedups.pyx": ("cmake-cython-source", Scope.ALWAYS),
        "src/_other.pyx": ("cmake-cython-source", Scope.ALWAYS),
    }
    assert got["assets"].is_dir
    assert set(units(out)) == {"src/_speedups.pyx", "src/_other.pyx"}
    assert {"src/_speedups.c", "src/_other.cxx"} <= set(out.generated)


def test_path_helpers_and_scripts() -> None:
    out = analyse(
        {
            "native/CMakeLists.txt": """
get_filename_component(ROOT "${CMAKE_CURRENT_SOURCE_DIR}/.." ABSOLUTE)
get_filename_component(HERE "${CMAKE_CURRENT_LIST_FILE}" DIRECTORY)
cmake_path(SET TOOLS "${ROOT}/tools")
cmake_path(APPEND TOOLS "gen.py" OUTPUT_VARIABLE GEN)
execute_process(COMMAND python ${GEN} --version)
execute_process(COMMAND python ${ROOT}/tools/must.py COMMAND_ERROR_IS_FATAL ANY)
add_custom_command(OUTPUT out.c COMMAND python ${ROOT}/tools/cc.py ${ROOT}/tools -o out.c)
add_library(lib ${HERE}/here.c out.c)
aux_source_directory(${ROOT}/aux AUX)
add_library(aux ${AUX})
""",
            "aux/a.c": "",
            "aux/notes.txt": "",
            "tools/placeholder": "",
        },
        source_dir="native",
    )
    assert {t: (r.kind, r.scope) for t, r in refs(out).items()} == {
        "tools/gen.py": ("cmake-execute-process", Scope.OPTION),  # a failure does not stop it
        "tools/must.py": ("cmake-execute-process", Scope.ALWAYS),
        "tools/cc.py": ("cmake-custom-command", Scope.ALWAYS),  # not tools/: a directory
        "native/here.c": ("cmake-source", Scope.ALWAYS),
    }
    assert set(units(out)) == {"native/here.c", "aux/a.c"}


# -- compile units ----------------------------------------------------------------------------


def test_include_directories_for_compile_units() -> None:
    out = analyse(
        {
            "CMakeLists.txt": """
project(p C CXX)
add_library(early early.c)
include_directories(include ${CMAKE_CURRENT_BINARY_DIR}/generated)
add_library(headers INTERFACE)
target_include_directories(headers INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/vendor/hdr> $<INSTALL_INTERFACE:include>)
add_subdirectory(ext)
include_directories(late)
if(WIN32)
  pybind11_add_module(_win MODULE win.cpp)
endif()
""",
            "ext/CMakeLists.txt": """
pybind11_add_module(_ext MODULE ext.cpp ../shared.c ext.h)
target_include_directories(_ext PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/private BEFORE PUBLIC pub)
target_link_libraries(_ext PRIVATE headers pybind11::module)
""",
        }
    )
    got = units(out)
    assert set(got) == {"early.c", "ext/ext.cpp", "shared.c", "win.cpp"}  # headers: no unit
    assert got["early.c"].include_dirs == ("include", "late")  # the whole directory's list
    assert got["ext/ext.cpp"].include_dirs == (
        "ext/pub",  # BEFORE
        "include",  # the parent's directory property when ext/ was added
        "ext/private",
        "vendor/hdr",  # usage requirement of the linked INTERFACE library
    )
    assert got["shared.c"].declared_in == "ext/CMakeLists.txt" and got["shared.c"].line == 2
    assert (got["win.cpp"].scope, got["win.cpp"].condition) == (Scope.PLATFORM, "if(WIN32)")


def test_targets_named_by_a_variable_set_in_branches() -> None:
    # pyzmq: the extension's name depends on the backend; a dependency on the target by name
    # is not a file.
    out = analyse(
        {
            "CMakeLists.txt": """
if(BACKEND STREQUAL "cffi")
  set(EXT _cffi)
else()
  set(EXT _zmq)
endif()
python_add_library(${EXT} MODULE WITH_SOABI ext.c)
target_include_directories(${EXT} PRIVATE inc)
add_custom_target(all_ext ALL DEPENDS ${EXT})
"""
        }
    )
    assert set(refs(out)) == {"ext.c"}
    assert units(out)["ext.c"].include_dirs == ("inc",)


# -- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("add_library(b b.c\n", "unbalanced parentheses"),
        ('set(X "never closed)\n', "unterminated quoted argument"),
        ("set(X [==[never closed)\n", "unterminated bracket"),
        ("#[[ never closed\n", "unterminated bracket comment"),
        ("}}} garbage\n", "unexpected text"),
    ],
)
def test_malformed_input_keeps_what_was_parsed(text: str, problem: str) -> None:
    out = analyse({"CMakeLists.txt": "add_library(a a.c)\n" + text})
    assert [r.target for r in out.references] == ["a.c"]
    assert any(problem in n and "analysed up to there" in n for n in out.notes), out.notes


@pytest.mark.parametrize(
    "text",
    [
        "set(X " + "(" * 10_000 + ")" * 10_000 + ")\n",
        "if(" + "(" * 10_000 + "WIN32" + ")" * 10_000 + ")\nendif()\n",
        "if(" + "NOT " * 10_000 + "WIN32)\nendif()\n",
        "if(WIN32)\n" * 10_000 + "endif()\n" * 10_000,
        "if(WIN32)\n" * 10_000,
        "foreach(x a)\n" * 10_000 + "endforeach()\n" * 10_000,
        "function(f)\n f()\nendfunction()\nf()\n",
        "include(CMakeLists.txt)\n",
        "add_subdirectory(.)\n",
        "set(A x)\n" + "set(A ${A}${A} ${A})\n" * 64,
        "endif()\nelse()\nendforeach()\nendfunction()\n",
    ],
    ids=[
        "parens",
        "if-parens",
        "nots",
        "if-nesting",
        "unclosed-ifs",
        "foreach-nesting",
        "recursion",
        "include-cycle",
        "self-subdirectory",
        "doubling",
        "stray-ends",
    ],
)
def test_deep_or_runaway_input_stays_bounded(text: str) -> None:
    started = time.perf_counter()
    out = analyse({"CMakeLists.txt": "add_library(a a.c)\n" + text})
    assert "a.c" in refs(out)
    assert time.perf_counter() - started < 10


def test_loops_that_explode_stop_with_a_note() -> None:
    text = (
        "set(L " + " ".join(str(i) for i in range(300)) + ")\n"
        "foreach(a ${L})\nforeach(b ${L})\nforeach(c ${L})\nset(X 1)\n"
        "endforeach()\nendforeach()\nendforeach()\nadd_library(never never.c)\n"
    )
    out = analyse({"CMakeLists.txt": "add_library(a a.c)\n" + text})
    assert "a.c" in refs(out)
    assert any("stopped early" in n for n in out.notes)


def test_environment_variable_tests_default_to_unset() -> None:
    # py_bitcoinkernel 0.1.0a1: `if(DEFINED ENV{BITCOINKERNEL_LIB})` uses a prebuilt library,
    # else() builds univalue from the sdist, which a plain `pip install` does.
    cmake = (
        "cmake_minimum_required(VERSION 3.15)\nproject(p)\n"
        "if(DEFINED ENV{BITCOINKERNEL_LIB})\n  add_subdirectory(prebuilt)\n"
        "else()\n  add_subdirectory(univalue)\nendif()\n"
    )
    out = analyse({"CMakeLists.txt": cmake})
    assert scopes(out)["univalue/CMakeLists.txt"] is Scope.ALWAYS
    assert scopes(out)["prebuilt/CMakeLists.txt"] is Scope.OPTION


def test_a_quoted_list_of_target_sources_is_split_as_cmake_does() -> None:
    # optree 0.20.0: pybind11_add_module(_C MODULE "${optree_csrc}")
    out = analyse(
        {
            "CMakeLists.txt": "project(p)\nadd_subdirectory(src)\n",
            "src/CMakeLists.txt": "set(csrc a.cpp x/b.cpp)\n"
            'pybind11_add_module(_C MODULE "${csrc}")\n',
            "src/a.cpp": "",
            "src/x/b.cpp": "",
        }
    )
    assert sorted(r.target for r in out.references if r.kind == "cmake-source") == [
        "src/a.cpp",
        "src/x/b.cpp",
    ]
