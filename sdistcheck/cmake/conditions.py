"""CMake's `if()`/`elseif()`/`while()` conditions, evaluated statically into a `Guard`: constants
and literal comparisons are decided, `EXISTS` against the sdist, and a name the project does not
set becomes a platform, test or option switch.  MATCHES regexes are never run (untrusted input)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from ..native.guards import (
    FALSE,
    OPTION,
    OPTION_OFF,
    OPTION_ON,
    PLATFORM,
    TEST,
    TRUE,
    UNKNOWN_FILE,
    Guard,
    is_platform_name,
    is_test_name,
    missing,
    word_set,
)
from ..native.paths import _SRC, _UNRESOLVED, _UNRESOLVED_NAME, _is_absolute, _restore, locate
from .lexer import BRACKET, UNQUOTED, Arg
from .variables import _UNSET, Variables, _Alt, _Ctx, _joined

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
# CMake's own switches that are unset unless the user passes them: off in a plain build.
_CMAKE_OFF = word_set("CMAKE_SKIP_INSTALL_RULES CMAKE_SKIP_INSTALL_ALL_DEPENDENCY CMAKE_SKIP_RPATH")
_EXTERNAL_VAR = re.compile(r"CMAKE_\w+|SKBUILD\w*|\w+_(?:FOUND|VERSION\w*|DIR|DIRS|EXECUTABLE)")

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

_MAX_PARENS = 40  # parentheses in one if(): bounded so the parser's recursion is too


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
    m = re.match(r"\d{1,18}(?:\.\d{1,18})*", text.strip())  # longer: more than int() takes
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


_OPTION_ON = Guard(0, 2)  # true in the default build, false only when the user asks


def _unset_env(text: str) -> bool:
    """Whether `text` is exactly an environment variable's value (`$ENV{X}`, unknown here)."""
    m = _UNRESOLVED_NAME.fullmatch(text)
    return m is not None and m.group(1).startswith("ENV{")


class _TooDeep(Exception):
    pass


class _Condition:
    """The arguments of if()/elseif()/while(), parsed by CMake's precedence into a Guard."""

    def __init__(self, interp: Conditions, ctx: _Ctx, toks: list[tuple[str, bool]]) -> None:
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


class Conditions(Variables):
    """The interpreter's condition layer: if() arguments to a Guard."""

    def is_builtin(self, name: str) -> bool:
        """Whether `name` is a command the analyser models (for `if(COMMAND name)`)."""
        raise NotImplementedError

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
        package = self.found_vars.get(name)
        if package is not None:
            # pip builds in isolation, where a library the project also vendors is usually
            # not installed: the not-found side is the default build, and says so
            not_installed = f"where {package} is not installed (find_package)"
            return Guard(2, 0, (f"{package} is installed",), negated=(not_installed,))
        if is_test_name(name):
            return TEST
        if name in _CMAKE_OFF:
            return OPTION_OFF
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
                default = self._value_guard(cached)
                if not default.reachable:
                    return OPTION_OFF
                # ON by default, whatever the platform: a plain `pip install` takes it
                return OPTION_ON if default.certain else OPTION
            return self._value_guard(cached)
        return self.name_guard(name)

    def truth(self, tok: tuple[str, bool], ctx: _Ctx) -> Guard:
        text, quoted = tok
        if _unset_env(text):
            return OPTION_OFF  # `if("$ENV{X}")`: empty, so false, in a plain `pip install`
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
        unset = [_unset_env(left[0]), _unset_env(right[0])]
        if any(unset):
            # `"$ENV{X}" STREQUAL "1"`: a plain `pip install` sets no variable, so the default
            # build compares "" and the other outcome is the option (argon2-cffi-bindings)
            a, ga = ("", TRUE) if unset[0] else self.term(left, ctx)
            b, gb = ("", TRUE) if unset[1] else self.term(right, ctx)
            if a is None or b is None:
                return ga if a is None else gb
            result = _compare(op, a, b)
            return OPTION if result is None else (_OPTION_ON if result else OPTION_OFF)
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
                # An environment variable a plain `pip install` does not set: its else() side is
                # the ordinary build (py_bitcoinkernel's BITCOINKERNEL_LIB).
                return OPTION_OFF
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
            if text in self.targets or text in self.aliases:
                return TRUE
            if "::" in text or _UNRESOLVED in text:
                return OPTION  # an imported target: there when its package is installed
            # CMake runs top to bottom: a project target not defined so far could only come
            # from an installed package, which an isolated build usually lacks (pyscamp's
            # `if(NOT TARGET gflags) add_subdirectory(third_party/gflags)`)
            return Guard(2, 0, (f"TARGET {text}",), negated=(f"where no target {text} is defined",))
        if op == "COMMAND":
            return (
                TRUE if text.lower() in self.functions or self.is_builtin(text.lower()) else OPTION
            )
        if op == "TEST":
            return TEST
        return TRUE  # POLICY: a modern CMake knows them
