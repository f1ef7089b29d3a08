"""Follow C/C++ `#include`s from the files a build compiles, as the preprocessor resolves them.

Each file is scanned once: comments, strings and char literals are blanked (positions kept), so
a commented-out `#include` is no reference; one C-speed search then finds the directive lines,
and a stack of `#if` branches gives each include its guard.  Operands and conditions are read
from the original text.  Resolution depends on the include path, so it happens per unit:
`"x.h"` in the including file's directory, then the unit's include dirs; `<x.h>` in the include
dirs only (anything else is a system header, not a reference).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ._model import Reference, Scope
from ._native import CompileUnit
from ._tree import SdistTree, normalize

RANK = {Scope.ALWAYS: 0, Scope.PLATFORM: 1, Scope.OPTION: 2, Scope.TEST: 3, Scope.GUARDED: 4}
SCOPES = tuple(RANK)  # rank -> scope

MAX_BYTES = 8 * 1024 * 1024  # as _archive's parse limit: generated C (Cython) gets this big
_MAX_VISITS = 200_000  # (file, include path) visits per analyse(): bounds pathological fan-out
LEAVES = "the path leaves the sdist"  # the note _check.satisfied() treats as never satisfied

# Files the C preprocessor reads: units with other suffixes (.pyx, Fortran, ...) are not scanned.
C_SUFFIXES = frozenset([
    ".c", ".cc", ".cpp", ".cxx", ".c++", ".cp", ".C", ".m", ".mm", ".cu", ".S", ".sx", ".h",
    ".hpp", ".hh", ".hxx", ".h++", ".inl", ".inc", ".def", ".tcc", ".ipp", ".ixx"])  # fmt: skip

# --- masking --------------------------------------------------------------------------------

# What must be blanked so that only real directives are found: comments, strings, char literals.
# A line comment with no quote, `*` or backslash in it can neither hide a directive (the `#` is
# not first on its line) nor open a fake string or comment: left alone, it costs no iteration.
_MASKABLE = re.compile(
    r"//(?=[^\n]*[\"'*\\])(?:[^\n]*\\\r?\n)*[^\n]*"  # line comment, continued by a backslash
    r"|/\*"  # block comment: its end is found with str.find
    r"|\"[^\"\\\n]*(?:\\(?s:.)[^\"\\\n]*)*\"?"  # string; unterminated: to the end of the line
    r"|'(?:\\.[^'\n]{0,10}|[^\\'\n])'"  # char literal (not a C++14 digit separator)
)
_RAW_PREFIXES = ("", "u8", "u", "U", "L")
_RAW_OPEN = re.compile(r"R\"([^()\\\s\"]{0,16})\(")  # C++11 R"delim( ... )delim"


def mask(text: str) -> str:
    """`text` with comments, string and char literals replaced by spaces (same length)."""
    pieces: list[str] = []
    last = pos = 0
    search = _MASKABLE.search
    while (m := search(text, pos)) is not None:
        start, end = m.start(), m.end()
        token = text[start]
        if token == "/" and text[start + 1] == "*":
            close = text.find("*/", end)
            end = len(text) if close < 0 else close + 2
        elif token == '"' and start and text[start - 1] == "R":
            raw = _raw_string_end(text, start - 1)
            if raw is not None:
                start, end = start - 1, raw
        pieces.append(text[last:start])
        pieces.append(" " * (end - start))
        last = pos = end
    pieces.append(text[last:])
    return "".join(pieces)


def _raw_string_end(text: str, r_pos: int) -> int | None:
    """End of a raw string starting with the `R` at `r_pos`; None if that R is an identifier's."""
    prefix_start = r_pos
    while prefix_start and text[prefix_start - 1] in "u8LU":
        prefix_start -= 1
    before = text[prefix_start - 1 : prefix_start]
    if before.isalnum() or before == "_" or text[prefix_start:r_pos] not in _RAW_PREFIXES:
        return None
    m = _RAW_OPEN.match(text, r_pos)
    if m is None:
        return None
    close = text.find(")" + m.group(1) + '"', m.end())
    return len(text) if close < 0 else close + len(m.group(1)) + 2


# --- directives and conditions ----------------------------------------------------------------

