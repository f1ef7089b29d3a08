"""Crashes and hangs the fuzz campaign (`scripts/fuzz.py`, `tests/fuzz/`) found, each
kept as the exact minimized input: the parser must end normally (or in its own error class)."""

from __future__ import annotations

import time

import pytest

from sdistcheck.archive.tree import SdistTree
from sdistcheck.cmake import analysis as _cmake
from sdistcheck.meson import analysis as _meson
from sdistcheck.meson import lexer as meson_lexer
from sdistcheck.native.model import NativeAnalysis

LONG = "9" * 5000  # more digits than int() converts (sys.int_info.default_max_str_digits)


def meson(text: str) -> NativeAnalysis:
    return _meson.analyse(SdistTree.from_mapping("t", {"meson.build": text}))


def cmake(text: str) -> NativeAnalysis:
    return _cmake.analyse(SdistTree.from_mapping("t", {"CMakeLists.txt": text}))


@pytest.mark.parametrize("number", ["01", "0777", LONG], ids=["01", "0777", "5000-digits"])
def test_meson_number_literal_int_cannot_read_is_a_parse_problem(number: str) -> None:
    # Found by test_meson_never_raises: `01` (meson numbers have no leading zero) raised
    # ValueError from int(); so did a literal of more than 4300 digits.
    _, _, problem = meson_lexer.parse(f"x = {number}\n")
    assert problem is not None and "bad number" in problem
    out = meson(f"executable('a', 'a.c')\nx = {number}\n")
    assert [r.target for r in out.references] == ["a.c"]


def test_meson_range_with_zero_step_is_unknown() -> None:
    # Found while fixing the above (same ValueError family): range(1, 5, 0).
    out = meson("foreach i : range(1, 5, 0)\nexecutable('a', 'a.c')\nendforeach\n")
    assert [r.target for r in out.references] == ["a.c"]


@pytest.mark.parametrize(
    "text",
    [
        # Found by scripts/fuzz.py (its hang watchdog, test_meson_never_raises): an `+=` in a
        # branch nested one more alternative in the value each time round the loop, and `+`
        # on it then did 2**n work.
        "foreach f : range(64)\nif x - 1\nsrc += f'@x@.c'\nendif\nsrc += f'@x@.c'\nendforeach\n",
        # The same through `?:`; found when reviewing the fix above.
        "x = 'a.c'\nforeach f : range(64)\nx = y ? x : x + 'b'\nendforeach\nz = x + 'c'\n",
        # Found by review of the evaluator's arithmetic: `x * x` doubles the digits each time.
        "x = 99\nforeach i : range(64)\nx = x * x\nendforeach\n",
    ],
    ids=["alternatives-plus-equals", "alternatives-ternary", "squaring"],
)
def test_meson_values_grown_in_a_loop_stay_bounded(text: str) -> None:
    started = time.perf_counter()
    out = meson(text + "executable('a', 'a.c')\n")
    assert [r.target for r in out.references] == ["a.c"]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "text",
    [
        f"foreach(x RANGE {LONG})\nendforeach()\nadd_library(a a.c)\n",
        f"if(1.{LONG} VERSION_LESS 2)\nendif()\nadd_library(a a.c)\n",
        f"if({LONG} VERSION_GREATER 1.0)\nendif()\nadd_library(a a.c)\n",
    ],
    ids=["foreach-range", "version-less", "version-greater"],
)
def test_cmake_numbers_int_cannot_read_never_raise(text: str) -> None:
    # Found by review of every int() in the CMake interpreter after the meson crash, then by
    # test_cmake_never_raises once its grammar had long digit runs: ValueError from int().
    out = cmake(text)
    assert [r.target for r in out.references] == ["a.c"]


def test_cmake_growing_list_used_by_every_call_stays_bounded() -> None:
    # Found by scripts/fuzz.py (its hang watchdog, test_cmake_never_raises): each call appends
    # to a list and adds it to a target, so each command did more work than the last while the
    # budget counted commands only.  Now the items a command expands count too.
    started = time.perf_counter()
    out = cmake(
        "macro(m)\nlist(APPEND SRC a.c)\nadd_executable(e ${SRC})\nm()\nm()\nendmacro()\nm()\n"
    )
    assert "a.c" in {r.target for r in out.references}
    assert any("stopped early" in n for n in out.notes)
    assert time.perf_counter() - started < 30  # hours before; a few seconds at most now
