"""Property-based robustness of the native-build parsers, the archive and wheel readers and the
binary analysis: on any input each raises only its own documented error class, never a traceback.

Targets: C/C++ include scanning and `#if` conditions (`c.preprocessor`, `c.includes`); CMake (lexer
and interpreter over a small tree); meson (parser and evaluator); the sdist reader (`read_sdist` on
real small archives built here, mutated: bit flips, integer overwrites, truncations, splices, and on
random bytes); the wheel reader (wheels from `scripts/make_test_wheels.py`, fuzzed and mutated, then
every member and every binary in it read); ELF/PE/Mach-O analysis (the real binaries in
`testdata/bin`, mutated mostly in their header tables).

Bounded here (CI: FUZZ_EXAMPLES examples a test, default 200); `scripts/fuzz.py` runs the same
tests for a wall-clock budget with fresh seeds.  A crash found there becomes a plain test in
`tests/fuzz/test_regressions.py`.
"""

from __future__ import annotations

import atexit
import bz2
import contextlib
import functools
import gzip
import io
import lzma
import os
import shutil
import struct
import sys
import tarfile
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pefile
from elftools.elf.elffile import ELFFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import ROOT

from retag._errors import BinaryFormatError, RetagError, WheelFormatError
from retag.archive.wheelfile import Limits as WheelLimits
from retag.archive.wheelfile import (
    iter_members,
    parse_record,
    parse_wheel_headers,
    read_wheel,
    tag_order_problems,
)
from retag.binaries.analysis import MAGIC_BYTES, analyse, arch_matches, magic_kind
from sdistcheck import _check
from sdistcheck._errors import SdistCheckError
from sdistcheck._model import Scope
from sdistcheck.archive.read import Limits, default_keep, read_sdist
from sdistcheck.archive.tree import SdistTree, normalize
from sdistcheck.c import includes as _c
from sdistcheck.c import preprocessor as _cpp
from sdistcheck.cmake import analysis as _cmake
from sdistcheck.cmake import lexer as cmake_lexer
from sdistcheck.meson import analysis as _meson
from sdistcheck.meson import lexer as meson_lexer
from sdistcheck.native.model import CompileUnit

BIN = ROOT / "testdata" / "bin"
sys.path.insert(0, str(ROOT / "scripts"))
from make_test_wheels import make_wheel  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def soup(bits: Sequence[str], sep: str = "\n", max_size: int = 60) -> st.SearchStrategy[str]:
    """Source text from a language's tokens: joined plainly, or mixed with random characters."""
    mixed = st.lists(
        st.one_of(
            st.sampled_from(bits), st.sampled_from(["\n", " ", "\\", "\r\n"]), st.text(max_size=6)
        ),
        max_size=max_size,
    )
    return st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(bits), max_size=max_size).map(sep.join),
        mixed.map("".join),
    )


# More digits than int() and str() convert (sys.int_info.default_max_str_digits is 4300).
LONG_DIGITS = "9" * 4301


@functools.cache
def _scratch() -> Path:
    """One temporary directory per process for the files the readers take (removed at exit)."""
    path = Path(tempfile.mkdtemp(prefix="fuzz-native-"))
    atexit.register(shutil.rmtree, path, True)
    return path


# --- byte mutations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """One change to a file's bytes, at a position inside one of its regions of interest."""

    kind: str  # flip | int | bytes | copy | insert | delete | repeat | cut
    region: int  # which region (modulo their number): header tables, directories, the whole
    pos: int  # where in it (modulo its length)
    arg: int = 0  # the bit flipped, the integer written, or the copy's source position
    size: int = 1  # bytes copied, deleted or repeated
    fmt: str = "<B"  # the struct format of the integer written
    data: bytes = b""  # bytes written or inserted


_INTS = st.one_of(
    st.sampled_from(
        [
            0,
            1,
            2,
            3,
            7,
            8,
            32,
            40,
            52,
            56,
            64,
            0x7F,
            0x80,
            0xFF,
            0x100,
            0x7FFF,
            0x8000,
            0xFFFF,
            0x10000,
            0x7FFFFFFF,
            0x80000000,
            0xFFFFFFFF,
            2**32,
            2**63 - 1,
            2**63,
            2**64 - 1,
        ]
    ),
    st.integers(0, 2**64 - 1),
)
_POS = st.integers(0, 2**32)
_REGION = st.integers(0, 63)


def _mutation(kind: str, **fields: st.SearchStrategy[object]) -> st.SearchStrategy[Mutation]:
    return st.builds(Mutation, st.just(kind), _REGION, _POS, **fields)


MUTATION = st.one_of(
    _mutation("flip", arg=st.integers(0, 7)),
    _mutation("int", arg=_INTS, fmt=st.sampled_from(["<B", "<H", ">H", "<I", ">I", "<Q", ">Q"])),
    _mutation("bytes", data=st.binary(min_size=1, max_size=16)),
    _mutation("copy", arg=_POS, size=st.integers(1, 512)),
    _mutation("insert", data=st.binary(min_size=1, max_size=64)),
    _mutation("delete", size=st.integers(1, 512)),
    _mutation("repeat", arg=st.integers(1, 8), size=st.integers(1, 512)),
    _mutation("cut"),
)


def mutate(data: bytes, ops: Sequence[Mutation], regions: Sequence[tuple[int, int]] = ()) -> bytes:
    """`data` with `ops` applied in turn; positions fall in `regions` ((offset, length) pairs)."""
    out = bytearray(data)
    for op in ops:
        start, length = regions[op.region % len(regions)] if regions else (0, len(out))
        if start >= len(out):
            start, length = 0, len(out)
        span = max(1, min(length, len(out) - start))
        pos = start + op.pos % span
        if op.kind == "flip" and pos < len(out):
            out[pos] ^= 1 << op.arg
        elif op.kind == "int":
            width = struct.calcsize(op.fmt)
            pos -= (pos - start) % width  # fields are aligned in their tables
            out[pos : pos + width] = struct.pack(op.fmt, op.arg % 2 ** (8 * width))
        elif op.kind == "bytes":
            out[pos : pos + len(op.data)] = op.data
        elif op.kind == "copy" and out:
            src = op.arg % len(out)
            chunk = out[src : src + op.size]
            out[pos : pos + len(chunk)] = chunk
        elif op.kind == "insert":
            out[pos:pos] = op.data
        elif op.kind == "delete":
            del out[pos : pos + op.size]
        elif op.kind == "repeat":
            out[pos:pos] = out[pos : pos + op.size] * op.arg
        elif op.kind == "cut":
            del out[pos:]
    return bytes(out)