# Only the directives that matter; `#define` bodies and the like are never iterated over.
_DIRECTIVE = re.compile(
    r"\n[ \t]*\#[ \t]*(?P<kw>include_next|include|import|ifdef|ifndef|if|elifdef|elifndef|elif"
    r"|else|endif)(?![\w])(?P<rest>[^\n]*)"
)
_NEXT_DIRECTIVE = re.compile(r"\n[ \t]*\#[ \t]*(\w+)[ \t]*(\w*)")
_OPERAND = re.compile(r"(?:\s|/\*.*?\*/)*(?:\"(?P<q>[^\"\n]*)\"|<(?P<a>[^>\n]*)>)", re.S)
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)|//[^\n]*", re.S)
_CONTINUATION = re.compile(r"\\\r?\n")
_HAS_INCLUDE = re.compile(
    r"(?P<neg>!\s*)?__has_include(?:_next)?\s*\(\s*(?:\"(?P<q>[^\"]*)\"|<(?P<a>[^>]*)>|[^)]*)\)"
)
_HAS_FEATURE = re.compile(
    r"__has_(?:builtin|attribute|feature|extension|cpp_attribute|c_attribute"
    r"|declspec_attribute|warning|embed)\s*\([^)]*\)"
)
_NUMBER = re.compile(r"(?<![\w.])\.?\d[\w.']*|'(?:\\.|[^\\'])*'")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_GUARD_IF = re.compile(r"!\s*defined\s*\(?\s*(\w+)\s*\)?\s*")
_ZERO = re.compile(r"[(\s]*0+[uUlL]*[)\s]*(?:&&.*)?", re.S)
_ONE = re.compile(
    r"[(\s]*(?:0[xX]0*[1-9a-fA-F][0-9a-fA-F]*|0*[1-9]\d*)[uUlL]*[)\s]*(?:\|\|.*)?", re.S
)

# Macros that tell the target, compiler or Python apart, with what to call them in a report.
# Anything else (HAVE_X, USE_Y, NDEBUG, CYTHON_*, Py_LIMITED_API, config macros) is an option.
_PLATFORM_LABELS = {
    "_WIN32": "Windows", "_WIN64": "Windows", "WIN32": "Windows", "_WINDOWS": "Windows",
    "__WIN32__": "Windows", "__WINDOWS__": "Windows", "MS_WINDOWS": "Windows",
    "_MSC_VER": "MSVC", "_MSC_FULL_VER": "MSVC", "__MINGW32__": "MinGW", "__MINGW64__": "MinGW",
    "__CYGWIN__": "Cygwin", "__APPLE__": "macOS", "__MACH__": "macOS", "__APPLE_CC__": "macOS",
    "__linux__": "Linux", "__linux": "Linux", "linux": "Linux", "__gnu_linux__": "Linux",
    "__unix__": "Unix", "__unix": "Unix", "unix": "Unix", "__FreeBSD__": "FreeBSD",
    "__OpenBSD__": "OpenBSD", "__NetBSD__": "NetBSD", "__DragonFly__": "DragonFly BSD",
    "__ANDROID__": "Android", "__EMSCRIPTEN__": "Emscripten", "__wasm__": "WebAssembly",
    "__wasi__": "WASI", "__sun": "Solaris", "sun": "Solaris", "_AIX": "AIX", "__hpux": "HP-UX",
    "__HAIKU__": "Haiku", "__GNU__": "GNU Hurd", "__QNX__": "QNX", "__MVS__": "z/OS",
    "__x86_64__": "x86_64", "__amd64__": "x86_64", "_M_X64": "x86_64", "_M_AMD64": "x86_64",
    "__aarch64__": "aarch64", "_M_ARM64": "aarch64", "__arm64__": "aarch64",
    "__i386__": "x86", "__i386": "x86", "_M_IX86": "x86", "__arm__": "arm", "_M_ARM": "arm",
    "__powerpc__": "powerpc", "__powerpc64__": "powerpc", "__ppc__": "powerpc",
    "__ppc64__": "powerpc", "__PPC64__": "powerpc", "__s390x__": "s390x", "__s390__": "s390",
    "__riscv": "riscv", "__mips__": "mips", "__sparc__": "sparc", "__loongarch__": "loongarch",
    "__GNUC__": "GCC-compatible compilers", "__GNUC_MINOR__": "GCC-compatible compilers",
    "__clang__": "Clang", "__clang_major__": "Clang", "__INTEL_COMPILER": "Intel C",
    "__cplusplus": "C++", "__OBJC__": "Objective-C", "__CUDACC__": "CUDA",
    "PYPY_VERSION": "PyPy", "PYPY_VERSION_NUM": "PyPy", "GRAALVM_PYTHON": "GraalPy",
    "PY_VERSION_HEX": "some Python versions", "PY_MAJOR_VERSION": "some Python versions",
    "PY_MINOR_VERSION": "some Python versions", "Py_GIL_DISABLED": "free-threaded Python",
}  # fmt: skip
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


