"""C/C++ `#include` following: resolution, conditions, masking, bounds and speed."""

from __future__ import annotations

import time

from sdistcheck._check import satisfied
from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.c import includes as _c
from sdistcheck.native.model import CompileUnit


def analyse(
    files: dict[str, str],
    source: str = "src/m.c",
    dirs: tuple[str, ...] = (),
    notes: list[str] | None = None,
    **unit: object,
) -> tuple[SdistTree, list[Reference]]:
    tree = SdistTree.from_mapping("t.tar.gz", files)
    units = [CompileUnit(source, dirs, **unit)]  # type: ignore[arg-type]
    return tree, _c.analyse(tree, units, notes)


def by_target(refs: list[Reference]) -> dict[str, Reference]:
    return {r.target: r for r in refs}


def missing(files: dict[str, str], **kw: object) -> dict[str, Scope]:
    tree, refs = analyse(files, **kw)  # type: ignore[arg-type]
    return {r.target: r.scope for r in refs if not satisfied(tree, r)}


def test_quoted_include_resolves_in_the_includer_directory_first() -> None:
    files = {"src/m.c": '#include "a.h"\n', "src/a.h": "", "include/a.h": ""}
    _, refs = analyse(files, dirs=("include",))
    assert [r.target for r in refs] == ["src/a.h"]


def test_then_in_the_include_dirs_in_order() -> None:
    files = {"src/m.c": '#include "a.h"\n', "inc2/a.h": "", "inc1/a.h": ""}
    _, refs = analyse(files, dirs=("inc1", "inc2"))
    assert [r.target for r in refs] == ["inc1/a.h"]
    _, refs = analyse(files, dirs=("inc2", "inc1"))
    assert [r.target for r in refs] == ["inc2/a.h"]


def test_missing_quoted_include_is_reported_with_the_include_dir_candidates() -> None:
    files = {"src/m.c": '#include "sub/../gone.h"\n', "include/other.h": ""}
    tree, refs = analyse(files, dirs=("include", "."))
    (ref,) = refs
    assert (ref.target, ref.alternatives) == ("src/gone.h", ("include/gone.h", "gone.h"))
    assert (ref.kind, ref.source, ref.line, ref.text) == (
        "c-include",
        "src/m.c",
        1,
        '#include "sub/../gone.h"',
    )
    assert ref.scope is Scope.ALWAYS and not satisfied(tree, ref)


def test_include_climbing_out_of_the_sdist_is_never_satisfied() -> None:
    tree, refs = analyse({"m.c": '#include "../outside.h"\n'}, source="m.c")
    (ref,) = refs
    assert ref.note == _c.LEAVES and not satisfied(tree, ref)


def test_angle_include_only_through_the_include_dirs() -> None:
    files = {
        "src/m.c": "#include <lib.h>\n#include <stdio.h>\n#include <here.h>\n",
        "include/lib.h": '#include "deep.h"\n',
        "include/deep.h": "",
        "src/here.h": "",  # <...> does not look next to the includer
    }
    tree, refs = analyse(files, dirs=("include",))
    assert sorted(r.target for r in refs) == ["include/deep.h", "include/lib.h"]
    assert all(satisfied(tree, r) for r in refs)


def test_system_headers_and_python_headers_quoted_are_not_missing() -> None:
    src = '#include "Python.h"\n#include "structmember.h"\n#include "numpy/arrayobject.h"\n'
    src += '#include "windows.h"\n#include "sys/types.h"\n#include "vector"\n'
    src += '#include "unwind.h"\n'  # GCC's, quoted by libbacktrace (vmprof 0.4.4)
    src += '#include "H5PLextern.h"\n'  # HDF5's plugin API (bitshuffle 0.2.4)
    src += '#include "ucnhash.h"\n'  # CPython's up to 3.9 (unicodedata2 13.0.0.post2)
    assert missing({"src/m.c": src}) == {}


def test_a_quoted_header_of_a_library_the_unit_links_is_that_librarys() -> None:
    # pillow-avif-plugin 1.6.0: `#include "avif/avif.h"` with Extension(libraries=["avif"])
    src = '#include "avif/avif.h"\n#include "libfoo.h"\n#include "own/own.h"\n'
    found = missing({"src/m.c": src}, libraries=("avif", "libfoo"))
    assert found == {"src/own/own.h": Scope.ALWAYS}  # a library not linked stays needed
    assert set(missing({"src/m.c": src})) == {"src/avif/avif.h", "src/libfoo.h", "src/own/own.h"}