# None half the time: a valid file goes deepest, a broken one tests the error paths.
MUTATIONS = st.one_of(st.just([]), st.lists(MUTATION, min_size=1, max_size=4))


# --- C / C++ ----------------------------------------------------------------------------------

C_BITS = [
    '#include "a.h"',
    "#include <b.h>",
    '#include "sub/c.h"',
    '#include "../include/b.h"',
    '#include "gone.h"',
    "#include <gone/x.h>",
    "#include MACRO",
    '#  include  "a.h"',
    '#import "m.h"',
    "#include_next <b.h>",
    '#include "/abs.h"',
    '#include "C:\\x.h"',
    '#include ""',
    "#include <>",
    '#include "a.h',
    "#include <b.h",
    "#if 0",
    "#if 1",
    "#if (0)",
    "#if 0x0 || X",
    "#if 1 && X",
    "#if defined(_WIN32)",
    "#if !defined(X)",
    "#ifdef __APPLE__",
    "#ifndef GUARD",
    "#define GUARD",
    "#elif __linux__",
    "#elif 0",
    "#elifdef Y",
    "#elifndef Z",
    "#else",
    "#endif",
    "#if __has_include(<x.h>)",
    '#if __has_include("a.h")',
    "#if !__has_include(<gone.h>)",
    "#if __has_builtin(x) || _MSC_VER",
    "#if PY_VERSION_HEX >= 0x030B0000",
    "#if defined(_MSC_VER) && !defined(__clang__)",
    "#if '\\0' || 1'000",
    "/*",
    "*/",
    "//",
    '"',
    "'",
    'R"x(',
    ')x"',
    'u8R"(',
    ')"',
    'LR"',
    "\\",
    "int x;",
    "'\\''",
    "#",
    "#  ",
    "(",
    ")",
    "&&",
    "||",
    "!",
    "defined",
    "__has_include_next(",
    "#define X \\",
    '/* #include "hidden.h" */',
    '"#include \\"q.h\\""',
    "??/",
    "\t#\tinclude",
]
c_text = soup(C_BITS)
C_PATHS = ["src/m.c", "src/a.h", "include/b.h", "src/sub/c.h", "src/m.h", "gone.h.in"]
C_DIRS = ["include", ".", "src", "src/sub", "..", "/abs", "", "include/../src", "nowhere"]


@FUZZ
@given(c_text)
def test_c_scan_and_mask_never_raise(text: str) -> None:
    assert len(_cpp.mask(text)) == len(text)  # positions are kept
    for inc in _cpp.scan(text):
        assert inc.line >= 1 and inc.name


@FUZZ
@given(
    st.lists(c_text, min_size=1, max_size=len(C_PATHS)),
    st.lists(st.sampled_from(C_DIRS), max_size=4),
    st.sampled_from(list(Scope)),
)
def test_c_include_walk_never_raises(texts: list[str], dirs: list[str], scope: Scope) -> None:
    tree = SdistTree.from_mapping("t", dict(zip(C_PATHS, texts, strict=False)))
    units = [
        CompileUnit("src/m.c", tuple(dirs), scope),
        CompileUnit("src/a.h", ("include",)),
        CompileUnit("gone.cpp"),
    ]
    notes: list[str] = []
    for ref in _c.analyse(tree, units, notes, generated=("gen.h",)):
        assert ref.kind == "c-include" and ref.line >= 1


# --- CMake ------------------------------------------------------------------------------------

