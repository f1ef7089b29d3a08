#!/usr/bin/env python3
"""Choose, by rule, the real wheels `scripts/agreement.py` compares retag check on; write the
manifest testdata/agreement/wheels.tsv.

    python scripts/agreement_select.py [--ranks TSV] [--cache-dir DIR] [--out TSV] [--refresh]

The rule: walk the most-downloaded PyPI projects in rank order (the rank column of
/work/.library/env/packages/pypi.tsv); for each, PyPI's JSON API lists its latest release's
wheels; a project that ships binary wheels (any platform but `any`) offers each platform class
below it has a wheel of (at most 60 MiB).  Each project gives wheels to at most two classes, those
still short of their quota with the fewest wheels so far (ties in the order below), until every
quota is met.  Within a class the project's wheel is the first of: a cp312-cp312 wheel, an abi3
wheel, a `none` abi wheel, any other, newest CPython first, then by file name; the `abi3` class
takes the project's abi3 wheel on the platform class that comes first in the class order rotated
by the abi3 wheels taken so far (so abi3 wheels spread over Linux, macOS and Windows).
Deterministic: each project's JSON answer is cached in DIR/_json/ (--refresh asks again).
"""

from __future__ import annotations

import argparse
import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus_pypi import FetchFailed, canonical_url, log, project_json, with_retries

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RANKS = Path("/work/.library/env/packages/pypi.tsv")
DEFAULT_CACHE = Path("/tmp/agreement/cache")
DEFAULT_OUT = ROOT / "testdata" / "agreement" / "wheels.tsv"
MAX_WHEEL = 60 * 1024**2
PER_PROJECT = 2
MAX_RANK = 5000

# platform classes and how many wheels each gets; the order breaks ties
QUOTAS: dict[str, int] = {
    "manylinux_x86_64": 8,
    "manylinux_aarch64": 8,
    "musllinux_x86_64": 7,
    "musllinux_aarch64": 5,
    "manylinux_other": 4,  # i686, ppc64le, s390x, armv7l
    "macosx_x86_64": 8,
    "macosx_arm64": 8,
    "macosx_universal2": 6,
    "win_amd64": 6,
    "win_other": 4,  # win32, win_arm64
    "abi3": 10,
}
COLUMNS = ("class", "rank", "project", "version", "filename", "sha256", "size", "url")
_LINUX = re.compile(r"(many|musl)linux(?:_\d+_\d+|1|2010|2014)_(.+)")
_MACOS = re.compile(r"macosx_\d+_\d+_(.+)")


@dataclass(frozen=True)
class WheelFile:
    filename: str
    sha256: str
    size: int
    url: str

    @property
    def tags(self) -> tuple[list[str], list[str], list[str]]:
        """(python tags, abi tags, platform tags) of the file name."""
        python, abi, platform = self.filename[:-4].split("-")[-3:]
        return python.split("."), abi.split("."), platform.split(".")


def platform_class(platform_tags: Sequence[str]) -> str | None:
    """The class of a wheel's platform tags (the first tag that has one decides)."""
    for tag in platform_tags:
        if m := _LINUX.fullmatch(tag):
            arch = m[2]
            if m[1] == "musl":
                return f"musllinux_{arch}" if arch in ("x86_64", "aarch64") else None
            return f"manylinux_{arch}" if arch in ("x86_64", "aarch64") else "manylinux_other"
        if m := _MACOS.fullmatch(tag):
            return f"macosx_{m[1]}" if m[1] in ("x86_64", "arm64", "universal2") else None
        if tag == "win_amd64":
            return "win_amd64"
        if tag in ("win32", "win_arm64"):
            return "win_other"
    return None


def preference(w: WheelFile) -> tuple[int, int, str]:
    """Sort key of a class's wheels: cp312-cp312, abi3, `none` abi, others; newest CPython."""
    python, abi, _ = w.tags
    if "cp312" in abi:
        group = 0
    elif "abi3" in abi:
        group = 1
    elif "none" in abi:
        group = 2
    else:
        group = 3
    newest = max((int(p[3:]) for p in python if p.startswith("cp3") and p[3:].isdigit()), default=0)
    return group, -newest, w.filename