def test_a_linked_librarys_name_does_not_hide_a_header_the_sdist_has() -> None:
    files = {"src/m.c": '#include "avif/avif.h"\n', "vendor/avif/avif.h": '#include "x.h"\n'}
    _tree, refs = analyse(files, libraries=("avif",))
    assert {r.target for r in refs} >= {"vendor/avif/avif.h"}  # found by name, followed


def test_transitive_headers_are_followed_once() -> None:
    files = {
        "src/m.c": '#include "a.h"\n#include "b.h"\n',
        "src/a.h": '#include "common.h"\n',
        "src/b.h": '#include "common.h"\n',
        "src/common.h": '#include "deep/leaf.h"\n#include "common.h"\n',  # a cycle too
        "src/deep/leaf.h": '#include "../gone.h"\n',
    }
    tree, refs = analyse(files)
    assert {(r.source, r.target) for r in refs} == {
        ("src/m.c", "src/a.h"),
        ("src/m.c", "src/b.h"),
        ("src/a.h", "src/common.h"),
        ("src/b.h", "src/common.h"),
        ("src/common.h", "src/common.h"),
        ("src/common.h", "src/deep/leaf.h"),
        ("src/deep/leaf.h", "src/gone.h"),
    }
    assert [r.target for r in refs if not satisfied(tree, r)] == ["src/gone.h"]


def test_include_guard_is_not_a_condition() -> None:
    header = '/* licence */\n#ifndef A_H\n#define A_H\n#include "x.h"\n#endif /* A_H */\n'
    alt = '#if !defined(B_H)\n#define B_H\n#include "y.h"\n#endif\n'
    files = {"src/m.c": '#include "a.h"\n#include "b.h"\n', "src/a.h": header, "src/b.h": alt}
    assert missing(files) == {"src/x.h": Scope.ALWAYS, "src/y.h": Scope.ALWAYS}


def test_a_later_ifndef_define_pair_is_a_real_condition() -> None:
    src = '#include "a.h"\n#ifndef HAVE_CFG\n#define HAVE_CFG\n#include "cfg.h"\n#endif\n'
    assert missing({"src/m.c": src, "src/a.h": ""}) == {"src/cfg.h": Scope.OPTION}


def test_ifdef_win32_is_platform_with_condition_text() -> None:
    src = '#ifdef _WIN32\n#include "win.h"\n#else\n#include "posix.h"\n#endif\n'
    _, refs = analyse({"src/m.c": src})
    win, posix = by_target(refs)["src/win.h"], by_target(refs)["src/posix.h"]
    assert (win.scope, win.condition, win.platforms) == (
        Scope.PLATFORM,
        "#ifdef _WIN32",
        "Windows",
    )
    assert posix.scope is Scope.PLATFORM and posix.platforms == "not Windows"
    assert posix.condition == "#else (after #ifdef _WIN32)"


def test_platform_expressions_elif_and_compilers() -> None:
    src = (
        '#if defined(__APPLE__) && defined(__MACH__)\n#include "mac.h"\n'
        '#elif defined(__linux__) || defined(__FreeBSD__)\n#include "nix.h"\n'
        '#elif defined(_MSC_VER) && _MSC_VER >= 1900\n#include "msvc.h"\n#endif\n'
        '#if PY_VERSION_HEX >= 0x030C0000 && !defined(PYPY_VERSION)\n#include "py312.h"\n#endif\n'
    )
    _, refs = analyse({"src/m.c": src})
    got = {r.target: (r.scope, r.platforms) for r in refs}
    assert got == {
        "src/mac.h": (Scope.PLATFORM, "macOS"),
        "src/nix.h": (Scope.PLATFORM, "Linux or FreeBSD"),
        "src/msvc.h": (Scope.PLATFORM, "MSVC"),
        # no short phrase for a version test: the condition text says it
        "src/py312.h": (
            Scope.PLATFORM,
            "#if PY_VERSION_HEX >= 0x030C0000 && !defined(PYPY_VERSION)",
        ),
    }


