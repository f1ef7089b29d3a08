"""Files the build writes itself: a Python script in the sdist that opens a path for writing.

islpy's gen_wrap.py writes `open(f"src/wrapper/gen-expose-{part}.inc", "wt")` during the build,
and C++ sources include those files; setup.py scripts write version files.  A missing file that
such a write produces is generated, not left out: reported as info, naming the writer.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ..archive.tree import SdistTree, glob_to_regex

# open("x", "w"), open(f"x/{y}.inc", "wt"), io.open(..., mode="w"), Path("x").write_text(...),
# Path("src", "docstrings.c").open("w") (pycurl 7.49.0)
_OPEN_WRITE = re.compile(
    r"""open\(\s*f?(["'])(?P<path>[^"'\n]+)\1\s*,\s*(?:mode\s*=\s*)?["'](?:w|wt|wb|a|x)["']"""
    r"""|Path\(\s*(?P<parts>(?:f?["'][^"'\n]+["']\s*,\s*)*f?["'][^"'\n]+["'])\s*\)\s*\."""
    r"""(?:write_(?:text|bytes)\(|open\(\s*(?:mode\s*=\s*)?["'](?:w|wt|wb|a|x)["'])"""
)
_PART = re.compile(r"""f?["']([^"'\n]+)["']""")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|%[-0-9.]*[sdir]")


@dataclass(frozen=True)
class Writer:
    """A file a Python script in the sdist writes."""

    pattern: re.Pattern[str]
    source: str
    line: int


def writers(tree: SdistTree) -> list[Writer]:
    """Every literal write target in the sdist's Python files, as a pattern on sdist paths."""
    out: list[Writer] = []
    for path in sorted(tree.contents):
        if not path.endswith(".py"):
            continue
        text = tree.read_text(path) or ""
        if "open(" not in text and ".write_" not in text:
            continue
        for m in _OPEN_WRITE.finditer(text):
            parts = _PART.findall(m.group("parts") or "")
            raw = m.group("path") or (posixpath.join(*parts) if parts else "")
            glob = _PLACEHOLDER.sub("*", raw).lstrip("./")
            if not glob or glob.startswith("/") or glob == "*":
                continue
            line = text.count("\n", 0, m.start()) + 1
            # Relative to the working directory (the project root) or to the script's folder.
            for base in dict.fromkeys(("", posixpath.dirname(path))):
                out.append(Writer(glob_to_regex(posixpath.join(base, glob)), path, line))
    return out


def written_by(path: str, found: list[Writer]) -> Writer | None:
    return next((w for w in found if w.pattern.match(path)), None)
