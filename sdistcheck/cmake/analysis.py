"""CMake build files, read statically (never run): what configuring, building and installing
need from the sdist, and what each target compiles with which include path.

The language is tokenized for real (quoted, bracket and unquoted arguments, escapes, `#` and
`#[[...]]` comments, continuations) and a small interpreter walks it from `CMakeLists.txt`:
`set`/`list`/`option`/`string(APPEND|CONCAT)`/`get_filename_component`/`cmake_path`/`file(GLOB)`
values, `if`/`elseif`/`else`, `foreach`, `while` (body once), `return()`, `add_subdirectory` (a
copied variable scope), `include`, and functions and macros, run where they are called with
their arguments bound (`cmake_parse_arguments` too), so `add_my_module(name srcs...)` helpers are
followed; a function nobody calls is not analysed, as CMake never runs it.

References (kinds): `cmake-add-subdirectory` (`dir/CMakeLists.txt`; EXCLUDE_FROM_ALL still
configures it), `cmake-include` (a path, or a module found in CMAKE_MODULE_PATH's directories in
the sdist; CMake's own modules are none; a name found nowhere while the project has local module
directories is option-scoped: a package may provide it), `cmake-find-module` (`find_package`'s
Find<Name>.cmake in those directories, run where it is loaded; see `modules`),
`cmake-configure-file` (configure_file, configure_package_config_file), `cmake-source`
(add_library/add_executable/pybind11_add_module/nanobind_add_module/python_add_library/
target_sources/add_custom_target SOURCES), `cmake-cython-source` (add_cython_target,
cython_transpile), `cmake-file-read`, `cmake-install` (FILES/PROGRAMS/DIRECTORY/SCRIPT),
`cmake-custom-command(-depends)` (DEPENDS that are not targets, scripts named by an anchored
path), `cmake-execute-process` (option scope unless COMMAND_ERROR_IS_FATAL),
`cmake-fetchcontent` (a local URL or SOURCE_DIR), `cmake-exists-required` (below).  Not
references: generator expressions, build-tree paths, outputs of add_custom_command, configure_file
and file(WRITE|GENERATE), GENERATED sources, globs (what they match is compiled, though), and
paths built from variables the checker cannot know (counted in a note).

Guards.  Each branch carries a `Guard`: the kind of build in which it is true and the kind in
which it is false (ALWAYS < PLATFORM < OPTION < TEST < GUARDED < never), combined by AND/OR/NOT.
- platform: WIN32, APPLE, UNIX, MSVC, CMAKE_SYSTEM_NAME/PROCESSOR, CMAKE_SIZEOF_VOID_P, compiler
  ids, check_include_file()-style probes, and names with a platform word.
- test: BUILD_TESTING and any name with a TEST/BENCH/EXAMPLE/DOC word; true only when tests are
  built, so an `else()` or `NOT` side is the ordinary build.
- option: option()/cache variables, undefined names (`-D`), `*_FOUND`, imported targets
  (`if(TARGET pkg::lib)`); a plain target not defined so far is absent in the default build.
  An option that is OFF by default is false in the ordinary build, so its other side is
  `always`; one that is ON is true in it (`always`), and its other side is the option.  An
  option set again in one branch keeps its default in the others.  `defines` (scikit-build-
  core's cmake.define, the `-D` words setup.py's cmake configure always passes) are fixed
  values, not options.  `if(SKBUILD)` is true.
- `EXISTS path` is decided against the sdist: a shipped path makes it true; a missing one makes
  the branch `guarded`, and a `message(FATAL_ERROR)` under `NOT EXISTS path` needs the path
  (`cmake-exists-required`: the usual "git submodule update" check).
- FALSE/0/OFF and literal comparisons are decided; unreachable code references nothing.
Variables remember the values they were given under different guards, and two branches of one
if-chain exclude each other: after `if(A) set(X a.c) else() set(X b.c) endif()`, `${X}` is both
files (each with its branch's guard), and inside `else()` it is only `b.c`.

Limits: MATCHES regexes are not run (untrusted input); include directories are a union over
branches; `foreach` stops at 512 items, nesting at 48 levels, a whole sdist at 50,000 commands.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from ..archive.tree import SdistTree, normalize
from ..native.guards import TRUE, Guard
from ..native.model import BuildAnalysis
from .commands import _HANDLERS
from .lexer import Command
from .recorder import Recorder
from .variables import _Alt, _Budget, _Ctx, _Item


class Analyser(Recorder):
    """The recorder, running each command through its handler."""

    def is_builtin(self, name: str) -> bool:
        return name in _HANDLERS

    def handle(self, c: Command, ctx: _Ctx, guard: Guard) -> None:
        name = c.name
        handler = _HANDLERS.get(name[1:] if name.startswith("_") else name)
        if handler is not None:
            handler(self, c, ctx, guard)


def analyse(
    tree: SdistTree, source_dir: str = "", defines: Mapping[str, str] | None = None
) -> BuildAnalysis:
    """Everything the CMake project at `source_dir` (sdist-relative) needs from the sdist.

    `defines`: the `-D` values the build backend always passes (scikit-build-core's
    `cmake.define`, `CMAKE_BUILD_TYPE`): fixed for this build, so they are not options."""
    out = BuildAnalysis()
    root = normalize(source_dir)
    if root is None:
        out.notes.append(f"CMake source directory {source_dir!r} leaves the sdist: not analysed")
        return out
    top = posixpath.join(root, "CMakeLists.txt") if root else "CMakeLists.txt"
    if tree.read_text(top) is None:
        out.notes.append(f"{top}: not in the sdist (or not readable): CMake not analysed")
        return out
    interp = Analyser(tree, out, root)
    for name, value in (defines or {}).items():
        interp.cache[name] = ([_Alt(tuple(_Item(v) for v in value.split(";") if v))], False)
    try:
        interp.directory(root, None, TRUE)
    except _Budget:
        out.notes.append("CMake analysis stopped early: the build files loop too much to follow")
    except RecursionError:
        out.notes.append("CMake files nested too deeply to analyse fully")
    interp.finish()
    return out
