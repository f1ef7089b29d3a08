"""Static scan of Rust source: `include_bytes!`/`include_str!`/`include!`, `mod x;`, `#[path]`.

Comments, strings and char literals are first blanked out (positions kept), so a doc comment
mentioning `include_str!` is no reference; then C-speed searches over that code find brackets,
attributes, module declarations and include macros, and one pass tracks which `#[cfg(...)]`
attributes guard each reference.  Values (paths, cfg text) are read from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import cfg as _cfg
from .cfg import Cfg

# What must be blanked: comments, strings, char literals and raw strings.  All branches start with
# a literal, which lets `re` skip ahead fast.
# Consecutive line comments (a doc comment's lines) are one token, their line breaks blanked
# too: nothing the scan searches for spans lines, and a token per line cost a third of the time.
# A string is matched whole (to its end when unterminated): a second search per string cost more
# than the scan.  No named groups: they would stop `re` skipping ahead to the branches' literals.
_MASKABLE = re.compile(
    r"//[^\n]*(?:\n[ \t]*//[^\n]*)*|/\*"
    r'|"[^"\\]*(?:\\(?s:.)[^"\\]*)*(?:"|\\?\Z)'
    r"|'(?:\\.[^'\n]{0,10}|[^\\'\n])'|r\#*\""
)
_BLOCK_COMMENT = re.compile(r"/\*|\*/")
# Every branch starts with a literal so `re` can skip ahead; `=` only as an assignment.
_PUNCT = re.compile(r"\{|\}|\[|\]|;|\#(?:!?\s*\[)?|=(?<![=!<>+\-*/%^&|]=)(?![=>])")
_MOD = re.compile(r"mod\s+(?:r\#)?(?P<name>[A-Za-z_]\w*)\s*(?P<end>[;{])")
_INCLUDE = re.compile(r"(?P<macro>include_bytes|include_str|include)\s*!\s*(?P<open>[(\[{])")
_BRACKETS = re.compile(r"[()\[\]{}]")
_TAIL = 4096  # characters kept masked after the last possible reference
_OPENERS = frozenset("([{")
# Only files that declare out-of-line modules or use include macros can reference other files;
# most have neither, and this test spares them the scan.  Two searches that each start with a
# literal: `re` skips ahead to it at C speed, where one alternation tries every position (4x).
_MAY_INCLUDE = re.compile(r"include(?:_bytes|_str)?\s*!")
_MAY_MOD = re.compile(r"mod\s+(?:r#)?\w+\s*;")
# The same test on the undecoded bytes, which most files fail without being decoded: looser, with
# any non-ASCII byte taken as a possible space or letter (`\s` and `\w` of bytes are ASCII, and
# `\s` of bytes lacks the separators \x1c-\x1f that of str has).
_MAY_INCLUDE_BYTES = re.compile(rb"include(?:_bytes|_str)?[\s\x1c-\x1f\x80-\xff]*!")
_MAY_MOD_BYTES = re.compile(
    rb"mod[\s\x1c-\x1f\x80-\xff]+(?:r#)?[\w\x80-\xff]+[\s\x1c-\x1f\x80-\xff]*;"
)


def mask(text: str) -> str:
    """`text` with comments, string and char literals replaced by spaces (same length)."""
    pieces: list[str] = []
    last = pos = 0
    search = _MASKABLE.search
    while (m := search(text, pos)) is not None:
        start, end = m.span()
        first = text[start]
        if first == "r":
            before = text[start - 1 : start]
            if before in ("b", "c"):
                before = text[start - 2 : start - 1]
            if before.isalnum() or before == "_":  # an identifier ending in r, then a string
                pos = start + 1
                continue
            hashes = text[start + 1 : end - 1]
            close = text.find('"' + hashes, end)
            end = len(text) if close < 0 else close + 1 + len(hashes)
        elif first == "/" and text[start + 1] == "*":
            end = _skip_block_comment(text, end)
        # else a whole string, line comment or char literal
        pieces.append(text[last:start])
        pieces.append(" " * (end - start))
        last = pos = end
    pieces.append(text[last:])
    return "".join(pieces)


def _skip_block_comment(text: str, pos: int) -> int:
    depth = 1
    for m in _BLOCK_COMMENT.finditer(text, pos):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end()
    return len(text)


def find_close(code: str, pos: int) -> int:
    """Index just past the bracket closing the one opened just before `pos` (in masked code)."""
    depth = 1
    for m in _BRACKETS.finditer(code, pos):
        depth += 1 if m.group() in _OPENERS else -1
        if depth == 0:
            return m.end()
    return len(code)


def split_top(text: str) -> list[str]:
    """Split at commas outside brackets, strings and comments."""
    code = mask(text)
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"[()\[\]{},]", code):
        ch = m.group()
        if ch in _OPENERS:
            depth += 1
        elif ch == ",":
            if depth == 0:
                parts.append(text[start : m.start()])
                start = m.end()
        else:
            depth -= 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


@dataclass(frozen=True)
class Include:
    """An include macro."""

    macro: str  # include_bytes | include_str | include
    path: str | None  # relative to the file's directory, or crate-relative if manifest_relative
    manifest_relative: bool  # built with env!("CARGO_MANIFEST_DIR")
    generated: bool  # built from env!("OUT_DIR"): produced by build.rs, never in an sdist
    line: int
    conditions: tuple[Cfg, ...]


@dataclass(frozen=True)
class ModDecl:
    """An out-of-line module declaration, `mod x;`."""

    name: str
    path_attr: str | None  # #[path = "..."]
    cfg_paths: tuple[tuple[str, Cfg], ...]  # #[cfg_attr(cond, path = "...")]: path when cond
    inline_mods: tuple[str, ...]  # enclosing `mod a { ... }` blocks
    line: int
    conditions: tuple[Cfg, ...]


@dataclass
class ScanResult:
    """What one Rust source file references, with its guards."""

    includes: list[Include] = field(default_factory=list)
    mods: list[ModDecl] = field(default_factory=list)
    file_conditions: list[Cfg] = field(default_factory=list)  # from #![cfg(...)]
    unparsed_cfgs: list[tuple[int, str]] = field(default_factory=list)
    # The stripped text of each line above, for the report: cut out of the file where the scan
    # found it, where splitting the whole file into lines cost as much as a third of the scan.
    line_texts: dict[int, str] = field(default_factory=dict)


@dataclass
class _Item:
    """The attributes of the item being read."""

    conds: tuple[Cfg, ...]
    path_attr: str | None
    cfg_paths: tuple[tuple[str, Cfg], ...]
    assigned: bool = False  # seen `=`: the item is an expression, only `;` ends it


@dataclass
class _Frame:
    """A bracket the scan is inside."""

    conds: tuple[Cfg, ...]
    inline_mod: str | None = None
    item: _Item | None = None  # an attributed item that started at this depth


@dataclass
class _Attr:
    """What an attribute says."""

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


def _inside_parens(rest: str) -> str:
    return rest[: rest.rfind(")")] if ")" in rest else rest


def _attr_into(body: str, attr: _Attr, outer: list[Cfg], result: ScanResult, line: int) -> None:
    head = _ATTR_HEAD.match(body)
    if head is None:
        return
    name, nxt, rest = head.group("name"), head.group("next"), body[head.end() :]
    if name == "cfg" and nxt == "(":
        try:
            attr.conds.append(_cfg.parse(_inside_parens(rest)))
        except _cfg.CfgSyntaxError:
            result.unparsed_cfgs.append((line, _inside_parens(rest).strip()))
    elif name == "cfg_attr" and nxt == "(":
        parts = split_top(_inside_parens(rest))
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
    elif name == "path" and nxt == "=":
        value = evaluate_path_expr(rest)
        if value is not None:
            attr.path = value
    elif name == "doc" and nxt == "=":
        code = mask(rest)
        m = _INCLUDE.search(code)
        if m is not None and _word_start(code, m):
            close = find_close(code, m.end())
            attr.includes.append((m.group("macro"), rest[m.end() : close - 1], tuple(outer)))


# --- the scan -----------------------------------------------------------------------------------


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        # Nothing after the last `mod x;`/include can matter: mask up to it (plus room for the
        # macro's arguments) and leave the rest of a long file alone.
        cut = min(len(text), _last_reference(text) + _TAIL)
        self.code = mask(text[:cut]) + text[cut:]
        self.result = ScanResult()
        self.stack: list[_Frame] = [_Frame(conds=())]
        self.pending: list[_Attr] = []
        self._last_line = (0, 1)  # (position, its line) of the last line_of

    def line_of(self, pos: int) -> int:
        # Few calls, mostly in increasing order: count on from the last one (cheaper than
        # indexing every line, and than counting from the top of a long file each time).
        last_pos, last_line = self._last_line
        if pos < last_pos:
            last_pos, last_line = 0, 1
        text = self.text
        line = last_line + text.count("\n", last_pos, pos)
        self._last_line = (pos, line)
        if line not in self.result.line_texts:
            end = text.find("\n", pos)
            line_text = text[text.rfind("\n", 0, pos) + 1 : end if end >= 0 else len(text)]
            self.result.line_texts[line] = line_text.strip()
        return line

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
        code = self.code
        # Word boundaries are checked here: a leading \b would slow the searches down a lot.
        refs = [m for rx in (_MOD, _INCLUDE) for m in rx.finditer(code) if _word_start(code, m)]
        refs.sort(key=_start)
        # Past the last `mod x;` or include macro nothing can reference a file: stop there.
        last = max(
            (m.start() for m in refs if m.re is _INCLUDE or m.group("end") == ";"), default=-1
        )
        pos, i, search = 0, 0, _PUNCT.search
        while (m := search(code, pos, last + 1)) is not None:
            start = m.start()
            while i < len(refs) and refs[i].start() < start:  # merge the few word tokens
                if refs[i].start() >= pos:
                    pos = self.handle(refs[i])
                i += 1
            if start < pos:
                continue
            # Skippable: a block closed before the next reference (and the last one).
            close = None
            if m.group() == "{":
                limit = min(last + 1, refs[i].start()) if i < len(refs) else last + 1
                close = _close_before(code, start, limit)
            if close is not None:
                # A block with no reference inside (most function bodies): skip it whole; like
                # its closing brace, it ends an attributed item such as `#[cfg(x)] fn f() {..}`.
                self.start_item()
                item = self.stack[-1].item
                if item is not None and not item.assigned:
                    self.stack[-1].item = None
                pos = close
                continue
            pos = self.handle(m)
        for ref in refs[i:]:
            if pos <= ref.start() <= last:
                pos = self.handle(ref)
        return self.result

    def handle(self, m: re.Match[str]) -> int:
        code, token = self.code, m.group()
        if m.re is _PUNCT:
            ch = token[0]
            if ch == "#":
                return self.attribute(m) if len(token) > 1 else m.end()
        self.start_item()
        item = self.stack[-1].item
        if m.re is _MOD:
            return self.module(m, item)
        if m.re is _INCLUDE:
            close = find_close(code, m.end())
            args = self.text[m.end() : close - 1]
            self.add_include(m.group("macro"), args, m.start(), self.conds())
            return close
        ch = token
        if ch in _OPENERS:
            self.stack.append(_Frame(self.conds()))
        elif ch in ("]", "}"):
            if len(self.stack) > 1:
                self.stack.pop()
            # A braced block closes an attributed item (fn, struct, impl) unless it was `= {..}`.
            outer = self.stack[-1].item
            if ch == "}" and item is None and outer is not None and not outer.assigned:
                self.stack[-1].item = None
        elif ch == ";":
            self.stack[-1].item = None
        elif ch == "=" and item is not None:
            item.assigned = True
        return m.end()

    def attribute(self, m: re.Match[str]) -> int:
        close = find_close(self.code, m.end())
        body = self.text[m.end() : close - 1]
        attr = _parse_attr(body, self.result, self.line_of(m.start()))
        for macro, args, guards in attr.includes:
            self.add_include(macro, args, m.start(), self.conds() + tuple(attr.conds) + guards)
        if "!" in m.group():  # inner attribute: applies to the enclosing scope
            self.stack[-1].conds += tuple(attr.conds)
            if len(self.stack) == 1:
                self.result.file_conditions.extend(attr.conds)
        else:
            self.pending.append(attr)
        return close

    def module(self, m: re.Match[str], item: _Item | None) -> int:
        name = m.group("name")
        if m.group("end") == ";":
            inline = tuple(f.inline_mod for f in self.stack if f.inline_mod is not None)
            path_attr, cfg_paths = (item.path_attr, item.cfg_paths) if item else (None, ())
            line = self.line_of(m.start())
            self.result.mods.append(ModDecl(name, path_attr, cfg_paths, inline, line, self.conds()))
            self.stack[-1].item = None
        else:
            self.stack.append(_Frame(self.conds(), inline_mod=name))
        return m.end()


def _close_before(code: str, start: int, limit: int) -> int | None:
    """Index just past the brace closing the one at `start` (in masked code), if it closes
    before `limit`.  Jumps from closing brace to closing brace and counts the opening ones
    between at C speed: a step per closing brace, where a regex found every brace."""
    depth, pos = 1, start + 1
    while (close := code.find("}", pos, limit)) >= 0:
        depth += code.count("{", pos, close) - 1  # the braces opened before it, this one closed
        if depth == 0:
            return close + 1
        pos = close + 1
    return None


def _last_reference(text: str) -> int:
    """Where the last possible `mod x;` or include macro starts (searching back is cheap)."""
    include = text.rfind("include")
    pos = len(text)
    while (pos := text.rfind("mod", 0, pos)) > include:
        decl = _MOD.match(text, pos)
        if decl is not None and decl.group("end") == ";":
            return pos
    return max(include, 0)


def _word_start(code: str, m: re.Match[str]) -> bool:
    before = code[m.start() - 1 : m.start()]
    return not (before.isalnum() or before == "_")


def _start(m: re.Match[str]) -> int:
    return m.start()


def may_reference(data: bytes) -> bool:
    """False when Rust source DATA (UTF-8) certainly declares no out-of-line module and uses no
    include macro: `scan` of it would find nothing."""
    return _MAY_MOD_BYTES.search(data) is not None or _MAY_INCLUDE_BYTES.search(data) is not None


def scan(text: str) -> ScanResult:
    """Every include macro and module declaration in one Rust source file, with its guards."""
    if _MAY_MOD.search(text) is None and _MAY_INCLUDE.search(text) is None:
        return ScanResult()
    return _Scanner(text).run()
