#!/usr/bin/env python3
"""Deletion recall: delete a file a real build needed, one at a time; does sdistcheck say so?

    python scripts/deletion_recall.py [--per-sdist 3] [--seed 20261205] [--format text|json]

For every sdist whose traced build succeeded (`testdata/traces/*.tsv`, see trace_build.py), a
seeded sample of the files the build needed is drawn: files a compiler or build tool read
(sources, included headers, CMakeLists of added subdirectories, meson.build files) and native
inputs the backend read itself (Cython .pyx/.pxd/.pxi, C sources a custom step read).  Each is
deleted from the sdist's member list alone, and the static check runs on what is left: it is
caught when an error finding names it (its path, or a pattern only it matched).  The figure is
reported per build system (the popularity corpus's `backend` column).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "scripts"))

from oracle import TRACES, manifests, native_inputs  # noqa: E402

from sdistcheck._check import check  # noqa: E402
from sdistcheck.archive.read import Limits, read_sdist  # noqa: E402
from sdistcheck.archive.tree import SdistTree, glob_to_regex  # noqa: E402


def without(tree: SdistTree, path: str) -> SdistTree:
    """TREE with the file PATH deleted, as if the sdist had been made without it."""
    contents = {k: v for k, v in tree.contents.items() if k != path}
    return dataclasses.replace(
        tree,
        files=tree.files - {path},
        dirs=set(tree.dirs),
        links=dict(tree.links),
        contents=contents,
        _sorted=None,
    )


def caught(tree: SdistTree, path: str) -> str | None:
    """The error finding that names PATH after its deletion, or None."""
    report = check(without(tree, path))
    for finding in report.errors:
        target = finding.path
        if target == path or (
            any(c in target for c in "*?[") and glob_to_regex(target).fullmatch(path)
        ):
            return target
        if any(path in r.alternatives for r in finding.references):
            return target
    return None


def backends() -> dict[str, str]:
    with open(ROOT / "testdata" / "corpus" / "popular.tsv", encoding="utf-8") as f:
        return {r["filename"]: r["backend"] for r in csv.DictReader(f, delimiter="\t")}


def main(argv: list[str] | None = None) -> int:
    from pypi import artifact

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=Path, default=TRACES)
    parser.add_argument("--per-sdist", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    by_backend = backends()
    results: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for m in manifests(args.traces):
        if not m.build_ok:
            continue
        candidates = native_inputs(m)
        sample = rng.sample(candidates, min(args.per_sdist, len(candidates)))
        if not sample:
            continue
        tree = read_sdist(artifact(m.sdist, m.sha256), Limits())
        backend = by_backend.get(m.sdist, "other").split(":")[0]
        for path in sample:
            results[backend].append((m.sdist, path, caught(tree, path)))
    total = sum(len(v) for v in results.values())
    hits = sum(1 for v in results.values() for r in v if r[2] is not None)
    if args.format == "json":
        print(json.dumps({k: [list(r) for r in v] for k, v in results.items()}, indent=1))
        return 0
    for backend, rows in sorted(results.items()):
        n = sum(1 for r in rows if r[2] is not None)
        print(f"{backend}: {n}/{len(rows)} deletions caught ({100 * n / len(rows):.0f}%)")
        for sdist, path, found in rows:
            if found is None:
                print(f"    missed: {sdist}: {path}")
    if total:
        print(f"all: {hits}/{total} ({100 * hits / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
