"""meson build files, read statically (never run): what a meson-python build needs from the sdist,
and what each target compiles with which include path.

meson's language is tokenized and parsed (strings, triple-quoted strings, f-strings, arrays,
dicts, method calls, `if`/`elif`/`else`, `foreach`, `?:`) and a small evaluator follows it from
the root `meson.build` through `subdir()`, with meson's global variables, each value keeping the
guard it was assigned under (two branches of one if-chain exclude each other, as for CMake).

References (kinds): `meson-subdir` (`x/meson.build`), `meson-files` (files() checks existence),
`meson-source` (string sources of executable/library/static_library/shared_library/
shared_module/both_libraries/build_target/py.extension_module, `sources:` and
declare_dependency), `meson-include-directories` (must exist), `meson-configure-file`,
`meson-custom-target-input` (`input:`, `depend_files:`), `meson-generator-input`,
`meson-vcs-tag`, `meson-install(-sources|-subdir)`, `meson-extra-files`, `meson-find-program` (a
script path), `meson-fs-*`, `meson-license-files`, `meson-subproject`, `meson-exists-required`
(`if not fs.exists(p)` + `error()`, or `assert(fs.exists(p))`) and `meson-options` (the options
file, when a project option is read with get_option(); built-in options need none).

Guards use the CMake analyser's algebra (`_cmake.Guard`): `host_machine.*()`, compiler queries
(`cc.get_id() == 'msvc'`, `cc.has_header()`) and variables assigned from them are platform tests;
get_option() is an option (a boolean or feature off by default is false in the ordinary build,
so its other side is `always`), or a test switch when its name has a test/bench/doc/example word;
`fs.exists()`/`is_file()`/`is_dir()` are decided against the sdist (missing: `guarded`);
`subdir_done()` ends the file, or guards the rest of it when conditional.  A string from
`'@0@'.format()`, an f-string or anything else not known statically is skipped (counted).
Compile units get the target's own directory (meson's implicit include), its
`include_directories:` and its dependencies' include directories.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ._cmake import (
    COMPILED,
    FALSE,
    OPTION,
    OPTION_OFF,
    PLATFORM,
    TEST,
    TRUE,
    UNKNOWN_FILE,
    BuildAnalysis,
    Guard,
    anchor,
    generated_names,
    is_test_name,
    locate,
    missing,
    word_set,
)
from ._model import Reference, Scope
from ._native import CompileUnit
from ._tree import SdistTree, normalize

# -- tokens -------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\f\v]+|\\\n)|(?P<comment>#[^\n]*)|(?P<nl>\n)"
    r"|(?P<mstr>f?''')|(?P<str>f?'(?:[^'\\\n]|\\.)*')|(?P<bad>f?')"
    r"|(?P<num>0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)"
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|<=|>=|\+=|[-+*/%<>=?:,.()\[\]{}])"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", "a": "\a", "b": "\b"}
_OPEN, _CLOSE = "([{", ")]}"


@dataclass(frozen=True)
class _Tok:
    kind: str  # "str", "fstr", "num", "id", "op", "nl", "eof"
    value: str
    line: int


def _tokens(text: str) -> tuple[list[_Tok], str | None]:
    toks: list[_Tok] = []
    pos, line, depth = 0, 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup == "bad":
            what = "unterminated string" if m is not None else "unexpected character"
            return toks, f"line {line}: {what} {text[pos : pos + 10]!r}"
        kind, value = m.lastgroup or "", m.group()
        if kind == "mstr":
            end = text.find("'''", m.end())
            if end < 0:
                return toks, f"line {line}: unterminated ''' string"
            body = text[m.end() : end]
            toks.append(_Tok("fstr" if value.startswith("f") else "str", body, line))
            line += body.count("\n")
            pos = end + 3
            continue
        if kind == "str":
            fmt = value.startswith("f")
            body = value[2:-1] if fmt else value[1:-1]
            body = re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group()), body)
            toks.append(_Tok("fstr" if fmt else "str", body, line))
        elif kind in ("num", "id"):
            toks.append(_Tok(kind, value, line))
        elif kind == "op":
            depth = depth + 1 if value in _OPEN else max(0, depth - 1) if value in _CLOSE else depth
            toks.append(_Tok("op", value, line))
        elif kind == "nl" and depth == 0 and toks and toks[-1].kind != "nl":
            toks.append(_Tok("nl", "", line))
        line += value.count("\n")
        pos = m.end()
    return toks, None


# -- syntax tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    line: int


@dataclass(frozen=True)
class _Lit(_Node):
    value: str | int | bool
    fstring: bool = False


@dataclass(frozen=True)
class _Id(_Node):
    name: str


@dataclass(frozen=True)
class _List(_Node):
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Map(_Node):
    pairs: tuple[tuple[_Node, _Node], ...]


@dataclass(frozen=True)
class _Call(_Node):
    obj: _Node | None  # None: a function; else a method of obj
    name: str
    args: tuple[_Node, ...]
    kwargs: tuple[tuple[str, _Node], ...]


@dataclass(frozen=True)
class _Op(_Node):
    op: str  # binary operator, "not", "neg", "index", "?:"
    operands: tuple[_Node, ...]


@dataclass(frozen=True)
class _Chain(_Node):
    """`a + b - c`, `a and b and c`: operators of one precedence, folded left (no recursion)."""

    first: _Node
    rest: tuple[tuple[str, _Node], ...]


@dataclass(frozen=True)
class _Assign(_Node):
    name: str
    op: str
    value: _Node


@dataclass(frozen=True)
class _Expr(_Node):
    value: _Node


@dataclass(frozen=True)
class _If(_Node):
    branches: tuple[tuple[_Node | None, tuple[_Node, ...], str], ...]  # cond (None: else)


@dataclass(frozen=True)
class _Foreach(_Node):
    names: tuple[str, ...]
    iterable: _Node
    body: tuple[_Node, ...]


@dataclass(frozen=True)
class _Jump(_Node):
    kind: str  # break, continue


class _ParseError(Exception):
    pass


_MAX_NESTING = 40  # expression and block nesting parsed; deeper is reported, not followed
_COMPARE = ("==", "!=", "<", ">", "<=", ">=")


class _Parser:
    def __init__(self, toks: list[_Tok], lines: list[str]) -> None:
        self.toks, self.lines, self.i, self.depth = toks, lines, 0, 0
        self.eof = _Tok("eof", "", toks[-1].line if toks else 1)

    def peek(self, ahead: int = 0) -> _Tok:
        i = self.i + ahead
        return self.toks[i] if i < len(self.toks) else self.eof

    def take(self) -> _Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, kind: str, value: str | None = None) -> bool:
        tok = self.peek()
        return tok.kind == kind and (value is None or tok.value == value)

    def expect(self, kind: str, value: str | None = None) -> _Tok:
        if not self.at(kind, value):
            tok = self.peek()
            if tok.kind == "eof":
                raise _ParseError(f"line {tok.line}: unexpected end of file (unclosed bracket?)")
            got = tok.value or "end of line"
            raise _ParseError(f"line {tok.line}: expected {value or kind!r}, got {got!r}")
        return self.take()

    def nest(self) -> None:
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise _ParseError(f"line {self.peek().line}: nested more than {_MAX_NESTING} deep")

    def program(self, out: list[_Node]) -> None:
        """Top-level statements into `out` (kept when a later one fails to parse)."""
        while not self.at("eof"):
            if self.at("nl"):
                self.take()
                continue
            out.append(self.statement())

    def block(self, *ends: str) -> tuple[_Node, ...]:
        body: list[_Node] = []
        while not (self.at("id") and self.peek().value in ends):
            if self.at("eof"):
                raise _ParseError(f"line {self.peek().line}: missing {'/'.join(ends)}")
            if self.at("nl"):
                self.take()
                continue
            body.append(self.statement())
        return tuple(body)

    def text(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    def statement(self) -> _Node:
        tok = self.peek()
        if tok.kind == "id" and tok.value in ("if", "foreach", "testcase"):
            self.nest()
            node = self.conditional() if tok.value == "if" else self.loop()
            self.depth -= 1
        elif tok.kind == "id" and tok.value in ("break", "continue"):
            self.take()
            node = _Jump(tok.line, tok.value)
        else:
            expr = self.expr()
            if self.at("op", "=") or self.at("op", "+="):
                op = self.take().value
                if not isinstance(expr, _Id):
                    raise _ParseError(f"line {tok.line}: assignment to a non-variable")
                node = _Assign(tok.line, expr.name, op, self.expr())
            else:
                node = _Expr(tok.line, expr)
        if not self.at("eof"):
            self.expect("nl")
        return node

    def conditional(self) -> _Node:
        line = self.take().line
        branches: list[tuple[_Node | None, tuple[_Node, ...], str]] = []
        cond: _Node | None = self.expr()
        text = self.text(line)
        while True:
            body = self.block("elif", "else", "endif")
            branches.append((cond, body, text))
            tok = self.take()
            if tok.value == "endif":
                return _If(line, tuple(branches))
            text = self.text(tok.line)
            cond = self.expr() if tok.value == "elif" else None

    def loop(self) -> _Node:
        tok = self.take()
        if tok.value == "testcase":  # meson's own test suite: skipped
            self.expr()
            self.block("endtestcase")
            self.take()
            return _Expr(tok.line, _Lit(tok.line, False))
        names = [self.expect("id").value]
        while self.at("op", ","):
            self.take()
            names.append(self.expect("id").value)
        self.expect("op", ":")
        iterable = self.expr()
        body = self.block("endforeach")
        self.take()
        return _Foreach(tok.line, tuple(names), iterable, body)

    def expr(self) -> _Node:
        self.nest()
        node = self.logic("or")
        if self.at("op", "?"):
            self.take()
            a = self.expr()
            self.expect("op", ":")
            node = _Op(node.line, "?:", (node, a, self.expr()))
        self.depth -= 1
        return node

    def logic(self, word: str) -> _Node:
        node = self.logic("and") if word == "or" else self.negation()
        rest: list[tuple[str, _Node]] = []
        while self.at("id", word):
            self.take()
            rest.append((word, self.logic("and") if word == "or" else self.negation()))
        return _Chain(node.line, node, tuple(rest)) if rest else node

    def negation(self) -> _Node:
        count = 0
        while self.at("id", "not"):
            self.take()
            count += 1
        node = self.comparison()
        for _ in range(count % 2):
            node = _Op(node.line, "not", (node,))
        return node

    def comparison(self) -> _Node:
        node = self.arith(("+", "-"))
        if self.at("op") and self.peek().value in _COMPARE:
            op = self.take().value
            return _Op(node.line, op, (node, self.arith(("+", "-"))))
        if self.at("id", "in") or (self.at("id", "not") and self.peek(1).value == "in"):
            op = "in" if self.take().value == "in" else "not in"
            if op == "not in":
                self.take()
            return _Op(node.line, op, (node, self.arith(("+", "-"))))
        return node

    def arith(self, ops: tuple[str, ...]) -> _Node:
        node = self.arith(("*", "/", "%")) if ops[0] == "+" else self.unary()
        rest: list[tuple[str, _Node]] = []
        while self.at("op") and self.peek().value in ops:
            op = self.take().value
            rest.append((op, self.arith(("*", "/", "%")) if ops[0] == "+" else self.unary()))
        return _Chain(node.line, node, tuple(rest)) if rest else node

    def unary(self) -> _Node:
        if self.at("op", "-") or self.at("id", "not"):
            tok = self.take()
            self.nest()
            negated = _Op(tok.line, "neg" if tok.value == "-" else "not", (self.unary(),))
            self.depth -= 1
            return negated
        node = self.primary()
        while True:
            if self.at("op", "."):
                self.take()
                name = self.expect("id").value
                self.expect("op", "(")
                args, kwargs = self.arguments()
                node = _Call(node.line, node, name, args, kwargs)
            elif self.at("op", "["):
                self.take()
                index = self.expr()
                self.expect("op", "]")
                node = _Op(node.line, "index", (node, index))
            else:
                return node

    def primary(self) -> _Node:
        tok = self.take()
        if tok.kind in ("str", "fstr"):
            return _Lit(tok.line, tok.value, tok.kind == "fstr")
        if tok.kind == "num":
            return _Lit(tok.line, int(tok.value, 0))
        if tok.kind == "id":
            if tok.value in ("true", "false"):
                return _Lit(tok.line, tok.value == "true")
            if self.at("op", "("):
                self.take()
                args, kwargs = self.arguments()
                return _Call(tok.line, None, tok.value, args, kwargs)
            return _Id(tok.line, tok.value)
        if tok.value == "(":
            node = self.expr()
            self.expect("op", ")")
            return node
        if tok.value == "[":
            items: list[_Node] = []
            while not self.at("op", "]"):
                items.append(self.expr())
                if not self.at("op", "]"):
                    self.expect("op", ",")
            self.take()
            return _List(tok.line, tuple(items))
        if tok.value == "{":
            pairs: list[tuple[_Node, _Node]] = []
            while not self.at("op", "}"):
                key = self.expr()
                self.expect("op", ":")
                pairs.append((key, self.expr()))
                if not self.at("op", "}"):
                    self.expect("op", ",")
            self.take()
            return _Map(tok.line, tuple(pairs))
        raise _ParseError(f"line {tok.line}: unexpected {tok.value or tok.kind!r}")

    def arguments(self) -> tuple[tuple[_Node, ...], tuple[tuple[str, _Node], ...]]:
        args: list[_Node] = []
        kwargs: list[tuple[str, _Node]] = []
        while not self.at("op", ")"):
            if self.at("id") and self.peek(1).kind == "op" and self.peek(1).value == ":":
                name = self.take().value
                self.take()
                kwargs.append((name, self.expr()))
            else:
                args.append(self.expr())
            if not self.at("op", ")"):
                self.expect("op", ",")
        self.take()
        return tuple(args), tuple(kwargs)


def parse(text: str) -> tuple[list[_Node], list[str], str | None]:
    """The statements of a meson file, its lines, and the problem that stopped parsing early."""
    text = text.replace("\x00", "")
    lines = text.splitlines()
    toks, problem = _tokens(text)
    statements: list[_Node] = []
    try:
        _Parser(toks, lines).program(statements)
    except _ParseError as exc:
        problem = problem or str(exc)
    except RecursionError:
        problem = problem or "nested too deeply"
    return statements, lines, problem


# -- values -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _V:
    g: Guard = TRUE  # the guard under which the value was assigned or added


@dataclass(frozen=True, kw_only=True)
class _Str(_V):
    s: str  # may hold an anchored path (meson.current_source_dir())


@dataclass(frozen=True, kw_only=True)
class _Num(_V):
    n: int


@dataclass(frozen=True, kw_only=True)
class _Bool(_V):
    cond: Guard  # TRUE/FALSE when known


@dataclass(frozen=True, kw_only=True)
class _Arr(_V):
    items: tuple[_V, ...]


@dataclass(frozen=True, kw_only=True)
class _Dict(_V):
    items: tuple[tuple[str, _V], ...]


@dataclass(frozen=True, kw_only=True)
class _File(_V):
    path: str | None  # sdist-relative; None for a build output


@dataclass(frozen=True, kw_only=True)
class _Dirs(_V):
    dirs: tuple[str, ...]  # include_directories() or a dependency's include path


@dataclass(frozen=True, kw_only=True)
class _Obj(_V):
    kind: str  # "python", "fs", "compiler", "machine", "meson", "generated", "generator", ...
    outputs: tuple[str, ...] = ()  # a generator's output templates (`@BASENAME@.c`)


@dataclass(frozen=True, kw_only=True)
class _Unknown(_V):
    atom: Guard = OPTION  # how it varies between builds, when used as a condition
    feature: str | None = None  # a feature option's default: "enabled", "disabled" or "auto"


@dataclass(frozen=True, kw_only=True)
class _Alt(_V):
    options: tuple[_V, ...]  # values assigned under different guards


def _tag(value: _V, guard: Guard) -> _V:
    return value if guard is TRUE else replace(value, g=value.g.and_(guard))


_NONE = _Obj(kind="none")
_MAX_LEAVES = 20_000
_MAX_TEXT = 1 << 16
_BUDGET = 50_000  # statements run for one sdist
_MAX_DEPTH = 48  # subdir()/foreach nesting followed


def _leaves(value: _V, guard: Guard = TRUE, depth: int = 0) -> list[tuple[_V, Guard]]:
    """Array elements and alternatives, flattened, each with the guard that brought it."""
    guard = guard.and_(value.g)
    if isinstance(value, _Arr | _Alt) and depth < 32:
        parts = value.items if isinstance(value, _Arr) else value.options
        out: list[tuple[_V, Guard]] = []
        for part in parts:
            out.extend(_leaves(part, guard, depth + 1))
            if len(out) > _MAX_LEAVES:
                break
        return out
    return [(value, guard)]


def _known(value: _V) -> str | int | bool | None:
    if isinstance(value, _Str):
        return value.s
    if isinstance(value, _Num):
        return value.n
    if isinstance(value, _Bool) and value.cond in (TRUE, FALSE):
        return value.cond is TRUE
    return None


def _atom(value: _V) -> Guard:
    """How a value not known statically varies between builds."""
    if isinstance(value, _Unknown):
        return value.atom
    if isinstance(value, _Bool):
        return Guard(max(1, value.cond.true_in), max(1, value.cond.true_in))
    return OPTION


# meson's built-in options (and `b_*`, `<lang>_*`, `module.x`, `subproject:x`) need no options file.
_BUILTIN_OPTIONS = word_set(
    """prefix bindir datadir includedir infodir libdir licensedir libexecdir localedir
    localstatedir mandir sbindir sharedstatedir sysconfdir auto_features backend buildtype debug
    default_library default_both_libraries errorlogs install_umask layout optimization
    pkg_config_path prefer_static stdsplit strip unity unity_size warning_level werror wrap_mode
    force_fallback_for vsenv cmake_prefix_path genvslite"""
)
_BUILTIN_OPTION = re.compile(
    r"b_\w+|(?:c|cpp|cuda|objc|objcpp|fortran|rust|cython|d|java|cs|vala|swift|nasm|masm)_\w+"
    r"|.*[.:].*"
)
_TARGETS = word_set(
    """executable library shared_library static_library shared_module both_libraries
    build_target"""
)
_PLATFORM_METHODS = frozenset(["machine", "compiler"])


@dataclass
class _Frame:
    dir: str  # sdist-relative directory of the meson.build running
    file: str
    lines: list[str]
    cut: Guard = TRUE  # after a conditional subdir_done(): the rest runs when it was not taken


class _Done(Exception):
    """subdir_done() reached unconditionally."""


class _Budget(Exception):
    """Too much work for one sdist (deeply nested loops): stop with what was found."""


class _Meson:
    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        self.tree, self.out, self.root = tree, out, root
        self.vars: dict[str, _V] = {}
        self.refs: list[Reference] = []
        self.units: list[CompileUnit] = []
        self.option_use: tuple[Guard, _Frame, int] | None = None  # the least guarded use
        self.visited: set[str] = set()
        self.defaults: dict[str, tuple[str, str | int | bool | None]] = {}  # option: type, value
        self.unresolved = self.budget = self.depth = self.chains = 0
        self.generated: list[str] = []

    # -- references ----------------------------------------------------------------------------

    def ref(
        self,
        frame: _Frame,
        line: int,
        target: str,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
        alternatives: tuple[str, ...] = (),
    ) -> None:
        if guard.reachable:
            text = frame.lines[line - 1].strip() if 0 < line <= len(frame.lines) else ""
            self.refs.append(
                Reference(
                    target=target,
                    source=frame.file,
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
            )

    def paths(
        self,
        value: _V,
        frame: _Frame,
        line: int,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
    ) -> list[tuple[str, Guard, bool]]:
        """The sdist files a value names: (path, guard, referenced here); strings are referenced
        here (meson checks that they exist), `files()` objects were when they were made."""
        out: list[tuple[str, Guard, bool]] = []
        for leaf, g in _leaves(value, guard):
            g = guard.and_(g)
            if not g.reachable:
                continue
            if isinstance(leaf, _File):
                if leaf.path is not None:
                    out.append((leaf.path, g, False))
            elif isinstance(leaf, _Str):
                where, path = locate(leaf.s, frame.dir)
                if where in ("src", "climb"):
                    why = "the path leaves the sdist" if where == "climb" else note
                    self.ref(frame, line, path, kind, g, is_dir=is_dir, note=why)
                    if where == "src":
                        out.append((path, g, True))
            elif isinstance(leaf, _Unknown):
                self.unresolved += 1
        return out

    # -- running -------------------------------------------------------------------------------

    def run_file(self, directory: str, guard: Guard) -> None:
        path = posixpath.join(directory, "meson.build") if directory else "meson.build"
        text = self.tree.read_text(path)
        if text is None or path in self.visited:
            return
        if self.depth >= _MAX_DEPTH:
            self.out.notes.append(
                f"{path}: subdir() nesting deeper than {_MAX_DEPTH}: not followed"
            )
            return
        self.visited.add(path)
        statements, lines, problem = parse(text)
        if problem:
            self.out.notes.append(f"{path}: {problem}; analysed up to there")
        self.depth += 1
        try:
            self.block(statements, _Frame(directory, path, lines), guard, TRUE)
        except _Done:
            pass
        finally:
            self.depth -= 1

    def block(self, body: Sequence[_Node], frame: _Frame, base: Guard, rel: Guard) -> str | None:
        """Run statements; "break"/"continue" when one is reached unconditionally."""
        for node in body:
            guard = base.and_(frame.cut).and_(rel)
            if not guard.reachable:
                return None
            self.budget += 1
            if self.budget > _BUDGET:
                raise _Budget
            if isinstance(node, _If):
                signal = self.conditional(node, frame, base, rel)
                if signal:
                    return signal
            elif isinstance(node, _Foreach):
                self.loop(node, frame, base, rel)
            elif isinstance(node, _Jump):
                if rel.certain:
                    return node.kind
            elif isinstance(node, _Assign):
                # Certain within this file: a file run under a guarded subdir() still replaces
                # the values its statements assign (the value keeps that guard, though).
                self.assign(node, frame, guard, rel.certain and frame.cut.certain)
            elif isinstance(node, _Expr):
                value = node.value
                if isinstance(value, _Call) and value.obj is None and value.name == "subdir_done":
                    if rel.certain:
                        raise _Done
                    frame.cut = frame.cut.and_(
                        rel.not_().label(f"no subdir_done() under {rel.condition}")
                    )
                    continue
                self.eval(value, frame, guard)
        return None

    def conditional(self, node: _If, frame: _Frame, base: Guard, rel: Guard) -> str | None:
        taken = FALSE
        first = node.branches[0][2]
        self.chains += 1  # one number per if-chain run: its branches exclude each other
        for index, (cond_node, body, text) in enumerate(node.branches):
            position = (self.chains, index)
            if cond_node is None:
                branch = taken.not_().label(f"else of {first}", position)
            else:
                reach = base.and_(frame.cut).and_(rel).and_(taken.not_()).reachable
                cond = self.truth(self.eval(cond_node, frame, base.and_(rel))) if reach else FALSE
                label = text if cond_node is node.branches[0][0] else f"{text} after {first}"
                branch = taken.not_().and_(cond).label(label, position)
                taken = taken.or_(cond)
            inner = rel.and_(branch)
            if inner.reachable:
                signal = self.block(body, frame, base, inner)
                if signal:
                    return signal
        return None

    def loop(self, node: _Foreach, frame: _Frame, base: Guard, rel: Guard) -> None:
        guard = base.and_(frame.cut).and_(rel)
        iterable = self.eval(node.iterable, frame, guard)
        if self.depth >= _MAX_DEPTH:
            return
        pairs: list[tuple[_V, ...]]
        if isinstance(iterable, _Dict):
            pairs = [(_Str(s=k), v) for k, v in iterable.items]
        elif isinstance(iterable, _Arr):
            pairs = [(item,) for item in iterable.items]
        elif isinstance(iterable, _Alt):  # an array assigned in branches: each one's items
            pairs = [
                (_tag(item, option.g),)
                for option in iterable.options
                for item in (option.items if isinstance(option, _Arr) else (option,))
            ]
        else:
            pairs = [(_Unknown(atom=_atom(iterable)),) * 2]
        self.depth += 1
        try:
            for values in pairs[:512]:
                item_guard = TRUE
                for name, value in zip(node.names, values, strict=False):
                    self.vars[name] = value
                    item_guard = item_guard.and_(value.g)
                signal = self.block(node.body, frame, base, rel.and_(item_guard))
                if signal == "break":
                    break
        finally:
            self.depth -= 1

    def assign(self, node: _Assign, frame: _Frame, guard: Guard, certain: bool) -> None:
        value = self.eval(node.value, frame, guard)
        old = self.vars.get(node.name)
        if node.op == "+=" and old is not None:
            if isinstance(old, _Arr):
                extra = value.items if isinstance(value, _Arr) else (value,)
                self.vars[node.name] = replace(
                    old, items=(old.items + tuple(_tag(v, guard) for v in extra))[:_MAX_LEAVES]
                )
                return
            value = self.binary("+", old, value)
        value = _tag(value, guard)
        if certain or old is None or old.g == value.g:
            self.vars[node.name] = value
        else:  # assigned in one branch: the earlier value remains in the other builds
            options = old.options if isinstance(old, _Alt) else (old,)
            self.vars[node.name] = _Alt(options=(*options[-7:], value))

    # -- expressions ---------------------------------------------------------------------------

    def truth(self, value: _V) -> Guard:
        if isinstance(value, _Alt):
            guard = FALSE
            for option in value.options:
                guard = guard.or_(option.g.and_(self.truth(option)))
            return guard
        if isinstance(value, _Bool):
            return value.cond
        if isinstance(value, _Unknown):
            return value.atom
        if isinstance(value, _Arr | _Str | _Dict):
            return TRUE if (value.items if not isinstance(value, _Str) else value.s) else FALSE
        return TRUE if not (isinstance(value, _Obj) and value.kind == "none") else FALSE

    def eval(self, node: _Node, frame: _Frame, guard: Guard) -> _V:
        if isinstance(node, _Lit):
            if node.fstring:
                return _Unknown()
            if isinstance(node.value, bool):
                return _Bool(cond=TRUE if node.value else FALSE)
            if isinstance(node.value, int):
                return _Num(n=node.value)
            return _Str(s=node.value)
        if isinstance(node, _Id):
            if node.name in self.vars:
                return self.vars[node.name]
            if node.name in ("host_machine", "build_machine", "target_machine"):
                return _Obj(kind="machine")
            return _Obj(kind="meson") if node.name == "meson" else _Unknown()
        if isinstance(node, _List):
            return _Arr(items=tuple(self.eval(n, frame, guard) for n in node.items))
        if isinstance(node, _Map):
            items = []
            for k, v in node.pairs:
                key = _known(self.eval(k, frame, guard))
                if isinstance(key, str):
                    items.append((key, self.eval(v, frame, guard)))
            return _Dict(items=tuple(items))
        if isinstance(node, _Chain):
            return self.chain(node, frame, guard)
        if isinstance(node, _Call | _Op) and (
            node.obj if isinstance(node, _Call) else node.op == "index"
        ):
            return self.postfix(node, frame, guard)
        if isinstance(node, _Op):
            return self.operation(node, frame, guard)
        if isinstance(node, _Call):
            args = [self.eval(a, frame, guard) for a in node.args]
            kwargs = {k: self.eval(v, frame, guard) for k, v in node.kwargs}
            return self.function(node, args, kwargs, frame, guard)
        return _Unknown()

    def postfix(self, node: _Call | _Op, frame: _Frame, guard: Guard) -> _V:
        """`a.b().c()[0]`: the links unrolled, so a long chain costs no recursion."""
        links: list[_Call | _Op] = []
        base: _Node = node
        while (isinstance(base, _Call) and base.obj is not None) or (
            isinstance(base, _Op) and base.op == "index"
        ):
            links.append(base)
            base = base.obj if isinstance(base, _Call) and base.obj else base.operands[0]  # type: ignore[union-attr]
        value = self.eval(base, frame, guard)
        for link in reversed(links):
            if isinstance(link, _Op):
                value = self.index(value, self.eval(link.operands[1], frame, guard))
            else:
                args = [self.eval(a, frame, guard) for a in link.args]
                kwargs = {k: self.eval(v, frame, guard) for k, v in link.kwargs}
                value = self.method(value, link, args, kwargs, frame, guard)
        return value

    def chain(self, node: _Chain, frame: _Frame, guard: Guard) -> _V:
        if node.rest[0][0] in ("and", "or"):
            cond = self.truth(self.eval(node.first, frame, guard))
            for op, operand in node.rest:
                if cond is (FALSE if op == "and" else TRUE):
                    break  # short-circuit: the rest is not evaluated
                right = self.truth(self.eval(operand, frame, guard))
                cond = cond.and_(right) if op == "and" else cond.or_(right)
            return _Bool(cond=cond)
        value = self.eval(node.first, frame, guard)
        for op, operand in node.rest:
            value = self.binary(op, value, self.eval(operand, frame, guard))
        return value

    def operation(self, node: _Op, frame: _Frame, guard: Guard) -> _V:
        values = [self.eval(n, frame, guard) for n in node.operands]
        if node.op == "not":
            return _Bool(cond=self.truth(values[0]).not_())
        if node.op == "neg":
            return _Num(n=-values[0].n) if isinstance(values[0], _Num) else _Unknown()
        if node.op == "?:":
            cond = self.truth(values[0])
            if cond in (TRUE, FALSE):
                return values[1] if cond is TRUE else values[2]
            return _Alt(options=(_tag(values[1], cond), _tag(values[2], cond.not_())))
        if node.op == "index":
            return self.index(values[0], values[1])
        return self.binary(node.op, values[0], values[1])

    def index(self, obj: _V, key: _V) -> _V:
        k = _known(key)
        if isinstance(obj, _Arr) and isinstance(k, int) and -len(obj.items) <= k < len(obj.items):
            return obj.items[k]
        if isinstance(obj, _Dict) and isinstance(k, str):
            return next((v for name, v in obj.items if name == k), _Unknown())
        if isinstance(obj, _Obj) and obj.kind == "generated":
            return obj
        return _Unknown(atom=_atom(obj))

    def binary(self, op: str, a: _V, b: _V) -> _V:
        if isinstance(a, _Alt) or (isinstance(b, _Alt) and not isinstance(a, _Arr)):
            # `name + '.c'` with name set in two branches: one value per branch.
            left = a.options if isinstance(a, _Alt) else (a,)
            right = b.options if isinstance(b, _Alt) else (b,)
            options = [self.binary(op, x, y) for x in left for y in right][:8]
            return _Alt(options=tuple(_tag(o, a.g.and_(b.g)) for o in options))
        g = a.g.and_(b.g)
        if op == "+" and isinstance(a, _Arr):
            extra = b.items if isinstance(b, _Arr) else (b,)
            return _Arr(items=(a.items + extra)[:_MAX_LEAVES], g=a.g)
        if op == "+" and isinstance(a, _Dict) and isinstance(b, _Dict):
            return _Dict(items=a.items + b.items, g=g)
        ka, kb = _known(a), _known(b)
        if op in _COMPARE or op in ("in", "not in"):
            if op in ("in", "not in") and isinstance(b, _Arr) and ka is not None:
                members = [_known(i) for i in b.items]
                if None not in members:
                    return _Bool(cond=TRUE if (ka in members) == (op == "in") else FALSE)
            if ka is None or kb is None or op in ("in", "not in"):
                unknown = [_atom(v) for v, k in ((a, ka), (b, kb)) if k is None] or [OPTION]
                return _Bool(cond=min(unknown, key=lambda u: u.true_in))
            result = _compare(op, ka, kb)
            return _Bool(cond=TRUE if result else FALSE)
        if isinstance(ka, str) and isinstance(kb, str) and op in ("+", "/"):
            if len(ka) + len(kb) > _MAX_TEXT:  # runaway doubling: not a path anyone wrote
                return _Unknown()
            if op == "+":
                return _Str(s=ka + kb, g=g)
            return _Str(s=kb if kb.startswith(("/", "\x00")) else posixpath.join(ka, kb), g=g)
        if isinstance(a, _Num) and isinstance(b, _Num) and op in ("+", "-", "*"):
            x, y = a.n, b.n
            return _Num(n=x + y if op == "+" else x - y if op == "-" else x * y, g=g)
        return _Unknown(atom=min(_atom(a), _atom(b), key=lambda u: u.true_in))

    # -- functions -----------------------------------------------------------------------------

    def function(
        self, node: _Call, args: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard
    ) -> _V:
        name, line = node.name, node.line
        if name == "subdir":
            return self.subdir(args, kwargs, frame, guard, line)
        if name == "files":
            return _Arr(
                items=tuple(
                    _File(path=p, g=g)
                    for arg in args
                    for p, g, _ in self.paths(arg, frame, line, "meson-files", guard)
                )
            )
        if name == "include_directories":
            dirs = []
            for arg in args:
                dirs += [
                    p
                    for p, _, _ in self.paths(
                        arg, frame, line, "meson-include-directories", guard, is_dir=True
                    )
                ]
            return _Dirs(dirs=tuple(dirs))
        if name in _TARGETS:
            return self.target(args[1:], kwargs, frame, guard, line)
        if name == "declare_dependency":
            self.paths(kwargs.get("sources", _NONE), frame, line, "meson-source", guard)
            return _Dirs(dirs=self.include_dirs(kwargs, frame, guard, line))
        if name in ("configure_file", "vcs_tag"):
            self.paths(
                kwargs.get("input", _NONE), frame, line, f"meson-{name.replace('_', '-')}", guard
            )
            self.outputs(kwargs.get("output", _NONE), frame)
            return _File(path=None)
        if name == "generator":
            templates = [_known(v) for v, _ in _leaves(kwargs.get("output", _NONE))]
            return _Obj(kind="generator", outputs=tuple(t for t in templates if isinstance(t, str)))
        if name == "custom_target":
            self.outputs(kwargs.get("output", _NONE), frame)
            self.paths(kwargs.get("input", _NONE), frame, line, "meson-custom-target-input", guard)
            self.paths(
                kwargs.get("depend_files", _NONE), frame, line, "meson-custom-target-input", guard
            )
            return _Obj(kind="generated")
        if name in ("install_data", "install_headers", "install_man"):
            for value in [*args, kwargs.get("sources", _NONE)]:
                self.paths(value, frame, line, "meson-install", guard)
            return _NONE
        if name == "install_subdir" and args:
            # meson only warns that installing a missing directory is deprecated, then goes on.
            note = "meson installs nothing for a missing directory (a deprecation warning)"
            tolerated = guard.and_(Guard(4, 0))
            self.paths(
                args[0], frame, line, "meson-install-subdir", tolerated, is_dir=True, note=note
            )
            return _NONE
        if name == "get_option":
            return self.option(args, frame, guard, line)
        if name == "import":
            kind = _known(args[0]) if args else None
            return _Obj(kind=f"module:{kind}")
        if name == "join_paths":
            parts = [_known(a) for a in args]
            if parts and all(isinstance(p, str) for p in parts):
                return _Str(s=posixpath.join(*[str(p) for p in parts]))
            return _Unknown()
        if name == "find_program":
            return self.find_program(args, kwargs, frame, guard, line)
        if name == "subproject" and args:
            sub = _known(args[0])
            if isinstance(sub, str) and "/" not in sub:
                g = (
                    guard
                    if self.truth(kwargs.get("required", _Bool(cond=TRUE))) is TRUE
                    else (guard.and_(Guard(4, 0)))
                )
                self.ref(
                    frame,
                    line,
                    f"subprojects/{sub}/meson.build",
                    "meson-subproject",
                    g,
                    alternatives=(f"subprojects/{sub}.wrap",),
                )
            return _Obj(kind="subproject")
        if name in ("error", "assert"):
            absent = guard.absent_true
            if name == "assert" and args:
                absent += self.truth(args[0]).absent_false
            for path in dict.fromkeys(absent):
                self.ref(
                    frame,
                    line,
                    path,
                    "meson-exists-required",
                    guard,
                    note=f"the build stops with {name}() when it is missing",
                )
            return _NONE
        if name == "set_variable" and len(args) > 1 and isinstance(_known(args[0]), str):
            self.vars[str(_known(args[0]))] = _tag(args[1], guard)
            return _NONE
        if name == "get_variable" and args:
            key = _known(args[0])
            found = self.vars.get(key) if isinstance(key, str) else None
            return found or (args[1] if len(args) > 1 else _Unknown())
        if name == "is_variable" and args:
            return _Bool(cond=TRUE if _known(args[0]) in self.vars else FALSE)
        if name in (
            "dependency",
            "find_library",
            "run_command",
            "environment",
            "disabler",
            "configuration_data",
            "structured_sources",
        ):
            if name == "structured_sources":
                return _Arr(items=tuple(args))
            return _Obj(kind=name)
        if name == "range":
            numbers = [_known(a) for a in args]
            if numbers and all(isinstance(n, int) for n in numbers):
                bounds = [int(n) for n in numbers if isinstance(n, int)]
                return _Arr(items=tuple(_Num(n=n) for n in range(*bounds[:3])[:512]))
            return _Unknown()
        if name == "project":
            self.paths(
                kwargs.get("license_files", _NONE), frame, line, "meson-license-files", guard
            )
        return _NONE

    def method(
        self,
        obj: _V,
        node: _Call,
        args: list[_V],
        kwargs: dict[str, _V],
        frame: _Frame,
        guard: Guard,
    ) -> _V:
        name, line = node.name, node.line
        if isinstance(obj, _Obj):
            kind = obj.kind
            if kind == "module:python" and name in ("find_installation", "find_python"):
                return _Obj(kind="python")
            if kind == "python":
                if name == "extension_module":
                    return self.target(args[1:], kwargs, frame, guard, line)
                if name == "install_sources":
                    for value in [*args, kwargs.get("sources", _NONE)]:
                        self.paths(value, frame, line, "meson-install-sources", guard)
                    return _NONE
                if name == "dependency":
                    return _Obj(kind="dependency")
                return _Unknown(atom=OPTION)
            if kind == "module:fs":
                return self.fs(name, args, frame, guard, line)
            if kind == "meson":
                return self.meson_method(name, frame)
            if kind == "generator" and name == "process":
                for value in args:
                    inputs = self.paths(value, frame, line, "meson-generator-input", guard)
                    for path, _, _ in inputs:
                        outputs = _expand_template(obj.outputs, path.rpartition("/")[2])
                        self.outputs(_Arr(items=tuple(_Str(s=o) for o in outputs)), frame)
                return _Obj(kind="generated")
            if kind.startswith("module:") and name == "multi_targets" and args:
                self.outputs(args[0], frame)  # numpy's `features` module: a dispatch header
                return _Obj(kind="generated")
            if kind == "generated":
                return obj
            if kind in _PLATFORM_METHODS or (kind == "dependency" and name == "found"):
                atom = PLATFORM if kind in _PLATFORM_METHODS else OPTION
                return _Unknown(atom=atom) if name != "found" else _Bool(cond=atom)
            return _Unknown()
        if isinstance(obj, _Str):
            return self.string_method(obj, name, args)
        if isinstance(obj, _Arr):
            if name == "length":
                return _Num(n=len(obj.items))
            if name == "contains" and args:
                return self.binary("in", args[0], obj)
            if name == "get" and args:
                value = self.index(obj, args[0])
                return value if not isinstance(value, _Unknown) or len(args) < 2 else args[1]
        if isinstance(obj, _Dict):
            if name == "get" and args:
                value = self.index(obj, args[0])
                return value if not isinstance(value, _Unknown) or len(args) < 2 else args[1]
            if name == "has_key" and args:
                return _Bool(cond=TRUE if _known(args[0]) in dict(obj.items) else FALSE)
        if isinstance(obj, _Unknown):
            if name not in ("enabled", "disabled", "allowed", "auto"):
                return _Unknown(atom=obj.atom, feature=obj.feature)
            if obj.feature is None:
                return _Bool(cond=obj.atom)
            default = {"allowed": obj.feature != "disabled"}.get(name, obj.feature == name)
            return _Bool(cond=OPTION if default else OPTION_OFF)
        return _Unknown(atom=_atom(obj))

    def meson_method(self, name: str, frame: _Frame) -> _V:
        if name == "current_source_dir":
            return _Str(s=anchor(frame.dir))
        if name in ("project_source_root", "source_root", "global_source_root"):
            return _Str(s=anchor(self.root))
        if name == "current_build_dir":
            return _Str(s=anchor(frame.dir, build=True))
        if name in ("project_build_root", "build_root", "global_build_root"):
            return _Str(s=anchor(self.root, build=True))
        if name == "get_compiler":
            return _Obj(kind="compiler")
        if name == "is_subproject":
            return _Bool(cond=FALSE)
        if name in ("is_cross_build", "can_run_host_binaries", "has_exe_wrapper"):
            return _Bool(cond=PLATFORM)
        return _Unknown()

    @staticmethod
    def string_method(obj: _Str, name: str, args: list[_V]) -> _V:
        s = obj.s
        texts = [_known(a) for a in args]
        if name in ("strip", "to_lower", "to_upper", "underscorify") and not args:
            result = {"strip": s.strip(), "to_lower": s.lower(), "to_upper": s.upper()}.get(
                name, re.sub(r"[^A-Za-z0-9]", "_", s)
            )
            return _Str(s=result, g=obj.g)
        if name == "join" and args and isinstance(args[0], _Arr):
            parts = [_known(i) for i in args[0].items]
            if all(isinstance(p, str) for p in parts):
                return _Str(s=s.join(str(p) for p in parts), g=obj.g)
        if name in ("startswith", "endswith", "contains") and texts and isinstance(texts[0], str):
            test = {"startswith": s.startswith, "endswith": s.endswith}.get(name, s.__contains__)
            return _Bool(cond=TRUE if test(texts[0]) else FALSE)
        if name == "split" and all(isinstance(t, str) for t in texts):
            sep = str(texts[0]) if texts else None
            return _Arr(items=tuple(_Str(s=p) for p in s.split(sep)[:512] if sep or p), g=obj.g)
        return _Unknown()  # format(), version_compare(), ...: not known statically

    # -- meson calls with effects --------------------------------------------------------------

    def subdir(
        self, args: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> _V:
        name = _known(args[0]) if args else None
        if not isinstance(name, str):
            self.unresolved += 1
            return _NONE
        if "if_found" in kwargs:
            guard = guard.and_(OPTION.label("subdir(if_found: ...)"))
        joined = posixpath.join(frame.dir, name)
        directory = normalize(joined)
        if directory is None:
            self.ref(
                frame,
                line,
                posixpath.normpath(joined) + "/meson.build",
                "meson-subdir",
                guard,
                note="the path leaves the sdist",
            )
            return _NONE
        target = posixpath.join(directory, "meson.build") if directory else "meson.build"
        self.ref(frame, line, target, "meson-subdir", guard, note="meson runs this file")
        if guard.reachable:
            self.run_file(directory, guard)
        return _NONE

    def include_dirs(
        self, kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> tuple[str, ...]:
        dirs: list[str] = []
        for leaf, _ in _leaves(kwargs.get("include_directories", _NONE)):
            if isinstance(leaf, _Dirs):
                dirs += leaf.dirs
            elif isinstance(leaf, _Str):
                dirs += [
                    p
                    for p, _, _ in self.paths(
                        leaf, frame, line, "meson-include-directories", guard, is_dir=True
                    )
                ]
        for leaf, _ in _leaves(kwargs.get("dependencies", _NONE)):
            if isinstance(leaf, _Dirs):
                dirs += leaf.dirs
        return tuple(dirs)

    def target(
        self, sources: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> _V:
        implicit = self.truth(kwargs.get("implicit_include_directories", _Bool(cond=TRUE)))
        dirs = ((frame.dir,) if implicit is not FALSE else ()) + self.include_dirs(
            kwargs, frame, guard, line
        )
        dirs = tuple(dict.fromkeys(dirs))
        values = [*sources, kwargs.get("sources", _NONE)]
        for value in values:
            for path, g, _ in self.paths(value, frame, line, "meson-source", guard):
                if posixpath.splitext(path)[1] in COMPILED:
                    self.units.append(
                        CompileUnit(path, dirs, g.scope, g.condition, frame.file, line)
                    )
        self.paths(kwargs.get("extra_files", _NONE), frame, line, "meson-extra-files", guard)
        return _Obj(kind="target")

    def option(self, args: list[_V], frame: _Frame, guard: Guard, line: int) -> _V:
        name = _known(args[0]) if args else None
        if not isinstance(name, str):
            return _Unknown()
        if name not in _BUILTIN_OPTIONS and not _BUILTIN_OPTION.fullmatch(name):
            best = self.option_use
            if guard.reachable and (best is None or guard.true_in < best[0].true_in):
                self.option_use = (guard, frame, line)
        kind, default = self.defaults.get(name, ("", None))
        if is_test_name(name):
            return _Bool(cond=TEST) if kind == "boolean" else _Unknown(atom=TEST)
        if kind == "boolean":  # off by default: its other side is the ordinary build
            return _Bool(cond=OPTION_OFF if default is False else OPTION)
        if kind == "feature":
            return _Unknown(feature=default if isinstance(default, str) else "auto")
        return _Unknown()

    def find_program(
        self, args: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> _V:
        # A name with a slash is a script in the source tree; a bare name is searched on PATH.
        required = self.truth(kwargs.get("required", _Bool(cond=TRUE)))
        g = guard if required is TRUE else guard.and_(Guard(4, 0))
        for value in args:
            for leaf, _ in _leaves(value):
                if isinstance(leaf, _Str) and "/" in leaf.s:
                    self.paths(leaf, frame, line, "meson-find-program", g)
        return _Obj(kind="program")

    def fs(self, name: str, args: list[_V], frame: _Frame, guard: Guard, line: int) -> _V:
        target = args[0] if args else _NONE
        if name in ("exists", "is_file", "is_dir"):
            text = _known(target)
            if not isinstance(text, str):
                return _Bool(cond=UNKNOWN_FILE)
            where, path = locate(text, frame.dir)
            if where != "src":
                return _Bool(cond=UNKNOWN_FILE if where != "climb" else missing(path))
            test = {"exists": self.tree.exists, "is_file": self.tree.is_file}.get(
                name, self.tree.is_dir
            )
            return _Bool(cond=TRUE if test(path) else missing(path))
        if name in ("read", "copyfile", "hash", "size"):
            self.paths(target, frame, line, f"meson-fs-{name}", guard)
        return _Unknown()

    def outputs(self, value: _V, frame: _Frame) -> None:
        """Record the files a build step writes (into the build directory's mirror of this one)."""
        for leaf, _ in _leaves(value):
            name = _known(leaf)
            if isinstance(name, str) and "@" not in name and not name.startswith("\x00"):
                self.generated.append(posixpath.normpath(posixpath.join(frame.dir, name)))

    def read_options(self) -> None:
        """Types and defaults of the project's options, from meson.options/meson_options.txt."""
        for name in ("meson.options", "meson_options.txt"):
            text = self.tree.read_text(posixpath.join(self.root, name) if self.root else name)
            if text is None:
                continue
            statements, _, _ = parse(text)
            for node in statements:
                call = node.value if isinstance(node, _Expr) else None
                if not isinstance(call, _Call) or call.name != "option" or not call.args:
                    continue
                first, kwargs = call.args[0], dict(call.kwargs)
                kind, value = kwargs.get("type"), kwargs.get("value")
                if isinstance(first, _Lit) and isinstance(first.value, str):
                    self.defaults[first.value] = (
                        kind.value
                        if isinstance(kind, _Lit) and isinstance(kind.value, str)
                        else "",
                        value.value if isinstance(value, _Lit) else None,
                    )
            return

    # -- results -------------------------------------------------------------------------------

    def finish(self) -> None:
        self.out.generated.extend(generated_names(self.generated))
        if self.option_use is not None:
            guard, frame, line = self.option_use
            options = posixpath.join(self.root, "meson.options") if self.root else "meson.options"
            legacy = (
                posixpath.join(self.root, "meson_options.txt")
                if self.root
                else ("meson_options.txt")
            )
            self.ref(
                frame,
                line,
                options,
                "meson-options",
                guard,
                alternatives=(legacy,),
                note="get_option() of a project option needs the options file",
            )
        self.out.references.extend(dict.fromkeys(self.refs))
        self.out.units.extend(dict.fromkeys(self.units))
        if self.unresolved:
            self.out.notes.append(
                f"{self.unresolved} meson path(s) computed at configure time ('@0@'.format(), "
                "f-strings, options) were skipped"
            )


def _expand_template(templates: Sequence[str], name: str) -> list[str]:
    """A generator's outputs for one input file: `@BASENAME@.c` for `x.pyx` is `x.c`."""
    base = name.rpartition(".")[0] or name
    return [t.replace("@PLAINNAME@", name).replace("@BASENAME@", base) for t in templates]


def _compare(op: str, a: str | int | bool, b: str | int | bool) -> bool:
    if op in ("==", "!="):
        return (a == b) == (op == "==")
    if isinstance(a, str) and isinstance(b, str):
        return {"<": a < b, ">": a > b, "<=": a <= b}.get(op, a >= b)
    if isinstance(a, int) and isinstance(b, int):
        return {"<": a < b, ">": a > b, "<=": a <= b}.get(op, a >= b)
    return False  # meson refuses to order a string against a number


def analyse(tree: SdistTree, root: str = "") -> BuildAnalysis:
    """Everything the meson project at `root` (sdist-relative) needs from the sdist."""
    out = BuildAnalysis()
    top = normalize(root)
    if top is None:
        out.notes.append(f"meson project directory {root!r} leaves the sdist: not analysed")
        return out
    meson = _Meson(tree, out, top)
    meson.read_options()
    try:
        meson.run_file(top, TRUE)
    except _Budget:
        out.notes.append("meson analysis stopped early: the build files loop too much to follow")
    except RecursionError:
        out.notes.append("meson files nested too deeply to analyse fully")
    meson.finish()
    return out