@dataclass(frozen=True)
class Cond:
    """One `#if` branch an include sits in."""

    text: str  # e.g. "#ifdef _WIN32", "#else (after #ifdef _WIN32)"
    scope: Scope  # PLATFORM or OPTION; an include of a header in `guards` is GUARDED instead
    guards: frozenset[str] = frozenset()  # headers this branch tests with __has_include
    platforms: str | None = None  # for PLATFORM: e.g. "Windows", "not macOS"


@dataclass(frozen=True)
class Include:
    """One `#include` (or `#import`) with a literal operand."""

    name: str  # between the quotes or angle brackets, as written
    quoted: bool  # "x.h" rather than <x.h>
    line: int
    text: str  # the directive line, stripped
    conds: tuple[Cond, ...]  # the branches it sits in, outermost first


@dataclass
class _State:
    """Where an `#if` group stands at its current branch."""

    cond: Cond | None = None  # the current branch; None: taken whenever the enclosing code is
    dead: bool = False  # the current branch is never compiled (#if 0, or after an #if 1)
    prior: list[Cond] = field(default_factory=list)  # earlier conditional branches
    settled: bool = False  # an earlier branch was always taken: every later one is dead
    zero_only: bool = True  # every earlier branch was `#if 0`: an #else is always taken


@dataclass
class _Frame:
    """One `#if` .. `#endif` group.  Its branches are judged only when an include sits in one:
    generated code (Cython's) has thousands of `#if`s and few includes."""

    branches: list[tuple[str, str]]  # keyword, expression as written
    guard: bool = False  # the include guard: its first branch is no condition
    state: tuple[bool, Cond | None] | None = None  # dead?, condition; None: not judged yet

    def judge(self) -> tuple[bool, Cond | None]:
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
                        _enter(state, kw, _clean(expr))
                self.state = (state.dead, state.cond)
        return self.state


@lru_cache(maxsize=4096)
def _judge_one(kw: str, expr: str) -> tuple[bool, Cond | None]:
    state = _State()
    _enter(state, kw, _clean(expr))
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


def _clean(text: str) -> str:
    """A directive's text with comments and line continuations removed, spaces collapsed."""
    return " ".join(_COMMENT.sub(" ", _CONTINUATION.sub(" ", text)).split())


def _weakest(scopes: Sequence[Scope]) -> Scope:
    return max(scopes, key=RANK.__getitem__, default=Scope.ALWAYS)


def scan(text: str) -> tuple[Include, ...]:
    """Every include with a literal operand in one C/C++ file, with the `#if` branches around it.

    Includes in never-compiled branches (`#if 0`, the `#else` of an `#if 1`) are left out; the
    include guard wrapping a header (`#ifndef X` then `#define X` first) is no condition.
    """
    last = text.rfind("include")
    if last < 0:
        return ()
    # Nothing after the last include can matter: mask up to the end of its directive only.
    cut = last
    while (cut := text.find("\n", cut)) >= 0:
        before = cut - 1 if text[cut - 1 : cut] != "\r" else cut - 2
        if before < 0 or text[before] != "\\":
            break
        cut += 1  # a continued line: the directive goes on
    if cut < 0:
        cut = len(text)
    # A leading newline lets the directive search start with a literal (several times faster
    # than `^` in multiline mode); joining continued lines (same length) keeps it from matching
    # inside a `#define` body.
    text = "\n" + text[:cut]
    code = mask(text).replace("\\\r\n", "   ").replace("\\\n", "  ")
    includes: list[Include] = []
    stack: list[_Frame] = []
    line, line_pos = 0, 0
    first = True
    for m in _DIRECTIVE.finditer(code):
        kw = m.group("kw")
        if kw in ("include", "import"):
            first = False
            hash_pos = m.start("kw")
            op = _OPERAND.match(text, m.end("kw"), m.end())
            if op is None:
                continue  # `#include MACRO`: computed, not followed
            quoted = op.group("q") is not None
            name = (op.group("q") if quoted else op.group("a")).strip()
            if not name:
                continue
            conds: tuple[Cond, ...] = ()
            if stack:
                states = [f.judge() for f in stack]
                if any(dead for dead, _ in states):
                    continue  # never compiled
                conds = tuple(cond for _, cond in states if cond is not None)
            line += text.count("\n", line_pos, hash_pos)
            line_pos = hash_pos
            includes.append(Include(name, quoted, line, _line_text(text, hash_pos), conds))
        elif kw in ("if", "ifdef", "ifndef"):
            expr = text[m.start("rest") : m.end()]
            guard = first and _is_guard(kw, _clean(expr), code, m.end())
            stack.append(_Frame([(kw, expr)], guard))
        elif kw == "endif":
            if stack:
                stack.pop()
        elif kw != "include_next" and stack:  # #else, #elif..: a new branch of the group
            stack[-1].branches.append((kw, text[m.start("rest") : m.end()]))
            stack[-1].state = None
        first = False
    return tuple(includes)


