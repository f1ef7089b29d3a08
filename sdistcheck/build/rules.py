"""The rules that recognise a build log line, per language and tool: each turns a matching line
into a `Cause` (C/C++, Rust/cargo, CMake, Cython, Python/setuptools, meson, missing tools,
pip's requirements, timeouts)."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable

from ..archive.tree import normalize
from .cause import MISSING_TOOL, Cause
from .environment import (
    _cmake_missing,
    _compiler_unknown,
    _conflict,
    _linker,
    _meson_dependency,
    _missing_deps,
    _pkg_config,
    _requirement,
    _rust_missing,
    _timeout,
    _tool,
)
from .hints import (
    _C_COMPILERS,
    _CXX_COMPILERS,
    _TOOLS,
    _library_cause,
    _python_package,
    _system_package,
    _tool_cause,
)
from .log import MISSING_DEPS_MARKER, TIMEOUT_MARKER, _Log, _missing

# --- C and C++ ------------------------------------------------------------------------------------

_INCLUDE_STYLE = re.compile(r"^\s*(?:\d+\s*\|\s*)?#\s*(?:include|import)\s*([<\"])")
_C_TOOL_NAMES = re.compile(
    r"(?:.*/)?(?:cc1|cc1plus|gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-[\d.]+)?"
)
_PROBE = re.compile(
    r"(?:^|/)(?:_?conf(?:ig)?test|conftest|CMakeC\w*CompilerId)\.\w+$|^/tmp/tmp\w+/"
)
_COMPILE_COMMAND = re.compile(
    r"^\s*\S*(?:gcc|cc|clang|g\+\+|c\+\+|clang\+\+)(?:-[\d.]+)?\s.*\s-c\s"
)


def _include_dirs(log: _Log, i: int) -> list[str]:
    """The sdist-relative `-I` directories of the compile command before line `i`."""
    m = log.before(i, _COMPILE_COMMAND, window=60)
    if m is None:
        return []
    try:
        args = shlex.split(m.string)
    except ValueError:
        args = m.string.split()
    dirs: list[str] = []
    for k, arg in enumerate(args):
        value = arg[2:] if arg.startswith("-I") and len(arg) > 2 else None
        if arg in ("-I", "-iquote", "-isystem") and k + 1 < len(args):
            value = args[k + 1]
        if value is not None and (rel := log.relative(value)) is not None:  # "." is the root
            dirs.append(rel)
    return dirs


def _header_candidates(log: _Log, i: int, source: str, header: str, quoted: bool) -> list[str]:
    """Where the sdist should have had `header`, if it is the project's: beside the including
    file (a quoted include), under a `-I` directory of the compile command, or, for `<dir/x.h>`,
    beside a `dir/` the sdist has.  Empty for an angle include of anything else: a system one."""
    top = header.partition("/")[0] if "/" in header else None
    own = [d for d in sorted(log.dirs) if top and (d == top or d.endswith("/" + top))]
    if not quoted and not own:
        return []
    out = [posixpath.join(posixpath.dirname(source), header)] if quoted else []
    out += [posixpath.join(d, header) for d in _include_dirs(log, i)]
    out += [posixpath.join(posixpath.dirname(d), header) for d in own]
    return [p for p in map(normalize, out) if p]


def _c_include(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    including, header, line = m["file"], m["header"].strip(), log.lines[i].strip()
    if _C_TOOL_NAMES.fullmatch(including):  # `cc1: fatal error: src/x.c: No such file`: a source
        return _missing(log, log.relative(header), "source", line)
    if _PROBE.search(including.replace("\\", "/")):
        return None  # a configure-style probe that is allowed to fail
    if header.rpartition("/")[2] == "Python.h":
        return Cause(
            MISSING_TOOL,
            "the Python development headers (Python.h) are missing",
            None,
            line,
            "install the Python headers (e.g. apt-get install python3-dev)",
        )
    if package := _python_package(header):
        return Cause(
            MISSING_TOOL,
            f"header {header} of the Python package {package} not found",
            None,
            line,
            f"list {package} in [build-system] requires and pass its include "
            "directory to the compiler",
        )
    style = log.after(i, _INCLUDE_STYLE, window=2)
    source = log.relative(including)
    in_project = source is not None and (
        log.files is None or source in log.files or posixpath.dirname(source) in log.dirs
    )
    package = _system_package(header)
    if source is not None and in_project and package is None:
        quoted = style is None or style[1] == '"'
        if candidates := _header_candidates(log, i, source, header, quoted):
            return _missing(log, log.pick(candidates), "header", line)
    hint = (
        f"install the development package with {header} (e.g. apt-get install {package})"
        if package
        else f"install the development package that provides {header}"
    )
    return Cause(MISSING_TOOL, f"system header {header} is missing", None, line, hint)


def _c_source(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _missing(log, log.relative(m["path"]), "source", log.lines[i].strip())


# --- Rust and cargo -------------------------------------------------------------------------------

_COMPILING = re.compile(r"^\s*Compiling \S+ v\S+ \((?P<dir>[^)]+)\)")
_ARROW = re.compile(r"^\s*-->\s*(?P<file>.+?):\d+:\d+")
_MANIFEST_AT = re.compile(r"manifest at [`'](?P<path>[^`']+)[`']")


def _crate_dir(log: _Log, i: int) -> str:
    """The sdist directory of the last crate of the sdist that cargo started compiling."""
    for j in range(i - 1, max(i - 2000, 0) - 1, -1):
        m = _COMPILING.search(log.lines[j])
        if m and (crate := log.relative(m["dir"])) is not None:
            return crate  # (registry crates are outside the sdist: their paths are absolute)
    return ""


def _rust_base(log: _Log, i: int, relpath: str) -> str:
    """The directory rustc's relative paths start from: the workspace root of the crate."""
    crate = _crate_dir(log, i)
    parts = crate.split("/") if crate else []
    source = log.after(i, _ARROW, window=3)
    probe = source["file"] if source else relpath
    bases = []  # the workspace root is the crate's directory or one of its ancestors
    for k in range(len(parts), -1, -1):
        base = "/".join(parts[:k])
        suffix = "/".join(parts[k:])
        if not suffix or probe.startswith(suffix + "/"):
            bases.append(base)
    if log.files is not None and source is not None:
        for base in bases:
            if normalize(posixpath.join(base, source["file"])) in log.files:
                return base
    return bases[-1] if len(bases) > 1 else crate


