"""What each CMake command references in the sdist, and what it builds: files read, written and
configured, add_subdirectory and include() (CMake's own modules are no files), custom commands
and targets with their DEPENDS and scripts, execute_process, install() files, FetchContent's local
sources; plus `_HANDLERS`, the table from command name to handler (targets: `cmake.targets`,
variables: `cmake.set_commands`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..native.guards import OPTION, Guard, word_set
from ..native.paths import _LEAVES, _SRC, _abs, _canon, _restore, locate
from .lexer import Command
from .modules import _h_find_package, _h_find_package_handle_standard_args, _h_include
from .set_commands import (
    _PROBES,
    _STRING_OUT,
    _h_cmake_parse_arguments,
    _h_cmake_path,
    _h_get_filename_component,
    _h_list,
    _h_math,
    _h_option,
    _h_output_first,
    _h_probe,
    _h_project,
    _h_set,
    _h_string,
    _h_unset,
    _sections,
)
from .targets import (
    _add_target,
    _h_add_cython_target,
    _h_aux_source_directory,
    _h_cython_transpile,
    _h_include_directories,
    _h_target_include_directories,
    _h_target_link_libraries,
    _h_target_sources,
    _named,
    cython_command,
)
from .variables import _Ctx, _Item, _Pair

if TYPE_CHECKING:
    from .recorder import Recorder

_Handler = Callable[["Recorder", Command, _Ctx, Guard], None]


def _glob(
    self: Recorder, pairs: list[_Pair], ctx: _Ctx, guard: Guard, recurse: bool
) -> list[_Item]:
    relative: str | None = None
    found: list[_Item] = []
    words = [_restore(p[0].text) for p in pairs]
    skip = False
    for n, ((item, _), word) in enumerate(zip(pairs, words, strict=True)):
        if skip:
            skip = False
            continue
        if word in ("LIST_DIRECTORIES", "RELATIVE"):
            skip = True
            if word == "RELATIVE" and n + 1 < len(pairs):
                where, path = locate(pairs[n + 1][0].text, ctx.dir.source)
                relative = path if where == "src" else None
            continue
        if word in ("CONFIGURE_DEPENDS", "FOLLOW_SYMLINKS"):
            continue
        where, pattern = locate(item.text, ctx.dir.source)
        if where != "src":
            continue
        if recurse:
            head, _, tail = pattern.rpartition("/")
            pattern = f"{head}/**/{tail}" if head else f"**/{tail}"
        for path in self.tree.glob(pattern):
            text = _abs(path)
            if relative is not None:
                text = posixpath.relpath(path, relative or ".")
            found.append(_Item(text, item.guard.and_(guard), globbed=True))
    return found


def _h_file(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 2:
        return
    sub = self.word(c.args[0], ctx).upper()
    pairs = self.expand_all(c.args[1:], ctx)
    if not pairs:
        return
    if sub in ("GLOB", "GLOB_RECURSE"):
        var = _restore(pairs[0][0].text)
        items = _glob(self, pairs[1:], ctx, guard, sub == "GLOB_RECURSE")
        self.assign(ctx.vars, var, items, ctx, guard)
    elif sub in ("READ", "STRINGS") or (sub in _STRING_OUT and sub.startswith(("MD5", "SHA"))):
        self.path_ref(ctx, pairs[0], "cmake-file-read", guard)
        if len(pairs) > 1:
            self.forget(ctx, _restore(pairs[1][0].text))
    elif sub in ("WRITE", "APPEND", "DOWNLOAD", "COPY_FILE"):
        self.generated_path(pairs[1 if sub in ("DOWNLOAD", "COPY_FILE") else 0][0], ctx)
        if sub == "COPY_FILE":
            self.path_ref(ctx, pairs[0], "cmake-file-read", guard)
    elif sub in ("TOUCH", "TOUCH_NOCREATE"):
        for item, _ in pairs:
            self.generated_path(item, ctx)
    elif sub in ("GENERATE", "CONFIGURE"):
        sections = _sections(pairs, ("OUTPUT", "INPUT", "CONTENT", "CONDITION", "TARGET"))
        for item, _ in sections.get("OUTPUT", [])[:1]:
            self.generated_path(item, ctx)
        for pair in sections.get("INPUT", [])[:1]:
            self.path_ref(ctx, pair, "cmake-file-read", guard)
    elif sub in ("TO_CMAKE_PATH", "TO_NATIVE_PATH", "REAL_PATH") and len(pairs) > 1:
        item = pairs[0][0]
        text = item.text.replace("\\", "/") if sub == "TO_CMAKE_PATH" else item.text
        self.assign(
            ctx.vars, _restore(pairs[1][0].text), [_Item(_canon(text), item.guard)], ctx, guard
        )
    elif sub == "RELATIVE_PATH":
        self.forget(ctx, _restore(pairs[0][0].text))


def _h_configure_file(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args[:2], ctx)
    if pairs:
        self.path_ref(ctx, pairs[0], "cmake-configure-file", guard)
    if len(pairs) > 1:
        self.generated_path(pairs[1][0], ctx)


def _h_add_subdirectory(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # EXCLUDE_FROM_ALL only keeps its targets out of `all`: CMake still configures the directory.
    pairs = self.expand_all(c.args[:1], ctx)
    if not pairs:
        return
    item, line = pairs[0]
    g = guard.and_(item.guard)
    where, path = locate(item.text, ctx.dir.source)
    if where == "src":
        cmakelists = posixpath.join(path, "CMakeLists.txt") if path else "CMakeLists.txt"
        self.ref(
            ctx,
            line,
            cmakelists,
            "cmake-add-subdirectory",
            g,
        )
        if g.reachable and self.tree.is_file(cmakelists):
            self.directory(path, ctx, g)
    elif where == "climb":
        self.ref(ctx, line, path + "/CMakeLists.txt", "cmake-add-subdirectory", g, note=_LEAVES)
    elif where == "unresolved":
        self.unresolved += 1


# What a command line runs or loads from the sdist (other arguments may be its outputs).
_SCRIPTS = (".py", ".cmake", ".sh", ".pl", ".rb", ".bat", ".cmd", ".ps1", ".js", ".lua", ".tcl")


def _script_refs(
    self: Recorder,
    pairs: Iterable[_Pair],
    ctx: _Ctx,
    guard: Guard,
    kind: str,
    note: str | None = None,
) -> None:
    """Scripts in the sdist a command line names explicitly (`${CMAKE_CURRENT_SOURCE_DIR}/x.py`)."""
    for item, line in pairs:
        text = _restore(item.text)
        if text.startswith(_SRC) and text.endswith(_SCRIPTS):
            where, path = locate(text, ctx.dir.source)
            if where == "src":
                ref = self.ref(ctx, line, path, kind, guard.and_(item.guard), note=note, keep=False)
                if ref is not None:  # kept unless it is a directory: decided at the end
                    self.pending.append(("", ref))


def _depends(self: Recorder, pairs: Iterable[_Pair], ctx: _Ctx, guard: Guard, kind: str) -> None:
    for item, line in pairs:
        raw = _restore(item.text)
        where, path = locate(raw, ctx.dir.source)
        if where == "src":
            note = "a missing dependency stops the build (no rule to make it)"
            ref = self.ref(ctx, line, path, kind, guard.and_(item.guard), note=note, keep=False)
            if ref is not None:
                self.pending.append((raw, ref))


_CUSTOM_KEYWORDS = word_set(
    "OUTPUT COMMAND ARGS MAIN_DEPENDENCY DEPENDS BYPRODUCTS IMPLICIT_DEPENDS WORKING_DIRECTORY "
    "COMMENT DEPFILE JOB_POOL JOB_SERVER_AWARE VERBATIM APPEND USES_TERMINAL CODEGEN "
    "COMMAND_EXPAND_LISTS DEPENDS_EXPLICIT_ONLY TARGET PRE_BUILD PRE_LINK POST_BUILD ALL SOURCES"
)


def _h_add_custom_command(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    sections = _sections(self.expand_all(c.args, ctx), _CUSTOM_KEYWORDS)
    for key in ("OUTPUT", "BYPRODUCTS"):
        for item, _ in sections.get(key, []):
            self.generated_path(item, ctx)
    cython_command(self, sections, ctx)
    _depends(
        self,
        sections.get("DEPENDS", []) + sections.get("MAIN_DEPENDENCY", []),
        ctx,
        guard,
        "cmake-custom-command-depends",
    )
    _script_refs(
        self,
        sections.get("COMMAND", []) + sections.get("ARGS", []),
        ctx,
        guard,
        "cmake-custom-command",
    )


def _h_add_custom_target(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    if not names:
        return
    t = self.target(names[0], ctx.dir)
    sections = _sections(pairs, _CUSTOM_KEYWORDS, first="COMMAND")
    if "ALL" not in sections:  # built only when asked for, or depended upon
        guard = guard.and_(OPTION.label(f"target {t.name} is not part of ALL"))
    for item, _ in sections.get("BYPRODUCTS", []):
        self.generated_path(item, ctx)
    _depends(self, sections.get("DEPENDS", []), ctx, guard, "cmake-custom-command-depends")
    _script_refs(self, sections.get("COMMAND", []), ctx, guard, "cmake-custom-command")
    self.sources(t, sections.get("SOURCES", []), ctx, guard)


def _h_execute_process(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    words = {_restore(p[0].text) for p in pairs}
    fatal = "COMMAND_ERROR_IS_FATAL" in words
    sections = _sections(
        pairs,
        (
            "COMMAND",
            "WORKING_DIRECTORY",
            "OUTPUT_VARIABLE",
            "ERROR_VARIABLE",
            "RESULT_VARIABLE",
            "RESULTS_VARIABLE",
            "INPUT_FILE",
            "OUTPUT_FILE",
            "ERROR_FILE",
            "TIMEOUT",
            "COMMAND_ECHO",
            "ENCODING",
            "COMMAND_ERROR_IS_FATAL",
        ),
    )
    for key in ("OUTPUT_VARIABLE", "ERROR_VARIABLE", "RESULT_VARIABLE", "RESULTS_VARIABLE"):
        self.forget(ctx, *(_restore(p[0].text) for p in sections.get(key, [])[:1]))
    note = None
    if not fatal:  # configuring goes on when the command fails
        guard, note = guard.and_(OPTION), "configuring goes on when execute_process() fails"
    _script_refs(self, sections.get("COMMAND", []), ctx, guard, "cmake-execute-process", note)


def _h_set_generated(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    words = [_restore(p[0].text) for p in pairs]
    if "GENERATED" not in words:
        return
    if c.name.endswith("set_property"):
        if not words or words[0] != "SOURCE":
            return
        pairs, words = pairs[1:], words[1:]
    stop = ("PROPERTIES", "PROPERTY", "DIRECTORY", "TARGET_DIRECTORY", "APPEND", "APPEND_STRING")
    for (item, _), word in zip(pairs, words, strict=True):
        if word in stop:
            break
        self.generated_path(item, ctx)


def _h_message(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # `if(NOT EXISTS .../extern/x/CMakeLists.txt) message(FATAL_ERROR "submodules?")`: the check
    # fails on this sdist, so the build stops for want of the path.
    if c.args and c.args[0].text in ("FATAL_ERROR", "SEND_ERROR"):
        for path in dict.fromkeys(guard.absent_true):
            self.ref(
                ctx,
                c.line,
                path,
                "cmake-exists-required",
                guard,
                note="the build stops with FATAL_ERROR when it is missing",
            )


_INSTALL_KEYWORDS = word_set(
    """DESTINATION TYPE PERMISSIONS CONFIGURATIONS COMPONENT RENAME OPTIONAL EXCLUDE_FROM_ALL
    FILE_PERMISSIONS DIRECTORY_PERMISSIONS USE_SOURCE_PERMISSIONS MESSAGE_NEVER FILES_MATCHING
    PATTERN REGEX EXCLUDE"""
)


def _h_install(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    mode = _restore(pairs[0][0].text)
    if mode not in ("FILES", "PROGRAMS", "DIRECTORY", "SCRIPT"):
        return
    words = [_restore(p[0].text) for p in pairs[1:]]
    if "OPTIONAL" in words:
        guard = guard.and_(Guard(4, 0).label("install(... OPTIONAL)"))
    elif "EXCLUDE_FROM_ALL" in words:
        guard = guard.and_(OPTION.label("install(... EXCLUDE_FROM_ALL)"))
    for pair, word in zip(pairs[1:], words, strict=True):
        if word in _INSTALL_KEYWORDS or (mode == "SCRIPT" and word == "CODE"):
            break
        self.path_ref(
            ctx,
            pair,
            "cmake-install",
            guard,
            is_dir=mode == "DIRECTORY",
            note="`cmake --install` fails without it",
        )


def _h_fetchcontent(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # A vendored archive or source tree in the sdist: `URL ${CMAKE_CURRENT_SOURCE_DIR}/x.tar.gz`
    # or `SOURCE_DIR` without any download method.
    pairs = self.expand_all(c.args[1:], ctx)
    keys = [p for p in pairs if re.fullmatch(r"[A-Z][A-Z0-9_]+", _restore(p[0].text))]
    sections = _sections(pairs, {_restore(p[0].text) for p in keys})
    if "FIND_PACKAGE_ARGS" in sections:  # find_package() is tried first
        guard = guard.and_(OPTION.label("FIND_PACKAGE_ARGS"))
    for item, line in sections.get("URL", []):
        text = _restore(item.text).removeprefix("file://")
        if "://" not in text:
            self.path_ref(ctx, (_Item(text, item.guard), line), "cmake-fetchcontent", guard)
    downloads = (
        "URL",
        "GIT_REPOSITORY",
        "SVN_REPOSITORY",
        "HG_REPOSITORY",
        "CVS_REPOSITORY",
        "DOWNLOAD_COMMAND",
    )
    if not any(k in sections for k in downloads):
        for pair in sections.get("SOURCE_DIR", [])[:1]:
            self.path_ref(ctx, pair, "cmake-fetchcontent", guard, is_dir=True)


_HANDLERS: dict[str, _Handler] = {
    "set": _h_set,
    "unset": _h_unset,
    "option": _h_option,
    "cmake_dependent_option": _h_option,
    "project": _h_project,
    "list": _h_list,
    "string": _h_string,
    "get_filename_component": _h_get_filename_component,
    "cmake_path": _h_cmake_path,
    "file": _h_file,
    "configure_file": _h_configure_file,
    # CMakePackageConfigHelpers: configure_file() of its input, in the caller's directory
    "configure_package_config_file": _h_configure_file,
    "add_subdirectory": _h_add_subdirectory,
    "include": _h_include,
    "add_library": _add_target,
    "add_executable": _add_target,
    "pybind11_add_module": _add_target,
    "nanobind_add_module": _add_target,
    "python_add_library": _add_target,
    "python3_add_library": _add_target,
    "cython_add_module": _add_target,
    "target_sources": _h_target_sources,
    "add_cython_target": _h_add_cython_target,
    "cython_transpile": _h_cython_transpile,
    "include_directories": _h_include_directories,
    "target_include_directories": _h_target_include_directories,
    "target_link_libraries": _h_target_link_libraries,
    "add_custom_command": _h_add_custom_command,
    "add_custom_target": _h_add_custom_target,
    "execute_process": _h_execute_process,
    "set_source_files_properties": _h_set_generated,
    "set_property": _h_set_generated,
    "message": _h_message,
    "install": _h_install,
    "fetchcontent_declare": _h_fetchcontent,
    "externalproject_add": _h_fetchcontent,
    "cmake_parse_arguments": _h_cmake_parse_arguments,
    "aux_source_directory": _h_aux_source_directory,
    "find_package": _h_find_package,
    "find_package_handle_standard_args": _h_find_package_handle_standard_args,
    "find_path": _h_output_first,
    "find_library": _h_output_first,
    "find_program": _h_output_first,
    "find_file": _h_output_first,
    "get_property": _h_output_first,
    "get_target_property": _h_output_first,
    "get_directory_property": _h_output_first,
    "get_source_file_property": _h_output_first,
    "get_cmake_property": _h_output_first,
    "math": _h_math,
    **dict.fromkeys(_PROBES, _h_probe),
}