def _is_guard(kw: str, expr: str, code: str, end: int) -> bool:
    if kw == "ifndef":
        name = expr.strip()
    elif kw == "if" and (g := _GUARD_IF.fullmatch(expr)) is not None:
        name = g.group(1)
    else:
        return False
    nxt = _NEXT_DIRECTIVE.search(code, end)
    return nxt is not None and nxt.group(1) == "define" and nxt.group(2) == name


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
        scope = _weakest([scope, *(c.scope for c in frame.prior)])
    frame.cond = Cond(shown, scope, guards, phrase if scope is Scope.PLATFORM else None)
    frame.prior.append(frame.cond)


def _else(frame: _State) -> None:
    if frame.settled:
        frame.dead, frame.cond = True, None
    elif frame.zero_only:
        frame.dead, frame.cond = False, None  # the #else of an #if 0 is always compiled
    else:
        frame.dead, frame.cond = False, _else_cond(frame.prior, "#else")
    frame.settled = True


def _else_cond(prior: list[Cond], shown: str) -> Cond:
    scope = _weakest([c.scope for c in prior])
    after = " / ".join(c.text for c in prior)
    platforms = _negated(prior) if scope is Scope.PLATFORM else None
    return Cond(f"{shown} (after {after})", scope, frozenset(), platforms)


