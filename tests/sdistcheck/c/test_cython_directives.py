from __future__ import annotations

from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.c.cython_directives import extra_sources, header_directives
from sdistcheck.native.model import CompileUnit

# editdistance 0.8.1's bycython.pyx
PYX = (
    "# distutils: language = c++\n"
    "# distutils: sources = src/ed/_ed.cpp, src/ed/other.cpp\n"
    "# distutils: include_dirs = src/inc\n\n"
    "# distutils: sources = not/read.cpp\n"
    "from libc.stdlib cimport malloc\n"
    "# distutils: sources = after/code.cpp\n"
)


def test_header_directives_stop_at_the_first_code_line() -> None:
    assert header_directives(PYX)["sources"] == (5, "not/read.cpp")
    assert "language" in header_directives(PYX)
    assert header_directives("import x\n# distutils: sources = a.c\n") == {}


def test_distutils_sources_are_references_and_compiled_units() -> None:
    tree = SdistTree.from_mapping("t", {"src/ed/m.pyx": PYX.split("\n\n")[0] + "\n"})
    unit = CompileUnit("src/ed/m.pyx", ("src/ed",), Scope.OPTION, "if X", "setup.py", 3)
    refs, units = extra_sources(tree, [unit])
    assert [(r.target, r.source, r.line, r.scope, r.condition) for r in refs] == [
        ("src/ed/_ed.cpp", "src/ed/m.pyx", 2, Scope.OPTION, "if X"),
        ("src/ed/other.cpp", "src/ed/m.pyx", 2, Scope.OPTION, "if X"),
    ]
    assert units[0].source == "src/ed/_ed.cpp"
    assert units[0].include_dirs == ("src/inc", "src/ed")
    listed = SdistTree.from_mapping("t", {"m.pyx": '# distutils: sources = ["a.c", "b.c"]\n'})
    refs, _ = extra_sources(listed, [CompileUnit("m.pyx")])
    assert [r.target for r in refs] == ["a.c", "b.c"]
