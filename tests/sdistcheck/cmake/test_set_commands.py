"""CMake `string()` and `list()` evaluated where their inputs are known (set_commands.py)."""

from __future__ import annotations

from sdistcheck.archive.tree import SdistTree
from sdistcheck.cmake import analysis as _cmake

# pyarrow 26's form: a module path split into a list, its last part naming a Cython target
# that a later custom command DEPENDS on.
PYARROW_FORM = """\
cmake_minimum_required(VERSION 3.16)
project(p)
function(add_pyx name target)
  add_custom_target(${target} COMMAND cython ${name}.pyx)
endfunction()
set(EXTENSIONS lib pkg.sub.inner)
foreach(module ${EXTENSIONS})
  string(REPLACE "." ";" directories ${module})
  list(GET directories -1 module_name)
  list(REMOVE_AT directories -1)
  list(LENGTH directories depth)
  add_pyx(${module_name} ${module_name}_pyx)
  add_custom_command(OUTPUT out_${module_name}_${depth}.h COMMAND cp a b DEPENDS ${module_name}_pyx)
endforeach()
add_custom_command(OUTPUT api.h COMMAND cp lib.h api.h DEPENDS lib_pyx)
add_custom_command(OUTPUT x.h COMMAND cp a b DEPENDS not_a_target)
"""


def targets_and_refs(text: str) -> tuple[set[str], set[str]]:
    out = _cmake.analyse(SdistTree.from_mapping("t", {"CMakeLists.txt": text}), "")
    return {u.source for u in out.units}, {r.target for r in out.references}


def test_string_replace_and_list_get_name_the_targets_a_depends_needs() -> None:
    _units, refs = targets_and_refs(PYARROW_FORM)
    assert "lib_pyx" not in refs and "inner_pyx" not in refs  # targets, not files
    assert "not_a_target" in refs  # a name that is neither a target nor a file stays needed


def test_an_index_out_of_range_or_an_unknown_list_forgets_the_result() -> None:
    text = (
        "project(p)\nset(L a b)\nlist(GET L 5 x)\nlist(GET UNKNOWN 0 y)\n"
        "add_library(t ${x}.c ${y}.c)\nadd_library(u ${L}.c)\n"
    )
    units, refs = targets_and_refs(text)
    assert units == {"b.c"}  # `${L}.c` is two arguments, `a` and `b.c`; x and y are unknown
    assert not any(r.endswith(".c") and r != "b.c" for r in refs)


def test_set_of_a_variable_to_itself_and_more_in_a_branch_appends() -> None:
    # libsoxr's tests: `set(vectors ${output} ${vectors})` in a macro called from loops over
    # values set in branches; copying every earlier value into each new one grew the list
    # geometrically until the analysis gave up (the build files after it went unread)
    text = (
        "project(p)\noption(BIG OFF)\nset(bits 20)\nif(BIG)\n  set(bits ${bits} 28)\nendif()\n"
        "macro(add_vector r)\n  set(vectors out-${r} ${vectors})\nendmacro()\n"
        "foreach(b ${bits})\n  foreach(r RANGE 40)\n    add_vector(${b}-${r})\n"
        "  endforeach()\nendforeach()\nadd_custom_target(all_vectors DEPENDS ${vectors})\n"
        "if(BIG)\n  set(extra ${extra} big.c)\nendif()\n"
        "add_library(after last.c ${extra})\n"
    )
    out = _cmake.analyse(SdistTree.from_mapping("t", {"CMakeLists.txt": text}), "")
    assert not any("stopped early" in n for n in out.notes)
    scopes = {r.target: r.scope for r in out.references}
    assert scopes["last.c"].value == "always" and scopes["big.c"].value == "option"
