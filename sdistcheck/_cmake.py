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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from ._model import Reference, Scope
from ._native import CompileUnit, NativeAnalysis
from ._tree import SdistTree, normalize

# -- guards (also used by the meson analyser) -------------------------------------------------

_SCOPES: Final = (Scope.ALWAYS, Scope.PLATFORM, Scope.OPTION, Scope.TEST, Scope.GUARDED)
NEVER: Final = len(_SCOPES)
_MAX_TEXTS = 4  # condition texts kept per guard: enough to explain, bounded for deep nesting
_MAX_BRANCHES = 16  # enclosing branches remembered (forgetting one only loses precision)


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    if not b or a == b:
        return a
    return (a + tuple(t for t in b if t not in a))[:_MAX_TEXTS]


@dataclass(frozen=True)
class Guard:
    """When code runs: `true_in`/`false_in` index ALWAYS..GUARDED (NEVER: in no build)."""

    true_in: int
    false_in: int
    texts: tuple[str, ...] = ()  # the conditions, for reports
    absent_true: tuple[str, ...] = ()  # sdist paths whose absence makes it true
    absent_false: tuple[str, ...] = ()  # ... and false
    # The if-chain branches it lies in: (chain, branch).  Two branches of one chain exclude each
    # other, so a value set in `if(A)` is not used in its `else()` whatever A is.
    branches: tuple[tuple[int, int], ...] = ()

    @property
    def reachable(self) -> bool:
        return self.true_in < NEVER

    @property
    def certain(self) -> bool:
        """True in every build: no branch to speak of."""
        return self.false_in == NEVER

    @property
    def scope(self) -> Scope:
        return _SCOPES[min(self.true_in, NEVER - 1)]

    @property
    def condition(self) -> str | None:
        return " and ".join(self.texts) or None

    def and_(self, other: Guard) -> Guard:
        if other is TRUE:
            return self
        if self is TRUE:
            return other
        branches = self.branches
        if other.branches and other.branches != branches:
            taken = dict(branches)
            for chain, branch in other.branches:
                if taken.setdefault(chain, branch) != branch:
                    return FALSE
            branches = tuple(taken.items())[:_MAX_BRANCHES]
        return Guard(
            max(self.true_in, other.true_in),
            min(self.false_in, other.false_in),
            _merge(self.texts, other.texts),
            (self.absent_true + other.absent_true)[:8],
            (self.absent_false + other.absent_false)[:8],
            branches,
        )

    def or_(self, other: Guard) -> Guard:
        return Guard(
            min(self.true_in, other.true_in),
            max(self.false_in, other.false_in),
            (),
            (self.absent_true + other.absent_true)[:8],
            (self.absent_false + other.absent_false)[:8],
        )

    def not_(self) -> Guard:
        return Guard(self.false_in, self.true_in, (), self.absent_false, self.absent_true)

    def label(self, text: str, branch: tuple[int, int] | None = None) -> Guard:
        """The same guard, explained by `text` (only when it restricts the ordinary build), as
        branch `branch` = (chain, index) of an if-chain."""
        return replace(
            self,
            texts=(text,) if self.true_in > 0 else (),
            branches=(branch,) if branch is not None and not self.certain else (),
        )


TRUE: Final = Guard(0, NEVER)
FALSE: Final = Guard(NEVER, 0)
PLATFORM: Final = Guard(1, 1)
OPTION: Final = Guard(2, 2)
OPTION_OFF: Final = Guard(2, 0)  # an option off by default: its other side is the ordinary build
TEST: Final = Guard(3, 0)  # true only when tests are built; false in the ordinary build
UNKNOWN_FILE: Final = Guard(4, 2)  # an existence test the checker cannot decide


def missing(path: str) -> Guard:
    """`exists(path)` for a path the sdist lacks: false here, so its branch is `guarded`."""
    return Guard(4, 0, absent_false=(path,))


_TEST_WORD = re.compile(
    r"(?:^|[-_.])(?:c?tests?|testing|unit_?tests?|bench(?:mark(?:s|ing)?|es)?|examples?|docs?"
    r"|documentation|doxygen|sphinx|samples?|demos?|fuzz(?:ing|ers?)?|coverage)(?:[-_.]|$)",
    re.IGNORECASE,
)
_PLATFORM_WORD = re.compile(
    r"(?:^|[-_.])(?:win(?:32|64|dows)?|msvc|mingw|apple|mac(?:os|osx)?|osx|darwin|ios|linux"
    r"|unix|posix|bsd|freebsd|android|cygwin|emscripten|wasm|arm(?:64)?|aarch64|x86(?:_64)?|x64"
    r"|amd64|i[36]86|ppc(?:64(?:le)?)?|s390x?|riscv(?:64)?|(?:64|32)_?bits?|endian)(?:[-_.]|$)",
    re.IGNORECASE,
)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def is_test_name(name: str) -> bool:
    return _TEST_WORD.search(name) is not None


def is_platform_name(name: str) -> bool:
    return _PLATFORM_WORD.search(name) is not None


COMPILED: Final = frozenset(
    [".c", ".cc", ".cpp", ".cxx", ".c++", ".cp", ".C", ".m", ".mm", ".cu", ".pyx", ".cppm", ".ixx"]
)
_LEAVES = "the path leaves the sdist"  # _check treats a reference with this note as missing


@dataclass
class BuildAnalysis(NativeAnalysis):
    """What a build system's files reference and compile, and what its build generates: the
    outputs' sdist-relative paths (the build tree mirrors the source tree) and bare file names,
    so that an `#include` of one is no missing file."""

    generated: list[str] = field(default_factory=list)


def generated_names(paths: Iterable[str]) -> list[str]:
    """Each output path, then each file name, once."""
    paths = list(dict.fromkeys(paths))
    return list(dict.fromkeys([*paths, *(p.rpartition("/")[2] for p in paths)]))


# -- tokenizer ----------------------------------------------------------------------------------

UNQUOTED, QUOTED, BRACKET = 0, 1, 2


@dataclass(frozen=True)
class Arg:
    text: str  # escapes decoded; an escaped `$`/`;` kept as \x01/\x02 until the value is used
    kind: int  # UNQUOTED, QUOTED or BRACKET
    line: int
    raw: str  # as written, for conditions in reports


@dataclass(frozen=True)
class Command:
    name: str  # lower case: command names are case-insensitive
    args: tuple[Arg, ...]
    line: int


_TOP = re.compile(r"\s+|#\[(=*)\[|#[^\n]*|([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")
_ARG = re.compile(
    r"(?P<ws>\s+)|(?P<bc>#\[(?P<bce>=*)\[)|(?P<lc>#[^\n]*)|(?P<open>\()|(?P<close>\))"
    r'|"(?P<q>(?:[^"\\]|\\[\s\S])*)(?P<qend>"?)|(?P<br>\[(?P<bre>=*)\[)'
    r'|(?P<u>(?:[^\s()#"\\]|\\[\s\S])(?:[^\s()#"\\]|\\[\s\S]|"(?:[^"\\]|\\[\s\S])*")*)'
)
_ESCAPE = re.compile(r"\\([\s\S])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", ";": "\x02", "$": "\x01", "\n": ""}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


class _Lines:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:  # positions are asked in increasing order
        if pos > self.pos:
            self.line += self.text.count("\n", self.pos, pos)
            self.pos = pos
        return self.line


def tokenize(text: str) -> tuple[list[Command], list[str]]:
    """The commands of a CMake file, and the problems that stopped the reading early."""
    text = text.replace("\x00", "")
    commands: list[Command] = []
    lines = _Lines(text)
    pos, end = 0, len(text)
    while pos < end:
        m = _TOP.match(text, pos)
        if m is None:
            return commands, [f"line {lines.at(pos)}: unexpected text {text[pos : pos + 20]!r}"]
        if m.group(1) is not None:  # bracket comment
            close = text.find("]" + m.group(1) + "]", m.end())
            if close < 0:
                return commands, [f"line {lines.at(pos)}: unterminated bracket comment"]
            pos = close + len(m.group(1)) + 2
        elif m.group(2) is not None:
            line = lines.at(pos)
            args, pos, problem = _arguments(text, m.end(), lines)
            if problem:
                return commands, [f"line {line}: `{m.group(2)}(`: {problem}"]
            commands.append(Command(m.group(2).lower(), tuple(args), line))
        else:
            pos = m.end()
    return commands, []


def _arguments(text: str, pos: int, lines: _Lines) -> tuple[list[Arg], int, str | None]:
    args: list[Arg] = []
    depth = 0  # nested parentheses become "(" and ")" arguments, as CMake does
    while True:
        m = _ARG.match(text, pos)
        if m is None:
            return args, pos, "unbalanced parentheses (the command never ends)"
        start, pos = pos, m.end()
        if m.group("ws") is not None or m.group("lc") is not None:
            continue
        if m.group("bc") is not None or m.group("br") is not None:
            eq = m.group("bce") if m.group("bc") is not None else m.group("bre")
            close = text.find("]" + eq + "]", pos)
            if close < 0:
                return args, pos, "unterminated bracket argument or comment"
            if m.group("br") is not None:
                body = text[pos:close]
                body = body[1:] if body.startswith("\n") else body
                args.append(Arg(body, BRACKET, lines.at(start), text[start : close + len(eq) + 2]))
            pos = close + len(eq) + 2
        elif m.group("open") is not None:
            depth += 1
            args.append(Arg("(", UNQUOTED, lines.at(start), "("))
        elif m.group("close") is not None:
            if depth == 0:
                return args, pos, None
            depth -= 1
            args.append(Arg(")", UNQUOTED, lines.at(start), ")"))
        elif m.group("q") is not None:
            if not m.group("qend"):
                return args, pos, "unterminated quoted argument"
            args.append(Arg(_unescape(m.group("q")), QUOTED, lines.at(start), m.group()))
        else:
            args.append(Arg(_unescape(m.group("u")), UNQUOTED, lines.at(start), m.group()))