CMAKE_BITS = [
    "add_library(a a.c)",
    "add_library(",
    "add_executable(e",
    "src/m.c",
    "${SRC}",
    "${",
    "}",
    "$ENV{X}",
    "$CACHE{Y}",
    "set(SRC",
    "set(",
    ")",
    "(",
    '"',
    '"${A}/x.c"',
    "[[",
    "]]",
    "[==[",
    "]==]",
    "#",
    "#[[",
    "]]",
    "\\",
    "\\;",
    ";",
    "if(WIN32)",
    "if(",
    "elseif(APPLE)",
    "else()",
    "endif()",
    "NOT",
    "AND",
    "OR",
    "DEFINED",
    "EXISTS",
    "IS_DIRECTORY",
    "STREQUAL",
    "MATCHES",
    "VERSION_LESS",
    "EQUAL",
    "foreach(x",
    "IN",
    "LISTS",
    "ITEMS",
    "RANGE",
    "ZIP_LISTS",
    "endforeach()",
    "while(",
    "endwhile()",
    "function(f",
    "endfunction()",
    "macro(m",
    "endmacro()",
    "f(",
    "m(",
    "ARGV",
    "ARGN",
    "${ARGV0}",
    "${ARGN}",
    "return()",
    "break()",
    "continue()",
    "include(",
    "cmake/x.cmake",
    "add_subdirectory(",
    "sub",
    "..",
    "/abs",
    "option(OPT",
    "ON",
    "OFF",
    "target_include_directories(a",
    "PRIVATE",
    "PUBLIC",
    "INTERFACE",
    "include",
    "target_sources(a",
    "target_link_libraries(a",
    "file(GLOB",
    "GLOB_RECURSE",
    "*.c",
    "list(APPEND",
    "list(",
    "APPEND",
    "REMOVE_ITEM",
    "string(REPLACE",
    "string(",
    "REGEX",
    "configure_file(",
    "x.h.in",
    "x.h",
    "cmake_path(",
    "get_filename_component(",
    "set_property(",
    "project(p",
    "LANGUAGES",
    "C",
    "CXX",
    "python_add_library(",
    "nanobind_add_module(",
    "cython_transpile(",
    "$<IF:1,a.c,b.c>",
    "$<TARGET_OBJECTS:a>",
    "$<$<PLATFORM_ID:Windows>:w.c>",
    "block()",
    "endblock()",
    "math(EXPR",
    "1+1",
    "cmake_parse_arguments(",
    "${CMAKE_CURRENT_SOURCE_DIR}",
    "CMAKE_CURRENT_LIST_DIR",
    "check_include_file(",
    "execute_process(",
    "FetchContent_Declare(",
    "install(",
    "unset(",
    "cmake_dependent_option(",
    "add_custom_command(",
    "OUTPUT",
    "DEPENDS",
    "aux_source_directory(",
    "set_source_files_properties(",
    "CACHE",
    "STRING",
    "PARENT_SCOPE",
]
CMAKE_COMMANDS = [
    "add_library",
    "add_executable",
    "set",
    "list",
    "string",
    "file",
    "include",
    "add_subdirectory",
    "target_sources",
    "target_include_directories",
    "target_link_libraries",
    "include_directories",
    "option",
    "configure_file",
    "python_add_library",
    "nanobind_add_module",
    "cython_transpile",
    "get_filename_component",
    "cmake_path",
    "math",
    "unset",
    "set_property",
    "project",
    "message",
    "install",
    "add_custom_command",
    "aux_source_directory",
    "f",
    "m",
    "set_source_files_properties",
    "check_include_file",
    "cmake_parse_arguments",
    "return",
    "execute_process",
    "cmake_dependent_option",
    "break",
    "continue",
    "find_package",
]
CMAKE_ARGS = [
    "a",
    "a.c",
    "src/m.c",
    "${SRC}",
    "${A}",
    "SRC",
    "A",
    "x",
    "${x}",
    "${${A}}",
    "$ENV{X}",
    "${CMAKE_CURRENT_SOURCE_DIR}/a.c",
    "${CMAKE_CURRENT_LIST_DIR}",
    "${PROJECT_SOURCE_DIR}",
    "sub",
    "cmake/x.cmake",
    "..",
    "/abs",
    "include",
    "PRIVATE",
    "PUBLIC",
    "INTERFACE",
    "APPEND",
    "GLOB",
    "GLOB_RECURSE",
    "*.c",
    "src/*.c",
    "REPLACE",
    "REGEX",
    "MATCH",
    ".c",
    ".h",
    "ON",
    "OFF",
    "CACHE",
    "STRING",
    "PARENT_SCOPE",
    "OUTPUT",
    "DEPENDS",
    "x.h.in",
    "x.h",
    "${ARGV0}",
    "${ARGN}",
    "ARGN",
    "IN",
    "LISTS",
    "ITEMS",
    "RANGE",
    "3",
    "1",
    "0",
    "-1",
    "EXPR",
    "1+2",
    "$<IF:1,a.c,b.c>",
    "$<$<PLATFORM_ID:Windows>:w.c>",
    "$<TARGET_OBJECTS:a>",
    '"a b.c"',
    '"${A};${B}"',
    "[[x.c]]",
    LONG_DIGITS,
    "1." + LONG_DIGITS,
    "VERSION_LESS",
    "99999999999999999999",
    "a\\;b",
    "SOURCES",
    "FILES",
    "NAME",
    "DIRECTORY",
    "ABSOLUTE",
    "REALPATH",
    "GET",
    "LENGTH",
    "REMOVE_ITEM",
    "JOIN",
    "WIN32",
    "APPLE",
    "MSVC",
    "SKBUILD",
    "MODULE",
    "WITH_SOABI",
    "sub/s.c",
]
CMAKE_CONDITIONS = [
    "WIN32",
    "NOT WIN32",
    "APPLE AND NOT IOS",
    "DEFINED ENV{X}",
    "DEFINED A",
    "OPT",
    "TARGET a",
    "EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/a.c",
    'A STREQUAL "x"',
    'A MATCHES "^a"',
    "(A OR B) AND C",
    "CMAKE_VERSION VERSION_LESS 3.20",
    "1",
    "0",
    '""',
    "IS_DIRECTORY sub",
    "COMMAND f",
    "NOT (",
    "A IN_LIST B",
    "CMAKE_SIZEOF_VOID_P EQUAL 8",
    "MSVC OR MINGW",
    "SKBUILD",
    "${A}",
    "x)",
    f"1.{LONG_DIGITS} VERSION_LESS 2",
    f"{LONG_DIGITS} GREATER 1",
    "A VERSION_GREATER_EQUAL 1.2",
]
_CMAKE_LOOPS = [
    "IN ITEMS a.c b.c",
    "IN LISTS SRC",
    "RANGE 3",
    "a b c",
    "${SRC}",
    "IN ZIP_LISTS A",
    "RANGE 1 9 0",
    "RANGE -5",
    f"RANGE {LONG_DIGITS}",
    "RANGE 99999999999999999999",
]
CMAKE_GOOD = [
    "add_library(a a.c src/m.c)",
    "python_add_library(m MODULE src/m.c WITH_SOABI)",
    "target_include_directories(a PRIVATE include)",
    "add_subdirectory(sub)",
    "set(SRC a.c)",
    "include(cmake/x.cmake)",
    "add_executable(e ${SRC})",
    "file(GLOB G src/*.c)",
    "target_sources(a PRIVATE ${G})",
    "configure_file(x.h.in x.h)",
    "add_library(s sub/s.c)",
    "list(APPEND SRC src/m.c)",
    "target_link_libraries(m PRIVATE a)",
]
_cmake_command = st.one_of(
    st.sampled_from(CMAKE_GOOD),
    st.builds(
        "{}({})".format,
        st.sampled_from(CMAKE_COMMANDS),
        st.lists(st.sampled_from(CMAKE_ARGS), max_size=6).map(" ".join),
    ),
)
_cmake_cond = st.sampled_from(CMAKE_CONDITIONS)