def offers(wheels: Sequence[WheelFile], abi3_taken: int) -> dict[str, WheelFile]:
    """Class -> the wheel a project would give that class."""
    by_class: dict[str, list[WheelFile]] = {}
    for w in wheels:
        cls = platform_class(w.tags[2])
        if cls is not None and w.size <= MAX_WHEEL:
            by_class.setdefault(cls, []).append(w)
    out = {cls: min(ws, key=preference) for cls, ws in by_class.items()}
    platforms = [c for c in QUOTAS if c != "abi3"]
    shift = abi3_taken % len(platforms)
    for cls in platforms[shift:] + platforms[:shift]:
        abi3 = sorted(w.filename for w in by_class.get(cls, []) if "abi3" in w.tags[1])
        if abi3:
            out["abi3"] = next(w for w in by_class[cls] if w.filename == abi3[0])
            break
    return out


def allocate(offered: Mapping[str, WheelFile], taken: Mapping[str, int]) -> list[str]:
    """The classes (at most PER_PROJECT) a project's offers go to: open ones, fewest taken first;
    never the same file twice."""
    order = list(QUOTAS)
    open_ = [c for c in order if c in offered and taken.get(c, 0) < QUOTAS[c]]
    open_.sort(key=lambda c: (taken.get(c, 0), order.index(c)))
    chosen: list[str] = []
    files: set[str] = set()
    for cls in open_:
        if len(chosen) == PER_PROJECT:
            break
        if offered[cls].filename not in files:
            chosen.append(cls)
            files.add(offered[cls].filename)
    return chosen


def ranked(ranks: Path) -> Iterator[tuple[int, str]]:
    rows = []
    with ranks.open() as fh:
        next(fh)
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 3 and cols[3].isdigit():
                rows.append((int(cols[3]), cols[0]))
    yield from sorted(rows)


def latest_wheels(name: str, cache_dir: Path, refresh: bool) -> tuple[str, list[WheelFile]]:
    import json

    cached = cache_dir / "_json" / f"{name}.json"
    if cached.is_file() and not refresh:
        raw: dict[str, Any] = json.loads(cached.read_text())
    else:
        url = f"https://pypi.org/pypi/{urllib.parse.quote(name)}/json"
        data = with_retries(f"{name} JSON", lambda: project_json(url))
        files = [
            {
                "filename": f["filename"],
                "sha256": f["digests"]["sha256"],
                "size": f["size"],
                "url": canonical_url(urllib.parse.urljoin(url, f["url"])),
            }
            for f in (data or {}).get("urls", [])
            if f.get("packagetype") == "bdist_wheel" and not f.get("yanked")
        ]
        raw = {"version": (data or {}).get("info", {}).get("version", ""), "wheels": files}
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(raw, indent=1, sort_keys=True) + "\n")
    return raw["version"], [WheelFile(**f) for f in raw["wheels"]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=Path, default=DEFAULT_RANKS)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--refresh", action="store_true")
    args = parser.parse_args(argv)
    taken: dict[str, int] = {}
    rows: list[tuple[str, ...]] = []
    last = 0
    for rank, name in ranked(args.ranks):
        if rank > MAX_RANK or all(taken.get(c, 0) >= q for c, q in QUOTAS.items()):
            break
        last = rank
        try:
            version, wheels = latest_wheels(name, args.cache_dir, args.refresh)
        except (FetchFailed, OSError, KeyError) as exc:
            log(f"rank {rank} {name}: {exc}")
            continue
        binary = [w for w in wheels if w.tags[2] != ["any"]]
        offered = offers(binary, taken.get("abi3", 0))
        for cls in allocate(offered, taken):
            w = offered[cls]
            taken[cls] = taken.get(cls, 0) + 1
            rows.append((cls, str(rank), name, version, w.filename, w.sha256, str(w.size), w.url))
            log(f"rank {rank} {name}: {cls} {w.filename}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w") as fh:
        fh.write(
            "# Chosen by scripts/agreement_select.py (its docstring states the rule): the latest\n"
            f"# releases' binary wheels of PyPI's most-downloaded projects, ranks 1-{last},\n"
            f"# per platform class {', '.join(f'{c} {q}' for c, q in QUOTAS.items())}.\n"
        )
        fh.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    log(f"{len(rows)} wheels -> {args.out}; classes: {taken}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
