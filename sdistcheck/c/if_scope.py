"""What an `#if` branch means for the includes in it: never compiled, always, or a scope.

A group's branches (`#if`/`#ifdef`/`#elif`../`#else`) are judged only when an include sits in
one.  A condition on platform, compiler or Python macros only (`_WIN32`, `__APPLE__`,
`PY_VERSION_HEX`) is PLATFORM, with a phrase for reports ("Windows", "not macOS"); any other macro
is an OPTION; `__has_include(<x.h>)` guards the include of x.h; `#if 0` is never compiled.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .._model import Scope, weakest
from .branches import Cond

# clean(): what is no part of a directive's expression.
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)|//[^\n]*", re.S)
_CONTINUATION = re.compile(r"\\\r?\n")
# _classify(): the pieces of an expression.
_HAS_INCLUDE = re.compile(
    r"(?P<neg>!\s*)?__has_include(?:_next)?\s*\(\s*(?:\"(?P<q>[^\"]*)\"|<(?P<a>[^>]*)>|[^)]*)\)"
)
_HAS_FEATURE = re.compile(
    r"__has_(?:builtin|attribute|feature|extension|cpp_attribute|c_attribute"
    r"|declspec_attribute|warning|embed)\s*\([^)]*\)"
)
_NUMBER = re.compile(r"(?<![\w.])\.?\d[\w.']*|'(?:\\.|[^\\'])*'")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_ZERO = re.compile(r"[(\s]*0+[uUlL]*[)\s]*(?:&&.*)?", re.S)
_ONE = re.compile(
    r"[(\s]*(?:0[xX]0*[1-9a-fA-F][0-9a-fA-F]*|0*[1-9]\d*)[uUlL]*[)\s]*(?:\|\|.*)?", re.S
)


# Macros that tell the target, compiler or Python apart, with what to call them in a report.
# Anything else (HAVE_X, USE_Y, NDEBUG, CYTHON_*, Py_LIMITED_API, config macros) is an option.
_PLATFORM_LABELS = {
    "_WIN32": "Windows",
    "_WIN64": "Windows",
    "WIN32": "Windows",
    "_WINDOWS": "Windows",
    "__WIN32__": "Windows",
    "__WINDOWS__": "Windows",
    "MS_WINDOWS": "Windows",
    "_MSC_VER": "MSVC",
    "_MSC_FULL_VER": "MSVC",
    "__MINGW32__": "MinGW",
    "__MINGW64__": "MinGW",
    "__CYGWIN__": "Cygwin",
    "__APPLE__": "macOS",
    "__MACH__": "macOS",
    "__APPLE_CC__": "macOS",
    "__linux__": "Linux",
    "__linux": "Linux",
    "linux": "Linux",
    "__gnu_linux__": "Linux",
    "__unix__": "Unix",
    "__unix": "Unix",
    "unix": "Unix",
    "__FreeBSD__": "FreeBSD",
    "__OpenBSD__": "OpenBSD",
    "__NetBSD__": "NetBSD",
    "__DragonFly__": "DragonFly BSD",
    "__ANDROID__": "Android",
    "__EMSCRIPTEN__": "Emscripten",
    "__wasm__": "WebAssembly",
    "__wasi__": "WASI",
    "__sun": "Solaris",
    "sun": "Solaris",
    "_AIX": "AIX",
    "__hpux": "HP-UX",
    "__HAIKU__": "Haiku",
    "__GNU__": "GNU Hurd",
    "__QNX__": "QNX",
    "__MVS__": "z/OS",
    "__x86_64__": "x86_64",
    "__amd64__": "x86_64",
    "_M_X64": "x86_64",
    "_M_AMD64": "x86_64",
    "__aarch64__": "aarch64",
    "_M_ARM64": "aarch64",
    "__arm64__": "aarch64",
    "__i386__": "x86",
    "__i386": "x86",
    "_M_IX86": "x86",
    "__arm__": "arm",
    "_M_ARM": "arm",
    "__powerpc__": "powerpc",
    "__powerpc64__": "powerpc",
    "__ppc__": "powerpc",
    "__ppc64__": "powerpc",
    "__PPC64__": "powerpc",
    "__s390x__": "s390x",
    "__s390__": "s390",
    "__riscv": "riscv",
    "__mips__": "mips",
    "__sparc__": "sparc",
    "__loongarch__": "loongarch",
    "__GNUC__": "GCC-compatible compilers",
    "__GNUC_MINOR__": "GCC-compatible compilers",
    "__clang__": "Clang",
    "__clang_major__": "Clang",
    "__INTEL_COMPILER": "Intel C",
    "__cplusplus": "C++",
    "__OBJC__": "Objective-C",
    "__CUDACC__": "CUDA",
    "PYPY_VERSION": "PyPy",
    "PYPY_VERSION_NUM": "PyPy",
    "GRAALVM_PYTHON": "GraalPy",
    "PY_VERSION_HEX": "some Python versions",
    "PY_MAJOR_VERSION": "some Python versions",
    "PY_MINOR_VERSION": "some Python versions",
    "Py_GIL_DISABLED": "free-threaded Python",
}
# Macros the compiler, Python, numpy, Cython or a configure step define: never "the project's
# own" (`_`-prefixed names are reserved to the implementation).
_NOT_OWN = re.compile(r"_\w*|Py\w*|PY\w*|NPY_\w+|CYTHON_\w+|HAVE_\w+|WITH_\w+|NDEBUG|DEBUG")
_DEFINED = r"defined\s*(?:\(\s*(\w+)\s*\)|\s(\w+))"
_NOT_DEFINED_ALL = re.compile(rf"!\s*{_DEFINED}(?:\s*&&\s*!\s*{_DEFINED})*")
_DEFINED_ANY = re.compile(rf"{_DEFINED}(?:\s*\|\|\s*{_DEFINED})*")
_DEFINED_NAMES = re.compile(_DEFINED)
# Predefined families with no short label (the condition text describes them).
_PLATFORM_PATTERN = re.compile(
    r"__[a-z][a-z0-9_]*__|_M_\w+|__ARM_\w+|__SSE\w*|__AVX\w*|__FMA\w*|__BMI\w*|__POPCNT__"
    r"|__SIZEOF_\w+|SIZEOF_\w+|__BYTE_ORDER\w*|__ORDER_\w+|__FLOAT_WORD_ORDER\w*|BYTE_ORDER"
    r"|LITTLE_ENDIAN|BIG_ENDIAN|WORDS_BIGENDIAN|__BIG_ENDIAN__|__LITTLE_ENDIAN__|_LP64|__LP64__"
    r"|_ILP32|__ILP32__|__CHAR_BIT__|__WCHAR\w*|__STDC\w*|__GNUC\w*|__clang\w*|__GLIBC\w*"
    r"|__MINGW\w*|__MAC_OS_X\w*|MAC_OS_X_VERSION\w*|__IPHONE\w*|TARGET_OS_\w+|TARGET_CPU_\w+"
    r"|_WIN32_WINNT|WINVER|_WIN32_WCE|NTDDI_VERSION|_POSIX_\w+|_XOPEN_\w+|__has_include\w*"
    r"|__has_builtin|__has_attribute|__has_feature|__has_cpp_attribute|__cpp_\w+|__OPTIMIZE__"
)


@dataclass
class _State:
    """Where an `#if` group stands at its current branch."""

    cond: Cond | None = None  # the current branch; None: taken whenever the enclosing code is
    dead: bool = False  # the current branch is never compiled (#if 0, or after an #if 1)
    prior: list[Cond] = field(default_factory=list)  # earlier conditional branches
    settled: bool = False  # an earlier branch was always taken: every later one is dead
    zero_only: bool = True  # every earlier branch was `#if 0`: an #else is always taken
    # the project's macros whose definition turns an earlier branch on; None once one of them
    # tests anything else
    turned_on_by: frozenset[str] | None = frozenset()


@dataclass
class IfGroup:
    """One `#if` .. `#endif` group.  Its branches are judged only when an include sits in one:
    generated code (Cython's) has thousands of `#if`s and few includes."""

    branches: list[tuple[str, str]]  # keyword, expression as written
    guard: bool = False  # the include guard: its first branch is no condition
    failing: set[int] = field(default_factory=set)  # branches with an `#error`: never built
    state: tuple[bool, Cond | None] | None = None  # dead?, condition; None: not judged yet

    def judge(self) -> tuple[bool, Cond | None]:
        """(never compiled?, its condition or None) for the group's current (last) branch."""
        if self.state is None:
            if self.guard and len(self.branches) == 1:
                self.state = (False, None)
            elif len(self.branches) == 1:
                self.state = _judge_one(*self.branches[0])  # most groups: shared, cached
            else:
                state = _State()
                for i, (kw, expr) in enumerate(self.branches):
                    if kw == "else":
                        _else(state)
                    elif not (i == 0 and self.guard):
                        before = state.zero_only, list(state.prior), state.turned_on_by
                        _enter(state, kw, clean(expr))
                        if i in self.failing and not state.settled:
                            # A build that takes it stops at its #error: the later branches
                            # are the build's as if it were not there (Cython's
                            # `#ifndef Py_PYTHON_H #error ... #else`).
                            state.zero_only, state.prior, state.turned_on_by = before
                self.state = (state.dead, state.cond)
        return self.state


@lru_cache(maxsize=4096)
def _judge_one(kw: str, expr: str) -> tuple[bool, Cond | None]:
    state = _State()
    _enter(state, kw, clean(expr))
    return state.dead, state.cond


@lru_cache(maxsize=4096)
def _classify(expr: str) -> tuple[str, Scope, frozenset[str], str | None]:
    """('zero'|'one'|'cond', scope, headers __has_include tests positively, platform phrase)."""
    guards: set[str] = set()
    tested = False
    for m in _HAS_INCLUDE.finditer(expr):
        tested = True
        name = m.group("q") if m.group("q") is not None else m.group("a")
        if name is not None and not m.group("neg"):
            guards.add(name.strip().replace("\\", "/"))
    rest = _HAS_FEATURE.sub(" __has_feature ", _HAS_INCLUDE.sub(" ", expr))
    rest = _NUMBER.sub(" ", rest)
    idents = [i for i in _IDENT.findall(rest) if i != "defined"]
    if not idents and not tested:
        if _ZERO.fullmatch(expr):
            return "zero", Scope.OPTION, frozenset(), None
        if _ONE.fullmatch(expr):
            return "one", Scope.ALWAYS, frozenset(), None
        return "cond", Scope.OPTION, frozenset(), None  # arithmetic not evaluated: be modest
    if _ZERO.fullmatch(expr):  # `0 && defined(X)`
        return "zero", Scope.OPTION, frozenset(), None
    if _ONE.fullmatch(expr):  # `1 || defined(X)`
        return "one", Scope.ALWAYS, frozenset(), None
    platform = all(i in _PLATFORM_LABELS or _PLATFORM_PATTERN.fullmatch(i) for i in idents)
    if not platform or tested:
        return "cond", Scope.OPTION, frozenset(guards), None
    return "cond", Scope.PLATFORM, frozenset(), _phrase(expr, idents)


def _phrase(expr: str, idents: list[str]) -> str | None:
    """'Windows', 'not macOS', 'Linux or FreeBSD'; None when the text says it better."""
    labels = [_PLATFORM_LABELS.get(i) for i in idents]
    if None in labels:
        return None
    unique = list(dict.fromkeys(label for label in labels if label))
    if "!" in expr.replace("!=", ""):
        return f"not {unique[0]}" if len(unique) == 1 else None
    if len(unique) == 1:
        return unique[0]
    return " or ".join(unique) if "&&" not in expr else " ".join(unique)


def _negated(conds: list[Cond]) -> str | None:
    if len(conds) != 1 or conds[0].platforms is None:
        return None
    p = conds[0].platforms
    return p[4:] if p.startswith("not ") else f"not {p}"


def clean(text: str) -> str:
    """A directive's text with comments and line continuations removed, spaces collapsed."""
    return " ".join(_COMMENT.sub(" ", _CONTINUATION.sub(" ", text)).split())


def _enter(frame: _State, kw: str, expr: str) -> None:
    """Start the branch `#if/#ifdef/#ifndef/#elif.. expr` of `frame`."""
    if frame.settled:
        frame.dead, frame.cond = True, None
        return
    base = kw.removeprefix("el") if kw.startswith("elif") and kw != "elif" else kw
    if base == "ifdef":
        test = f"defined({expr})"
    elif base == "ifndef":
        test = f"!defined({expr})"
    else:
        test = expr
    kind, scope, guards, phrase = _classify(test)
    shown = f"#{kw} {expr}".strip()
    if kind == "zero":
        frame.dead, frame.cond = True, None
        return
    if kind == "one":
        frame.settled = True
        frame.dead = False
        frame.cond = _else_cond(frame.prior, shown) if frame.prior else None
        return
    frame.zero_only = False
    frame.dead = False
    if frame.prior:  # an #elif is taken only when the earlier branches are not
        scope = weakest(scope, *(c.scope for c in frame.prior))
    unless = frozenset[str]()
    if scope is Scope.OPTION and frame.turned_on_by is not None:
        off = _own_macros(_NOT_DEFINED_ALL, test)
        if off:
            unless = off | frame.turned_on_by
    frame.cond = Cond(shown, scope, guards, phrase if scope is Scope.PLATFORM else None, unless)
    frame.prior.append(frame.cond)
    on = _own_macros(_DEFINED_ANY, test)
    frame.turned_on_by = None if frame.turned_on_by is None or not on else frame.turned_on_by | on


def _own_macros(form: re.Pattern[str], test: str) -> frozenset[str]:
    """The macros of `test` when it has `form` and they are all the project's own, else {}."""
    if form.fullmatch(test.strip()) is None:
        return frozenset()
    names = {a or b for a, b in _DEFINED_NAMES.findall(test)}
    if any(
        _NOT_OWN.fullmatch(n) or n in _PLATFORM_LABELS or _PLATFORM_PATTERN.fullmatch(n)
        for n in names
    ):
        return frozenset()
    return frozenset(names)


def _else(frame: _State) -> None:
    if frame.settled:
        frame.dead, frame.cond = True, None
    elif frame.zero_only:
        frame.dead, frame.cond = False, None  # the #else of an #if 0 is always compiled
    else:
        frame.dead, frame.cond = False, _else_cond(frame.prior, "#else")
        if frame.turned_on_by and frame.cond.scope is Scope.OPTION:
            frame.cond = dataclasses.replace(frame.cond, unless=frame.turned_on_by)
    frame.settled = True


def _else_cond(prior: list[Cond], shown: str) -> Cond:
    scope = weakest(*(c.scope for c in prior))
    after = " / ".join(c.text for c in prior)
    platforms = _negated(prior) if scope is Scope.PLATFORM else None
    return Cond(f"{shown} (after {after})", scope, frozenset(), platforms)