def _cmake_blocks(body: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(body, min_size=1, max_size=5).map("\n".join),
        st.builds(
            "if({})\n{}\nelseif({})\n{}\nelse()\n{}\nendif()".format,
            _cmake_cond,
            body,
            _cmake_cond,
            body,
            body,
        ),
        st.builds("if({})\n{}\nendif()".format, _cmake_cond, body),
        st.builds("foreach(x {})\n{}\nendforeach()".format, st.sampled_from(_CMAKE_LOOPS), body),
        st.builds(
            "{0}({1} a)\n{2}\nend{0}()\n{1}(b.c)".format,
            st.sampled_from(["function", "macro"]),
            st.sampled_from(["f", "m"]),
            body,
        ),
        st.builds("while({})\n{}\nendwhile()".format, _cmake_cond, body),
        st.builds("block()\n{}\nendblock()".format, body),
    )


# A program that parses (so that the interpreter runs), or tokens that mostly do not.
cmake_text = st.one_of(
    st.recursive(_cmake_command, _cmake_blocks, max_leaves=24), soup(CMAKE_BITS, sep=" ")
)
NATIVE_SOURCES = {
    "src/m.c": '#include "a.h"\n#include <b.h>\n#include "x.h"\n',
    "src/a.h": '#ifdef _WIN32\n#include "w.h"\n#endif\n',
    "include/b.h": "",
    "a.c": "",
    "x.h.in": "",
    "sub/s.c": '#include "s.h"\n',
    "sub/s.h": "",
}
PYPROJECT = '[build-system]\nrequires = ["x"]\nbuild-backend = "{}"\n'


def _check_tree(tree: SdistTree) -> None:
    with contextlib.suppress(SdistCheckError):  # AnalysisError (deep nesting), ConfigError
        _check.check(tree)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"CMakeLists.txt": cmake_text},
        optional={"sub/CMakeLists.txt": cmake_text, "cmake/x.cmake": cmake_text},
    ),
    st.sampled_from(["", ".", "sub", "..", "gone", "sub/../sub"]),
    st.dictionaries(
        st.sampled_from(["OPT", "SRC", "WIN32", "CMAKE_BUILD_TYPE"]),
        st.sampled_from(["ON", "", "a.c;b.c", "Release"]),
        max_size=2,
    ),
    st.booleans(),
)
def test_cmake_never_raises(
    files: dict[str, str], source_dir: str, defines: dict[str, str], whole: bool
) -> None:
    for text in files.values():
        commands, _problems = cmake_lexer.tokenize(text)
        assert all(c.line >= 1 for c in commands)
    tree = SdistTree.from_mapping("t", {**NATIVE_SOURCES, **files})
    out = _cmake.analyse(tree, source_dir, defines)
    _c.analyse(tree, out.units, out.notes, out.generated)
    if whole:
        files = {**files, "pyproject.toml": PYPROJECT.format("scikit_build_core.build")}
        _check_tree(SdistTree.from_mapping("t", {**NATIVE_SOURCES, **files}))


# --- meson ------------------------------------------------------------------------------------

MESON_BITS = [
    "project('p', 'c')",
    "executable('e', 'a.c')",
    "files(",
    "'a.c'",
    "'src/m.c'",
    "subdir('sub')",
    "subdir(",
    "include_directories(",
    "'include'",
    "py = import('python').find_installation()",
    "py.extension_module(",
    "if",
    "elif",
    "else",
    "endif",
    "foreach",
    "endforeach",
    "x",
    "y",
    "src",
    ":",
    "=",
    "+=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    ">",
    "and",
    "or",
    "not",
    "in",
    "not in",
    "true",
    "false",
    "?",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ",",
    ".",
    "'",
    "'''",
    "f'@x@'",
    "'@0@'.format(x)",
    "get_option('opt')",
    "meson.current_source_dir()",
    "meson.project_source_root()",
    "configure_file(",
    "input:",
    "output:",
    "command:",
    "sources:",
    "custom_target(",
    "generator(",
    "declare_dependency(",
    "dependency('zlib')",
    "fs = import('fs')",
    "fs.exists(",
    "fs.is_file(",
    "error('x')",
    "assert(",
    "break",
    "continue",
    "range(3)",
    "host_machine.system()",
    "'windows'",
    "x.strip()",
    "x.split()",
    "x[0]",
    "x[-1]",
    "#",
    "\\",
    "subdir_done()",
    "install_subdir(",
    "run_command(",
    "set_variable('x',",
    "get_variable('x')",
    "join_paths(",
    "'..'",
    "'/abs'",
    "1",
    "0",
    "-1",
    "99999999999999999999",
    "0x10",
    "disabler()",
    "is_variable('x')",
    "'@BASENAME@.c'",
    "structured_sources(",
    "install_data(",
    "cc = meson.get_compiler('c')",
    "cc.has_header(",
    "'\\n'",
    "'\\x'",
    "x.to_upper()",
    "x.join(",
    "x.get(",
    "x.keys()",
    "{'a': 1}",
]
MESON_EXPRS = [
    "'a.c'",
    "'src/m.c'",
    "files('a.c', 'src/m.c')",
    "src",
    "x",
    "inc",
    "['a.c', 'sub/s.c']",
    "{'a': 'a.c'}",
    "true",
    "false",
    "1",
    "get_option('opt')",
    "meson.current_source_dir() / 'a.c'",
    "'@0@.c'.format('a')",
    "f'@x@.c'",
    "x + 'y'",
    "[x, 'a.c']",
    "x[0]",
    "not true",
    "'gone.c'",
    "host_machine.system() == 'windows'",
    "x ? 'a.c' : 'b.c'",
    "'a' in ['a']",
    "'/abs.c'",
    "dependency('zlib')",
    "include_directories('include')",
    "fs.exists('a.c')",
    "'../up.c'",
    "configure_file(input: 'x.h.in', output: 'x.h', configuration: {})",
    "range(3)",
    "custom_target('t', output: 'gen.c', command: ['x'])",
    "py.extension_module('m', 'a.c')",
    "declare_dependency(include_directories: inc)",
    "join_paths('src', 'm.c')",
    "disabler()",
    "'a.c'.split('.')",
    "cc.has_header('x.h')",
    "x.get('a', 'b.c')",
    "[]",
    "{}",
    "-1",
    "x.length()",
    "generator(py, output: '@BASENAME@.c', arguments: ['@INPUT@']).process('m.pyx')",
    "x * x",
    "x * 99999999999",
    "x - 1",
    "01",
    "0o17",
    "0b101",
    "0xff",
    LONG_DIGITS,
    "range(64)",
    "range(1, 5, 0)",
    "range(x)",
    "range(-3)",
    "'@0@'.format(x)",
    "x / 'a.c'",
]
MESON_CALLS = [
    "executable",
    "library",
    "static_library",
    "shared_library",
    "py.extension_module",
    "files",
    "subdir",
    "include_directories",
    "install_data",
    "install_subdir",
    "configure_file",
    "error",
    "custom_target",
    "declare_dependency",
    "assert",
    "message",
    "set_variable",
    "subdir_done",
    "project",
    "both_libraries",
    "py.install_sources",
    "structured_sources",
    "summary",
]
MESON_KEYWORDS = [
    "sources",
    "include_directories",
    "dependencies",
    "input",
    "output",
    "install",
    "c_args",
    "link_with",
    "subdir",
    "if_found",
    "required",
    "command",
]
_meson_expr = st.sampled_from(MESON_EXPRS)
_meson_call = st.builds(
    "{}('t'{}, {}: {})".format,
    st.sampled_from(MESON_CALLS),
    st.lists(_meson_expr, max_size=3).map(lambda args: "".join(", " + a for a in args)),
    st.sampled_from(MESON_KEYWORDS),
    _meson_expr,
)
_meson_statement = st.one_of(
    _meson_call,
    st.builds(
        "{} {} {}".format,
        st.sampled_from(["x", "src", "inc", "y"]),
        st.sampled_from(["=", "+="]),
        _meson_expr,
    ),
    st.sampled_from(
        [
            "subdir('sub')",
            "break",
            "continue",
            "subdir_done()",
            "subdir('gone')",
            "executable('e', 'src/m.c', include_directories: 'include')",
            "py.extension_module('m', files('a.c'), dependencies: declare_dependency())",
            "src = files('src/m.c')",
            "inc = include_directories('include')",
            "library('l', src, include_directories: inc)",
        ]
    ),
)