def _block_ends(commands: Sequence[Command]) -> tuple[dict[int, int], int]:
    """Index of the matching end of each foreach/while/function/macro/block; unclosed count."""
    ends: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for i, c in enumerate(commands):
        if c.name in _BLOCK_END:
            stack.append((_BLOCK_END[c.name], i))
        elif c.name in _BLOCK_END.values():
            # Unbalanced input: close the nearest block of that kind and whatever it encloses.
            while stack:
                kind, start = stack.pop()
                ends[start] = i
                if kind == c.name:
                    break
    for _, start in stack:
        ends[start] = len(commands)
    return ends, len(stack)


_BLOCK_END = {
    "foreach": "endforeach",
    "while": "endwhile",
    "function": "endfunction",
    "macro": "endmacro",
    "block": "endblock",
}

# -- values -------------------------------------------------------------------------------------

_SRC = "\x00S"  # ${CMAKE_SOURCE_DIR} and friends: the sdist root
_BIN = "\x00B"  # the build tree: what lives there is generated
_UNRESOLVED = "\x03"  # a variable the checker cannot know: \x03NAME\x04
_UNRESOLVED_NAME = re.compile("\x03([^\x03\x04]*)\x04")
_VAR_REF = re.compile(r"\$(ENV|CACHE)?\{([^${}]*)\}")
_WHOLE_VAR = re.compile(r"\$\{([^${}]*)\}")
_MAX_ALTS = 8


def _restore(text: str) -> str:
    return text.replace("\x01", "$").replace("\x02", ";")


def _marker(name: str) -> str:
    return f"{_UNRESOLVED}{name}\x04"


def _abs(rel: str) -> str:
    return f"{_SRC}/{rel}" if rel else _SRC


def anchor(rel: str, build: bool = False) -> str:
    """An sdist-relative directory as an anchored path (the build tree's mirror if `build`)."""
    return (_BIN if build else _SRC) + (f"/{rel}" if rel else "")


def _canon(text: str) -> str:
    """Collapse `.`/`..` in an anchored path (left as is when it climbs out)."""
    for anchor in (_SRC, _BIN):
        if text.startswith(anchor):
            rel = normalize(text[len(anchor) :])
            return text if rel is None else (f"{anchor}/{rel}" if rel else anchor)
    return text


def _is_absolute(text: str) -> bool:
    return text.startswith(("/", "\\\\")) or re.match(r"[A-Za-z]:[/\\]", text) is not None


def locate(text: str, base: str) -> tuple[str, str]:
    """Where a path argument points: ("src", sdist path), ("climb", shown path), or ("bin" |
    "outside" | "unresolved" | "genex", text)."""
    text = _restore(text)
    if _UNRESOLVED in text:
        return "unresolved", text
    if "$<" in text:
        return "genex", text
    if text.startswith(_BIN):
        return "bin", text
    if text.startswith(_SRC):
        rest = text[len(_SRC) :]
        if "\x00" in rest:
            return "unresolved", text
        path = normalize(rest)
        return ("climb", posixpath.normpath(rest.lstrip("/"))) if path is None else ("src", path)
    if "\x00" in text:  # an anchor inside a word (`-I${X}`): not a path
        return "unresolved", text
    if _is_absolute(text):
        return "outside", text
    joined = posixpath.join(base, text.replace("\\", "/"))
    path = normalize(joined)
    return ("climb", posixpath.normpath(joined)) if path is None else ("src", path)


@dataclass(frozen=True)
class _Item:
    """One list element: its text and the guard under which it was put there."""

    text: str
    guard: Guard = TRUE
    globbed: bool = False  # found by file(GLOB): compiled, but not a reference


@dataclass(frozen=True)
class _Alt:
    """One possible value of a variable (a list), and when it has it."""

    items: tuple[_Item, ...]
    guard: Guard = TRUE


_Value = list[_Alt] | None  # None: assigned, but not knowable statically
_UNSET: Final[list[_Alt]] = []  # identity-compared marker for "not set"
_Vars = dict[str, _Value]
_Pair = tuple[_Item, int]  # an expanded argument and its line


def _value(*texts: str, guard: Guard = TRUE) -> list[_Alt]:
    return [_Alt(tuple(_Item(t) for t in texts), guard)]


def _elements(items: Iterable[_Item]) -> list[_Item]:
    """A variable's value is one string: quoted `"a;b"` arguments become two list elements."""
    out: list[_Item] = []
    for item in items:
        if ";" in item.text:
            out.extend(replace(item, text=part) for part in item.text.split(";") if part)
        else:
            out.append(item)
    return out


def _joined(alt: _Alt) -> tuple[str, Guard]:
    guard = alt.guard
    for item in alt.items:
        guard = guard.and_(item.guard)
    return ";".join(i.text for i in alt.items), guard


@dataclass
class _Dir:
    source: str  # sdist-relative directory of the CMakeLists.txt
    includes: list[str] = field(default_factory=list)  # include_directories(), in order


@dataclass
class _Ctx:
    dir: _Dir
    vars: _Vars
    parent: _Vars | None  # where PARENT_SCOPE writes
    file: str  # the file whose commands run (for references)
    lines: list[str]
    certain: bool = True  # the running command runs whenever the owner of `vars` runs
    parent_certain: bool = True  # ... and whenever the owner of `parent` runs


@dataclass
class _Parsed:
    commands: list[Command]
    ends: dict[int, int]
    lines: list[str]


@dataclass
class _IfFrame:
    outer: Guard  # the guard around the if-chain
    taken: Guard  # some earlier branch of the chain was taken
    label: str
    chain: int  # one number per if-chain run, so its branches exclude each other
    index: int = 0


@dataclass
class _Function:
    parsed: _Parsed
    start: int
    end: int
    file: str
    params: tuple[str, ...]
    macro: bool
    guard: Guard
    list_dir: str


@dataclass
class _Target:
    name: str
    dir: _Dir | None = None
    sources: list[tuple[str, Guard, str, int]] = field(default_factory=list)
    includes: list[tuple[str, str, bool]] = field(default_factory=list)  # dir, visibility, BEFORE
    links: list[tuple[str, str]] = field(default_factory=list)  # target, visibility


class _Budget(Exception):
    """Too much work for one sdist (deeply nested loops): stop with what was found."""


# Variables CMake sets from the toolchain and target system: platform tests.
_PLATFORM_VARS = word_set(
    "WIN32 WIN64 APPLE UNIX MSVC MINGW CYGWIN MSYS ANDROID IOS LINUX BSD EMSCRIPTEN WASI XCODE "
    "BORLAND WATCOM MSVC_IDE MSVC_VERSION MSVC_TOOLSET_VERSION CMAKE_CL_64 "
    "CMAKE_CROSSCOMPILING"
)
_PLATFORM_VAR = re.compile(
    r"CMAKE_(?:HOST_\w+|SYSTEM\w*|OSX_\w+|SIZEOF_\w+|LIBRARY_ARCHITECTURE\w*|ANDROID\w*|VS_\w+"
    r"|GENERATOR\w*|\w+_COMPILER_(?:ID|VERSION|FRONTEND_VARIANT|ARCHITECTURE_ID|TARGET)"
    r"|\w+_BYTE_ORDER|\w+_SIMULATE_ID|EXECUTABLE_SUFFIX|SHARED_LIBRARY_\w+|APPLE_SILICON\w*)"
)
# Names that are set outside the project (toolchain, find modules, -D): compared, never literal.
_EXTERNAL_VAR = re.compile(r"CMAKE_\w+|SKBUILD\w*|\w+_(?:FOUND|VERSION\w*|DIR|DIRS|EXECUTABLE)")

# include(Name) of these is CMake's own module (or a scikit-build/pybind11 one), not a file here.
_MODULE_PREFIXES = ("Find", "Check", "CMake", "CPack", "CTest", "Test")
_MODULES = word_set(
    """AddFileDependencies AndroidTestUtilities BundleUtilities CSharpUtilities Dart DeployQt4
    Documentation ExternalData ExternalProject FLTKCompatibility FeatureSummary FetchContent
    FortranCInterface GNUInstallDirs GenerateExportHeader GetPrerequisites GoogleTest
    GoogleTestAddTests ITKCompatibility InstallRequiredSystemLibraries KDE3Macros
    MacroAddFileDependencies MatlabTestsRedirect ProcessorCount Qt4ConfigDependentSettings
    Qt4Macros SelectLibraryConfigurations SquishTestScript SystemInformation UseEcos UseJava
    UsePkgConfig UseQt4 UseSWIG Use_wxWindows UsewxWidgets VTKCompatibility
    WriteBasicConfigVersionFile WriteCompilerDetectionHeader ecos_clean kde3uic
    UseCython UsePythonExtensions PythonExtensions TargetLinkLibrariesWithDynamicLookup UseF2PY
    pybind11Tools pybind11NewTools pybind11Common pybind11Config pybind11GuessPythonExtSuffix
    nanobind-config"""
)

