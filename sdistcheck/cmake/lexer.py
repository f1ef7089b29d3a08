"""The CMake language tokenizer: a file's commands with their arguments (unquoted, quoted and
bracket arguments, escapes, `#` and `#[[...]]` comments, line continuations), and where each
foreach/while/function/macro/block ends.  Nothing here knows what a command means."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