def test_if_0_is_never_compiled_and_its_else_always() -> None:
    src = (
        '#if 0\n#include "dead.h"\n#else\n#include "alive.h"\n#endif\n'
        '#if 0 && defined(_WIN32)\n#include "dead2.h"\n#elif 1\n#include "alive2.h"\n'
        '#else\n#include "dead3.h"\n#endif\n'
        '#if 1\n#include "one.h"\n#else\n#include "dead4.h"\n#endif\n'
        '#ifdef _WIN32\n#if 0\n#include "dead5.h"\n#endif\n#endif\n'
    )
    assert missing({"src/m.c": src}) == {
        "src/alive.h": Scope.ALWAYS,
        "src/alive2.h": Scope.ALWAYS,
        "src/one.h": Scope.ALWAYS,
    }


def test_other_macros_are_options() -> None:
    src = (
        '#ifdef HAVE_X\n#include "x.h"\n#endif\n'
        '#if defined(__APPLE__) && !defined(USE_Y)\n#include "y.h"\n#endif\n'
        '#ifndef NDEBUG\n#include "debug.h"\n#endif\n'
        '#if CYTHON_FAST_THREAD_STATE\n#include "cy.h"\n#endif\n'
    )
    assert missing({"src/m.c": src}) == dict.fromkeys(
        ["src/x.h", "src/y.h", "src/debug.h", "src/cy.h"], Scope.OPTION
    )


def test_has_include_of_the_same_file_is_guarded() -> None:
    src = (
        '#if __has_include("opt.h")\n#include "opt.h"\n#include "other.h"\n'
        '#else\n#include "fallback.h"\n#endif\n'
        '#if defined(__has_include) && __has_include(<cfg.h>)\n#include "cfg.h"\n#endif\n'
    )
    assert missing({"src/m.c": src}) == {
        "src/opt.h": Scope.GUARDED,
        "src/other.h": Scope.OPTION,
        "src/fallback.h": Scope.OPTION,
        "src/cfg.h": Scope.GUARDED,
    }


def test_nested_conditions_combine_and_the_weakest_wins() -> None:
    src = '#ifdef _WIN32\n#ifdef HAVE_X\n#include "both.h"\n#endif\n#include "win.h"\n#endif\n'
    _, refs = analyse({"src/m.c": src})
    both = by_target(refs)["src/both.h"]
    assert both.scope is Scope.OPTION and both.condition == "#ifdef _WIN32; #ifdef HAVE_X"
    assert by_target(refs)["src/win.h"].scope is Scope.PLATFORM


def test_conditions_carry_through_headers_and_the_unit() -> None:
    files = {
        "src/m.c": '#ifdef _WIN32\n#include "win.h"\n#endif\n',
        "src/win.h": '#include "winimpl.h"\n',
    }
    _, refs = analyse(files)
    impl = by_target(refs)["src/winimpl.h"]
    assert impl.scope is Scope.PLATFORM and impl.platforms == "Windows"
    assert impl.condition == "#ifdef _WIN32 (src/m.c:2)"  # where the guarded include is
    _, refs = analyse(
        {"src/m.c": '#include "a.h"\n'},
        scope=Scope.OPTION,
        condition="if(WITH_A)",
        declared_in="CMakeLists.txt:3",
    )
    (ref,) = refs
    assert ref.scope is Scope.OPTION and ref.condition == "if(WITH_A) (CMakeLists.txt:3)"


def test_best_scope_wins_when_a_header_is_reached_twice() -> None:
    files = {
        "src/m.c": '#ifdef HAVE_X\n#include "h.h"\n#endif\n#include "h.h"\n',
        "src/h.h": '#include "gone.h"\n',
    }
    assert missing(files) == {"src/gone.h": Scope.ALWAYS}
    files["src/m.c"] = '#include "h.h"\n#ifdef HAVE_X\n#include "h.h"\n#endif\n'
    assert missing(files) == {"src/gone.h": Scope.ALWAYS}