_TARGET_FLAGS = word_set(
    """STATIC SHARED MODULE OBJECT INTERFACE UNKNOWN EXCLUDE_FROM_ALL WIN32 MACOSX_BUNDLE GLOBAL
    PRIVATE PUBLIC WITH_SOABI NO_EXTRAS THIN_LTO OPT_SIZE STABLE_ABI FREE_THREADED NB_STATIC
    NB_SHARED PROTECT_STACK LTO NOMINSIZE NOSTRIP MUSL_DYNAMIC_LIBCPP NB_SUPPRESS_WARNINGS
    SYSTEM EMBED_MAIN C CXX PY2 PY3"""
)
_TARGET_VALUE_KEYWORDS = frozenset(["USE_SABI", "NB_DOMAIN"])
_VISIBILITY = frozenset(["PRIVATE", "PUBLIC", "INTERFACE"])
_TRUE_CONSTANTS = frozenset(["1", "ON", "YES", "TRUE", "Y"])
_FALSE_CONSTANTS = frozenset(["0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", ""])
_UNARY = word_set(
    """EXISTS IS_DIRECTORY IS_SYMLINK IS_ABSOLUTE IS_READABLE IS_WRITABLE IS_EXECUTABLE COMMAND
    POLICY TARGET TEST DEFINED"""
)
_BINARY = word_set(
    """STREQUAL STRLESS STRGREATER STRLESS_EQUAL STRGREATER_EQUAL EQUAL LESS GREATER LESS_EQUAL
    GREATER_EQUAL VERSION_EQUAL VERSION_LESS VERSION_GREATER VERSION_LESS_EQUAL
    VERSION_GREATER_EQUAL MATCHES IN_LIST IS_NEWER_THAN PATH_EQUAL"""
)
_MAX_DEPTH = 48  # add_subdirectory/include/function/foreach nesting followed
_MAX_PARENS = 40  # parentheses in one if(): bounded so the parser's recursion is too
_MAX_ITEMS = 512  # foreach iterations
_BUDGET = 50_000  # commands run for one sdist (a few seconds at worst)
_MAX_TEXT = 1 << 16  # characters in one expanded argument (`set(A ${A}${A})` doubles)
_MAX_LIST = 20_000  # elements in one variable


def _constant(text: str) -> bool | None:
    upper = text.upper()
    if upper in _TRUE_CONSTANTS:
        return True
    if upper in _FALSE_CONSTANTS or upper.endswith("-NOTFOUND"):
        return False
    try:
        return float(text) != 0
    except ValueError:
        return None


def _version(text: str) -> tuple[int, ...]:
    m = re.match(r"\d+(?:\.\d+)*", text.strip())
    return tuple(int(p) for p in m.group().split(".")) if m else (0,)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _compare(op: str, a: str, b: str) -> bool | None:
    if op == "STREQUAL":
        return a == b
    if op.startswith("STR"):
        return {"LESS": a < b, "GREATER": a > b, "LESS_EQUAL": a <= b}.get(op[3:], a >= b)
    if op.startswith("VERSION_"):
        va, vb = _version(a), _version(b)
        width = max(len(va), len(vb))
        va, vb = va + (0,) * (width - len(va)), vb + (0,) * (width - len(vb))
        return {"EQUAL": va == vb, "LESS": va < vb, "GREATER": va > vb}.get(
            op[8:], va <= vb if op.endswith("LESS_EQUAL") else va >= vb
        )
    if op in ("EQUAL", "LESS", "GREATER", "LESS_EQUAL", "GREATER_EQUAL"):
        na, nb = _number(a), _number(b)
        if na is None or nb is None:
            return False
        return {"EQUAL": na == nb, "LESS": na < nb, "GREATER": na > nb}.get(
            op, na <= nb if op == "LESS_EQUAL" else na >= nb
        )
    if op == "PATH_EQUAL":
        return posixpath.normpath(a) == posixpath.normpath(b)
    if op == "MATCHES" and not re.search(r"[\\^$.|?*+()\[\]{}]", b):
        return b in a  # a plain-text pattern; real regexes are not run (untrusted input)
    return None


class _TooDeep(Exception):
    pass


class _Condition:
    """The arguments of if()/elseif()/while(), parsed by CMake's precedence into a Guard."""

    def __init__(self, interp: _Interp, ctx: _Ctx, toks: list[tuple[str, bool]]) -> None:
        self.interp, self.ctx, self.toks, self.i, self.depth = interp, ctx, toks, 0, 0

    def keyword(self, *words: str) -> str | None:
        if self.i < len(self.toks):
            text, quoted = self.toks[self.i]
            if not quoted and text in words:
                return text
        return None

    def parse(self) -> Guard:
        return self.or_()

    def or_(self) -> Guard:
        guard = self.and_()
        while self.keyword("OR"):
            self.i += 1
            guard = guard.or_(self.and_())
        return guard

    def and_(self) -> Guard:
        guard = self.not_()
        while self.keyword("AND"):
            self.i += 1
            guard = guard.and_(self.not_())
        return guard

    def not_(self) -> Guard:
        count = 0
        while self.keyword("NOT"):
            self.i += 1
            count += 1
        guard = self.primary()
        return guard.not_() if count % 2 else guard

    def primary(self) -> Guard:
        toks, i = self.toks, self.i
        if i >= len(toks):
            return OPTION
        if self.keyword("("):
            self.depth += 1
            if self.depth > _MAX_PARENS:
                raise _TooDeep
            self.i += 1
            guard = self.or_()
            if self.keyword(")"):
                self.i += 1
            self.depth -= 1
            return guard
        op = self.keyword(*_UNARY)
        if op and i + 1 < len(toks):
            self.i += 2
            return self.interp.unary(op, toks[i + 1], self.ctx)
        self.i += 1
        if i + 1 < len(toks) and not toks[i + 1][1] and toks[i + 1][0] in _BINARY:
            if i + 2 >= len(toks):  # no right operand
                self.i = len(toks)
                return OPTION
            self.i = i + 3
            return self.interp.binary(toks[i], toks[i + 1][0], toks[i + 2], self.ctx)
        return self.interp.truth(toks[i], self.ctx)


# -- the interpreter ----------------------------------------------------------------------------

_Handler = Callable[["_Interp", Command, "_Ctx", Guard], None]


