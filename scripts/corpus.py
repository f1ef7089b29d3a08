#!/usr/bin/env python3
"""Run sdistcheck over the corpus of real PyPI sdists, to measure precision and speed per change.

    python scripts/corpus.py [--corpus pinned|popular|incomplete] [--split dev|heldout|all]
                             [--jobs N] [--format text|json] [--only NAME...]

`pinned` (the default): every sdist pinned in tests/support/real_artifacts.py (and
real_incomplete.py, bad and fixed releases).  `popular`: testdata/corpus/popular.tsv, the
most-downloaded native sdists, expected complete (an error there is a false error until a
judgement in testdata/corpus/judgements.tsv says otherwise).  `incomplete`:
testdata/corpus/incomplete.tsv, real incomplete releases (each must be caught naming a missing
file: an error, or a warning where only some builds need the file, scope `option`) and their
fixed releases (expected complete).  Each sdist is fetched by sha256 into the
test cache, checked in worker processes, and reported with its verdict, the expected one, the
time and the worker's peak memory.  Exit 1 when any verdict differs from the expected one.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from pypi import artifact  # noqa: E402
from real_artifacts import REAL_SDISTS  # noqa: E402


@dataclass(frozen=True)
class Item:
    filename: str
    sha256: str
    expect_complete: bool
    expect_missing: tuple[str, ...] = ()
    # an option scope's missing file (needed only with Cython importable, say) is rightly a
    # warning, not an error: what an error needs is a build that certainly reads the file
    optional: bool = False


def tsv_corpus(name: str, split: str) -> list[Item]:
    """The sdists of testdata/corpus/NAME.tsv in SPLIT (dev, heldout or all)."""
    with open(ROOT / "testdata" / "corpus" / f"{name}.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if split in ("all", r["split"])]
    if name == "popular":
        return [Item(r["filename"], r["sha256"], True) for r in rows]
    items = []
    for r in rows:
        # a release whose fix dropped the reference is caught by any missing file it names
        missing = tuple(m for m in r["missing"].split(";") if m and not m.startswith(".."))
        optional = r["scope"] == "option"
        if r["scope"] == "none":  # no PEP 517 build reads the file (incomplete.md)
            items.append(Item(r["bad_filename"], r["bad_sha256"], True))
        else:
            items.append(Item(r["bad_filename"], r["bad_sha256"], False, missing[:1], optional))
        # a "fixed" release a real build showed broken too (GPy 1.0.0, date-extractor 4.0.4)
        fixed_missing = tuple(m for m in r.get("fixed_missing", "").split(";") if m)
        items.append(
            Item(r["fixed_filename"], r["fixed_sha256"], not fixed_missing, fixed_missing[:1])
        )
    return items


def corpus() -> list[Item]:
    items = [Item(s.filename, s.sha256, s.known_good) for s in REAL_SDISTS]
    try:
        from real_incomplete import CASES  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return items
    for case in CASES:
        items.append(Item(case.bad, case.bad_sha256, False, tuple(case.missing)))
        items.append(Item(case.fixed, case.fixed_sha256, True))
    return items


def check(item: Item) -> dict[str, object]:
    import sdistcheck

    path = artifact(item.filename, item.sha256)
    start = time.perf_counter()
    try:
        report = sdistcheck.check_sdist(path)
        errors = sorted(f.path for f in report.errors) + [f"<{b}>" for b in report.blockers]
        warned = sorted(f.path for f in report.warnings)
        failure = None
    except Exception as exc:  # the corpus reports every outcome, crashes included
        errors, warned, failure = [], [], f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - start
    complete = not errors and failure is None
    named = errors + warned if item.optional else errors
    # an optional file may still be an error, where the default build turns out to need it
    verdict = complete == item.expect_complete or (item.optional and failure is None)
    expected = verdict and all(
        any(
            e == m or e.endswith("/" + m) or m.endswith("/" + e) or fnmatch.fnmatchcase(m, e)
            for e in named
        )  # a glob that matches nothing (`pkg/*.pyx`) names the files it was meant to match
        for m in item.expect_missing
    )
    return {
        "sdist": item.filename,
        "size_mb": round(path.stat().st_size / 1e6, 1),
        "complete": complete,
        "expected": expected,
        "errors": errors,
        "warnings": len(warned),
        "failure": failure,
        "seconds": round(elapsed, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", choices=("pinned", "popular", "incomplete"), default="pinned")
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--only", nargs="*", default=None, help="file name substrings")
    args = parser.parse_args()
    chosen = corpus() if args.corpus == "pinned" else tsv_corpus(args.corpus, args.split)
    items = [i for i in chosen if not args.only or any(o in i.filename for o in args.only)]
    for item in items:  # download first, so the timing is the checker's alone
        artifact(item.filename, item.sha256)
    start = time.perf_counter()
    # one process per sdist, as each `sdistcheck` run of a pipeline is: its peak memory is that
    # sdist's, not what earlier sdists left fragmented in a long-lived worker
    with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
        results = list(pool.map(check, items))
    wall = time.perf_counter() - start
    total_mb = sum(float(r["size_mb"]) for r in results)  # type: ignore[arg-type]
    peak = max(int(r["peak_rss_mb"]) for r in results)  # type: ignore[call-overload]
    wrong = [r for r in results if not r["expected"]]
    if args.format == "json":
        json.dump(
            {
                "results": results,
                "wall_seconds": round(wall, 2),
                "total_mb": total_mb,
                "peak_rss_mb": peak,
                "unexpected": len(wrong),
            },
            sys.stdout,
            indent=2,
        )
        print()
    else:
        for r in results:
            verdict = "complete" if r["complete"] else ("FAILED" if r["failure"] else "incomplete")
            mark = "ok " if r["expected"] else "!! "
            print(
                f"{mark}{r['sdist']:48s} {r['size_mb']:6.1f} MB {r['seconds']:6.2f} s "
                f"{r['peak_rss_mb']:4d} MB  {verdict}"
                + (f"  {r['failure'] or ', '.join(r['errors'])[:120]}" if not r["complete"] else "")
            )
        print(
            f"{len(results)} sdists, {total_mb:.0f} MB, {wall:.1f} s wall with {args.jobs} "
            f"workers, peak worker RSS {peak} MB, {len(wrong)} unexpected"
        )
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