def test_comments_strings_and_chars_are_not_includes() -> None:
    src = (
        '/* #include "block.h"\n#include "block2.h" */\n'
        '// #include "line.h"\n'
        'const char *s = "\\n#include \\"str.h\\"";\n'
        "char q = '\"';\n"
        '#include "real.h" // "trailing"\n'
        'const char *r = R"x(\n#include "raw.h"\n)x";\n'
        "int n = 1'000'000;\n"
        '#include /* odd */ "after.h"\n'
    )
    assert missing({"src/m.c": src}) == {"src/real.h": Scope.ALWAYS, "src/after.h": Scope.ALWAYS}


def test_line_continuations_spacing_include_next_and_macros() -> None:
    src = (
        "#define LONG_MACRO(x) \\\n"
        '  #include "in_macro.h"\n'
        "#if defined(_WIN32) \\\n    || defined(__CYGWIN__)\n"
        '#  include   "win.h"\n'
        "#endif\n"
        "#include_next <next.h>\n"
        "#include FOO_H\n"
        "#include MAKE_NAME(x)\n"
        '\t#\tinclude\t"tabs.h"\n'
    )
    _, refs = analyse({"src/m.c": src})
    got = {r.target: (r.scope, r.line, r.platforms) for r in refs}
    assert got == {
        "src/win.h": (Scope.PLATFORM, 5, "Windows or Cygwin"),
        "src/tabs.h": (Scope.ALWAYS, 10, None),
    }


def test_crlf_and_bom() -> None:
    src = '\ufeff#ifdef HAVE_X\r\n#include "x.h"\r\n#endif\r\n#include "y.h"\r\n'
    assert missing({"src/m.c": src}) == {"src/x.h": Scope.OPTION, "src/y.h": Scope.ALWAYS}


def test_found_by_file_name_elsewhere_is_not_missing() -> None:
    # An include dir the build sets in a way the analysis cannot see (computed in setup.py).
    files = {"src/m.c": '#include "vendor/lib.h"\n', "third_party/vendor/lib.h": ""}
    tree, refs = analyse(files)
    (ref,) = refs
    assert ref.target == "third_party/vendor/lib.h" and satisfied(tree, ref)
    assert ref.note is not None


def test_generated_headers_are_no_reference() -> None:
    notes: list[str] = []
    files = {"src/m.c": '#include "config.h"\n#include "gen.h"\n', "config.h.in": ""}
    tree = SdistTree.from_mapping("t.tar.gz", files)
    refs = _c.analyse(tree, [CompileUnit("src/m.c")], notes, generated=("gen.h",))
    assert refs == [] and "generated by the build" in notes[0]


def test_non_c_units_binary_and_oversized_files_are_skipped() -> None:
    notes: list[str] = []
    files: dict[str, bytes | str] = {
        "a.pyx": '#include "x.h"\n',
        "b.c": b'#include "x.h"\n\0\0',
        "c.c": '#include "x.h"\n' + " " * _c.MAX_BYTES,
    }
    tree = SdistTree.from_mapping("t.tar.gz", files)
    units = [CompileUnit(p) for p in ("a.pyx", "b.c", "c.c", "absent.c")]
    assert _c.analyse(tree, units, notes) == []
    assert "not scanned" in notes[0]


def test_scan_reports_lines_and_text() -> None:
    (inc,) = _c.scan("\n\n  #  include <a/b.h>  /* c */\n")
    assert (inc.name, inc.quoted, inc.line, inc.text) == (
        "a/b.h",
        False,
        3,
        "#  include <a/b.h>  /* c */",
    )


def test_three_thousand_files_in_under_two_seconds() -> None:
    # 3,000 sources with 10 includes each (a third conditional, a third <lib/...>) over a pool
    # of 600 headers with guards and includes of their own: 30,600 references.
    files: dict[str, str] = {}
    for i in range(3000):
        body = []
        for k in range(10):
            h = (i * 7 + k * 31) % 300
            if k % 3 == 0:
                body.append(f'#ifdef HAVE_FEATURE_{k}\n#include "h{h}.h"\n#endif\n')
            elif k % 3 == 1:
                body.append(f"#include <lib/h{h}.h>\n")
            else:
                body.append(f'#include "h{h}.h" /* {k} */\n')
        files[f"src/f{i}.c"] = f"/* file {i} */\n{''.join(body)}int f{i}(void) {{ return {i}; }}\n"
    for h in range(300):
        files[f"src/h{h}.h"] = (
            f'#ifndef H{h}_H\n#define H{h}_H\n#include "h{(h + 1) % 300}.h"\n'
            "#include <stdint.h>\n#endif\n"
        )
        files[f"include/lib/h{h}.h"] = f'#pragma once\n#include "../../src/h{h}.h"\n'
    tree = SdistTree.from_mapping("t.tar.gz", files)
    units = [CompileUnit(f"src/f{i}.c", ("include",)) for i in range(3000)]
    start = time.perf_counter()
    refs = _c.analyse(tree, units)
    elapsed = time.perf_counter() - start
    assert len(refs) == 3000 * 10 + 300 * 2
    assert all(satisfied(tree, r) for r in refs)
    assert {r.scope for r in refs if r.source == "src/f0.c"} == {Scope.ALWAYS, Scope.OPTION}
    assert elapsed < 2, elapsed