def _rustc_read(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    raw = m["path"]
    base = "" if raw.startswith("/") else _rust_base(log, i, raw)
    return _missing(log, log.relative(raw, base), "file", log.lines[i].strip())


def _rustc_module(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    create = log.after(i, re.compile(r'create file "(?P<path>[^"]+)"'))
    if create is None:
        return None
    raw = create["path"]
    base = "" if raw.startswith("/") else _rust_base(log, i, raw)
    what = f"module {m['module']!r}: file"
    return _missing(log, log.relative(raw, base), what, log.lines[i].strip())


def _cargo_read(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    what = "manifest" if m["path"].endswith("Cargo.toml") else "file"
    return _missing(log, log.relative(m["path"]), what, log.lines[i].strip())


def _cargo_target(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    manifest = log.before(i, _MANIFEST_AT, window=6)
    base = log.relative(posixpath.dirname(manifest["path"])) if manifest else ""
    if manifest and base is None:
        return None
    what = f"{m['kind']} target"
    return _missing(log, log.relative(m["path"], base or ""), what, log.lines[i].strip())


# --- CMake ----------------------------------------------------------------------------------------


def _cmake_block(log: _Log, i: int) -> str:
    """The message of a `CMake Error at f:n (cmd):` block: its indented lines, joined."""
    parts = []
    for line in log.lines[i + 1 : i + 40]:
        if line and not line[0].isspace():
            break
        if line.strip():
            parts.append(line.strip())
    return " ".join(parts)


def _cmake_error(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    text = _cmake_block(log, i)
    where = log.relative(m["file"]) or ""
    # Relative paths start from the current source directory: the CMakeLists.txt's own, or for
    # an included .cmake file, whichever CMakeLists.txt included it (the root, most often).
    base = posixpath.dirname(where) if where.endswith("CMakeLists.txt") else ""
    if sub := re.search(
        r'add_subdirectory given source "(?P<p>[^"]+)" which is not an existing '
        r"directory",
        text,
    ):
        return _missing(log, log.relative(sub["p"], base), "directory", sub[0] + ".")
    if src := re.search(r"Cannot find source file:\s+(?P<p>\S+)", text):
        return _missing(log, log.relative(src["p"], base), "source", src[0])
    inc = re.search(r"include could not find (?:requested|load) file:\s+(?P<p>\S+)", text)
    if inc and ("/" in inc["p"] or "." in inc["p"]):  # a file, not a module name like `Foo`
        return _missing(log, log.relative(inc["p"], base), "CMake file", inc[0])
    if pkg := re.search(
        r'Could not find a package configuration file provided by "(?P<p>[^"]+)"', text
    ):
        return _library_cause(pkg["p"], pkg[0], "CMake find_package")
    if cc := re.search(r"No CMAKE_(?P<lang>C|CXX)_COMPILER could be found", text):
        tool = "c++" if cc["lang"] == "CXX" else "cc"
        return _tool_cause(tool, cc[0] + ".")
    return None


def _cmake_not_found(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _library_cause(m["pkg"], log.lines[i].strip(), "CMake find_package")


# --- Cython ---------------------------------------------------------------------------------------

_CIMPORT = re.compile(r"^\s*(?:from\s+(?P<from>[\w.]+)\s+cimport\b|cimport\s+(?P<mod>[\w.]+))")


def _cython_snippet_module(log: _Log, i: int) -> str | None:
    """The module cimported in the code excerpt Cython prints above its error line."""
    for j in range(i - 1, max(i - 30, 0) - 1, -1):
        if log.lines[j].startswith("Error compiling Cython file"):
            break
        if m := _CIMPORT.match(log.lines[j]):
            return m["from"] or m["mod"]
    return None


def _pxd_candidates(pyx: str, module_path: str) -> list[str]:
    """Where a .pxd for `module_path` (a/b.pxd) would be: under the package root of the .pyx,
    or beside it."""
    pyx_dir = posixpath.dirname(pyx)
    parts, top = pyx_dir.split("/"), module_path.partition("/")[0]
    roots = ["/".join(parts[:k]) for k in range(len(parts), -1, -1) if k and parts[k - 1] == top]
    out = [posixpath.join(posixpath.dirname(r), module_path) if r else module_path for r in roots]
    out += [posixpath.join(pyx_dir, module_path), module_path]
    return [p for p in (normalize(o) for o in out) if p]


def _cython_missing(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    pyx = log.relative(m["file"])
    if pyx is None:
        return None
    name = m["name"]
    module = _cython_snippet_module(log, i)
    # Cython 3 names the first place it looked: `from a.b cimport c` -> 'a/b/c.pxd'.
    if module and name.endswith(".pxd"):
        stem = module.replace(".", "/")
        if name[: -len(".pxd")].startswith(stem + "/") or name[: -len(".pxd")] == stem:
            name = stem + ".pxd"
    elif name.endswith(".pxd") and "/" not in name and name.count(".") > 1:
        name = name[: -len(".pxd")].replace(".", "/") + ".pxd"  # older Cython: 'a.b.pxd'
    return _missing(log, log.pick(_pxd_candidates(pyx, name)), "Cython file", log.lines[i].strip())


def _cython_attribute(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    pyx, module = log.relative(m["file"]), _cython_snippet_module(log, i)
    if pyx is None or module is None:
        return None
    path = log.pick(_pxd_candidates(pyx, module.replace(".", "/") + ".pxd"))
    cause = _missing(log, path, "Cython declarations", log.lines[i].strip())
    if cause is None:
        return None
    summary = f"{cause.summary} (cimported module {module} lacks {m['attr']!r})"
    return Cause(cause.kind, summary, cause.path, cause.evidence, cause.hint)


# --- Python and setuptools ------------------------------------------------------------------------


def _errno2(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    path, line = m["path"], log.lines[i].strip()
    bare = "/" not in path and "\\" not in path
    command = log.before(i, re.compile(r"^\s*(?P<cmd>\S+)\s"), window=2)
    ran = command is not None and command["cmd"].rpartition("/")[2] == path
    looks_tool = bool(_C_COMPILERS.fullmatch(path) or _CXX_COMPILERS.fullmatch(path))
    if bare and (looks_tool or path in _TOOLS or ran):
        return _tool_cause(path, line)  # setuptools >= 72: "error: [Errno 2] ...: 'gcc'"
    return _missing(log, log.relative(path), "file", line)


def _cant_copy(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    return _missing(log, log.relative(m["path"]), "data file", log.lines[i].strip())


# --- meson ----------------------------------------------------------------------------------------

_BUILD_DIR = re.compile(r"^Build dir: (?P<dir>.+)$")


def _meson_dir(log: _Log, i: int, build_file: str) -> str:
    """The sdist directory of the meson.build that reported an error (paths are relative to the
    build directory, `../meson.build`, or absolute)."""
    build_dir = log.before(i, _BUILD_DIR, window=2000)
    base = log.relative(build_dir["dir"]) if build_dir else ""
    return log.relative(posixpath.dirname(build_file) or ".", base or "") or ""


def _meson_file(log: _Log, i: int, m: re.Match[str]) -> Cause | None:
    base = _meson_dir(log, i, m["file"])
    what = "build file" if m["path"].endswith("meson.build") else "file"
    return _missing(log, log.relative(m["path"], base), what, log.lines[i].strip())


_Rule = Callable[[_Log, int, re.Match[str]], Cause | None]
_RULES: list[tuple[re.Pattern[str], _Rule]] = [
    # C, C++: gcc, clang, MSVC
    (
        re.compile(
            r"^(?P<file>[^\s:][^:]*?|[A-Za-z]:[^:]+):(?:\d+:)*"
            r" fatal error: (?P<header>[^:']+): No such file or directory"
        ),
        _c_include,
    ),
    (
        re.compile(
            r"^(?P<file>\S[^:]*?):(?:\d+:)+ fatal error: '(?P<header>[^']+)' file not found"
        ),
        _c_include,
    ),
    (
        re.compile(
            r"^(?P<file>.+?)\(\d+\): fatal error C1083: Cannot open include file: "
            r"'(?P<header>[^']+)'"
        ),
        _c_include,
    ),
    (
        re.compile(
            r"^(?:\S*(?:gcc|cc|clang|g\+\+|c\+\+)\S*): error: (?P<path>[^\s:]+): "
            r"No such file or directory"
        ),
        _c_source,
    ),
    (re.compile(r"error: file '(?P<path>[^']+)' does not exist"), _c_source),
    # Rust, cargo
    (
        re.compile(
            r"error: couldn't read [`'\"]?(?P<path>[^`'\"]+?)[`'\"]?: "
            r"(?:No such file|The system cannot find)"
        ),
        _rustc_read,
    ),
    (
        re.compile(r"error\[E0583\]: file not found for module [`'](?P<module>[^`']+)[`']"),
        _rustc_module,
    ),
    (re.compile(r"failed to read [`'](?P<path>[^`']+)[`']"), _cargo_read),
    (
        re.compile(
            r"can't find [`'][^`']+[`'] (?P<kind>bench|test|example|bin|lib) at "
            r"[`'](?P<path>[^`']+)[`']"
        ),
        _cargo_target,
    ),
    # CMake
    (re.compile(r"^CMake Error at (?P<file>.+?):\d+ \([\w]+\):"), _cmake_error),
    (re.compile(r"Could NOT find (?P<pkg>[\w.+-]+)"), _cmake_not_found),
    # Cython
    (
        re.compile(
            r"^(?P<file>\S+\.(?:pyx|pxd|pxi|py)):\d+:\d+: '(?P<name>[^']+\.(?:pxd|pxi))' "
            r"not found"
        ),
        _cython_missing,
    ),
    (
        re.compile(
            r"^(?P<file>\S+\.(?:pyx|pxd|pxi|py)):\d+:\d+: cimported module has no "
            r"attribute '(?P<attr>[^']+)'"
        ),
        _cython_attribute,
    ),
    # Python, setuptools
    (re.compile(r"\[Errno 2\] No such file or directory: '(?P<path>[^']+)'"), _errno2),
    (
        re.compile(r"error: can't copy '(?P<path>[^']+)': doesn't exist or not a regular file"),
        _cant_copy,
    ),
    # meson
    (
        re.compile(r"^(?P<file>\S*meson\.build):\d+:\d+: ERROR: File (?P<path>.+?) does not exist"),
        _meson_file,
    ),
    (
        re.compile(
            r"^(?P<file>\S*meson\.build):\d+:\d+: ERROR: Nonexistent build file "
            r"'(?P<path>[^']+)'"
        ),
        _meson_file,
    ),
    (re.compile(r"ERROR: Dependency \"?(?P<pkg>[^\"\s]+)\"? not found"), _meson_dependency),
    (re.compile(r"ERROR: Unknown compiler\(s\)"), _compiler_unknown),
    (re.compile(r"ERROR: Program '(?P<tool>[^']+)' not found"), _tool),
    # missing tools
    (re.compile(r"command '(?P<tool>[^']+)' failed: No such file or directory"), _tool),
    (re.compile(r"unable to execute '(?P<tool>[^']+)': No such file or directory"), _tool),
    (re.compile(r"command '(?P<tool>[^']+)' not found"), _tool),
    (re.compile(r"(?:^|: )(?P<tool>[\w.+-]+): (?:command )?not found$"), _tool),
    (re.compile(r"error: linker [`'](?P<tool>[^`']+)[`'] not found"), _tool),
    (
        re.compile(
            r"can't find Rust compiler|Rust not found, installing into a temporary directory"
        ),
        _rust_missing,
    ),
    (
        re.compile(
            r"Could not find CMAKE|^(?:.*: )?CMake(?: executable)? (?:was )?not found",
            re.IGNORECASE,
        ),
        _cmake_missing,
    ),
    (
        re.compile(r"Package '?(?P<pkg>[^'\s]+)'? was not found in the pkg-config search path"),
        _pkg_config,
    ),
    (re.compile(r"cannot find -l(?P<lib>[^\s:]+)"), _linker),
    # requirements
    (re.compile(r"No matching distribution found for (?P<req>\S+)"), _requirement),
    (
        re.compile(r"Could not find a version that satisfies the requirement (?P<req>\S+)"),
        _requirement,
    ),
    (
        re.compile(
            r"because these package versions have conflicting dependencies|"
            r"ResolutionImpossible"
        ),
        _conflict,
    ),
    (re.compile("^" + re.escape(MISSING_DEPS_MARKER)), _missing_deps),
    (re.compile("^" + re.escape(TIMEOUT_MARKER)), _timeout),
]