def _line_text(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()


# --- headers that are never the sdist's: a quoted include of one that resolves nowhere is the
# --- compiler's, Python's or a system library's, not a missing file ---------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SYSTEM_HEADERS = _words("""
assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h math.h
setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbit.h stdbool.h stdckdint.h stddef.h
stdint.h stdio.h stdlib.h stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h
wctype.h unistd.h fcntl.h dirent.h dlfcn.h pthread.h sched.h semaphore.h poll.h termios.h
syslog.h pwd.h grp.h netdb.h libgen.h fnmatch.h glob.h regex.h spawn.h utime.h utmp.h utmpx.h
langinfo.h iconv.h alloca.h malloc.h memory.h strings.h endian.h byteswap.h execinfo.h
features.h getopt.h ifaddrs.h link.h elf.h err.h paths.h mntent.h ucontext.h wordexp.h
sysexits.h ftw.h search.h aio.h mqueue.h nl_types.h monetary.h ndbm.h cpio.h tar.h ulimit.h
stropts.h crypt.h shadow.h resolv.h libintl.h values.h sgtty.h termio.h
availabilitymacros.h targetconditionals.h availability.h crt_externs.h xlocale.h
windows.h winsock.h winsock2.h ws2tcpip.h ws2def.h mswsock.h iphlpapi.h winbase.h windef.h
winnt.h winerror.h winternl.h winreg.h wincrypt.h winioctl.h wtsapi32.h psapi.h tlhelp32.h
shlobj.h shellapi.h shlwapi.h objbase.h ole2.h oleauto.h io.h process.h direct.h conio.h
tchar.h crtdbg.h intrin.h excpt.h sal.h bcrypt.h ntstatus.h pdh.h powrprof.h lm.h lmcons.h
userenv.h sddl.h aclapi.h accctrl.h dbghelp.h versionhelpers.h sdkddkver.h mmsystem.h
commctrl.h share.h windowsx.h winver.h fileapi.h synchapi.h processthreadsapi.h memoryapi.h
handleapi.h sysinfoapi.h errhandlingapi.h libloaderapi.h winuser.h wchar.h mbstring.h
arm_neon.h arm_sve.h arm_acle.h cpuid.h altivec.h wasm_simd128.h omp.h
python.h structmember.h pythread.h frameobject.h datetime.h longintrepr.h pymem.h marshal.h
code.h abstract.h bltinmodule.h boolobject.h bytearrayobject.h bytesobject.h ceval.h codecs.h
compile.h complexobject.h descrobject.h dictobject.h enumobject.h errcode.h fileobject.h
fileutils.h floatobject.h funcobject.h genobject.h import.h intrcheck.h iterobject.h
listobject.h longobject.h memoryobject.h methodobject.h modsupport.h moduleobject.h object.h
objimpl.h opcode.h osdefs.h osmodule.h patchlevel.h py_curses.h pyarena.h pybuffer.h
pycapsule.h pyconfig.h pydtrace.h pyerrors.h pyexpat.h pyframe.h pyhash.h pylifecycle.h
pymacconfig.h pymacro.h pymath.h pyport.h pystate.h pystrcmp.h pystrtod.h pythonrun.h
pytypedefs.h rangeobject.h setobject.h sliceobject.h structseq.h sysmodule.h traceback.h
tracemalloc.h tupleobject.h typeslots.h unicodeobject.h warnings.h weakrefobject.h
cellobject.h classobject.h node.h graminit.h token.h bitset.h
zlib.h zconf.h bzlib.h lzma.h ffi.h ffitarget.h expat.h expat_external.h gmp.h mpfr.h
sqlite3.h png.h jpeglib.h tiff.h fftw3.h cblas.h lapacke.h mpi.h cuda.h cuda_runtime.h
yaml.h ncurses.h curses.h term.h readline.h gdbm.h tcl.h tk.h uv.h sodium.h hdf5.h
zmq.h zmq_utils.h libpq-fe.h libpq-events.h pg_config.h postgres_ext.h mysql.h
""")
_SYSTEM_DIRS = _words("""
sys net netinet netinet6 arpa linux asm asm-generic bits gnu mach mach-o libkern machine os
dispatch corefoundation iokit security carbon cocoa foundation applicationservices
systemconfiguration cpython numpy openssl crypto curl libxml libxslt pybind11
nanobind boost eigen x11 gl opengl egl vulkan readline hip tbb xsimd sodium unicode
""")


def is_system_header(name: str) -> bool:
    """True for a header the compiler, Python or a system library provides (never a reference)."""
    lowered = name.lower().replace("\\", "/").lstrip("./")
    if "." not in lowered.rpartition("/")[2]:
        return True  # <vector>, <cstdint>: C++ standard headers have no suffix
    base = lowered.rpartition("/")[2]
    if lowered in _SYSTEM_HEADERS or base.endswith("intrin.h") or base.startswith("pycore_"):
        return True
    return lowered.partition("/")[0] in _SYSTEM_DIRS and "/" in lowered


# What a build generates a header from: `config.h.in` (autoconf, CMake, meson), `x.h.src`
# (numpy's templating), `x.h.cmake`, `x.h.meson`, ...
_TEMPLATE_SUFFIXES = frozenset(
    ["in", "src", "cmake", "meson", "tmpl", "template", "tpl", "mako", "jinja", "j2", "py"]
)


def template_outputs(tree: SdistTree) -> frozenset[str]:
    """File names the build can generate from a shipped template: `x.h` for `x.h.in`, ..."""
    out = set()
    for path in tree.all_paths():
        stem, dot, suffix = path.rpartition("/")[2].rpartition(".")
        if dot and suffix in _TEMPLATE_SUFFIXES:
            out.add(stem)
    return frozenset(out)


def is_generated(name: str, declared: Collection[str], templates: Collection[str]) -> bool:
    """True when the build makes `name`: declared so (as written or by file name), or from a
    shipped template."""
    base = name.rpartition("/")[2]
    return name in declared or base in declared or base in templates


# --- the walk -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Via:
    """A condition met on the way to a file: shown with the references it leads to."""

    text: str
    platforms: str | None  # its phrase when it is a PLATFORM condition, else None


@dataclass(frozen=True)
class _Item:
    path: str
    dirs: tuple[str, ...]
    rank: int
    via: tuple[_Via, ...]


class _Walker:
    def __init__(
        self, tree: SdistTree, notes: list[str] | None, generated: Collection[str]
    ) -> None:
        self.tree = tree
        self.notes = notes
        self.generated = generated
        self.templates: frozenset[str] | None = None  # `x.h` for a shipped `x.h.in`, ...
        self.generated_seen: set[str] = set()
        self.scans: dict[str, tuple[Include, ...]] = {}
        self.visited: dict[tuple[str, tuple[str, ...]], int] = {}
        self.resolved: dict[tuple[str, str, bool, tuple[str, ...]], str | None] = {}
        self.refs: dict[tuple[str, int, str], tuple[int, Reference]] = {}
        self.by_name: dict[str, list[str]] | None = None
        self.visits = 0
        self.skipped: list[str] = []

    def file(self, path: str) -> tuple[Include, ...]:
        found = self.scans.get(path)
        if found is None:
            found = ()
            data = self.tree.read_bytes(path)
            if data is not None and len(data) > MAX_BYTES:
                self.skipped.append(path)
            elif data is not None and b"\0" not in data[:8192]:
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                found = scan(data.decode("utf-8", errors="replace"))
            self.scans[path] = found
        return found

    def run(self, units: Sequence[CompileUnit]) -> None:
        work: list[_Item] = []
        for unit in reversed(units):
            source = normalize(unit.source)
            suffix = posixpath.splitext(unit.source)[1]
            if not source or (suffix not in C_SUFFIXES and suffix.lower() not in C_SUFFIXES):
                continue
            normalized = (normalize(d) for d in unit.include_dirs)
            dirs = tuple(dict.fromkeys(d for d in normalized if d is not None))
            via: tuple[_Via, ...] = ()
            if unit.condition:
                where = f" ({unit.declared_in})" if unit.declared_in else ""
                phrase = unit.condition if unit.scope is Scope.PLATFORM else None
                via = (_Via(unit.condition + where, phrase),)
            work.append(_Item(source, dirs, RANK[unit.scope], via))
        while work:
            item = work.pop()
            key = (item.path, item.dirs)
            best = self.visited.get(key)
            if best is not None and best <= item.rank:
                continue
            if self.visits >= _MAX_VISITS:
                if self.notes is not None:
                    self.notes.append(
                        f"C includes: stopped after {_MAX_VISITS} header visits; "
                        "some headers were not followed"
                    )
                break
            self.visits += 1
            self.visited[key] = item.rank
            here = posixpath.dirname(item.path)
            for inc in self.file(item.path):
                child = self.include(item, here, inc)
                if child is not None:
                    work.append(child)
        if self.generated_seen and self.notes is not None:
            shown = ", ".join(sorted(self.generated_seen)[:3])
            self.notes.append(
                f"{len(self.generated_seen)} included header(s) are generated by the build "
                f"(declared, or from a shipped template), not expected in the sdist: {shown}"
            )
        if self.skipped and self.notes is not None:
            self.notes.append(
                f"{len(self.skipped)} C/C++ file(s) over {MAX_BYTES // 2**20} MiB not scanned for "
                f"includes, e.g. {self.skipped[0]}"
            )

    def include(self, item: _Item, here: str, inc: Include) -> _Item | None:
        """Record the reference `inc` makes from `item`; the file to follow next, if any."""
        name = inc.name.replace("\\", "/")
        if name.startswith("/") or name[1:3] == ":/":
            return None  # an absolute path is the build machine's, never the sdist's
        found = self.resolve(here, name, inc.quoted, item.dirs)
        note = None
        alternatives: tuple[str, ...] = ()
        if found is None:
            if not inc.quoted or is_system_header(name):
                return None
            found = self.by_suffix(name)
            if found is not None:
                note = "found by name only: built with an include directory not seen statically"
            elif self.is_generated(name):
                self.generated_seen.add(name)
                return None
        rank = item.rank
        for c in inc.conds:
            rank = max(rank, RANK[Scope.GUARDED if name in c.guards else c.scope])
        if found is not None:
            target = found
        else:
            joined = normalize(posixpath.join(here, name))
            candidates = (normalize(posixpath.join(d, name)) for d in item.dirs)
            alternatives = tuple(dict.fromkeys(c for c in candidates if c and c != joined))
            if joined is None:
                target, note = posixpath.normpath(posixpath.join(here, name)), LEAVES
            else:
                target = joined
        key = (item.path, inc.line, target)
        old = self.refs.get(key)
        if old is None or rank < old[0]:
            self.refs[key] = (
                rank,
                self.reference(item, inc, name, target, rank, alternatives, note),
            )
        if found is None:
            return None
        best = self.visited.get((found, item.dirs))
        if best is not None and best <= rank:
            return None  # already followed as needed at least as often (most includes)
        via = item.via
        if inc.conds:  # shown with where they guard the include, e.g. "#ifdef _WIN32 (m.c:3)"
            via += tuple(
                _Via(f"{c.text} ({item.path}:{inc.line})", c.platforms or c.text)
                if c.scope is Scope.PLATFORM and name not in c.guards
                else _Via(f"{c.text} ({item.path}:{inc.line})", None)
                for c in inc.conds
            )
        return _Item(found, item.dirs, rank, via)

    @staticmethod
    def reference(
        item: _Item,
        inc: Include,
        name: str,
        target: str,
        rank: int,
        alternatives: tuple[str, ...],
        note: str | None,
    ) -> Reference:
        texts = [v.text for v in item.via]
        phrases = [v.platforms for v in item.via if v.platforms]
        for c in inc.conds:
            texts.append(c.text)
            if c.scope is Scope.PLATFORM and name not in c.guards:
                phrases.append(c.platforms or c.text)
        scope = SCOPES[rank]
        platforms = ", ".join(dict.fromkeys(phrases)) if scope is Scope.PLATFORM else ""
        return Reference(
            target=target,
            source=item.path,
            line=inc.line,
            text=inc.text,
            kind="c-include",
            condition="; ".join(texts) or None,
            scope=scope,
            alternatives=alternatives,
            note=note,
            platforms=platforms or None,
        )

    def resolve(self, here: str, name: str, quoted: bool, dirs: tuple[str, ...]) -> str | None:
        key = (here if quoted else "", name, quoted, dirs)
        if key in self.resolved:
            return self.resolved[key]
        found = None
        for d in (here, *dirs) if quoted else dirs:
            path = normalize(posixpath.join(d, name) if d else name)
            if path is not None and self.tree.is_file(path):
                found = path
                break
        self.resolved[key] = found
        return found

    def is_generated(self, name: str) -> bool:
        if self.templates is None:
            self.templates = template_outputs(self.tree)
        return is_generated(name, self.generated, self.templates)

    def by_suffix(self, name: str) -> str | None:
        """The sdist file whose path ends with `name` (`..` and `.` dropped), shortest first."""
        if self.by_name is None:
            self.by_name = {}
            for path in sorted(self.tree.all_paths(), key=lambda p: (len(p), p)):
                self.by_name.setdefault(path.rpartition("/")[2], []).append(path)
        tail = "/".join(p for p in name.split("/") if p not in ("", ".", ".."))
        if not tail:
            return None
        for path in self.by_name.get(tail.rpartition("/")[2], ()):
            if path == tail or path.endswith("/" + tail):
                return path
        return None


def analyse(
    tree: SdistTree,
    units: Sequence[CompileUnit],
    notes: list[str] | None = None,
    generated: Collection[str] = (),
) -> list[Reference]:
    """Every file the C/C++ preprocessor reads for `units`, followed transitively.

    A quoted include found nowhere (not in the includer's directory, an include dir, or by name
    anywhere in the sdist) is a reference to a missing file, unless it names a system header;
    an unresolved `<...>` include is the system's.  Each reference keeps the `#if` branches and
    the unit condition on the way to it; the best scope over all the ways it is reached wins.
    Headers the build generates are no reference: those named in `generated` (as included, or
    by file name, e.g. from a meson `configure_file`), and those with a template in the sdist
    (`config.h.in`, `x.h.src`, ...).  Notes on skipped files are appended to `notes` if given.
    """
    walker = _Walker(tree, notes, generated)
    walker.run(units)
    return [ref for _, ref in walker.refs.values()]