def test_a_branch_with_an_error_directive_is_no_build_s_so_the_others_are_always() -> None:
    # Cython's prologue: a build that takes the #ifndef or the #elif stops at its #error.
    src = (
        '#include "Python.h"\n#ifndef Py_PYTHON_H\n    #error Python headers needed\n'
        "#elif PY_VERSION_HEX < 0x02060000\n    #error Cython requires Python 2.6+\n"
        '#else\n#include "cy_utils.h"\n#endif\n'
        '#ifdef HAVE_X\n#error no X please\n#elif defined(_WIN32)\n#include "win.h"\n#endif\n'
        '#ifdef USE_Y\n#include "y.h"\n#else\n#include "not_y.h"\n#endif\n'
    )
    assert missing({"src/m.c": src}) == {
        "src/cy_utils.h": Scope.ALWAYS,
        "src/win.h": Scope.PLATFORM,
        "src/y.h": Scope.OPTION,
        "src/not_y.h": Scope.ALWAYS,  # nothing defines USE_Y
    }


def test_a_branch_the_project_s_own_undefined_macro_leaves_is_the_default_build_s() -> None:
    # xxhash 1.4.0: `#ifndef XXH_NO_LONG_LONG ... #include "xxh3.h"`; nothing defines it
    src = (
        '#ifndef XXH_NO_LONG_LONG\n#include "xxh3.h"\n#endif\n'
        '#ifdef USE_SYSTEM_LZ4\n#include "sys_lz4.h"\n#else\n#include "lz4.h"\n#endif\n'
        '#if !defined(OPT_A) && !defined(OPT_B)\n#include "ab.h"\n#endif\n'
        '#ifndef SET_BY_SETUP\n#include "set.h"\n#endif\n'
        '#ifndef DEFINED_IN_A_HEADER\n#include "defined.h"\n#endif\n'
        '#ifndef NDEBUG\n#include "debug.h"\n#endif\n'
        '#if !defined(OPT_A) && defined(_WIN32)\n#include "win.h"\n#endif\n'
    )
    files = {
        "src/m.c": src,
        "src/config.h": "#define DEFINED_IN_A_HEADER 1\n",
        "setup.py": "Extension('m', ['src/m.c'], define_macros=[('SET_BY_SETUP', '1')])\n",
    }
    assert missing(files) == {
        "src/xxh3.h": Scope.ALWAYS,
        "src/sys_lz4.h": Scope.OPTION,
        "src/lz4.h": Scope.ALWAYS,
        "src/ab.h": Scope.ALWAYS,
        "src/set.h": Scope.OPTION,
        "src/defined.h": Scope.OPTION,
        "src/debug.h": Scope.OPTION,
        "src/win.h": Scope.OPTION,
    }
    _, refs = analyse(files)
    assert by_target(refs)["src/xxh3.h"].condition is None  # not shown as a condition


def test_a_header_found_nowhere_is_named_on_the_include_dir_the_sdist_lacks() -> None:
    # chipsec 1.10.4: include_dirs=[".../Include", ...], and no Include/ was shipped
    files = {"c/Compress.c": '#include "Compress.h"\n', "c/Compress.h.txt": ""}
    _, refs = analyse(files, source="c/Compress.c", dirs=("c/Include", "c/Include/X64"))
    (ref,) = refs
    assert ref.target == "c/Include/Compress.h" and ref.scope is Scope.ALWAYS
    assert ref.alternatives == ("c/Compress.h", "c/Include/X64/Compress.h")


