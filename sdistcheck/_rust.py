"""Static scan of Rust source: `include_bytes!`/`include_str!`/`include!`, `mod x;`, `#[path]`.

One regex pass finds only what matters (C speed), skipping comments, strings and char literals
so a doc comment mentioning `include_str!` is not a reference.  Brackets are tracked to know
which `#[cfg(...)]` attributes guard each reference.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import _cfg
from ._cfg import Cfg

# The lexer runs two kinds of C-speed searches and merges them by position:
# - _PUNCT starts with one character class, which lets `re` skip ahead fast; it finds comments,
#   strings, char literals, attributes and the brackets and separators that delimit items;
# - the word searches find `mod x;`, include macros and raw strings, which start with letters.
# A word hit that lands inside a comment or string is passed over, because scanning jumps past
# those before it reaches the hit.
_PUNCT_ITEMS = re.compile(
    r"""[/"'#{}\[\];=](?:(?<=/)(?:/[^\n]*|\*)|(?<=")(?:[^"\\]|\\.)*"|(?<=')(?:\\.[^'\n]{0,10}|[^\\'\n])'|(?<=\#)!?\s*\[|)""",
    re.DOTALL,
)
# Inside macro arguments parentheses matter too; outside, items are delimited by {} [] ; alone
# (a cfg on a single match arm extends to the end of the match: rare, and only widens a guard).
_PUNCT_ALL = re.compile(_PUNCT_ITEMS.pattern.replace(r"{}\[\];=", r"{}()\[\];,="), re.DOTALL)
_WORDS = (
    re.compile(r"mod\s+(?:r\#)?(?P<modname>[A-Za-z_]\w*)\s*(?P<modend>[;{])"),
    re.compile(r"(?P<macro>include_bytes|include_str|include)\s*!\s*[(\[{]"),
    re.compile(r'r(?P<hashes>\#*)"'),  # raw strings (br"", cr"" share the r)
)
_BLOCK_COMMENT = re.compile(r"/\*|\*/")
_CLOSE = {"(": ")", "[": "]", "{": "}"}
_OPERATOR_BEFORE_EQ = frozenset("=!<>+-*/%^&|")


@dataclass(frozen=True)
class _Token:
    kind: str  # attr, mod, include, p (one of {}()[];,=)
    start: int
    end: int
    match: re.Match[str] | None = None

    @property
    def text(self) -> str:
        return self.match.group() if self.match is not None else ""


class _Lexer:
    def __init__(self, text: str, parens: bool = False) -> None:
        self.text = text
        self.punct = _PUNCT_ALL if parens else _PUNCT_ITEMS
        hits = [m for pattern in _WORDS for m in pattern.finditer(text) if _word_start(text, m)]
        self.words = sorted(hits, key=lambda m: m.start())
        self.word_starts = [m.start() for m in self.words]

    def next(self, pos: int) -> _Token | None:
        """The next token at or after `pos`, comments, strings and literals skipped."""
        text = self.text
        while True:
            p = self.punct.search(text, pos)
            w_index = bisect.bisect_left(self.word_starts, pos)
            w = self.words[w_index] if w_index < len(self.words) else None
            if w is not None and (p is None or w.start() < p.start()):
                if w.re is _WORDS[2]:
                    hashes = w.group("hashes")
                    close = text.find('"' + hashes, w.end())
                    pos = len(text) if close < 0 else close + 1 + len(hashes)
                    continue
                return _Token("mod" if w.re is _WORDS[0] else "include", w.start(), w.end(), w)
            if p is None:
                return None
            ch, tok = text[p.start()], p.group()
            if tok.startswith("//"):
                pos = p.end()
            elif tok == "/*":
                pos = _skip_block_comment(text, p.end())
            elif ch == '"':
                pos = p.end() if len(tok) > 1 else len(text)  # a lone quote: unterminated
            elif ch in "'/" or tok == "#":
                pos = p.end()  # lifetime, division, or a `#` that is not an attribute
            elif ch == "#":
                return _Token("attr", p.start(), p.end(), p)
            elif ch == "=" and (
                text[p.start() - 1 : p.start()] in _OPERATOR_BEFORE_EQ
                or text[p.end() : p.end() + 1] in ("=", ">")
            ):
                pos = p.end() + 1  # ==, =>, <=, +=, ...: not an assignment
            else:
                return _Token("p", p.start(), p.end(), p)


def _word_start(text: str, m: re.Match[str]) -> bool:
    """A word hit counts only at a word boundary (`amod x;` is no module); `br"`/`cr"` are raw."""
    before = text[m.start() - 1 : m.start()]
    if m.re is _WORDS[2] and before in ("b", "c"):
        before = text[m.start() - 2 : m.start() - 1]
    return not (before.isalnum() or before == "_")


def _skip_block_comment(text: str, pos: int) -> int:
    depth = 1
    for m in _BLOCK_COMMENT.finditer(text, pos):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end()
    return len(text)


def _tokens(lexer: _Lexer, pos: int = 0, end: int | None = None) -> Iterator[_Token]:
    end = len(lexer.text) if end is None else end
    while (tok := lexer.next(pos)) is not None and tok.start < end:
        yield tok
        pos = tok.end


def _opens(tok: _Token, lexer: _Lexer) -> bool:
    if tok.kind == "p":
        return tok.text in _CLOSE
    if tok.kind == "mod":
        return tok.text.endswith("{")
    if tok.kind == "include":
        # The lean lexer never yields the `)` that closes include!( ... ), so it opens nothing.
        return lexer.punct is _PUNCT_ALL or not tok.text.endswith("(")
    return True  # an attribute ends with `[`


def _find_close(lexer: _Lexer, pos: int) -> int:
    """Index just past the bracket matching an opening one just before `pos`."""
    depth = 1
    for tok in _tokens(lexer, pos):
        if _opens(tok, lexer):
            depth += 1
        elif tok.text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return tok.end
    return len(lexer.text)


@dataclass(frozen=True)
class Include:
    macro: str  # include_bytes | include_str | include
    path: str | None  # relative to the file's directory, or crate-relative if manifest_relative
    manifest_relative: bool  # built with env!("CARGO_MANIFEST_DIR")
    generated: bool  # built from env!("OUT_DIR"): produced by build.rs, never in an sdist
    line: int
    conditions: tuple[Cfg, ...]


@dataclass(frozen=True)
class ModDecl:
    name: str
    path_attr: str | None  # #[path = "..."]
    cfg_paths: tuple[tuple[str, Cfg], ...]  # #[cfg_attr(cond, path = "...")]: path when cond
    inline_mods: tuple[str, ...]  # enclosing `mod a { ... }` blocks
    line: int
    conditions: tuple[Cfg, ...]


@dataclass
class ScanResult:
    includes: list[Include] = field(default_factory=list)
    mods: list[ModDecl] = field(default_factory=list)
    file_conditions: list[Cfg] = field(default_factory=list)  # from #![cfg(...)]
    unparsed_cfgs: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Item:
    conds: tuple[Cfg, ...]
    path_attr: str | None
    cfg_paths: tuple[tuple[str, Cfg], ...]
    assigned: bool = False  # seen `=`: the item is an expression, only `;` ends it


@dataclass
class _Frame:
    close: str
    conds: tuple[Cfg, ...]
    inline_mod: str | None = None
    item: _Item | None = None  # an attributed item that started at this depth


@dataclass
class _Attr:
    conds: list[Cfg] = field(default_factory=list)
    path: str | None = None
    cfg_paths: list[tuple[str, Cfg]] = field(default_factory=list)
    includes: list[tuple[str, str, tuple[Cfg, ...]]] = field(default_factory=list)


# --- evaluating macro arguments: "lit", concat!(...), env!("CARGO_MANIFEST_DIR") -------------

_ARG = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<raw>r(?P<h>#*)"(?P<rawbody>.*?)"(?P=h))'
    r"|(?P<mac>concat|env|option_env)\s*!\s*\(|(?P<p>[(),]))",
    re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0", "r": "\r"}
MANIFEST_DIR = "\x00MANIFEST\x00"
OUT_DIR = "\x00OUT\x00"


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def evaluate_path_expr(args: str) -> str | None:
    """The string a macro argument evaluates to, with env markers; None if not static."""
    pos = 0

    def expr() -> str | None:
        nonlocal pos
        m = _ARG.match(args, pos)
        if m is None:
            return None
        pos = m.end()
        if m.group("str"):
            return _unescape(m.group("str")[1:-1])
        if m.group("raw"):
            return m.group("rawbody")
        if m.group("mac"):
            parts: list[str | None] = []
            while True:
                close = _ARG.match(args, pos)
                if close and close.group("p") == ")":
                    pos = close.end()
                    break
                parts.append(expr())
                sep = _ARG.match(args, pos)
                if sep is None or sep.group("p") not in (",", ")"):
                    return None
                if sep.group("p") == ",":
                    pos = sep.end()
            if any(p is None for p in parts):
                return None
            if m.group("mac") == "concat":
                return "".join(p for p in parts if p is not None)
            env = {"CARGO_MANIFEST_DIR": MANIFEST_DIR, "OUT_DIR": OUT_DIR}
            return env.get(parts[0] or "") if parts else None
        return None

    value = expr()
    rest = args[pos:].strip().rstrip(",").strip()
    return value if rest == "" else None


# --- attributes ---------------------------------------------------------------------------------

_ATTR_HEAD = re.compile(r"\s*(?P<name>[A-Za-z_][\w:]*)\s*(?P<next>[(=]?)")


def _parse_attr(body: str, result: ScanResult, line: int) -> _Attr:
    """Understand the inside of `#[...]` for cfg, cfg_attr, path and doc = include_str!(..)."""
    attr = _Attr()
    _attr_into(body, attr, [], result, line)
    return attr


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    lexer = _Lexer(text, parens=True)
    for tok in _tokens(lexer):
        if _opens(tok, lexer):
            depth += 1
        elif tok.text in (")", "]", "}"):
            depth -= 1
        elif tok.text == "," and depth == 0:
            parts.append(text[start : tok.start])
            start = tok.end
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _attr_into(body: str, attr: _Attr, outer: list[Cfg], result: ScanResult, line: int) -> None:
    head = _ATTR_HEAD.match(body)
    if head is None:
        return
    name, rest = head.group("name"), body[head.end() :]
    if name == "cfg" and head.group("next") == "(":
        inner = rest[: rest.rfind(")")] if ")" in rest else rest
        try:
            attr.conds.append(_cfg.parse(inner))
        except _cfg.CfgSyntaxError:
            result.unparsed_cfgs.append((line, inner.strip()))
    elif name == "cfg_attr" and head.group("next") == "(":
        inner = rest[: rest.rfind(")")] if ")" in rest else rest
        parts = _split_top(inner)
        if not parts:
            return
        try:
            cond = _cfg.parse(parts[0])
        except _cfg.CfgSyntaxError:
            result.unparsed_cfgs.append((line, parts[0].strip()))
            return
        for sub in parts[1:]:
            sub_attr = _Attr()
            _attr_into(sub, sub_attr, [*outer, cond], result, line)
            if sub_attr.path is not None:
                attr.cfg_paths.append((sub_attr.path, _cfg.conjoin([*outer, cond])))
            attr.cfg_paths.extend(sub_attr.cfg_paths)
            attr.includes.extend(sub_attr.includes)
    elif name == "path" and head.group("next") == "=":
        value = evaluate_path_expr(rest)
        if value is not None:
            attr.path = value
    elif name == "doc" and head.group("next") == "=":
        lexer = _Lexer(rest, parens=True)
        tok = lexer.next(0)
        if tok is not None and tok.kind == "include" and tok.match is not None:
            close = _find_close(lexer, tok.end)
            macro = tok.match.group("macro")
            attr.includes.append((macro, rest[tok.end : close - 1], tuple(outer)))


# --- the scan -----------------------------------------------------------------------------------


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lexer = _Lexer(text)
        self._paren_lexer: _Lexer | None = None
        self.result = ScanResult()
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.stack: list[_Frame] = [_Frame(close="", conds=())]
        self.pending: list[_Attr] = []

    def paren_lexer(self) -> _Lexer:
        if self._paren_lexer is None:
            self._paren_lexer = _Lexer(self.text, parens=True)
        return self._paren_lexer

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.newlines, pos) + 1

    def conds(self) -> tuple[Cfg, ...]:
        top = self.stack[-1]
        return top.conds + (top.item.conds if top.item else ())

    def start_item(self) -> None:
        """Attributes seen so far apply to the item that starts at this token."""
        if self.pending:
            conds = tuple(c for a in self.pending for c in a.conds)
            path = next((a.path for a in reversed(self.pending) if a.path is not None), None)
            cfg_paths = tuple(p for a in self.pending for p in a.cfg_paths)
            self.stack[-1].item = _Item(conds=conds, path_attr=path, cfg_paths=cfg_paths)
            self.pending.clear()

    def end_item(self) -> None:
        self.stack[-1].item = None

    def add_include(self, macro: str, args: str, pos: int, conds: tuple[Cfg, ...]) -> None:
        value = evaluate_path_expr(args)
        if value is None:
            return  # not static (a macro variable, a const): nothing a checker can follow
        generated = OUT_DIR in value
        manifest = value.startswith(MANIFEST_DIR)
        path = value.replace(MANIFEST_DIR, "").lstrip("/") if manifest else value
        self.result.includes.append(
            Include(
                macro, None if generated else path, manifest, generated, self.line_of(pos), conds
            )
        )

    def run(self) -> ScanResult:
        pos = 0
        while (tok := self.lexer.next(pos)) is not None:
            pos = self.handle(tok)
        return self.result

    def handle(self, tok: _Token) -> int:
        text, m = self.text, tok.match
        assert m is not None
        if tok.kind == "attr":
            close = _find_close(self.lexer, tok.end)
            attr = _parse_attr(text[tok.end : close - 1], self.result, self.line_of(tok.start))
            for macro, args, guards in attr.includes:
                self.add_include(macro, args, tok.start, self.conds() + tuple(attr.conds) + guards)
            if "!" in tok.text:  # inner attribute: applies to the enclosing scope
                self.stack[-1].conds += tuple(attr.conds)
                if len(self.stack) == 1:
                    self.result.file_conditions.extend(attr.conds)
            else:
                self.pending.append(attr)
            return close
        self.start_item()
        item = self.stack[-1].item
        if tok.kind == "mod":
            name = m.group("modname")
            inline = tuple(f.inline_mod for f in self.stack if f.inline_mod is not None)
            if m.group("modend") == ";":
                path_attr, cfg_paths = (item.path_attr, item.cfg_paths) if item else (None, ())
                line = self.line_of(tok.start)
                decl = ModDecl(name, path_attr, cfg_paths, inline, line, self.conds())
                self.result.mods.append(decl)
                self.end_item()
            else:
                self.stack.append(_Frame("}", self.conds(), inline_mod=name))
            return tok.end
        if tok.kind == "include":
            close = _find_close(self.paren_lexer(), tok.end)
            args = text[tok.end : close - 1]
            self.add_include(m.group("macro"), args, tok.start, self.conds())
            return close
        ch = tok.text
        if ch in _CLOSE:
            self.stack.append(_Frame(_CLOSE[ch], self.conds()))
        elif ch in (")", "]", "}"):
            if len(self.stack) > 1:
                self.stack.pop()
            # A braced block closes an attributed item (fn, struct, impl) unless it was `= {..}`.
            outer = self.stack[-1].item
            if ch == "}" and item is None and outer is not None and not outer.assigned:
                self.end_item()
        elif ch in (";", ","):
            self.end_item()
        elif ch == "=" and item is not None:
            item.assigned = True
        return tok.end


# Only files that declare out-of-line modules or use include macros can reference other files;
# most files have neither, and this C-speed test spares them the token loop.
_MAY_REFERENCE = re.compile(r"mod\s+(?:r#)?\w+\s*;|include(?:_bytes|_str)?\s*!")


def scan(text: str) -> ScanResult:
    """Every include macro and module declaration in one Rust source file, with its guards."""
    if _MAY_REFERENCE.search(text) is None:
        return ScanResult()
    return _Scanner(text).run()
