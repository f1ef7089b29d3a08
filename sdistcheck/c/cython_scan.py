"""Cython's view of one file: its `cimport`s, `include`s and `cdef extern from` headers, with
the compile-time `IF` blocks around each.

Comments are blanked and strings reduced to their opening quote (positions kept), so neither a
commented-out `cimport` nor one in a docstring is a reference; the statements are then found
with C-speed searches, and string operands read from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._model import Scope, weakest
from .branches import Cond
from .masking import blank, line_at

# --- masking --------------------------------------------------------------------------------

_MASKABLE = re.compile(
    r"\#[^\n]*"  # comment
    r"|\"\"\"|'''"  # triple-quoted string: its end is found with str.find
    r"|\"[^\"\\\n]*(?:\\(?s:.)[^\"\\\n]*)*\"?"  # string; unterminated: to the end of the line
    r"|'[^'\\\n]*(?:\\(?s:.)[^'\\\n]*)*'?"
)


def mask(text: str) -> str:
    """`text` with comments blanked and strings blanked but for their opening quote.

    The quote is kept so that a line starting with a string still ends an indented block.
    """
    return blank(text, _MASKABLE, _maskable_span)


def _maskable_span(text: str, m: re.Match[str]) -> tuple[int, int, str]:
    """What to blank for a match of `_MASKABLE`: a triple-quoted string to its end."""
    start, end, token = m.start(), m.end(), m.group()
    keep = "" if token[0] == "#" else token[0]
    if token in ('"""', "'''"):
        end = _triple_end(text, end, token)
    return start, end, keep


def _triple_end(text: str, pos: int, quote: str) -> int:
    while (close := text.find(quote, pos)) >= 0:
        escapes = close
        while escapes > pos and text[escapes - 1] == "\\":
            escapes -= 1
        if (close - escapes) % 2 == 0:
            return close + 3
        pos = close + 1
    return len(text)


# --- statements -----------------------------------------------------------------------------

# All searched on masked code prefixed with a newline, so that each starts with a literal.
_FROM = re.compile(
    r"\n[ \t]*from[ \t]+(?P<mod>\.*[\w.]*)[ \t]+(?P<kw>cimport|import)(?![\w])[ \t]*"
    r"(?P<names>\([^)]*\)|[^\n;]*)"
)
_CIMPORT = re.compile(r"\n[ \t]*cimport[ \t]+(?P<mods>[^\n;]*)")
_INCLUDE = re.compile(r"\n[ \t]*include(?=[ \t\"'])")
_EXTERN = re.compile(r"extern[ \t]+from(?=[ \t\"'*])")
_IF = re.compile(r"\n(?P<indent>[ \t]*)(?P<kw>IF|ELIF|ELSE)(?![\w])(?P<rest>[^\n]*)")
_OPERAND = re.compile(
    r"[ \t]*(?:[rRbBuU]{0,2}(?:\"(?P<d>[^\"\n]*)\"|'(?P<s>[^'\n]*)')|(?P<star>\*))"
)
_STRING_LITERAL = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
_CIMPORTS_PREFIX = "cython.cimports."  # pure-Python mode: `from cython.cimports.x import y`


@dataclass(frozen=True)
class Statement:
    """One `cimport`, `include` or `cdef extern from` in a Cython file."""

    kind: str  # "cimport" | "include" | "extern"
    target: str  # the dotted module (leading dots kept) or the quoted file name
    names: tuple[str, ...]  # `from M cimport a, b`: ("a", "b"); () for `cimport M`
    line: int
    text: str  # the statement's line, stripped
    conds: tuple[Cond, ...]  # compile-time IF/ELIF/ELSE blocks around it


def _names(raw: str) -> tuple[str, ...]:
    """`(a, b as c, *)` -> ('a', 'b', '*')."""
    words = (p.split() for p in raw.strip().strip("()").replace("\\", " ").split(","))
    return tuple(w[0] for w in words if w and w[0] != "as")


