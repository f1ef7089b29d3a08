"""Cython `cimport`/`include`/`cdef extern from` following and `cythonize()` glob expansion."""

from __future__ import annotations

from sdistcheck._check import satisfied
from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.c import cython as _cython
from sdistcheck.native.model import CompileUnit

PKG = {"pkg/__init__.py": ""}


def analyse(
    files: dict[str, str],
    source: str = "pkg/mod.pyx",
    dirs: tuple[str, ...] = (),
    notes: list[str] | None = None,
    **unit: object,
) -> tuple[SdistTree, list[Reference]]:
    tree = SdistTree.from_mapping("t.tar.gz", files)
    units = [CompileUnit(source, dirs, **unit)]  # type: ignore[arg-type]
    return tree, _cython.analyse(tree, units, notes)


def found(files: dict[str, str], **kw: object) -> set[str]:
    tree, refs = analyse(files, **kw)  # type: ignore[arg-type]
    return {r.target for r in refs if satisfied(tree, r)}


def missing(files: dict[str, str], **kw: object) -> dict[str, Scope]:
    tree, refs = analyse(files, **kw)  # type: ignore[arg-type]
    return {r.target: r.scope for r in refs if not satisfied(tree, r)}


def test_relative_cimports_resolve_in_the_package() -> None:
    files = {
        **PKG,
        "pkg/mod.pyx": "from . cimport sib\nfrom .helpers cimport h1, h2\n"
        "from .sub.deep cimport f\n",
        "pkg/sib.pxd": "",
        "pkg/helpers.pxd": "cdef int h1\ncdef int h2\n",
        "pkg/sub/deep.pxd": "",
    }
    assert found(files) == {"pkg/sib.pxd", "pkg/helpers.pxd", "pkg/sub/deep.pxd"}
    assert missing(files) == {}


def test_absolute_cimports_resolve_from_the_root_src_and_include_dirs() -> None:
    files = {
        **PKG,
        "pkg/mod.pyx": "cimport pkg.core\nfrom pkg.util cimport helper\nfrom pkg cimport api\n"
        "from vendored.lib cimport thing\n",
        "pkg/core.pxd": "",
        "pkg/util/__init__.pxd": "cdef int helper\n",
        "pkg/api.pxd": "",
        "third/vendored/lib.pxd": "",
    }
    assert found(files, dirs=("third",)) == {
        "pkg/core.pxd",
        "pkg/util/__init__.pxd",
        "pkg/api.pxd",
        "third/vendored/lib.pxd",
    }
    src_layout = {f"src/{k}": v for k, v in files.items() if not k.startswith("third")}
    assert found(src_layout, source="src/pkg/mod.pyx") == {
        "src/pkg/core.pxd",
        "src/pkg/util/__init__.pxd",
        "src/pkg/api.pxd",
    }


def test_external_cimports_are_not_references() -> None:
    src = (
        "cimport numpy as cnp\ncimport cython\nfrom libc.stdlib cimport malloc, free\n"
        "from libcpp.vector cimport vector\nfrom cpython.ref cimport PyObject\n"
        "from posix.time cimport timespec\nfrom scipy.linalg.cython_blas cimport dgemm\n"
        "cimport mpi4py.MPI\nfrom otherlib.core cimport fn\n"
    )
    _, refs = analyse({**PKG, "pkg/mod.pyx": src})
    assert refs == []


def test_missing_pxd_is_reported_for_relative_own_and_bare_names() -> None:
    files = {
        **PKG,
        "pkg/mod.pyx": "from . cimport gone\nfrom .also cimport x, y\ncimport pkg.lost\n"
        "from pkg.sub cimport thing\ncimport bare_defs as defs\nfrom chid cimport *\n",
        "pkg/sub/__init__.py": "",
    }
    tree, refs = analyse(files)
    got = {r.target: r.alternatives for r in refs if not satisfied(tree, r)}
    assert got == {
        "pkg/gone.pxd": ("pkg/gone/__init__.pxd",),
        "pkg/also.pxd": ("pkg/also/__init__.pxd", "pkg/also/x.pxd", "pkg/also/y.pxd"),
        "pkg/lost.pxd": ("pkg/lost/__init__.pxd",),
        "pkg/sub/thing.pxd": ("pkg/sub/thing/__init__.pxd",),
        "pkg/bare_defs.pxd": ("pkg/bare_defs/__init__.pxd", "bare_defs.pxd"),  # next to the file
        "pkg/chid.pxd": ("pkg/chid/__init__.pxd", "chid.pxd"),
    }
    assert all(r.kind == "cython-cimport" and r.scope is Scope.ALWAYS for r in refs)
    line = {r.target: (r.line, r.text) for r in refs}["pkg/lost.pxd"]
    assert line == (3, "cimport pkg.lost")


