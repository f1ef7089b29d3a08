"""The C preprocessor's view of one file: its `#include`s and the `#if` branches around each.

Comments, strings and char literals are blanked (positions kept), so a commented-out `#include`
is no reference; one C-speed search then finds the directive lines, and a stack of `#if` groups
gives each include its conditions (judged in `c.if_scope`).  Operands and conditions are
read from the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .branches import Cond
from .if_scope import IfGroup, clean
from .masking import blank, line_at

# Files the C preprocessor reads: units with other suffixes (.pyx, Fortran, ...) are not scanned.
C_SUFFIXES = frozenset(
    [
        ".c",
        ".cc",
        ".cpp",
        ".cxx",
        ".c++",
        ".cp",
        ".C",
        ".m",
        ".mm",
        ".cu",
        ".S",
        ".sx",
        ".h",
        ".hpp",
        ".hh",
        ".hxx",
        ".h++",
        ".inl",
        ".inc",
        ".def",
        ".tcc",
        ".ipp",
        ".ixx",
    ]
)

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
    return blank(text, _MASKABLE, _maskable_span)


def _maskable_span(text: str, m: re.Match[str]) -> tuple[int, int, str]:
    """What to blank for a match of `_MASKABLE`: a block comment to its end, a raw string whole."""
    start, end = m.start(), m.end()
    token = text[start]
    if token == "/" and text[start + 1] == "*":
        close = text.find("*/", end)
        end = len(text) if close < 0 else close + 2
    elif token == '"' and start and text[start - 1] == "R":
        raw = _raw_string_end(text, start - 1)
        if raw is not None:
            start, end = start - 1, raw
    return start, end, ""


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


# --- directives -----------------------------------------------------------------------------

# Only the directives that matter; `#define` bodies and the like are never iterated over.
_DIRECTIVE = re.compile(
    r"\n[ \t]*\#[ \t]*(?P<kw>include_next|include|import|ifdef|ifndef|if|elifdef|elifndef|elif"
    r"|else|endif|error)(?![\w])(?P<rest>[^\n]*)"
)
_NEXT_DIRECTIVE = re.compile(r"\n[ \t]*\#[ \t]*(\w+)[ \t]*(\w*)")
_OPERAND = re.compile(r"(?:\s|/\*.*?\*/)*(?:\"(?P<q>[^\"\n]*)\"|<(?P<a>[^>\n]*)>)", re.S)
_GUARD_IF = re.compile(r"!\s*defined\s*\(?\s*(\w+)\s*\)?\s*")


@dataclass(frozen=True)
class Include:
    """One `#include` (or `#import`) with a literal operand."""

    name: str  # between the quotes or angle brackets, as written
    quoted: bool  # "x.h" rather than <x.h>
    line: int
    text: str  # the directive line, stripped
    conds: tuple[Cond, ...]  # the branches it sits in, outermost first


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
    stack: list[IfGroup] = []
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
            includes.append(Include(name, quoted, line, line_at(text, hash_pos), conds))
        elif kw in ("if", "ifdef", "ifndef"):
            expr = text[m.start("rest") : m.end()]
            guard = first and _is_guard(kw, clean(expr), code, m.end())
            stack.append(IfGroup([(kw, expr)], guard))
        elif kw == "endif":
            if stack:
                stack.pop()
        elif kw == "error":
            if stack:  # a build that takes this branch fails: no build includes under it
                stack[-1].failing.add(len(stack[-1].branches) - 1)
                stack[-1].state = None
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