def _meson_blocks(body: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(body, min_size=1, max_size=5).map("\n".join),
        st.builds(
            "if {}\n{}\nelif {}\n{}\nelse\n{}\nendif".format,
            _meson_expr,
            body,
            _meson_expr,
            body,
            body,
        ),
        st.builds("if {}\n{}\nendif".format, _meson_expr, body),
        st.builds(
            "foreach {} : {}\n{}\nendforeach".format,
            st.sampled_from(["x", "k, v", "f"]),
            _meson_expr,
            body,
        ),
    )


MESON_PRELUDE = (
    "project('p', 'c')\npy = import('python').find_installation()\n"
    "cc = meson.get_compiler('c')\nfs = import('fs')\n"
)
# A program that parses (so that the evaluator runs), or tokens that mostly do not.
meson_text = st.one_of(
    st.recursive(_meson_statement, _meson_blocks, max_leaves=24).map(MESON_PRELUDE.__add__),
    soup(MESON_BITS, sep=" "),
)
OPTION_BITS = [
    "option('opt', type: 'boolean', value: true)",
    "option(",
    "'opt'",
    "type:",
    "'combo'",
    "'feature'",
    "choices:",
    "value:",
    "['a', 'b']",
    ")",
    ",",
    "'",
]


@FUZZ
@given(
    st.fixed_dictionaries(
        {"meson.build": meson_text},
        optional={"sub/meson.build": meson_text, "meson_options.txt": soup(OPTION_BITS, sep=" ")},
    ),
    st.sampled_from(["", ".", "sub", "..", "gone"]),
    st.booleans(),
)
def test_meson_never_raises(files: dict[str, str], root: str, whole: bool) -> None:
    for text in files.values():
        _statements, lines, _problem = meson_lexer.parse(text)
        assert isinstance(lines, list)
    tree = SdistTree.from_mapping("t", {**NATIVE_SOURCES, **files})
    out = _meson.analyse(tree, root)
    _c.analyse(tree, out.units, out.notes, out.generated)
    if whole:
        files = {**files, "pyproject.toml": PYPROJECT.format("mesonpy")}
        _check_tree(SdistTree.from_mapping("t", {**NATIVE_SOURCES, **files}))


# --- sdist archives ---------------------------------------------------------------------------