def test_a_name_missing_from_an_init_pxd_is_a_missing_module() -> None:
    files = {**PKG, "pkg/__init__.pxd": "cdef int declared\n"}
    files["pkg/mod.pyx"] = "from . cimport declared\nfrom . cimport absent\n"
    tree, refs = analyse(files)
    assert {r.target: satisfied(tree, r) for r in refs} == {
        "pkg/__init__.pxd": True,
        "pkg/absent.pxd": False,
    }


def test_include_pxi_relative_to_the_file_then_include_dirs() -> None:
    files = {
        **PKG,
        "pkg/mod.pyx": 'include "here.pxi"\ninclude "shared.pxi"\ninclude \'gone.pxi\'\n',
        "pkg/here.pxi": 'include "nested.pxi"\n',
        "pkg/nested.pxi": "",
        "common/shared.pxi": "",
    }
    tree, refs = analyse(files, dirs=("common",))
    assert {r.target for r in refs if satisfied(tree, r)} == {
        "pkg/here.pxi",
        "pkg/nested.pxi",
        "common/shared.pxi",
    }
    (gone,) = [r for r in refs if not satisfied(tree, r)]
    assert (gone.target, gone.alternatives, gone.kind) == (
        "pkg/gone.pxi",
        ("common/gone.pxi",),
        "cython-include",
    )


def test_pxd_files_are_followed_transitively_and_the_companion_pxd_too() -> None:
    files = {
        **PKG,
        "pkg/mod.pyx": "from .a cimport f\n",
        "pkg/mod.pxd": "from .c cimport g\n",  # read by Cython with mod.pyx
        "pkg/a.pxd": "from .b cimport h\ninclude 'a_defs.pxi'\n",
        "pkg/b.pxd": "from . cimport gone\n",
        "pkg/c.pxd": "",
        "pkg/a_defs.pxi": "",
    }
    assert missing(files) == {"pkg/gone.pxd": Scope.ALWAYS}
    assert found(files) == {"pkg/mod.pxd", "pkg/a.pxd", "pkg/b.pxd", "pkg/c.pxd", "pkg/a_defs.pxi"}
    _, refs = analyse(files)
    (companion,) = [r for r in refs if r.kind == "cython-companion-pxd"]
    assert (companion.target, companion.source, companion.line) == ("pkg/mod.pxd", "pkg/mod.pyx", 0)


def test_extern_headers_found_are_references_others_a_note() -> None:
    notes: list[str] = []
    files = {
        **PKG,
        "pkg/mod.pyx": 'cdef extern from "local.h":\n    pass\n'
        'cdef extern from "inc/lib.h" nogil:\n    pass\n'
        "cdef extern from 'stdio.h':\n    pass\ncdef extern from *:\n    pass\n",
        "pkg/local.h": "",
        "include/inc/lib.h": "",
    }
    tree, refs = analyse(files, dirs=("include",), notes=notes)
    assert {(r.target, r.kind) for r in refs} == {
        ("pkg/local.h", "cython-extern-header"),
        ("include/inc/lib.h", "cython-extern-header"),
    }
    assert all(satisfied(tree, r) for r in refs)
    assert "stdio.h" in notes[0]


def test_comments_and_strings_are_not_statements() -> None:
    src = (
        '"""\ncimport pkg.in_docstring\ninclude "doc.pxi"\n"""\n'
        "# cimport pkg.in_comment\n"
        "s = 'from . cimport in_string'\n"
        "x = \"include 'str.pxi'\"\n"
        "cimport pkg.real  # trailing\n"
    )
    assert missing({**PKG, "pkg/mod.pyx": src}) == {"pkg/real.pxd": Scope.ALWAYS}


def test_multiline_and_continued_from_cimport() -> None:
    src = "from .a cimport (\n    x,\n    y as z,\n)\nfrom .b cimport p, \\\n    q\n"
    stmts = _cython.scan(src)
    assert [(s.target, s.names, s.line) for s in stmts] == [
        (".a", ("x", "y"), 1),
        (".b", ("p", "q"), 5),
    ]


def test_compile_time_if_blocks() -> None:
    src = (
        "IF HAVE_FOO:\n    cimport pkg.foo\n"
        'IF UNAME_SYSNAME == "Windows":\n    include "win.pxi"\n'
        "ELSE:\n    include 'posix.pxi'\n"
        "IF 0:\n    include 'never.pxi'\n"
        "include 'always.pxi'\n"
    )
    _, refs = analyse({**PKG, "pkg/mod.pyx": src})
    got = {r.target: (r.scope, r.condition) for r in refs}
    assert got == {
        "pkg/foo.pxd": (Scope.OPTION, "IF HAVE_FOO"),
        "pkg/win.pxi": (Scope.PLATFORM, 'IF UNAME_SYSNAME == "Windows"'),
        "pkg/posix.pxi": (Scope.PLATFORM, 'ELSE (after IF UNAME_SYSNAME == "Windows")'),
        "pkg/always.pxi": (Scope.ALWAYS, None),
    }