class _Interp:
    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        self.tree, self.out, self.root = tree, out, root
        self.refs: list[Reference] = []
        self.pending: list[tuple[str, Reference]] = []  # DEPENDS: a file unless a target
        self.targets: dict[str, _Target] = {}
        self.aliases: dict[str, str] = {}
        self.functions: dict[str, _Function] = {}
        self.cache: dict[str, tuple[list[_Alt], bool]] = {}  # value, settable by the user
        self.generated: set[str] = set()  # sdist-relative mirrors of build outputs
        self.cython: dict[str, str] = {}  # generated C file (anchored text) -> its .pyx
        self.parsed: dict[str, _Parsed] = {}
        self.dirs: set[str] = set()
        self.project: str | None = None
        self.unresolved = self.genex = self.depth = self.budget = self.chains = 0
        self.deep_note = False

    # -- references ----------------------------------------------------------------------------

    def ref(
        self,
        ctx: _Ctx,
        line: int,
        target: str,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
        alternatives: tuple[str, ...] = (),
    ) -> Reference | None:
        ref = self.make_ref(
            ctx, line, target, kind, guard, is_dir=is_dir, note=note, alternatives=alternatives
        )
        if ref is not None:
            self.refs.append(ref)
        return ref

    def make_ref(
        self,
        ctx: _Ctx,
        line: int,
        target: str,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
        alternatives: tuple[str, ...] = (),
    ) -> Reference | None:
        if not guard.reachable:
            return None
        text = ctx.lines[line - 1].strip() if 0 < line <= len(ctx.lines) else ""
        return Reference(
            target=target,
            source=ctx.file,
            line=line,
            text=text,
            kind=kind,
            condition=guard.condition,
            scope=guard.scope,
            is_dir=is_dir,
            note=note,
            alternatives=alternatives,
            platforms=guard.condition if guard.scope is Scope.PLATFORM else None,
        )

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

    # -- expansion -----------------------------------------------------------------------------

    def lookup(self, name: str, ctx: _Ctx) -> _Value:
        value = ctx.vars.get(name, _UNSET)
        if value is _UNSET and name in self.cache:
            return self.cache[name][0]
        return value

    def _strings(self, m: re.Match[str], ctx: _Ctx, strict: bool) -> list[tuple[str, Guard]]:
        """A variable reference's possible values, joined as strings."""
        name = m.group(2)
        if m.group(1) == "ENV":
            return [(_marker("ENV{" + name + "}"), TRUE)]
        value = self.cache[name][0] if m.group(1) == "CACHE" and name in self.cache else None
        if m.group(1) is None:
            value = self.lookup(name, ctx)
        if not value:  # unset or not knowable
            return [(_marker(name), TRUE)]
        strings = [_joined(alt) for alt in value]
        if strict and (len(strings) > 1 or not strings[0][1].certain):
            return [(_marker(name), TRUE)]
        return strings

    def substitute(self, text: str, ctx: _Ctx, strict: bool = False) -> list[tuple[str, Guard]]:
        """`${...}` references replaced, innermost first; one string per combination of values."""
        work = [(text, TRUE)]
        for _ in range(64):
            done, nxt = True, []
            for s, g in work:
                m = _VAR_REF.search(s)
                if m is None:
                    nxt.append((s, g))
                    continue
                done = False
                for value, vg in self._strings(m, ctx, strict):
                    new = s[: m.start()] + value + s[m.end() :]
                    if len(new) > _MAX_TEXT:  # runaway growth: not a path anyone wrote
                        new = _marker("...")
                    nxt.append((new, g.and_(vg)))
            work = nxt[:_MAX_ALTS]
            if done:
                break
        return work

    def expand(self, arg: Arg, ctx: _Ctx) -> list[_Item]:
        if arg.kind == BRACKET:
            return [_Item(arg.text)]
        text = arg.text
        if "$" not in text:
            return [_Item(text)] if arg.kind == QUOTED else [_Item(p) for p in text.split(";") if p]
        whole = _WHOLE_VAR.fullmatch(text) if arg.kind == UNQUOTED else None
        if whole is not None:  # `${SRCS}`: the items, each with its own guard
            value = self.lookup(whole.group(1), ctx)
            if not value:  # unset, or not knowable
                return [_Item(_marker(whole.group(1)))]
            if len(value) == 1 and value[0].guard is TRUE:
                return [i for i in value[0].items if i.text]
            return [
                replace(i, guard=i.guard.and_(alt.guard))
                for alt in value
                for i in alt.items
                if i.text
            ]
        items: list[_Item] = []
        for s, g in self.substitute(text, ctx):
            if arg.kind == QUOTED:
                items.append(_Item(s, g))
            else:
                items.extend(_Item(p, g) for p in s.split(";") if p)
        return items

    def expand_all(self, args: Iterable[Arg], ctx: _Ctx) -> list[_Pair]:
        return [(item, arg.line) for arg in args for item in self.expand(arg, ctx)]

    def word(self, arg: Arg, ctx: _Ctx) -> str:
        """An argument used as a name or keyword: its first value, restored."""
        items = self.expand(arg, ctx)
        return _restore(items[0].text) if items else ""

    # -- assignment ----------------------------------------------------------------------------

    def assign(
        self,
        vars_: _Vars,
        name: str,
        items: Sequence[_Item],
        ctx: _Ctx,
        guard: Guard,
        certain: bool | None = None,
    ) -> None:
        alt = _Alt(tuple(_elements(items)[:_MAX_LIST]), guard)
        old = vars_.get(name, _UNSET)
        if (ctx.certain if certain is None else certain) or not old:
            vars_[name] = [alt]
        else:  # set in one branch: the earlier values remain in the other builds
            vars_[name] = ([a for a in old if a.guard != guard] + [alt])[-_MAX_ALTS:]

    def forget(self, ctx: _Ctx, *names: str) -> None:
        for name in names:
            if name:
                ctx.vars[name] = None

    # -- conditions ----------------------------------------------------------------------------

    def condition(self, args: Sequence[Arg], ctx: _Ctx) -> Guard:
        toks: list[tuple[str, bool]] = []
        for arg in args:
            if arg.kind == UNQUOTED:
                for s, _ in self.substitute(arg.text, ctx, strict=True)[:1]:
                    toks.extend((_restore(p), False) for p in s.split(";") if p)
            else:
                text = (
                    arg.text if arg.kind == BRACKET else self.substitute(arg.text, ctx, True)[0][0]
                )
                toks.append((_restore(text), True))
        try:
            return _Condition(self, ctx, toks).parse()
        except _TooDeep:
            self.out.notes.append(
                f"{ctx.file}: an if() nested more than {_MAX_PARENS} parentheses deep was taken "
                "as an option"
            )
            return OPTION

    def name_guard(self, name: str) -> Guard:
        """`if(NAME)` for a variable the project does not set: how it varies between builds."""
        if name == "SKBUILD":
            return TRUE
        if is_test_name(name):
            return TEST
        if name in _PLATFORM_VARS or _PLATFORM_VAR.fullmatch(name) or is_platform_name(name):
            return PLATFORM
        return OPTION

    def _unresolved_guard(self, text: str) -> Guard | None:
        names = _UNRESOLVED_NAME.findall(text)
        if not names:
            return None
        guards = [self.name_guard(n) for n in names]
        return min(guards, key=lambda g: g.true_in)

    def _value_guard(self, value: list[_Alt]) -> Guard:
        guard = FALSE
        for alt in value:
            text, g = _joined(alt)
            text = _restore(text)
            unresolved = self._unresolved_guard(text)
            if unresolved is not None:
                truth = unresolved
            else:
                truth = FALSE if _constant(text) is False else TRUE
            guard = guard.or_(g.and_(truth))
        return guard

    def var_truth(self, name: str, ctx: _Ctx) -> Guard:
        value = ctx.vars.get(name, _UNSET)
        if value is None:
            return self.name_guard(name)
        if value is not _UNSET:
            return self._value_guard(value)
        if name in self.cache:
            cached, settable = self.cache[name]
            if settable:
                if is_test_name(name):
                    return TEST
                return OPTION_OFF if not self._value_guard(cached).reachable else OPTION
            return self._value_guard(cached)
        return self.name_guard(name)

    def truth(self, tok: tuple[str, bool], ctx: _Ctx) -> Guard:
        text, quoted = tok
        unresolved = self._unresolved_guard(text)
        if unresolved is not None:
            return unresolved
        const = _constant(text)
        if const is not None:
            return TRUE if const else FALSE
        if quoted:
            return FALSE
        return self.var_truth(text, ctx)

    def term(
        self, tok: tuple[str, bool], ctx: _Ctx, tested: bool = False
    ) -> tuple[str | None, Guard]:
        """A comparison operand: its literal value, or None and how it varies.  An undefined
        name is taken as a string, except on the `tested` (left) side, where it is a variable
        the project does not set but a `-D` (or a command the checker does not model) may."""
        text, quoted = tok
        unresolved = self._unresolved_guard(text)
        if unresolved is not None:
            return None, unresolved
        if quoted or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
            return text, TRUE
        value = ctx.vars.get(text, _UNSET)
        if value is None:
            return None, self.name_guard(text)
        if value is _UNSET and text in self.cache:
            value, settable = self.cache[text]
            if settable:
                return None, TEST if is_test_name(text) else OPTION
        if value is _UNSET:
            if tested or text in _PLATFORM_VARS or _EXTERNAL_VAR.fullmatch(text):
                return None, self.name_guard(text)
            return text, TRUE
        strings = [(_restore(s), g) for s, g in map(_joined, value)]
        if len(strings) == 1 and strings[0][1].certain and _UNRESOLVED not in strings[0][0]:
            return strings[0][0], TRUE
        rank = max(1, min(4, max(g.true_in for _, g in strings)))
        for s, _ in strings:
            unresolved = self._unresolved_guard(s)
            if unresolved is not None:
                rank = min(rank, max(1, unresolved.true_in))
        return None, Guard(rank, rank)

    def binary(self, left: tuple[str, bool], op: str, right: tuple[str, bool], ctx: _Ctx) -> Guard:
        if op == "IN_LIST":
            a, ga = self.term(left, ctx)
            value = self.lookup(right[0], ctx)
            if a is None or not value or len(value) > 1 or not value[0].guard.certain:
                return ga if a is None else OPTION
            return TRUE if a in [_restore(i.text) for i in value[0].items] else FALSE
        if op == "IS_NEWER_THAN":
            return OPTION
        a, ga = self.term(left, ctx, tested=True)
        b, gb = self.term(right, ctx)
        if a is None or b is None:
            unknown = [g for s, g in ((a, ga), (b, gb)) if s is None]
            return min(unknown, key=lambda g: g.true_in)
        result = _compare(op, a, b)
        return OPTION if result is None else (TRUE if result else FALSE)

    def unary(self, op: str, tok: tuple[str, bool], ctx: _Ctx) -> Guard:
        text = tok[0]
        if op in (
            "EXISTS",
            "IS_DIRECTORY",
            "IS_READABLE",
            "IS_SYMLINK",
            "IS_WRITABLE",
            "IS_EXECUTABLE",
        ):
            # Decided against the sdist when the path is anchored in it; a relative path is
            # resolved by CMake against the build directory, so it stays unknown.
            if not text.startswith(_SRC):
                return UNKNOWN_FILE
            where, path = locate(text, ctx.dir.source)
            if where != "src":
                return UNKNOWN_FILE if where != "climb" else missing(path)
            present = self.tree.is_dir(path) if op == "IS_DIRECTORY" else self.tree.exists(path)
            return TRUE if present else missing(path)
        if op == "IS_ABSOLUTE":
            return TRUE if text.startswith(_SRC) or _is_absolute(text) else FALSE
        if op == "DEFINED":
            if text.startswith("ENV{"):
                return OPTION
            name = text[6:-1] if text.startswith("CACHE{") else text
            value = ctx.vars.get(name, _UNSET)
            if value is None or name in self.cache or name == "SKBUILD":
                return TRUE
            if value is not _UNSET:
                guard = FALSE
                for alt in value:
                    guard = guard.or_(alt.guard)
                return guard
            return self.name_guard(name)
        if op == "TARGET":
            return TRUE if text in self.targets or text in self.aliases else OPTION
        if op == "COMMAND":
            return TRUE if text.lower() in self.functions or text.lower() in _HANDLERS else OPTION
        if op == "TEST":
            return TEST
        return TRUE  # POLICY: a modern CMake knows them

    # -- running -------------------------------------------------------------------------------

    def parse(self, path: str) -> _Parsed | None:
        if path in self.parsed:
            return self.parsed[path]
        text = self.tree.read_text(path)
        if text is None:
            return None
        commands, problems = tokenize(text)
        ends, unclosed = _block_ends(commands)
        for problem in problems:
            self.out.notes.append(f"{path}: {problem}; analysed up to there")
        if unclosed:
            self.out.notes.append(f"{path}: {unclosed} unclosed foreach/function/macro block(s)")
        parsed = _Parsed(commands, ends, text.replace("\x00", "").splitlines())
        self.parsed[path] = parsed
        return parsed

    def enter(self, ctx: _Ctx) -> bool:
        if self.depth >= _MAX_DEPTH:
            if not self.deep_note:
                self.deep_note = True
                self.out.notes.append(
                    f"{ctx.file}: add_subdirectory/include/function/foreach nesting deeper than "
                    f"{_MAX_DEPTH} levels was not followed"
                )
            return False
        self.depth += 1
        return True

    def directory(self, path: str, parent: _Ctx | None, guard: Guard) -> None:
        file = posixpath.join(path, "CMakeLists.txt") if path else "CMakeLists.txt"
        parsed = self.parse(file)
        if parsed is None or path in self.dirs:
            return
        self.dirs.add(path)
        vars_: _Vars = dict(parent.vars) if parent else {}
        here = _abs(path)
        vars_.update(
            CMAKE_CURRENT_SOURCE_DIR=_value(here),
            CMAKE_CURRENT_LIST_DIR=_value(here),
            CMAKE_CURRENT_LIST_FILE=_value(_abs(file)),
            CMAKE_CURRENT_BINARY_DIR=_value(_BIN + here[len(_SRC) :]),
        )
        if parent is None:
            top = _abs(self.root)
            for name in ("CMAKE_SOURCE_DIR", "PROJECT_SOURCE_DIR", "CMAKE_HOME_DIRECTORY"):
                vars_[name] = _value(top)
            for name in ("CMAKE_BINARY_DIR", "PROJECT_BINARY_DIR"):
                vars_[name] = _value(_BIN + top[len(_SRC) :])
        d = _Dir(path, list(parent.dir.includes) if parent else [])
        ctx = _Ctx(d, vars_, parent.vars if parent else None, file, parsed.lines)
        ctx.parent_certain = parent is None or parent.certain
        if parent is not None and not self.enter(ctx):
            return
        try:
            self.run(parsed, 0, len(parsed.commands), ctx, guard)
        finally:
            if parent is not None:
                self.depth -= 1

    def include_file(self, path: str, ctx: _Ctx, guard: Guard) -> None:
        parsed = self.parse(path)
        if parsed is None or not self.enter(ctx):
            return
        saved = {
            k: ctx.vars.get(k, _UNSET)
            for k in ("CMAKE_CURRENT_LIST_DIR", "CMAKE_CURRENT_LIST_FILE")
        }
        ctx.vars["CMAKE_CURRENT_LIST_DIR"] = _value(_abs(posixpath.dirname(path)))
        ctx.vars["CMAKE_CURRENT_LIST_FILE"] = _value(_abs(path))
        inner = _Ctx(ctx.dir, ctx.vars, ctx.parent, path, parsed.lines)
        inner.parent_certain = ctx.certain and ctx.parent_certain
        try:
            self.run(parsed, 0, len(parsed.commands), inner, guard, ctx.certain)
        finally:
            self.depth -= 1
            for k, v in saved.items():
                if v is _UNSET:
                    ctx.vars.pop(k, None)
                else:
                    ctx.vars[k] = v

    def run(
        self, parsed: _Parsed, start: int, end: int, ctx: _Ctx, base: Guard, outer: bool = True
    ) -> str | None:
        """Run commands[start:end]; "return"/"break"/"continue" when one ends the body early.
        `outer`: whether the body itself runs whenever the owner of `ctx.vars` runs."""
        commands = parsed.commands
        frames: list[_IfFrame] = []  # outer, taken so far, first label
        rel = TRUE  # the guard of the current branch within this body
        i = start
        while i < end:
            c = commands[i]
            name = c.name
            if name in ("if", "elseif", "else", "endif"):
                rel = self.branch(c, ctx, base, rel, frames)
                i += 1
                continue
            guard = base.and_(rel)
            if name in _BLOCK_END:
                stop = parsed.ends.get(i, end)
                if guard.reachable:
                    ctx.certain = rel.certain and outer
                    signal = self.block(c, parsed, i, min(stop, end), ctx, guard)
                    if signal == "return":
                        return signal
                i = stop + 1
                continue
            i += 1
            if not guard.reachable or name in _BLOCK_END.values():
                continue
            self.budget += 1
            if self.budget > _BUDGET:
                raise _Budget
            if name in ("return", "break", "continue"):
                if rel.certain:
                    return name
                if name == "return":  # the rest of the body runs only when it did not return
                    base = base.and_(rel.not_().label(f"no return() under {rel.condition}"))
                continue
            ctx.certain = rel.certain and outer
            if name in self.functions:
                self.call(self.functions[name], c, ctx, guard)
            else:
                handler = _HANDLERS.get(name[1:] if name.startswith("_") else name)
                if handler is not None:
                    handler(self, c, ctx, guard)
        return None

    def branch(
        self,
        c: Command,
        ctx: _Ctx,
        base: Guard,
        rel: Guard,
        frames: list[_IfFrame],
    ) -> Guard:
        raw = " ".join(a.raw for a in c.args)
        if c.name == "if":
            cond = self.condition(c.args, ctx) if base.and_(rel).reachable else FALSE
            self.chains += 1
            frames.append(_IfFrame(rel, cond, f"if({raw})", self.chains))
            return rel.and_(cond.label(f"if({raw})", (self.chains, 0)))
        if not frames:  # stray elseif/else/endif
            return rel
        f = frames[-1]
        if c.name == "endif":
            frames.pop()
            return f.outer
        f.index += 1
        if c.name == "else":
            return f.outer.and_(f.taken.not_().label(f"else() of {f.label}", (f.chain, f.index)))
        cond = self.condition(c.args, ctx) if base.and_(f.outer).reachable else FALSE
        branch = f.taken.not_().and_(cond)
        f.taken = f.taken.or_(cond)
        return f.outer.and_(branch.label(f"elseif({raw}) after {f.label}", (f.chain, f.index)))

    def block(
        self, c: Command, parsed: _Parsed, i: int, stop: int, ctx: _Ctx, guard: Guard
    ) -> str | None:
        if c.name in ("function", "macro"):
            words = [self.word(a, ctx) for a in c.args]
            if words and words[0]:
                list_dir = self.lookup("CMAKE_CURRENT_LIST_DIR", ctx)
                self.functions[words[0].lower()] = _Function(
                    parsed,
                    i + 1,
                    stop,
                    ctx.file,
                    tuple(words[1:]),
                    c.name == "macro",
                    guard if not ctx.certain else TRUE,
                    _joined(list_dir[0])[0] if list_dir else _abs(ctx.dir.source),
                )
            return None
        if not self.enter(ctx):
            return None
        try:
            if c.name == "foreach":
                return self.foreach(c, parsed, i, stop, ctx, guard)
            if c.name == "while":
                guard = guard.and_(self.condition(c.args, ctx))
            certain = ctx.certain and c.name == "block"  # a while body may not run at all
            signal = self.run(parsed, i + 1, stop, ctx, guard, certain) if guard.reachable else None
            return "return" if signal == "return" else None
        finally:
            self.depth -= 1

    def foreach(
        self, c: Command, parsed: _Parsed, i: int, stop: int, ctx: _Ctx, guard: Guard
    ) -> str | None:
        if not c.args:
            return None
        var = self.word(c.args[0], ctx)
        items: list[_Item] = []
        pairs = self.expand_all(c.args[1:], ctx)
        words = [_restore(p[0].text) for p in pairs]
        if words[:1] == ["RANGE"]:
            numbers = [int(w) for w in words[1:4] if re.fullmatch(r"-?\d+", w)]
            if numbers:
                start, stop_n = (0, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
                step = numbers[2] if len(numbers) > 2 and numbers[2] > 0 else 1
                items = [_Item(str(n)) for n in range(start, stop_n + 1, step)[:_MAX_ITEMS]]
        elif words[:1] == ["IN"]:
            mode = ""
            for (item, _), word in zip(pairs[1:], words[1:], strict=True):
                if word in ("LISTS", "ITEMS", "ZIP_LISTS"):
                    mode = word
                elif mode == "ITEMS":
                    items.append(item)
                elif mode == "LISTS":
                    value = self.lookup(word, ctx)
                    if value:
                        items.extend(
                            replace(it, guard=it.guard.and_(alt.guard))
                            for alt in value
                            for it in alt.items
                        )
                    elif value is None:
                        items.append(_Item(_marker(word)))
        else:
            items = [p[0] for p in pairs]
        saved = ctx.vars.get(var, _UNSET)
        certain = ctx.certain
        try:
            for item in items[:_MAX_ITEMS]:
                ctx.vars[var] = [_Alt((replace(item, guard=TRUE),), item.guard)]
                signal = self.run(
                    parsed, i + 1, stop, ctx, guard.and_(item.guard), certain and item.guard.certain
                )
                if signal in ("break", "return"):
                    return "return" if signal == "return" else None
        finally:
            if saved is _UNSET:
                ctx.vars.pop(var, None)
            else:
                ctx.vars[var] = saved
        return None

    def call(self, fn: _Function, c: Command, ctx: _Ctx, guard: Guard) -> None:
        # `f(${X})` with X set differently in two branches: one call per value, so that the
        # values do not become two arguments.
        combinations: list[list[_Item]] = [[]]
        for arg in c.args:
            options = self.alternatives(arg, ctx)
            combinations = [done + more for done in combinations for more in options][:_MAX_ALTS]
        for items in combinations:
            self.call_with(fn, _elements(items), ctx, guard)

    def alternatives(self, arg: Arg, ctx: _Ctx) -> list[list[_Item]]:
        whole = _WHOLE_VAR.fullmatch(arg.text) if arg.kind == UNQUOTED else None
        value = self.lookup(whole.group(1), ctx) if whole is not None else None
        if value is None or len(value) < 2:
            return [self.expand(arg, ctx)]
        return [[replace(i, guard=i.guard.and_(alt.guard)) for i in alt.items] for alt in value]

    def call_with(self, fn: _Function, items: list[_Item], ctx: _Ctx, guard: Guard) -> None:
        if not self.enter(ctx):
            return
        try:
            vars_ = ctx.vars if fn.macro else dict(ctx.vars)
            bound = {
                "ARGC": [_Alt((_Item(str(len(items))),))],
                "ARGV": [_Alt(tuple(items))],
                "ARGN": [_Alt(tuple(items[len(fn.params) :]))],
            }
            for n, item in enumerate(items[:32]):
                bound[f"ARGV{n}"] = [_Alt((item,))]
            for n, param in enumerate(fn.params):
                bound[param] = [_Alt((items[n],))] if n < len(items) else [_Alt(())]
            vars_.update(bound)
            if not fn.macro:
                vars_["CMAKE_CURRENT_FUNCTION_LIST_DIR"] = _value(fn.list_dir)
            inner = _Ctx(
                ctx.dir, vars_, ctx.parent if fn.macro else ctx.vars, fn.file, fn.parsed.lines
            )
            # A macro writes its caller's variables; a function its caller's with PARENT_SCOPE.
            inner.parent_certain = ctx.certain and (ctx.parent_certain if fn.macro else True)
            outer = ctx.certain if fn.macro else True
            self.run(fn.parsed, fn.start, fn.end, inner, guard.and_(fn.guard), outer)
        finally:
            self.depth -= 1

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


# -- command handlers ---------------------------------------------------------------------------


def _sections(
    pairs: Sequence[_Pair], keywords: Iterable[str], first: str = ""
) -> dict[str, list[_Pair]]:
    """Split arguments at keywords: {keyword: the arguments after it, all occurrences}."""
    words = frozenset(keywords)
    out: dict[str, list[_Pair]] = {first: []}
    current = first
    for pair in pairs:
        text = _restore(pair[0].text)
        if text in words:
            current = text
            out.setdefault(text, [])
        else:
            out[current].append(pair)
    return out


def _h_set(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if not c.args:
        return
    name = self.word(c.args[0], ctx)
    args = list(c.args[1:])
    parent = bool(args) and args[-1].kind == UNQUOTED and args[-1].text == "PARENT_SCOPE"
    if parent:
        args.pop()
    cache = next((n for n, a in enumerate(args) if a.kind == UNQUOTED and a.text == "CACHE"), -1)
    if cache >= 0:
        items = [p[0] for p in self.expand_all(args[:cache], ctx)]
        kind = args[cache + 1].text if cache + 1 < len(args) else ""
        force = any(a.kind == UNQUOTED and a.text == "FORCE" for a in args[cache + 2 :])
        if name not in self.cache or force:
            self.cache[name] = ([_Alt(tuple(items), guard)], kind != "INTERNAL")
        return
    if name.startswith("ENV{"):
        return
    target = ctx.parent if parent else ctx.vars
    if target is None:
        return
    certain = ctx.certain and (ctx.parent_certain if parent else True)
    if not args:
        if certain:
            target.pop(name, None)
        return
    self.assign(target, name, [p[0] for p in self.expand_all(args, ctx)], ctx, guard, certain)


def _h_unset(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if c.args and ctx.certain:
        words = [self.word(a, ctx) for a in c.args]
        if "CACHE" in words[1:]:
            self.cache.pop(words[0], None)
        elif "PARENT_SCOPE" in words[1:]:
            if ctx.parent is not None:
                ctx.parent.pop(words[0], None)
        else:
            ctx.vars.pop(words[0], None)


def _h_option(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    words = [self.word(a, ctx) for a in c.args]
    if words and words[0] not in ctx.vars and words[0] not in self.cache:
        default = words[2] if len(words) > 2 else "OFF"
        self.cache[words[0]] = (_value(default), True)


def _h_project(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if not c.args:
        return
    name = self.word(c.args[0], ctx)
    here = _abs(ctx.dir.source)
    build = _BIN + here[len(_SRC) :]
    top = self.project is None and ctx.dir.source == self.root
    if self.project is None:
        self.project = name
        ctx.vars["CMAKE_PROJECT_NAME"] = _value(name)
    flag = "ON" if top else "OFF"
    for key, value in (
        ("PROJECT_NAME", name),
        ("PROJECT_SOURCE_DIR", here),
        ("PROJECT_BINARY_DIR", build),
        (f"{name}_SOURCE_DIR", here),
        (f"{name}_BINARY_DIR", build),
        ("PROJECT_IS_TOP_LEVEL", flag),
        (f"{name}_IS_TOP_LEVEL", flag),
    ):
        ctx.vars[key] = _value(value)
    for key in (f"{name}_SOURCE_DIR", f"{name}_BINARY_DIR"):
        self.cache[key] = (_value(here if key.endswith("SOURCE_DIR") else build), False)


def _h_list(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 2:
        return
    sub, name = self.word(c.args[0], ctx).upper(), self.word(c.args[1], ctx)
    if sub in ("APPEND", "PREPEND", "INSERT"):
        args = c.args[3:] if sub == "INSERT" else c.args[2:]
        new = tuple(replace(p[0], guard=p[0].guard.and_(guard)) for p in self.expand_all(args, ctx))
        old = self.lookup(name, ctx)
        if old is None:
            return
        if not old:
            ctx.vars[name] = [_Alt(new)]
        else:
            ctx.vars[name] = [
                _Alt((a.items + new if sub != "PREPEND" else new + a.items)[:_MAX_LIST], a.guard)
                for a in old
            ]
    elif sub == "REMOVE_ITEM" and ctx.certain:
        drop = {p[0].text for p in self.expand_all(c.args[2:], ctx)}
        old = self.lookup(name, ctx)
        if old:
            ctx.vars[name] = [
                _Alt(tuple(i for i in a.items if i.text not in drop), a.guard) for a in old
            ]
    elif sub == "TRANSFORM":
        words = [self.word(a, ctx) for a in c.args]
        out = words[words.index("OUTPUT_VARIABLE") + 1] if "OUTPUT_VARIABLE" in words[:-1] else name
        old = self.lookup(name, ctx)
        selector = any(w in ("AT", "FOR", "REGEX") for w in words[4:])
        if len(words) > 3 and words[2] in ("APPEND", "PREPEND") and old and not selector:
            add = self.expand(c.args[3], ctx)
            text = add[0].text if add else ""
            front = words[2] == "PREPEND"
            ctx.vars[out] = [
                _Alt(
                    tuple(
                        replace(i, text=text + i.text if front else i.text + text) for i in a.items
                    ),
                    a.guard,
                )
                for a in old
            ]
        else:
            self.forget(ctx, out)
    elif sub in ("GET", "LENGTH", "FIND", "JOIN", "SUBLIST"):
        self.forget(ctx, self.word(c.args[-1], ctx))
    elif sub in ("POP_BACK", "POP_FRONT"):
        self.forget(ctx, *(self.word(a, ctx) for a in c.args[2:]))


_STRING_OUT = {
    "REGEX": 3,
    "REPLACE": 3,
    "JOIN": 2,
    "TOLOWER": 2,
    "TOUPPER": 2,
    "LENGTH": 2,
    "SUBSTRING": 4,
    "STRIP": 2,
    "GENEX_STRIP": 2,
    "REPEAT": 3,
    "COMPARE": 4,
    "FIND": 3,
    "TIMESTAMP": 1,
    "MAKE_C_IDENTIFIER": 2,
    "UUID": 1,
    "CONFIGURE": 2,
    "HEX": 2,
    "JSON": 1,
    "MD5": 1,
    "SHA1": 1,
    "SHA224": 1,
    "SHA256": 1,
    "SHA384": 1,
    "SHA512": 1,
    "SHA3_224": 1,
    "SHA3_256": 1,
    "SHA3_384": 1,
    "SHA3_512": 1,
}


def _h_string(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 2:
        return
    sub = self.word(c.args[0], ctx).upper()
    if sub in ("APPEND", "PREPEND", "CONCAT"):
        name = self.word(c.args[1], ctx)
        items = [p[0] for p in self.expand_all(c.args[2:], ctx)]
        text = "".join(i.text for i in items)
        g = TRUE
        for i in items:
            g = g.and_(i.guard)
        old = self.lookup(name, ctx) if sub != "CONCAT" else [_Alt(())]
        if not old or len(old) != 1:
            self.forget(ctx, name)
            return
        base, og = _joined(old[0])
        joined = text + base if sub == "PREPEND" else base + text
        self.assign(ctx.vars, name, [_Item(joined, g.and_(og))], ctx, guard)
    elif sub in ("RANDOM", "ASCII"):
        self.forget(ctx, self.word(c.args[-1], ctx))
    elif sub in _STRING_OUT and len(c.args) > _STRING_OUT[sub]:
        self.forget(ctx, self.word(c.args[_STRING_OUT[sub]], ctx))


def _path_op(text: str, mode: str, base: str) -> str | None:
    if _UNRESOLVED in text:
        return None
    name = text.rstrip("/").rpartition("/")[2]
    if mode in ("DIRECTORY", "PATH"):
        return text + "/.." if text in (_SRC, _BIN) else posixpath.dirname(text)
    if mode == "NAME":
        return name
    if mode in ("NAME_WE", "NAME_WLE"):
        return name.split(".")[0] if mode == "NAME_WE" else name.rpartition(".")[0] or name
    if mode in ("EXT", "LAST_EXT"):
        dot = name.find(".") if mode == "EXT" else name.rfind(".")
        return name[dot:] if dot >= 0 else ""
    if mode in ("ABSOLUTE", "REALPATH"):
        if text.startswith((_SRC, _BIN)) or _is_absolute(text):
            return _canon(text)
        return _canon(posixpath.join(base, text))
    return None


def _h_get_filename_component(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 3:
        return
    var = self.word(c.args[0], ctx)
    items = self.expand(c.args[1], ctx)
    words = [self.word(a, ctx) for a in c.args[2:]]
    base = _abs(ctx.dir.source)
    if "BASE_DIR" in words[:-1]:
        base = words[words.index("BASE_DIR") + 1]
    result = _path_op(items[0].text, words[0], base) if len(items) == 1 else None
    if result is None:
        self.forget(ctx, var)
    else:
        self.assign(ctx.vars, var, [_Item(result, items[0].guard)], ctx, guard)


def _h_cmake_path(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    words = [self.word(a, ctx) for a in c.args]
    if len(words) < 2:
        return
    sub, var = words[0], words[1]
    out = words[words.index("OUTPUT_VARIABLE") + 1] if "OUTPUT_VARIABLE" in words[:-1] else var
    current = self.lookup(var, ctx)
    value = _joined(current[0])[0] if current and len(current) == 1 else None
    result: str | None = None
    if sub == "SET" and len(c.args) > 2:
        items = self.expand(c.args[-1], ctx)
        result = _canon(items[0].text) if len(items) == 1 else None
        out = var
    elif sub == "APPEND" and value is not None:
        parts = [p[0].text for p in self.expand_all(c.args[2:], ctx)]
        parts = parts[: parts.index("OUTPUT_VARIABLE")] if "OUTPUT_VARIABLE" in parts else parts
        result = value
        for part in parts:
            result = (
                part
                if part.startswith((_SRC, _BIN)) or _is_absolute(part)
                else (posixpath.join(result, part) if result else part)
            )
    elif sub in ("NORMAL_PATH", "ABSOLUTE_PATH") and value is not None:
        base = _abs(ctx.dir.source)
        if "BASE_DIRECTORY" in words[:-1]:
            base = words[words.index("BASE_DIRECTORY") + 1]
        result = _path_op(value, "ABSOLUTE", base) if sub == "ABSOLUTE_PATH" else _canon(value)
    elif sub in (
        "GET",
        "HAS_ROOT_NAME",
        "HAS_ROOT_DIRECTORY",
        "HAS_ROOT_PATH",
        "HAS_FILENAME",
        "HAS_EXTENSION",
        "HAS_STEM",
        "HAS_RELATIVE_PART",
        "HAS_PARENT_PATH",
        "IS_ABSOLUTE",
        "IS_RELATIVE",
        "IS_PREFIX",
        "COMPARE",
        "HASH",
        "NATIVE_PATH",
        "CONVERT",
    ):
        out = words[-1] if words[-1] != "NORMALIZE" else words[-2]
    if result is None:
        self.forget(ctx, out)
    else:
        self.assign(ctx.vars, out, [_Item(result)], ctx, guard)


def _glob(self: _Interp, pairs: list[_Pair], ctx: _Ctx, guard: Guard, recurse: bool) -> list[_Item]:
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


def _h_file(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_configure_file(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args[:2], ctx)
    if pairs:
        self.path_ref(ctx, pairs[0], "cmake-configure-file", guard)
    if len(pairs) > 1:
        self.generated_path(pairs[1][0], ctx)


def _h_add_subdirectory(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_include(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    item, line = pairs[0]
    name = _restore(item.text)
    optional = any(_restore(p[0].text) == "OPTIONAL" for p in pairs[1:])
    g = guard.and_(item.guard)
    needed = g.and_(Guard(4, 0).label("include(... OPTIONAL)")) if optional else g
    if "/" in name or name.endswith(".cmake") or name.startswith(_SRC):
        path = self.path_ref(ctx, pairs[0], "cmake-include", needed)
        if path is not None and g.reachable and self.tree.is_file(path):
            self.include_file(path, ctx, g)
        return
    if name == "CTest":  # defines option(BUILD_TESTING ... ON)
        self.cache.setdefault("BUILD_TESTING", (_value("ON"), True))
    dirs = []
    for entry in self.lookup("CMAKE_MODULE_PATH", ctx) or []:
        for i in entry.items:
            where, path = locate(i.text, ctx.dir.source)
            if where == "src":
                dirs.append(path)
    for d in dirs:
        candidate = posixpath.join(d, name + ".cmake")
        if self.tree.is_file(candidate):
            self.ref(ctx, line, candidate, "cmake-include", needed)
            if g.reachable:
                self.include_file(candidate, ctx, g)
            return
    if dirs and name not in _MODULES and not name.startswith(_MODULE_PREFIXES):
        candidates = tuple(posixpath.join(d, name + ".cmake") for d in dirs)
        self.ref(
            ctx,
            line,
            candidates[0],
            "cmake-include",
            needed.and_(OPTION),
            alternatives=candidates[1:],
            note="not one of CMake's modules nor in the sdist's CMAKE_MODULE_PATH directories "
            "(it may come from a package found earlier)",
        )


def _named(self: _Interp, c: Command, ctx: _Ctx) -> tuple[list[str], list[_Pair]]:
    """A target command's target names (a variable set in several branches gives several) and
    its other arguments."""
    if not c.args:
        return [], []
    names = [_restore(i.text) for i in self.expand(c.args[0], ctx)]
    return list(dict.fromkeys(n for n in names if _UNRESOLVED not in n)), self.expand_all(
        c.args[1:], ctx
    )


def _add_target(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    words = [_restore(p[0].text) for p in pairs]
    if "ALIAS" in words:
        if words.index("ALIAS") + 1 < len(words):
            for name in names:
                self.aliases[name] = words[words.index("ALIAS") + 1]
        return
    sources: list[_Pair] = []
    skip = False
    for pair, word in zip(pairs, words, strict=True):
        if skip:
            skip = False
        elif word in _TARGET_VALUE_KEYWORDS:
            skip = True
        elif word not in _TARGET_FLAGS:
            sources.append(pair)
    for name in names:
        t = self.target(name, ctx.dir)
        if "IMPORTED" not in words:
            self.sources(t, sources, ctx, guard)


def _h_target_sources(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    for name in names:
        _target_sources(self, self.target(name), pairs, ctx, guard)


def _target_sources(self: _Interp, t: _Target, pairs: list[_Pair], ctx: _Ctx, guard: Guard) -> None:
    mode, sources = "src", []
    for pair in pairs:
        word = _restore(pair[0].text)
        if mode in ("name", "type"):
            mode = "fileset"
        elif word in _VISIBILITY or word == "FILES":
            mode = "src"
        elif word in ("FILE_SET", "TYPE"):
            mode = "name" if word == "FILE_SET" else "type"
        elif word == "BASE_DIRS":
            mode = "base"
        elif mode == "base":
            d = self.include_dir(pair[0], ctx)
            if d is not None:
                t.includes.append((d, "PUBLIC", False))
        elif mode == "src":
            sources.append(pair)
    self.sources(t, sources, ctx, guard)


def _cython_target(
    self: _Interp, ctx: _Ctx, guard: Guard, pyx: _Pair, var: str, language: str
) -> None:
    path = self.path_ref(ctx, pyx, "cmake-cython-source", guard)
    if path is None:
        return
    out = f"{_BIN}/{posixpath.splitext(path)[0]}.{'cxx' if language == 'CXX' else 'c'}"
    self.cython[out] = path
    if var:
        self.assign(ctx.vars, var, [_Item(out, pyx[0].guard)], ctx, guard)


def _h_add_cython_target(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # scikit-build's UseCython: add_cython_target(<Name> [<pyx>] [C|CXX] [OUTPUT_VAR <var>] ...)
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    name = _restore(pairs[0][0].text)
    sections = _sections(pairs[1:], ("OUTPUT_VAR",))
    rest = [p for p in sections[""] if _restore(p[0].text) not in _TARGET_FLAGS]
    pyx = rest[0] if rest else (_Item(name + ".pyx"), pairs[0][1])
    out = sections.get("OUTPUT_VAR", [])
    language = "CXX" if any(_restore(p[0].text) == "CXX" for p in sections[""]) else "C"
    _cython_target(self, ctx, guard, pyx, _restore(out[0][0].text) if out else name, language)


def _h_cython_transpile(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # cython-cmake: cython_transpile(<pyx> [LANGUAGE C|CXX] [CYTHON_ARGS ...] [OUTPUT_VARIABLE v])
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    sections = _sections(pairs[1:], ("LANGUAGE", "CYTHON_ARGS", "OUTPUT", "OUTPUT_VARIABLE"))
    var = sections.get("OUTPUT_VARIABLE", [])
    language = sections.get("LANGUAGE", [])
    _cython_target(
        self,
        ctx,
        guard,
        pairs[0],
        _restore(var[0][0].text) if var else "",
        _restore(language[0][0].text) if language else "C",
    )


def _h_include_directories(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    words = [p for p in self.expand_all(c.args, ctx)]
    before = any(_restore(p[0].text) == "BEFORE" for p in words)
    for item, _ in words:
        if _restore(item.text) in ("BEFORE", "AFTER", "SYSTEM"):
            continue
        d = self.include_dir(item, ctx)
        if d is not None and d not in ctx.dir.includes:
            if before:
                ctx.dir.includes.insert(0, d)
            else:
                ctx.dir.includes.append(d)


def _h_target_include_directories(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    visibility, before = "PRIVATE", False
    for item, _ in pairs:
        word = _restore(item.text)
        if word in _VISIBILITY:
            visibility = word
        elif word in ("BEFORE", "AFTER", "SYSTEM"):
            before = before or word == "BEFORE"
        else:
            d = self.include_dir(item, ctx)
            if d is not None:
                for name in names:
                    self.target(name).includes.append((d, visibility, before))


def _h_target_link_libraries(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    visibility = "PUBLIC"  # the plain signature is transitive
    for item, _ in pairs:
        word = _restore(item.text)
        if word in _VISIBILITY or word in (
            "LINK_PUBLIC",
            "LINK_PRIVATE",
            "LINK_INTERFACE_LIBRARIES",
        ):
            visibility = {"LINK_PUBLIC": "PUBLIC", "LINK_PRIVATE": "PRIVATE"}.get(word, word)
            visibility = "INTERFACE" if visibility == "LINK_INTERFACE_LIBRARIES" else visibility
        elif word not in ("debug", "optimized", "general"):
            for name in names:
                self.target(name).links.append((word, visibility))


# What a command line runs or loads from the sdist (other arguments may be its outputs).
_SCRIPTS = (".py", ".cmake", ".sh", ".pl", ".rb", ".bat", ".cmd", ".ps1", ".js", ".lua", ".tcl")


def _script_refs(
    self: _Interp,
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
                ref = self.make_ref(ctx, line, path, kind, guard.and_(item.guard), note=note)
                if ref is not None:  # kept unless it is a directory: decided at the end
                    self.pending.append(("", ref))


def _depends(self: _Interp, pairs: Iterable[_Pair], ctx: _Ctx, guard: Guard, kind: str) -> None:
    for item, line in pairs:
        raw = _restore(item.text)
        where, path = locate(raw, ctx.dir.source)
        if where == "src":
            note = "a missing dependency stops the build (no rule to make it)"
            ref = self.make_ref(ctx, line, path, kind, guard.and_(item.guard), note=note)
            if ref is not None:
                self.pending.append((raw, ref))


_CUSTOM_KEYWORDS = word_set(
    "OUTPUT COMMAND ARGS MAIN_DEPENDENCY DEPENDS BYPRODUCTS IMPLICIT_DEPENDS WORKING_DIRECTORY "
    "COMMENT DEPFILE JOB_POOL JOB_SERVER_AWARE VERBATIM APPEND USES_TERMINAL CODEGEN "
    "COMMAND_EXPAND_LISTS DEPENDS_EXPLICIT_ONLY TARGET PRE_BUILD PRE_LINK POST_BUILD ALL SOURCES"
)


def _h_add_custom_command(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    sections = _sections(self.expand_all(c.args, ctx), _CUSTOM_KEYWORDS)
    for key in ("OUTPUT", "BYPRODUCTS"):
        for item, _ in sections.get(key, []):
            self.generated_path(item, ctx)
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


def _h_add_custom_target(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_execute_process(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_set_generated(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_message(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_install(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_fetchcontent(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
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


def _h_cmake_parse_arguments(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    args = list(c.args)
    parse_argv = bool(args) and args[0].text == "PARSE_ARGV"
    if parse_argv:
        args = args[2:]
    if len(args) < 4:
        return
    prefix = self.word(args[0], ctx)

    def names(arg: Arg) -> set[str]:
        return {_restore(p) for i in self.expand(arg, ctx) for p in i.text.split(";") if p}

    options, single, multi = names(args[1]), names(args[2]), names(args[3])
    if parse_argv:
        argn = self.lookup("ARGN", ctx)
        items = list(argn[0].items) if argn else []
    else:
        items = [p[0] for p in self.expand_all(args[4:], ctx)]
    found: dict[str, list[_Item]] = {}
    unparsed: list[_Item] = []
    current: str | None = None
    for item in items:
        word = _restore(item.text)
        if word in options:
            found[word], current = [_Item("TRUE")], None
        elif word in single or word in multi:
            found[word], current = [], word
        elif current is not None:
            found[current].append(item)
            if current in single:
                current = None
        else:
            unparsed.append(item)
    for name in options | single | multi:
        key = f"{prefix}_{name}"
        if name in found and (found[name] or name in options):
            ctx.vars[key] = [_Alt(tuple(found[name]))]
        elif name in options:
            ctx.vars[key] = _value("FALSE")
        else:
            ctx.vars.pop(key, None)
    if unparsed:
        ctx.vars[f"{prefix}_UNPARSED_ARGUMENTS"] = [_Alt(tuple(unparsed))]
    else:
        ctx.vars.pop(f"{prefix}_UNPARSED_ARGUMENTS", None)


def _h_aux_source_directory(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    if len(pairs) < 2:
        return
    where, d = locate(pairs[0][0].text, ctx.dir.source)
    if where != "src":
        return
    found = [
        _Item(_abs(p), guard, globbed=True)
        for p in self.tree.glob(posixpath.join(d, "*") if d else "*")
        if posixpath.splitext(p)[1] in COMPILED
    ]
    self.assign(ctx.vars, _restore(pairs[1][0].text), found, ctx, guard)


# check_include_file(<header> <VAR>) and friends: the index of the result variable.
_PROBES = {
    "check_include_file": 1, "check_include_files": 1, "check_include_file_cxx": 1,
    "check_symbol_exists": 2, "check_cxx_symbol_exists": 2, "check_function_exists": 1,
    "check_library_exists": 3, "check_type_size": 1, "check_c_source_compiles": 1,
    "check_cxx_source_compiles": 1, "check_c_source_runs": 1, "check_cxx_source_runs": 1,
    "check_source_compiles": 2, "check_source_runs": 2, "check_c_compiler_flag": 1,
    "check_cxx_compiler_flag": 1, "check_compiler_flag": 2, "check_linker_flag": 2,
    "check_struct_has_member": 3, "check_variable_exists": 1, "check_prototype_definition": 4,
    "test_big_endian": 0,
}  # fmt: skip


def _h_probe(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # The result depends on the compiler and the target system: a platform test.
    index = _PROBES[c.name.removeprefix("_")]
    if index < len(c.args):
        name = self.word(c.args[index], ctx)
        self.assign(ctx.vars, name, [_Item(_marker("CMAKE_SYSTEM_NAME"))], ctx, guard)


def _h_output_first(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # find_path(VAR ...), get_target_property(VAR ...): values from outside the sdist.
    if c.args:
        self.forget(ctx, self.word(c.args[0], ctx))


def _h_math(self: _Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) > 1:
        self.forget(ctx, self.word(c.args[1], ctx))


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
    interp = _Interp(tree, out, root)
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