_SAFE_NAMES = [
    "p-1/setup.py",
    "p-1/pyproject.toml",
    "p-1/src/m.c",
    "p-1/src/a.h",
    "p-1/sub",
    "p-1/CMakeLists.txt",
    "p-1/README",
    "p-1/src",
    "p-1/l",
    "p-1/PKG-INFO",
]
_ODD_NAMES = [
    "p-1",
    "p-1/",
    "./p-1/",
    "p-1/a/../b.py",
    "p-1/./c.rs",
    "p-1//d.toml",
    "../evil.py",
    "/etc/passwd",
    "C:/x.py",
    "p-1\\win.py",
    "\\\\srv\\x",
    "",
    ".",
    "..",
    "p-2/x.py",
    "p-1/" + "deep/" * 30 + "x.c",
    "p-1/\udcff.c",
    "p-1/l/../../x",
    "p-1/l/x.py",
    "p-1/é.py",
]
_LINKS = [
    "setup.py",
    "src/m.c",
    "p-1/setup.py",
    "src",
    "../x",
    "..",
    "/etc",
    "",
    "l",
    "a/../../..",
    "../p-2/x",
    "l/..",
    "C:\\x",
]
_TAR_KINDS = {
    "file": tarfile.REGTYPE,
    "dir": tarfile.DIRTYPE,
    "sym": tarfile.SYMTYPE,
    "hard": tarfile.LNKTYPE,
    "fifo": tarfile.FIFOTYPE,
    "chr": tarfile.CHRTYPE,
    "cont": tarfile.CONTTYPE,
    "odd": b"Z",
}
_ZIP_MODES = {
    "file": 0o100644,
    "dir": 0o040755,
    "sym": 0o120777,
    "hard": 0,
    "fifo": 0o010644,
    "chr": 0o020644,
    "cont": 0o100755,
    "odd": 0o170000,
}
_TEXT = st.text(st.characters(codec="utf-8"), max_size=16)  # no lone surrogates
Member = tuple[str, str, str, bytes]  # name, kind, link target, data
# Mostly plausible members (so that reading gets past the first one), some hostile or odd ones.
MEMBER = st.tuples(
    st.one_of(st.sampled_from(_SAFE_NAMES), st.sampled_from(_ODD_NAMES), _TEXT),
    st.sampled_from(["file"] * 6 + ["dir"] * 2 + ["sym"] * 2 + sorted(_TAR_KINDS)),
    st.one_of(st.sampled_from(_LINKS), _TEXT),
    st.one_of(
        st.sampled_from([b"mod a;\n", b'#include "a.h"\n', b"[project]\nname='p'\n"]),
        st.binary(max_size=64),
    ),
)
_TAR_FORMATS = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT, "ustar": tarfile.USTAR_FORMAT}
_COMPRESS = {
    "gz": lambda b: gzip.compress(b, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "tar": bytes,
}


def tar_of(members: Sequence[Member], fmt: str) -> bytes:
    """An uncompressed tar of `members`; one tarfile cannot write is left out."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=_TAR_FORMATS[fmt]) as tf:
        for name, kind, link, data in members:
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.mtime = _TAR_KINDS[kind], link, 1_700_000_000
            info.size = len(data) if kind in ("file", "cont", "odd") else 0
            with contextlib.suppress(ValueError, UnicodeError):
                tf.addfile(info, io.BytesIO(data) if info.size else None)
    return out.getvalue()


def zip_of(members: Sequence[Member]) -> bytes:
    """A zip of `members` (symlink members hold their target, as pip reads them)."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")  # duplicate names are part of the test
        for name, kind, link, data in members:
            info = zipfile.ZipInfo(name or "x", (2023, 11, 14, 22, 13, 20))
            info.create_system, info.external_attr = 3, _ZIP_MODES[kind] << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            content = link.encode("utf-8", "surrogateescape") if kind == "sym" else data
            with contextlib.suppress(ValueError, UnicodeError):
                zf.writestr(info, content)
    return out.getvalue()


@st.composite
def archives(draw: st.DrawFn) -> bytes:
    """A small real sdist (tar.gz/bz2/xz, tar or zip), mutated before or after compression."""
    members = draw(st.lists(MEMBER, min_size=1, max_size=6))
    if draw(st.booleans()):
        members.insert(0, ("p-1", "dir", "", b""))
    kind = draw(st.sampled_from(["gz", "tar", "zip", "bz2", "xz"]))
    if kind == "zip":
        return mutate(zip_of(members), draw(MUTATIONS))
    raw = tar_of(members, draw(st.sampled_from(list(_TAR_FORMATS))))
    if draw(st.booleans()):  # the tar itself, so that the compressed stream stays valid
        return _COMPRESS[kind](mutate(raw, draw(MUTATIONS)))
    return mutate(_COMPRESS[kind](raw), draw(MUTATIONS))


_MAGICS = [
    b"",
    b"\x1f\x8b",
    b"\x1f\x8b\x08\x00",
    b"BZh9",
    b"\xfd7zXZ\x00",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"p-1/" + bytes(96),
]
ARCHIVE_BYTES = st.one_of(
    archives(),
    st.lists(archives(), min_size=2, max_size=2).map(b"".join),  # concatenated (gzip allows it)
    st.builds(bytes.__add__, st.sampled_from(_MAGICS), st.binary(max_size=2048)),
)
SMALL = Limits(
    max_member_size=64 * 1024, max_total_size=256 * 1024, max_members=64, max_parse_size=16 * 1024
)
TINY = Limits(max_member_size=16, max_total_size=64, max_members=3, max_parse_size=8)


def _keep_all(path: str) -> bool:
    return True


@FUZZ
@given(ARCHIVE_BYTES, st.sampled_from([SMALL, TINY]), st.sampled_from([default_keep, _keep_all]))
def test_sdist_reader_raises_only_its_own_errors(data: bytes, limits: Limits, keep: object) -> None:
    path = _scratch() / "fuzz-1.0.tar.gz"
    path.write_bytes(data)
    try:
        tree = read_sdist(path, limits, keep)  # type: ignore[arg-type]
    except SdistCheckError:
        return
    for p in (*tree.files, *tree.dirs, *tree.links, *tree.links.values()):
        assert normalize(p) == p, p  # nothing outside the tree, nothing unnormalized


# --- wheels -----------------------------------------------------------------------------------


@functools.cache
def _real(name: str) -> bytes:
    return (BIN / name).read_bytes()