def test_an_angle_include_of_the_sdist_s_own_header_is_a_reference() -> None:
    files = {
        # pyastar2d 1.0.5: <experimental_heuristics.h>, its .cpp on the include dir src/cpp
        "src/cpp/astar.cpp": "#include <heuristics.h>\n#include <zlib_ng.h>\n",
        "src/cpp/heuristics.cpp": "",
        # <pkg/a.h> where the include dir holds pkg/ with other headers
        "src/cpp/b.c": "#include <pkg/a.h>\n#include <other/x.h>\n",
        "inc/pkg/b.h": "",
    }
    scopes = missing(files, source="src/cpp/astar.cpp", dirs=("src/cpp", "inc"))
    assert scopes == {"src/cpp/heuristics.h": Scope.ALWAYS}  # zlib_ng.h: a system library's
    scopes = missing(files, source="src/cpp/b.c", dirs=("src/cpp", "inc"))
    assert scopes == {"inc/pkg/a.h": Scope.ALWAYS}
    # simsimd 5.4.3: include_dirs=["include"], and the sdist has no include/ at all
    simsimd = {"c/lib.c": "#include <simsimd/simsimd.h>\n#include <lz4frame.h>\n"}
    simsimd["PKG-INFO"] = "Metadata-Version: 2.1\nName: simsimd\nVersion: 5.4.3\n"
    scopes = missing(simsimd, source="c/lib.c", dirs=("include",))
    assert scopes == {"include/simsimd/simsimd.h": Scope.ALWAYS}  # lz4frame.h: lz4's
    # include dirs the checker cannot see: a library's header may be on them, unless the
    # header is that of a source the build compiles
    scopes = missing(files, source="src/cpp/b.c", dirs=("src/cpp", "inc"), open_dirs="pkg")
    assert scopes == {"inc/pkg/a.h": Scope.OPTION}
    scopes = missing(files, source="src/cpp/astar.cpp", dirs=("src/cpp",), open_dirs="pkg")
    assert scopes == {"src/cpp/heuristics.h": Scope.ALWAYS}


def test_a_quoted_path_into_a_folder_beside_the_includer_is_own_on_any_include_path() -> None:
    # ml_dtypes 0.7.0: Eigen/Core's "src/Core/Reverse.h", in a unit whose include path also
    # has ${NumPy_INCLUDE_DIR}; a flat "config.h" may still be on such a directory
    files = {
        "eigen/Eigen/Core": '#include "src/Core/Reverse.h"\n#include "config.h"\n',
        "eigen/Eigen/src/Core/Other.h": "",
        "m.cc": '#include "Eigen/Core"\n',
    }
    scopes = missing(files, source="m.cc", dirs=("eigen",), open_dirs="numpy")
    assert scopes == {
        "eigen/Eigen/src/Core/Reverse.h": Scope.ALWAYS,
        "eigen/Eigen/config.h": Scope.OPTION,
    }


def test_a_path_into_the_includers_own_tree_is_own_on_any_include_path() -> None:
    # ml_dtypes 0.7.0: ml_dtypes/_src/casts.cc includes "ml_dtypes/_src/common.h" and
    # "ml_dtypes/include/float8.h" through the project's root include dir, beside
    # ${NumPy_INCLUDE_DIR}: NumPy's headers hold no ml_dtypes/ tree.  Another top folder may be
    # a library's, and a folder the sdist lacks may be on those directories.
    files = {
        "pkg/_src/casts.cc": (
            '#include "pkg/_src/common.h"\n#include "pkg/include/float8.h"\n'
            '#include "pkg/gone/x.h"\n#include "numpy/arrayobject.h"\n'
        ),
        "pkg/_src/other.h": "",
        "pkg/include/other.h": "",
        "numpy/README": "",
    }
    scopes = missing(files, source="pkg/_src/casts.cc", dirs=("",), open_dirs="numpy")
    assert scopes == {
        "pkg/_src/common.h": Scope.ALWAYS,
        "pkg/include/float8.h": Scope.ALWAYS,
        "pkg/_src/pkg/gone/x.h": Scope.OPTION,
    }  # numpy/arrayobject.h: NumPy's
