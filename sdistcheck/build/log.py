"""The build log as `diagnose` reads it: lines cleaned of ANSI escapes, and paths in them mapped
back from the build directory (ours, or another frontend's) to sdist-relative paths."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from functools import cached_property

from ..archive.tree import normalize
from .cause import MISSING_FILE, Cause

NOTE = (
    "sdistcheck: "  # starts the lines `build.isolated` adds to the log: only these two are evidence
)
TIMEOUT_MARKER = "sdistcheck: timed out after"
MISSING_DEPS_MARKER = "sdistcheck: missing build dependencies"
_GENERIC_PREFIXES = [  # build directories of other frontends: build's CLI, pip
    re.compile(r"^.*?/build-via-sdist-[^/]+/[^/]+/(?P<rest>.*)$"),
    re.compile(r"^.*?/pip-req-build-[^/]+/(?P<rest>.*)$"),
    re.compile(r"^.*?/pip-install-[^/]+/[^/]+/(?P<rest>.*)$"),
]
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_PROGRESS = re.compile(
    r"^\s*(?:Collecting|Downloading|Downloaded|Using cached|Processing|Installing collected"
    r"|Requirement already|Successfully|Looking in|Obtaining|Preparing|Building wheel"
    r"|Compiling|Checking|Fresh|Updating|Locking|Adding|copying|creating|running|writing"
    r"|reading|adding|removing|byte-compiling|Copying|\[\s*\d+/\d+\]|\[\s*\d+%\]|-- |\*\*\* "
    r"|WARNING: Location|warning: no files found)"
)


# --- the log --------------------------------------------------------------------------------------


class _Log:
    """The log's lines and what maps a path in them back into the sdist."""

    def __init__(self, text: str, project_dir: str, files: Collection[str] | None) -> None:
        self.lines = [_ANSI.sub("", line).rstrip() for line in text.splitlines()]
        root = project_dir.replace("\\", "/").rstrip("/")
        self.roots = [r for r in (root, "/private" + root if root.startswith("/") else "") if r]
        self.files = frozenset(files) if files is not None else None

    @cached_property
    def dirs(self) -> frozenset[str]:
        out = {""}
        for path in self.files or ():
            while path:
                path = posixpath.dirname(path)
                out.add(path)
        return frozenset(out)

    def relative(self, path: str, base: str = "") -> str | None:
        """`path` as the sdist names it: relative ones are joined to `base` (sdist-relative);
        absolute ones lose the build directory's prefix.  None when it is outside the sdist."""
        path = path.strip().strip("'\"`").replace("\\", "/")
        if not path:
            return None
        if path.startswith("/") or re.match(r"[A-Za-z]:/", path):
            inner = self._strip_root(path)
            if inner is None:
                return None
            path, base = inner, ""
        return normalize(posixpath.join(base, path) if base else path)  # "" is the root

    def _strip_root(self, path: str) -> str | None:
        for root in self.roots:
            if path == root:
                return ""
            if path.startswith(root + "/"):
                return path[len(root) + 1 :]
        for pattern in _GENERIC_PREFIXES:
            if m := pattern.match(path):
                return m["rest"]
        return None

    def exists_dir(self, path: str) -> bool | None:
        """Whether the sdist has this directory; None without a file list."""
        return None if self.files is None else path in self.dirs

    def before(self, i: int, pattern: re.Pattern[str], window: int = 400) -> re.Match[str] | None:
        """The last match of `pattern` on the lines before line `i`."""
        for j in range(i - 1, max(i - window, 0) - 1, -1):
            if m := pattern.search(self.lines[j]):
                return m
        return None

    def after(self, i: int, pattern: re.Pattern[str], window: int = 12) -> re.Match[str] | None:
        for j in range(i + 1, min(i + 1 + window, len(self.lines))):
            if m := pattern.search(self.lines[j]):
                return m
        return None

    def pick(self, candidates: list[str]) -> str:
        """The first candidate whose directory the sdist has (the first, without a file list)."""
        return next((c for c in candidates if self.exists_dir(posixpath.dirname(c))), candidates[0])


def _missing(log: _Log, path: str | None, what: str, evidence: str) -> Cause | None:
    if not path:
        return None  # outside the sdist (the build env, the system): not the sdist's defect
    return Cause(
        MISSING_FILE,
        f"{what} {path} is missing from the sdist",
        path,
        evidence,
        f"add {path} to the sdist (MANIFEST.in, or the backend's include setting)",
    )