_SAFE_MEMBERS = [
    "demo/__init__.py",
    "demo/_core.py",
    "demo/_core.so",
    "demo/sub/x.py",
    "demo-1.0.data/scripts/demo",
    "demo-1.0.data/purelib/x.py",
    "demo.libs/libx.so",
]
_ODD_MEMBERS = [
    "demo-1.0.data/evil/x",
    "demo-1.0.data/x",
    "demo/",
    "../evil.py",
    "/abs.py",
    "C:/x.py",
    "demo\\x.py",
    "demo/./x.py",
    "demo//x",
    "demo/\x01x",
    "other-1.0.dist-info/METADATA",
    "demo-1.0.dist-info/RECORD.jws",
    "demo-1.0.dist-info/WHEEL",
    "Demo-1.0.dist-info/RECORD",
]
_SMALL_BINARIES = [
    "static-armel",
    "static-s390x",
    "hello-arm64.exe",
    "static-pie-aarch64",
    "libplain.so.1",
    "demo.cpython-311-darwin.so",
]
_WHEEL_LINES = [
    "Wheel-Version: 1.0",
    "Wheel-Version: 2.0",
    "Wheel-Version: 1",
    "Generator: x",
    "Root-Is-Purelib: true",
    "Tag: py3-none-any",
    "Tag: cp311-cp311-manylinux_2_17_x86_64",
    "Tag: py2.py3-none-any",
    "Tag: a-b",
    "Tag: ",
    "Tag: py3-none-any-x",
    "Build: 1",
    "Build: 1a",
    " folded",
    "\tfolded",
    "",
    "no colon",
    ":",
    "\r",
    "\xff",
    "Tag:py3-none-any",
]
_RECORD_HASHES = [
    "",
    "sha256=",
    "sha256=AAAA",
    "md5=x",
    "sha1=x",
    "sha512=x",
    "sha256=!!!",
    "nope",
    "SHA256=x",
    "sha256=" + "A" * 43,
]
_TAGS = [
    ("py3-none-any",),
    ("cp311-cp311-manylinux_2_17_x86_64",),
    ("py2.py3-none-any",),
    ("cp311-abi3-macosx_11_0_universal2",),
    ("cp311-cp311-win_amd64",),
    ("cp311-cp311-manylinux_2_17_s390x", "cp311-cp311-musllinux_1_2_armv7l"),
]
_MODES = [0o100644, 0o120777, 0o040755, 0o010644, 0, 0o100755, 0o170777]
wheel_text = st.lists(st.sampled_from(_WHEEL_LINES), max_size=8).map("\n".join)
WHEEL_LIMITS = WheelLimits(max_member_size=256 * 1024, max_total_size=1024**2, max_members=32)
_ANY_MEMBER = st.sampled_from(_SAFE_MEMBERS + _ODD_MEMBERS)


@st.composite
def wheel_kwargs(draw: st.DrawFn) -> dict[str, object]:
    """Arguments to `make_wheel`: a wheel with real binaries in it, broken in a few of the ways
    `make_wheel` offers (or none), with a few hostile members (or none)."""
    content = st.one_of(st.sampled_from(_SMALL_BINARIES).map(_real), st.binary(max_size=64))
    files = draw(st.dictionaries(st.sampled_from(_SAFE_MEMBERS), content, max_size=4))
    files.update(draw(st.dictionaries(st.sampled_from(_ODD_MEMBERS), content, max_size=1)))
    kw: dict[str, object] = {
        "files": files,
        "tags": draw(st.sampled_from(_TAGS)),
        "build": draw(st.sampled_from([None, None, "1", "1a"])),
        "compression": draw(
            st.sampled_from(
                [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
            )
        ),
    }
    broken: dict[str, st.SearchStrategy[object]] = {
        "name": st.sampled_from(["Demo", "other", "demo_x"]),
        "version": st.sampled_from(["1.0.post1", "1!0", "x"]),
        "filename": st.sampled_from(
            [
                "demo-1.0-py3-none-any.whl",
                "demo-1.0-1-py3-none-any.whl",
                "demo.whl",
                "demo-1.0-py3-none-any-x.whl",
                "x.zip",
                "Demo-1.0-py3-none-any.whl",
                "demo-1.0-py3.py2-none-any.whl",
            ]
        ),
        "wheel_text": wheel_text,
        "record": st.dictionaries(
            _ANY_MEMBER,
            st.one_of(
                st.none(),
                st.tuples(
                    st.sampled_from(_RECORD_HASHES),
                    st.sampled_from(["", "0", "-1", "12", "x", "7"]),
                ),
            ),
            max_size=3,
        ),
        "unrecorded": st.dictionaries(_ANY_MEMBER, st.binary(max_size=8), max_size=2),
        "modes": st.dictionaries(_ANY_MEMBER, st.sampled_from(_MODES), max_size=2),
        "skip": st.lists(
            st.sampled_from(
                [
                    "demo-1.0.dist-info/WHEEL",
                    "demo-1.0.dist-info/RECORD",
                    "demo-1.0.dist-info/METADATA",
                ]
            ),
            max_size=2,
        ),
    }
    for key in draw(st.lists(st.sampled_from(sorted(broken)), max_size=2, unique=True)):
        kw[key] = draw(broken[key])
    return kw


def _zip_regions(data: bytes) -> list[tuple[int, int]]:
    """The whole zip, its central directory, and its end record: where structure lives."""
    central = data.find(b"PK\x01\x02")
    end = data.rfind(b"PK\x05\x06")
    return [(0, len(data)), (max(central, 0), len(data)), (max(end, 0), 22), (0, 30)]


@FUZZ
@given(wheel_kwargs(), MUTATIONS, st.booleans())
def test_wheel_reader_raises_only_retag_errors(
    kwargs: dict[str, object], ops: list[Mutation], verify: bool
) -> None:
    with tempfile.TemporaryDirectory(dir=_scratch()) as out:
        path = make_wheel(Path(out), **kwargs)  # type: ignore[arg-type]
        if ops:
            data = path.read_bytes()
            path.write_bytes(mutate(data, ops, _zip_regions(data)))
        try:
            wheel = read_wheel(path, verify, limits=WHEEL_LIMITS)
            tag_order_problems(wheel)
            for name, content in iter_members(wheel, WHEEL_LIMITS.max_member_size, WHEEL_LIMITS):
                if magic_kind(content[:MAGIC_BYTES]) is not None:
                    analyse(name, content)
        except RetagError:
            pass


RECORD_BITS = [
    "demo/x.py",
    ",",
    "sha256=AAAA",
    "12",
    '"',
    '""',
    "\r\n",
    "\n",
    "\r",
    "a,b,c",
    "\x00",
    "\xff",
    "=",
    "md5=",
    ",,",
    "\\",
]


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        wheel_text.map(str.encode),
        soup(RECORD_BITS, sep="").map(lambda s: s.encode("utf-8", "surrogatepass")),
    )
)
def test_wheel_and_record_parsers_raise_only_wheel_format_error(data: bytes) -> None:
    for parse in (parse_wheel_headers, parse_record):
        with contextlib.suppress(WheelFormatError):
            parse("demo-1.0-py3-none-any.whl", data)


