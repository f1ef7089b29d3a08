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
directories is option-scoped: a package may provide it), `cmake-configure-file`, `cmake-source`
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
- option: option()/cache variables, undefined names (`-D`), `*_FOUND`.  An option that is OFF by
  default is false in the ordinary build, so its other side is `always`; one that is ON is still
  an option on both sides (the user can turn it off).  `defines` (scikit-build-core's
  cmake.define) are fixed values, not options.  `if(SKBUILD)` is true.
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
import re
from collections.abc import Iterable, Mapping

from .._model import Reference
from ..archive.tree import SdistTree, normalize
from ..native.guards import TRUE, Guard, Referrer
from ..native.model import COMPILED, BuildAnalysis, CompileUnit, generated_names
from ..native.paths import _BIN, _LEAVES, _SRC, _UNRESOLVED, _is_absolute, _restore, locate
from .commands import _HANDLERS
from .interpreter import Interp
from .lexer import Command
from .variables import _Alt, _Budget, _Ctx, _Dir, _Item, _Pair, _Target


class Analyser(Interp, Referrer):
    """The interpreter, recording what the commands reference and which targets compile what."""

    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        super().__init__(tree, out, root)
        self.refs = []
        self.pending: list[tuple[str, Reference]] = []  # DEPENDS: a file unless a target
        self.generated: set[str] = set()  # sdist-relative mirrors of build outputs
        self.cython: dict[str, str] = {}  # generated C file (anchored text) -> its .pyx
        self.unresolved = self.genex = 0

    def is_builtin(self, name: str) -> bool:
        return name in _HANDLERS

    def handle(self, c: Command, ctx: _Ctx, guard: Guard) -> None:
        name = c.name
        handler = _HANDLERS.get(name[1:] if name.startswith("_") else name)
        if handler is not None:
            handler(self, c, ctx, guard)

    # -- references ----------------------------------------------------------------------------

    def path_ref(
        self,
        ctx: _Ctx,
        pair: _Pair,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
    ) -> str | None:
        """Reference the file an argument names; its sdist path, or None when it is not one."""
        item, line = pair
        guard = guard.and_(item.guard)
        if not guard.reachable:
            return None
        where, path = locate(item.text, ctx.dir.source)
        if where == "src":
            if not item.globbed:
                alternatives: tuple[str, ...] = ()
                if not is_dir and kind == "cmake-source" and "." not in path.rpartition("/")[2]:
                    # CMake tries the known extensions on a source named without one.
                    alternatives = tuple(path + e for e in (".c", ".cpp", ".cxx", ".cc", ".h"))
                self.ref(
                    ctx,
                    line,
                    path,
                    kind,
                    guard,
                    is_dir=is_dir,
                    note=note,
                    alternatives=alternatives,
                )
            return path
        if where == "climb":
            self.ref(ctx, line, path, kind, guard, is_dir=is_dir, note=_LEAVES)
        elif where == "unresolved":
            self.unresolved += 1
        elif where == "genex":
            self.genex += 1
        return None

    def generated_path(self, item: _Item, ctx: _Ctx) -> None:
        """Record a build output; the build tree mirrors the source tree."""
        text = _restore(item.text)
        if _UNRESOLVED in text or "$<" in text:
            return
        for anchor in (_BIN, _SRC):
            if text.startswith(anchor):
                path = normalize(text[len(anchor) :])
                break
        else:
            path = None if _is_absolute(text) else normalize(posixpath.join(ctx.dir.source, text))
        if path:
            self.generated.add(path)

    # -- targets -------------------------------------------------------------------------------

    def target(self, name: str, d: _Dir | None = None) -> _Target:
        name = self.aliases.get(name, name)
        t = self.targets.get(name)
        if t is None:
            t = self.targets[name] = _Target(name)
        if d is not None and t.dir is None:
            t.dir = d
        return t

    def sources(self, t: _Target, pairs: Iterable[_Pair], ctx: _Ctx, guard: Guard) -> None:
        for item, line in pairs:
            g = guard.and_(item.guard)
            path = self.path_ref(ctx, (item, line), "cmake-source", guard)
            if path is not None:
                t.sources.append((path, g, ctx.file, line))
            else:
                pyx = self.cython.get(_restore(item.text))
                if pyx is not None and g.reachable:
                    t.sources.append((pyx, g, ctx.file, line))

    def include_dir(self, item: _Item, ctx: _Ctx) -> str | None:
        text = _restore(item.text)
        m = re.fullmatch(r"\$<BUILD(?:_LOCAL)?_INTERFACE:(.*)>", text, re.DOTALL)
        if m is not None:
            text = m.group(1)
        if "$<" in text:
            return None
        where, path = locate(text, ctx.dir.source)
        return path if where == "src" else None

    def finish(self) -> None:
        outputs = [*sorted(self.generated), *(p[len(_BIN) + 1 :] for p in self.cython)]
        self.out.generated.extend(generated_names(outputs))
        names = set(self.targets) | set(self.aliases)
        for raw, ref in self.pending:
            if raw not in names and not self.tree.is_dir(ref.target):
                self.refs.append(ref)
        generatable = (
            "cmake-source",
            "cmake-custom-command",
            "cmake-custom-command-depends",
            "cmake-install",
            "cmake-execute-process",
        )
        self.out.references.extend(
            dict.fromkeys(
                r for r in self.refs if not (r.kind in generatable and r.target in self.generated)
            )
        )
        units: list[CompileUnit] = []
        for t in self.targets.values():
            if not t.sources:
                continue
            dirs = self.include_path(t)
            for path, guard, file, line in t.sources:
                ext = posixpath.splitext(path)[1]
                if ext in COMPILED and path not in self.generated:
                    units.append(CompileUnit(path, dirs, guard.scope, guard.condition, file, line))
        self.out.units.extend(dict.fromkeys(units))
        if self.unresolved:
            self.out.notes.append(
                f"{self.unresolved} CMake path(s) built from variables the checker cannot know "
                "were skipped"
            )
        if self.genex:
            self.out.notes.append(
                f"{self.genex} CMake path(s) given as generator expressions ($<...>) are "
                "evaluated at build time and were skipped"
            )

    def include_path(self, t: _Target) -> tuple[str, ...]:
        own = [(d, before) for d, vis, before in t.includes if vis != "INTERFACE"]
        dirs = [d for d, before in own if before]
        dirs += t.dir.includes if t.dir else []
        dirs += [d for d, before in own if not before]
        seen = {t.name}
        queue = [name for name, _ in t.links]
        while queue:  # usage requirements of the linked targets, transitively
            name = self.aliases.get(queue[0], queue[0])
            queue.pop(0)
            if name in seen or name not in self.targets:
                continue
            seen.add(name)
            linked = self.targets[name]
            dirs += [d for d, vis, _ in linked.includes if vis != "PRIVATE"]
            queue += [n for n, vis in linked.links if vis != "PRIVATE"]
        return tuple(dict.fromkeys(dirs))


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
