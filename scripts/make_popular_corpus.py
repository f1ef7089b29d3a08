#!/usr/bin/env python3
"""Build testdata/corpus/popular.tsv: popular PyPI sdists with native build inputs, chosen by rule.

    python scripts/make_popular_corpus.py [--count 330] [--cache-dir DIR] [--out TSV]

The rule: walk the 15,000 most-downloaded PyPI projects in rank order (the rank column of
/work/.library/env/packages/pypi.tsv, or --ranks), take the sdist of each project's latest release
from PyPI's JSON API, download it (sha256 verified, at most 60 MiB) and LIST it, without
extracting or running anything.  It has native build inputs when it contains, outside obvious
test/doc/example folders, a Cargo.toml; a top-level CMakeLists.txt (or, with the scikit-build-core
backend, one at its cmake.source-dir); a top-level meson.build; or C/C++/Cython sources
(.c .cc .cpp .cxx .pyx .pxd) beside a top-level setup.py or pyproject.toml.  Stop at --count such
sdists, then split them once at random (fixed seed, stratified by build backend) into a `dev` and
a `heldout` half.

Deterministic: each project's PyPI answer is cached in DIR/_json/ and reused (--refresh asks
again), the sdists in DIR by file name, so a re-run writes the same manifest.  Also writes the
log of every examined project (DIR/examined.tsv) and the corpus README beside the manifest.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import urllib.error
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from corpus_archive import Native, Unreadable, classify, list_archive
from corpus_pypi import MAX_SDIST, FetchFailed, SdistFile, download, log, pick_sdist, release

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RANKS = Path("/work/.library/env/packages/pypi.tsv")
DEFAULT_CACHE = Path("/tmp/popcorpus/cache")
DEFAULT_OUT = ROOT / "testdata" / "corpus" / "popular.tsv"
SEED = 20261205
JOBS = 4
_MiB = 1024**2

COLUMNS = ("rank", "name", "version", "filename", "sha256", "size", "backend", "languages")
COLUMNS += ("split", "url")
# why a ranked project is not in the corpus; "native" means it is
NATIVE, NO_SDIST, TOO_BIG, NOT_NATIVE, UNREADABLE = (
    "native",
    "no-sdist",
    "too-big",
    "no-native-inputs",
    "unreadable",
)
NOT_FOUND, ERROR = "not-on-pypi", "error"


# ---------------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class Outcome:
    rank: int
    name: str
    status: str  # NATIVE or why not
    detail: str = ""
    version: str = ""
    sdist: SdistFile | None = None
    native: Native | None = None
    fetched: str = ""


def examine(rank: int, name: str, cache_dir: Path, refresh: bool) -> Outcome:
    try:
        rel = release(name, cache_dir, refresh)
    except (FetchFailed, urllib.error.URLError, TimeoutError, OSError, KeyError) as exc:
        return Outcome(rank, name, ERROR, f"JSON API: {exc}")
    if rel.status == 404:
        return Outcome(rank, name, NOT_FOUND, fetched=rel.fetched)
    base = Outcome(rank, name, NO_SDIST, version=rel.version, fetched=rel.fetched)
    sdist = pick_sdist(rel)
    if sdist is None:
        return base
    base = Outcome(
        rank, name, TOO_BIG, f"{sdist.size} bytes", rel.version, sdist, None, rel.fetched
    )
    if sdist.size > MAX_SDIST:
        return base
    try:
        path = download(sdist, cache_dir)
    except (FetchFailed, urllib.error.URLError, TimeoutError, OSError) as exc:
        return Outcome(rank, name, ERROR, str(exc), rel.version, sdist, None, rel.fetched)
    try:
        native = classify(list_archive(path))
    except Unreadable as exc:
        return Outcome(rank, name, UNREADABLE, str(exc), rel.version, sdist, None, rel.fetched)
    if native is None:
        return Outcome(rank, name, NOT_NATIVE, "", rel.version, sdist, None, rel.fetched)
    detail = ", ".join(native.reasons)
    return Outcome(rank, name, NATIVE, detail, rel.version, sdist, native, rel.fetched)


def ranked_projects(path: Path) -> list[tuple[int, str]]:
    """(rank, name) of every ranked project in the package list, rank 1 first."""
    ranked: list[tuple[int, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        column = header.index("rank_among_15000_most_downloaded")
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > column and fields[column].strip():
                ranked.append((int(fields[column]), fields[0]))
    return sorted(ranked)


def walk(
    ranked: list[tuple[int, str]], count: int, cache_dir: Path, refresh: bool
) -> list[Outcome]:
    """Examine projects in rank order until COUNT have native build inputs.

    JOBS threads work a little ahead of the rank being decided; results are taken strictly in
    rank order, so the outcome is the same as a one-at-a-time walk.
    """
    outcomes: list[Outcome] = []
    found = 0
    todo = iter(ranked)
    pending: collections.deque[Future[Outcome]] = collections.deque()
    pool = ThreadPoolExecutor(max_workers=JOBS, thread_name_prefix="corpus")
    try:

        def fill() -> None:
            while len(pending) < 2 * JOBS:
                nxt = next(todo, None)
                if nxt is None:
                    return
                pending.append(pool.submit(examine, nxt[0], nxt[1], cache_dir, refresh))

        fill()
        while pending and found < count:
            outcome = pending.popleft().result()
            fill()
            outcomes.append(outcome)
            if outcome.status == NATIVE:
                found += 1
                assert outcome.native is not None
                what = f"{outcome.native.backend} {outcome.native.languages}: {outcome.detail}"
            else:
                what = f"{outcome.status} {outcome.detail}".rstrip()
            mark = (
                f"[{found}/{count}]"
                if outcome.status == NATIVE
                else " " * len(f"[{found}/{count}]")
            )
            log(f"{mark} #{outcome.rank} {outcome.name} {outcome.version}: {what}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


# --------------------------------------------------------------------------------- the split


def stratum(backend: str) -> str:
    return "other" if backend.startswith("other:") else backend


def split(natives: list[Outcome], seed: int) -> dict[str, str]:
    """name -> dev or heldout: each backend's projects shuffled once, half to each side.

    Backends are taken in sorted order from one seeded generator; an odd one out goes to the
    side that is smaller so far (dev on a tie), so the halves differ by at most one.
    """
    rng = random.Random(seed)
    groups: dict[str, list[Outcome]] = collections.defaultdict(list)
    for outcome in natives:
        assert outcome.native is not None
        groups[stratum(outcome.native.backend)].append(outcome)
    sides: dict[str, str] = {}
    dev = held = 0
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda o: o.rank)
        rng.shuffle(members)
        n_dev = len(members) // 2 + (len(members) % 2 if dev <= held else 0)
        for i, outcome in enumerate(members):
            sides[outcome.name] = "dev" if i < n_dev else "heldout"
        dev += n_dev
        held += len(members) - n_dev
    return sides


# ------------------------------------------------------------------------------------ output


def _row(values: Iterable[object]) -> str:
    cells = [str(v) for v in values]
    if any("\t" in c or "\n" in c for c in cells):
        raise ValueError(f"tab or newline in {cells}")
    return "\t".join(cells) + "\n"


def write_manifest(path: Path, natives: list[Outcome], sides: dict[str, str]) -> None:
    lines = [_row(COLUMNS)]
    for o in sorted(natives, key=lambda o: o.rank):
        assert o.sdist is not None and o.native is not None
        s, n = o.sdist, o.native
        values = (o.rank, o.name, o.version, s.filename, s.sha256, s.size, n.backend, n.languages)
        lines.append(_row((*values, sides[o.name], s.url)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def write_log(path: Path, outcomes: list[Outcome]) -> None:
    lines = [_row(("rank", "name", "version", "status", "filename", "detail"))]
    for o in outcomes:
        filename = o.sdist.filename if o.sdist else ""
        lines.append(_row((o.rank, o.name, o.version, o.status, filename, o.detail)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def _table(counter: collections.Counter[str], head: tuple[str, str]) -> list[str]:
    lines = [f"| {head[0]} | {head[1]} |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines


def readme(outcomes: list[Outcome], sides: dict[str, str], out: Path, count: int) -> str:
    natives = [o for o in outcomes if o.status == NATIVE]
    made = max((o.fetched for o in outcomes if o.fetched), default="")
    backends = collections.Counter(o.native.backend for o in natives if o.native)
    langs = collections.Counter(o.native.languages for o in natives if o.native)
    per_split = collections.Counter(sides.values())
    by_pair = collections.Counter((o.native.backend, sides[o.name]) for o in natives if o.native)
    skipped = collections.Counter(o.status for o in outcomes if o.status != NATIVE)
    last = outcomes[-1].rank if outcomes else 0
    try:
        shown = out.resolve().relative_to(ROOT)
    except ValueError:
        shown = out
    lines = [
        "# Popular native sdists",
        "",
        f"`{shown.name}`: {len(natives)} sdists of the most-downloaded PyPI projects whose latest",
        "sdist has native build inputs, pinned by sha256 and split once at random into `dev`",
        "(tune against these) and `heldout` (measure on these only).",
        "",
        "## The rule",
        "",
        "Projects are walked in download rank order (`rank_among_15000_most_downloaded` in the",
        "workplace's PyPI package list, rank 1 = most downloaded). For each, PyPI's JSON API names",
        "the latest release; its sdist (the `.tar.gz` if it has several; skipped when it has none",
        f"or when it is over {MAX_SDIST // _MiB} MiB) is downloaded, its sha256 checked, and the",
        "archive *listed*, never extracted or run. It counts when it contains, outside",
        "test/doc/example/benchmark folders (a folder whose name has a word such as `test`,",
        "`tests`, `docs`, `examples`, `benchmarks`: `test cases/` and `c_ffi_tests/` too), a",
        "`Cargo.toml`; a top-level `CMakeLists.txt` (or one at",
        "`tool.scikit-build.cmake.source-dir` with the scikit-build-core backend); a top-level",
        "`meson.build`; or `.c .cc .cpp .cxx .pyx .pxd` sources beside a top-level `setup.py` or",
        f"`pyproject.toml`. The walk stops at {count} such sdists.",
        "",
        "`backend` is `[build-system] build-backend` of the top-level `pyproject.toml`, by module:",
        "`maturin`, `setuptools` (also with no pyproject.toml or no build-backend),",
        "`scikit-build-core`, `mesonpy`, `hatchling`, `pdm`, `poetry`, else `other:<backend>`.",
        "`languages` is `rust`, `c`, `cpp`, `cython`, `mixed:<a>+<b>` or `other` (native build",
        "files but none of those sources, e.g. Fortran); C/C++ files beside a same-named `.pyx`",
        "count as Cython output, not as C.",
        "",
        f"The split: `random.Random({SEED})`, one shuffle per backend (all `other:*` together),",
        "half of each to `dev`; a group's odd one out goes to the half that is smaller so far.",
        "So both halves have each backend that has two or more sdists; a backend with one sdist",
        "is in one half only.",
        "",
        "## Regenerate",
        "",
        "```bash",
        "python3 scripts/make_popular_corpus.py --count "
        f"{count} --cache-dir /tmp/popcorpus/cache --out {shown}",
        "```",
        "",
        "PyPI's answers are cached (`<cache-dir>/_json/`), so a re-run writes the same file;",
        "`--refresh` asks PyPI again (the latest releases will have moved on). Every examined",
        "project and why it was or was not taken is logged in `<cache-dir>/examined.tsv`.",
        "",
        f"Made {made}, examining ranks 1 to {last} ({len(outcomes)} projects).",
        "",
        "## Counts",
        "",
        f"{len(natives)} sdists: {per_split['dev']} `dev`, {per_split['heldout']} `heldout`.",
        "",
        "| backend | dev | heldout | total |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, total in sorted(backends.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {name} | {by_pair[name, 'dev']} | {by_pair[name, 'heldout']} | {total} |")
    lines += ["", *_table(langs, ("languages", "sdists")), "", "## Skipped", ""]
    lines += _table(skipped, ("why", "projects"))
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=330, help="native sdists to collect")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the manifest (TSV)")
    parser.add_argument("--ranks", type=Path, default=DEFAULT_RANKS, help="package list with ranks")
    parser.add_argument("--readme", type=Path, help="default: README.md beside --out")
    parser.add_argument("--refresh", action="store_true", help="ask PyPI again, ignore its cache")
    args = parser.parse_args()
    cache_dir: Path = args.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()

    ranked = ranked_projects(args.ranks)
    log(f"{len(ranked)} ranked projects; collecting {args.count} native sdists in {cache_dir}")
    outcomes = walk(ranked, args.count, cache_dir, args.refresh)
    natives = [o for o in outcomes if o.status == NATIVE]
    sides = split(natives, SEED)

    write_manifest(args.out, natives, sides)
    write_log(cache_dir / "examined.tsv", outcomes)
    readme_path: Path = args.readme or args.out.with_name("README.md")
    readme_path.write_text(readme(outcomes, sides, args.out, args.count), encoding="utf-8")

    statuses = collections.Counter(o.status for o in outcomes)
    errors = [o for o in outcomes if o.status == ERROR]
    log(f"\nexamined {len(outcomes)} projects in {time.monotonic() - start:.0f} s: {statuses}")
    log(f"wrote {args.out} ({len(natives)} sdists) and {readme_path}")
    for o in errors:
        log(f"  ERROR #{o.rank} {o.name}: {o.detail}  (re-run to retry)")
    if len(natives) < args.count:
        log(f"only {len(natives)} of {args.count}: the ranked list ran out")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