def scan(text: str) -> tuple[Statement, ...]:
    """Every cimport, include and extern header in one Cython file, with its IF blocks."""
    if "import" not in text and "include" not in text and "extern" not in text:
        return ()
    text = "\n" + text
    code = mask(text).replace("\\\r\n", "   ").replace("\\\n", "  ")
    found: list[tuple[int, str, str, tuple[str, ...]]] = []  # position, kind, target, names
    for m in _FROM.finditer(code):
        mod, names = m.group("mod"), _names(m.group("names"))
        if m.group("kw") == "import":
            if not mod.startswith(_CIMPORTS_PREFIX):
                continue  # a Python import
            mod = mod[len(_CIMPORTS_PREFIX) :]
        if mod and names:
            found.append((m.start() + 1, "cimport", mod, names))
    for m in _CIMPORT.finditer(code):
        for mod in _names(m.group("mods")):
            found.append((m.start() + 1, "cimport", mod, ()))
    for m in _INCLUDE.finditer(code):
        op = _OPERAND.match(text, m.end())
        if op is not None and (name := op.group("d") or op.group("s")):
            found.append((m.start() + 1, "include", name, ()))
    for m in _EXTERN.finditer(code):
        before = code[m.start() - 1]
        if before.isalnum() or before == "_":
            continue
        op = _OPERAND.match(text, m.end())
        if op is not None and (name := op.group("d") or op.group("s")):
            found.append((m.start(), "extern", name, ()))
    if not found:
        return ()
    found.sort()
    blocks = _if_blocks(text, code)
    out: list[Statement] = []
    line, line_pos = 0, 0
    for pos, kind, target, names in found:
        line += text.count("\n", line_pos, pos)
        line_pos = pos
        conds: list[Cond] = []
        dead = False
        for start, end, cond in blocks:
            if start <= pos < end:
                dead = dead or cond is None
                if cond is not None:
                    conds.append(cond)
        if not dead:
            out.append(Statement(kind, target, names, line, line_at(text, pos), tuple(conds)))
    return tuple(out)


def _if_blocks(text: str, code: str) -> list[tuple[int, int, Cond | None]]:
    """(start, end, condition) of every compile-time IF/ELIF/ELSE body; None: never compiled."""
    blocks: list[tuple[int, int, Cond | None]] = []
    chains: dict[str, list[Cond]] = {}  # indentation -> the IF/ELIF branches so far
    for m in _IF.finditer(code):
        if not m.group("rest").rstrip().endswith(":"):
            continue  # not a block header (`IF = {...}`)
        indent = m.group("indent")
        header = text[m.start("kw") : m.end()]
        expr = header[len(m.group("kw")) : header.rfind(":")].strip()
        kw = m.group("kw")
        prior = [] if kw == "IF" else chains.get(indent, [])
        cond: Cond | None
        if kw == "ELSE":
            after = " / ".join(c.text for c in prior)
            scope = weakest(*(c.scope for c in prior)) if prior else Scope.OPTION
            cond = Cond(f"ELSE (after {after})" if after else "ELSE", scope)
        elif expr in ("0", "False"):
            cond = None
        else:
            idents = re.findall(r"[A-Za-z_]\w*", _STRING_LITERAL.sub(" ", expr))
            platform = all(i.startswith("UNAME_") or i in ("and", "or", "not") for i in idents)
            scope = Scope.PLATFORM if platform and idents else Scope.OPTION
            scope = weakest(scope, *(c.scope for c in prior))
            shown = f"{kw} {expr}"
            cond = Cond(shown, scope, platforms=shown if scope is Scope.PLATFORM else None)
        if kw != "ELSE" and cond is not None:
            chains[indent] = [*prior, cond]
        end = re.compile(rf"\n[ \t]{{0,{len(indent)}}}\S").search(code, m.end())
        blocks.append((m.end(), end.start() if end else len(code), cond))
    return blocks


# --- C types a .pyx uses without declaring them -----------------------------------------------

_CDEF_VAR = re.compile(
    r"^[ \t]*cdef[ \t]+(?:(?:readonly|public|const|unsigned|signed|long|short)[ \t]+)*"
    r"([A-Za-z_]\w*)(?:[ \t]*\*+[ \t]*|[ \t]+)[A-Za-z_]\w*",
    re.MULTILINE,
)
_DECLARED = re.compile(  # `cdef class T`, `cdef struct T`, `ctypedef int T`, `ctypedef fused T:`
    r"^[ \t]*(?:(?:cdef|cpdef)[ \t]+(?:(?:public|api|packed|extern|readonly)[ \t]+)*"
    r"(?:class|struct|union|enum|cppclass)[ \t]+(?:[\w.]+[ \t]+)?([A-Za-z_]\w*)"
    r"|ctypedef[ \t][^\n:(\[]*?([A-Za-z_]\w*)[ \t]*(?::|\[|$))",
    re.MULTILINE,
)
_C_TYPES = frozenset(
    re.findall(
        r"\w+",
        """int char float double object bint size_t Py_ssize_t ssize_t void long short unsigned
    signed class struct union enum extern inline public api readonly const list dict tuple str
    bytes unicode set frozenset type bytearray complex Py_UCS4 Py_UNICODE Py_hash_t ctypedef
    cppclass fused packed""",
    )
)


def undeclared_type(text: str) -> str | None:
    """A C type a `cdef` declaration of `text` (a .pyx that cimports and externs nothing) uses
    but nothing in it declares (pyyaml's `cdef yaml_parser_t parser`): Cython can only have it
    from the module's own .pxd, so that file is needed."""
    masked = mask(text)
    declared = {m.group(1) or m.group(2) for m in _DECLARED.finditer(masked)}
    for m in _CDEF_VAR.finditer(masked):
        name = m.group(1)
        if name not in _C_TYPES and name not in declared:
            return name
    return None