# --- ELF, PE and Mach-O -----------------------------------------------------------------------

BINARIES = sorted(p.name for p in BIN.iterdir() if p.name != "README.md")


def _elf_regions(data: bytes) -> list[tuple[int, int]]:
    elf = ELFFile(io.BytesIO(data))
    h = elf.header
    out = [
        (0, h["e_ehsize"]),
        (h["e_phoff"], h["e_phnum"] * h["e_phentsize"]),
        (h["e_shoff"], h["e_shnum"] * h["e_shentsize"]),
    ]
    out += [
        (s["p_offset"], s["p_filesz"])
        for s in elf.iter_segments()
        if s["p_type"] in ("PT_DYNAMIC", "PT_INTERP", "PT_NOTE")
    ]
    out += [
        (s["sh_offset"], s["sh_size"])
        for s in elf.iter_sections()
        if s["sh_type"] != "SHT_NOBITS"
        and s.name
        in (
            ".dynamic",
            ".dynstr",
            ".dynsym",
            ".gnu.version",
            ".gnu.version_r",
            ".shstrtab",
            ".gnu.version_d",
            ".note.ABI-tag",
            ".interp",
        )
    ]
    return out


def _pe_regions(data: bytes) -> list[tuple[int, int]]:
    pe = pefile.PE(data=data, fast_load=True)
    nt = pe.DOS_HEADER.e_lfanew
    table = nt + 24 + pe.FILE_HEADER.SizeOfOptionalHeader
    out = [(0, 64), (nt, table - nt), (table, 40 * pe.FILE_HEADER.NumberOfSections)]
    for index in (0, 1, 13):  # export, import and delay-import directories
        directory = pe.OPTIONAL_HEADER.DATA_DIRECTORY[index]
        if directory.VirtualAddress:
            out.append((pe.get_offset_from_rva(directory.VirtualAddress), directory.Size))
    return out


def _macho_regions(data: bytes) -> list[tuple[int, int]]:
    out, slices = [], [0]
    if data[:4] == b"\xca\xfe\xba\xbe":
        count = struct.unpack_from(">I", data, 4)[0]
        out.append((0, 8 + 20 * count))
        slices = [struct.unpack_from(">I", data, 16 + 20 * i)[0] for i in range(count)]
    for base in slices:
        endian = "<" if data[base : base + 4] in (b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe") else ">"
        ncmds, sizeofcmds = struct.unpack_from(endian + "II", data, base + 16)
        wide = data[base] in (0xCF, 0xFE) and data[base + 3] in (0xFE, 0xCF)
        out.append((base, (32 if wide else 28) + sizeofcmds))
        pos = base + (32 if wide else 28)
        for _ in range(ncmds):
            cmd, size = struct.unpack_from(endian + "II", data, pos)
            if cmd == 0x2:  # LC_SYMTAB: the symbol and string tables
                symoff, nsyms, stroff, strsize = struct.unpack_from(endian + "IIII", data, pos + 8)
                out += [(base + symoff, nsyms * (16 if wide else 12)), (base + stroff, strsize)]
            pos += max(size, 8)
    return out


@functools.cache
def binary_seed(name: str) -> tuple[bytes, tuple[tuple[int, int], ...]]:
    """A real binary and its regions of interest: header tables, dynamic data, symbol tables."""
    data = _real(name)
    regions = [(0, len(data))]
    reader = (
        _elf_regions
        if data[:4] == b"\x7fELF"
        else _pe_regions
        if data[:2] == b"MZ"
        else _macho_regions
    )
    with contextlib.suppress(Exception):  # a seed too broken to map (the truncated ELF)
        regions += reader(data)
    return data, tuple((o, n) for o, n in regions if 0 <= o < len(data) and n > 0)


_PLATFORM_TAGS = [
    "manylinux_2_17_x86_64",
    "musllinux_1_2_armv7l",
    "win_amd64",
    "macosx_11_0_universal2",
    "macosx_11_0_arm64",
    "linux_s390x",
    "any",
]


def _analyse_binary(name: str, data: bytes) -> None:
    magic_kind(data[:MAGIC_BYTES])
    try:
        found = analyse(name, data)
    except BinaryFormatError as exc:
        assert "\n" not in str(exc)  # one line naming the member
        return
    if found is not None:
        for tag in _PLATFORM_TAGS:
            arch_matches(found, tag)


@FUZZ
@given(st.sampled_from(BINARIES), st.lists(MUTATION, min_size=1, max_size=8), st.booleans())
def test_binary_analysis_raises_only_binary_format_error(
    name: str, ops: list[Mutation], any_magic: bool
) -> None:
    data, regions = binary_seed(name)
    mutated = mutate(data, ops, regions)
    if not any_magic:  # mostly still a binary by its magic, so that it is parsed
        mutated = data[:8] + mutated[8:]
    _analyse_binary(name, mutated)


_BINARY_MAGICS = [
    b"\x7fELF\x02\x01\x01",
    b"\x7fELF\x01\x02\x01",
    b"\x7fELF",
    b"MZ",
    b"MZ" + bytes(58) + b"\x40\0\0\0PE\0\0",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe\0\0\0\x01",
    b"\xca\xfe\xba\xbf\0\0\0\x02",
    b"\xbe\xba\xfe\xca\x01\0\0\0",
]


@FUZZ
@given(
    st.sampled_from(_BINARY_MAGICS),
    st.binary(max_size=1024),
    st.sampled_from(["x.so", "x.cpython-311-darwin.so", "x.cp311-win_amd64.pyd"]),
)
def test_binary_analysis_of_random_bytes(magic: bytes, rest: bytes, name: str) -> None:
    _analyse_binary(name, magic + rest)
