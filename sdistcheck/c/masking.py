"""Blank comments and literals out of source text, keeping every position, for the scanners.

A scanner searches the blanked text for its statements, so that a commented-out or quoted one is
no reference, and reads operands and line numbers from the original text at the same positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Given the text and a match of the scanner's pattern: what to blank (start, end) and the prefix
# of it to keep (e.g. a string's opening quote).
Span = Callable[[str, "re.Match[str]"], tuple[int, int, str]]


def blank(text: str, pattern: re.Pattern[str], span: Span) -> str:
    """`text` with each match of `pattern`, as widened by `span`, replaced by spaces (same length).

    The search goes on after each blanked stretch, so nothing inside a comment or literal matches.
    """
    pieces: list[str] = []
    last = pos = 0
    search = pattern.search
    while (m := search(text, pos)) is not None:
        start, end, keep = span(text, m)
        pieces.append(text[last:start])
        pieces.append(keep + " " * (end - start - len(keep)))
        last = pos = end
    pieces.append(text[last:])
    return "".join(pieces)


def line_at(text: str, pos: int) -> str:
    """The line of `text` holding `pos`, stripped: what a reference shows as its source."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()
