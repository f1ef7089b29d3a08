"""The meson language tokenizer and parser: a `meson.build` file to statements and expressions
(strings, triple-quoted strings, f-strings, arrays, dicts, method calls, `if`/`elif`/`else`,
`foreach`, `?:`), with nesting bounded so hostile input cannot exhaust the recursion."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
            try:
                return _Lit(tok.line, int(tok.value, 0))
            except ValueError:  # `01` (no leading zeros in meson), or too many digits for int()
                raise _ParseError(f"line {tok.line}: bad number {tok.value[:20]!r}") from None
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
