"""An in-memory view of an sdist's files: what exists, and the text of the files worth parsing.

Paths are POSIX, relative to the sdist root (the `name-version/` directory stripped).  Names that
were not valid UTF-8 are kept with surrogate escapes, so they compare and print without crashing.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache


def normalize(path: str) -> str | None:
    """Collapse `.`/`..` in an sdist-relative path; None when it climbs above the root."""
    # Most paths (uv: 3,000 a run) have no part to drop: no `.`/`..` part (no part starts with
    # a dot), no empty part, no backslash.  Testing that is three times cheaper than splitting.
    if (
        "/." not in path
        and "//" not in path
        and "\\" not in path
        and not path.startswith((".", "/"))
        and not path.endswith("/")
    ):
        return path
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


@lru_cache(maxsize=4096)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a maturin/gitignore-style glob (`*`, `?`, `[..]`, `**`) to a full-path regex."""
    i, out = 0, []
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


@dataclass
class SdistTree:
    """The members of one sdist.  Built by `archive.read.read_sdist`, or from a folder (tests)."""

    artifact: str  # how to name the sdist in messages (its file name)
    root_prefix: str  # the stripped top-level directory, e.g. "uv-0.5.2" ("" if none)
    files: set[str] = field(default_factory=set)  # regular files
    dirs: set[str] = field(default_factory=set)  # explicit and implied directories
    links: dict[str, str] = field(default_factory=dict)  # in-tree link -> normalized target
    contents: dict[str, bytes] = field(default_factory=dict)  # files kept for parsing
    _sorted: list[str] | None = field(default=None, repr=False, compare=False)

    def add_file(self, path: str, data: bytes | None = None) -> None:
        self._sorted = None
        self.files.add(path)
        self._add_parents(path)
        if data is not None:
            self.contents[path] = data

    def add_dir(self, path: str) -> None:
        self._sorted = None
        if path:
            self.dirs.add(path)
            self._add_parents(path)

    def add_link(self, path: str, target: str) -> None:
        self._sorted = None
        self.links[path] = target
        self._add_parents(path)

    def _add_parents(self, path: str) -> None:
        parent = posixpath.dirname(path)
        while parent and parent not in self.dirs:
            self.dirs.add(parent)
            parent = posixpath.dirname(parent)

    def _resolve(self, path: str) -> str:
        # Follow in-tree links a bounded number of times (the reader refused out-of-tree ones).
        for _ in range(40):
            if path not in self.links:
                return path
            path = self.links[path]
        return path

    def is_file(self, path: str) -> bool:
        return self._resolve(path) in self.files

    def is_dir(self, path: str) -> bool:
        resolved = self._resolve(path)
        return resolved == "" or resolved in self.dirs

    def exists(self, path: str) -> bool:
        resolved = self._resolve(path)
        return resolved in self.files or resolved in self.dirs or resolved == ""

    def read_bytes(self, path: str) -> bytes | None:
        """The content of a file kept for parsing; None if absent or not kept."""
        return self.contents.get(self._resolve(path))

    def read_text(self, path: str) -> str | None:
        data = self.read_bytes(path)
        if data is None:
            return None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return data.decode("utf-8", errors="replace")

    def all_paths(self) -> Iterator[str]:
        yield from self.files
        yield from self.links

    def _with_prefix(self, prefix: str) -> list[str]:
        """All file and link paths starting with `prefix` (a sorted index, built once)."""
        if self._sorted is None:
            self._sorted = sorted(self.all_paths())
        lo = bisect.bisect_left(self._sorted, prefix)
        hi = bisect.bisect_left(self._sorted, prefix + "\U0010ffff")
        return self._sorted[lo:hi]

    def glob(self, pattern: str, base: str = "") -> list[str]:
        """Files (and links) matching a glob relative to `base`, sorted."""
        full = normalize(posixpath.join(base, pattern)) if base else normalize(pattern)
        if full is None:
            return []
        if not is_glob(full):
            return [full] if self.is_file(full) else []
        literal = re.split(r"[*?\[]", full, maxsplit=1)[0]
        rest = full[len(literal) :]
        if rest.startswith("*") and not any(ch in rest[1:] for ch in "*?[/"):
            # `dir/*.ext`, the common case: no regex to compile
            return [
                p
                for p in self._with_prefix(literal)
                if "/" not in p[len(literal) :] and p.endswith(rest[1:])
            ]
        # Every candidate starts with the literal part: match the rest, whose regex (`*/main.rs`
        # for every crate's `src/bin/*/main.rs`) is compiled once for all bases.
        regex, cut = glob_to_regex(rest), len(literal)
        return [p for p in self._with_prefix(literal) if regex.match(p, cut)]

    def glob_dirs(self, pattern: str, base: str = "") -> list[str]:
        """Directories matching a glob relative to `base` (for Cargo workspace members)."""
        full = normalize(posixpath.join(base, pattern)) if base else normalize(pattern)
        if full is None:
            return []
        regex = glob_to_regex(full)
        return sorted(d for d in self.dirs if regex.match(d))

    def matches_any(self, pattern: str, base: str = "") -> bool:
        """True when a glob matches a file or a directory (a directory counts for `dir/**`)."""
        if self.glob(pattern, base):
            return True
        full = normalize(posixpath.join(base, pattern)) if base else normalize(pattern)
        return full is not None and (
            self.is_dir(full) or any(glob_to_regex(full).match(d) for d in self.dirs)
        )

    def __len__(self) -> int:
        return len(self.files) + len(self.links)

    @classmethod
    def from_mapping(
        cls, artifact: str, files: dict[str, bytes | str], dirs: Iterable[str] = ()
    ) -> SdistTree:
        """A tree from a dict of path -> content, for tests and for directories."""
        tree = cls(artifact=artifact, root_prefix="")
        for path, data in files.items():
            tree.add_file(path, data.encode() if isinstance(data, str) else data)
        for d in dirs:
            tree.add_dir(d)
        return tree