def test_unit_scope_and_condition_carry_through() -> None:
    files = {**PKG, "pkg/mod.pyx": "from .a cimport f\n", "pkg/a.pxd": "from . cimport gone\n"}
    tree, refs = analyse(files, scope=Scope.PLATFORM, condition="if sys.platform == 'win32'")
    (ref,) = [r for r in refs if not satisfied(tree, r)]
    assert ref.scope is Scope.PLATFORM
    assert ref.condition == "if sys.platform == 'win32'"


def test_pure_python_mode_cimports() -> None:
    src = (
        "import cython\nfrom cython.cimports.pkg.core import fn\n"
        "from cython.cimports.libc import math\n"
    )
    files = {**PKG, "pkg/mod.py": src}
    assert missing(files, source="pkg/mod.py") == {"pkg/core.pxd": Scope.ALWAYS}


def test_versioned_pxd_is_preferred() -> None:
    files = {
        **PKG,
        "pkg/mod.pyx": "from pkg.np cimport npy_intp\n",
        "pkg/np/__init__.pxd": "# an error stub for old Cython\n",
        "pkg/np/__init__.cython-30.pxd": "ctypedef long npy_intp\n",
    }
    assert found(files) == {"pkg/np/__init__.cython-30.pxd"}


def test_generated_files_are_no_reference() -> None:
    notes: list[str] = []
    files = {
        **PKG,
        "pkg/mod.pyx": "include 'helper.pxi'\nfrom .gen cimport x\n",
        "pkg/helper.pxi.in": "",
        "pkg/gen.pxd.in": "",
    }
    _, refs = analyse(files, notes=notes)
    assert refs == [] and "generated by the build" in notes[0]


def test_other_units_are_skipped() -> None:
    _, refs = analyse({"m.c": "cimport gone\n"}, source="m.c")
    assert refs == []


def test_cythonize_sources() -> None:
    tree = SdistTree.from_mapping(
        "t.tar.gz",
        dict.fromkeys(["pkg/a.pyx", "pkg/b.pyx", "pkg/sub/c.pyx", "pkg/a.c", "other/d.pyx"], ""),
    )
    assert _cython.cythonize_sources(tree, ["pkg/*.pyx"]) == ["pkg/a.pyx", "pkg/b.pyx"]
    assert _cython.cythonize_sources(tree, ["pkg/**/*.pyx"]) == [
        "pkg/a.pyx",
        "pkg/b.pyx",
        "pkg/sub/c.pyx",
    ]
    assert _cython.cythonize_sources(tree, ["{pkg,other}/*.pyx", "./pkg/a.pyx"]) == [
        "pkg/a.pyx",
        "pkg/b.pyx",
        "other/d.pyx",
    ]
    # A literal path is kept, present or not, so the caller can check it exists.
    assert _cython.cythonize_sources(tree, ["gone.pyx", "nothing/*.pyx"]) == ["gone.pyx"]


def test_a_private_extern_header_named_after_its_module_is_the_modules_own() -> None:
    # pyyaml 6.0.4: `cdef extern from "_yaml.h"` in yaml/_yaml.pxd, yaml/_yaml.h not shipped
    pxd = 'cdef extern from "_mod.h":\n    int f()\n'
    assert missing({**PKG, "pkg/_mod.pyx": "", "pkg/_mod.pxd": pxd}, source="pkg/_mod.pyx") == {
        "pkg/_mod.h": Scope.ALWAYS
    }
    # a public name is often the wrapped library's header (jq.h in jq.pyx, uv.h in uv.pxd)
    lib = 'cdef extern from "mod.h":\n    int f()\n'
    assert missing({**PKG, "pkg/mod.pyx": lib}) == {}


def test_a_pyx_using_c_types_it_never_declares_needs_its_own_pxd() -> None:
    # pyyaml 6.0.4: _yaml.pyx cimports nothing and declares `cdef yaml_parser_t parser`
    uses = "cdef class P:\n    cdef yaml_parser_t parser\n    cdef readonly buffer\n"
    assert missing({**PKG, "pkg/mod.pyx": uses}) == {"pkg/mod.pxd": Scope.ALWAYS}
    own = (
        "ctypedef int myint\ncdef struct S:\n    int a\ncdef class P:\n    cdef P other\n"
        "    cdef myint n\n    cdef S* s\n    cdef const char *c\n    cdef object o\n"
    )
    assert missing({**PKG, "pkg/mod.pyx": own}) == {}
    cimports = "from libc.stdint cimport uint32_t\ncdef class P:\n    cdef yaml_parser_t p\n"
    assert missing({**PKG, "pkg/mod.pyx": cimports}) == {}
