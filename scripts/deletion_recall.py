#!/usr/bin/env python3
"""Deletion recall: delete a file a real build needed, one at a time; does sdistcheck say so?

    python scripts/deletion_recall.py [--per-sdist 3] [--seed 20261205] [--format text|json]
    python3.13 scripts/deletion_recall.py --verify [--jobs 2]

For every sdist whose traced build succeeded (`testdata/traces/*.tsv`, see trace_build.py), a
seeded sample of the files the build needed is drawn: files a compiler or build tool read
(sources, included headers, CMakeLists of added subdirectories, meson.build files) and native
inputs the backend read itself (Cython .pyx/.pxd/.pxi, C sources a custom step read).  Each is
deleted from the sdist's member list alone, and the static check runs on what is left: it is
caught when an error finding names it (its path, or a pattern only it matched).  The figure is
reported per build system (the popularity corpus's `backend` column) and per half.

Reading a file is not needing it (CMake reads the headers `install(DIRECTORY)` copies; cargo
compiles an auto-discovered `build.rs` only because it is there), so the need itself is judged
by the deletion oracle: the sdist is extracted without the file and built for real, isolated as
trace_build.py builds it (Rust: cargo metadata and rustc --emit=dep-info as trace_rust.py runs
them, since crates cannot be fetched here).  A file whose deletion the build survives is not
needed: it leaves the sample and the next seeded draw takes its place.  `--verify` runs the
oracle for every missed sample and for a seeded fifth of the caught ones (a caught file the
build does without is a false error, reported as such), and records the verdicts in
`testdata/traces/deletions.tsv`; without it, the recorded verdicts are used and unverified
samples count as needed.  Run `--verify` with the interpreter of the traces (`# host:`).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import io
import json
import random
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "scripts"))

from oracle import DELETIONS, TRACES, Manifest, manifests, native_inputs  # noqa: E402

from sdistcheck._check import check  # noqa: E402
from sdistcheck.archive.read import Limits, read_sdist  # noqa: E402
from sdistcheck.archive.tree import SdistTree, glob_to_regex  # noqa: E402
from sdistcheck.build.isolated import (  # noqa: E402
    Session,
    build_distribution,
    extract_sdist,
    failure,
)

MAX_DRAWS = 8  # candidates tried per sdist before giving up on filling its sample


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


def corpus_rows() -> dict[str, dict[str, str]]:
    with open(ROOT / "testdata" / "corpus" / "popular.tsv", encoding="utf-8") as f:
        return {r["filename"]: r for r in csv.DictReader(f, delimiter="\t")}


def is_rust(m: Manifest) -> bool:
    return any(program == "rustc" for _path, program, _how in m.rows)


def read_verdicts(path: Path = DELETIONS) -> dict[tuple[str, str], tuple[bool, str]]:
    """(sdist, path) -> (needed, the oracle's evidence) from earlier `--verify` runs."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return {(r["sdist"], r["path"]): (r["needed"] == "yes", r["evidence"]) for r in rows}


def write_verdicts(
    verdicts: dict[tuple[str, str], tuple[bool, str]], path: Path = DELETIONS
) -> None:
    tmp = path.with_suffix(".tsv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("# the deletion oracle of scripts/deletion_recall.py --verify: the sdist built\n")
        f.write("# without the file (Rust: rustc --emit=dep-info); needed = the build failed\n")
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(("sdist", "path", "needed", "evidence"))
        for (sdist, member), (needed, evidence) in sorted(verdicts.items()):
            writer.writerow((sdist, member, "yes" if needed else "no", evidence))
    tmp.replace(path)


def verify(sdist: Path, member: str, rust: bool, timeout: float) -> tuple[bool, str]:
    """Build SDIST without MEMBER: (whether the build failed, its first line of evidence)."""
    with tempfile.TemporaryDirectory(prefix="deletion-") as tmp:
        project, _tree = extract_sdist(sdist, Path(tmp) / "src")
        (project / member).unlink()
        if rust:
            from trace_rust import rustc_reads

            outcome, _rows = rustc_reads(project, Path(tmp))
            return outcome != "ok", outcome[:200]
        log = io.StringIO()
        try:
            wheel = build_distribution(
                project, Path(tmp) / "dist", True, Session(log, None, timeout)
            )
        except Exception as exc:  # any failure is the verdict
            return True, (failure(exc) or type(exc).__name__).splitlines()[0][:200]
        unresolved = undefined_symbols(wheel, Path(tmp) / "so")
        if unresolved:  # a shared object links with undefined symbols; its import fails
            return True, f"built, but {unresolved} (the module cannot be imported)"
        return False, "the build succeeded without it"


def undefined_symbols(wheel: Path, scratch: Path) -> str | None:
    """The first symbol of the wheel's shared objects that nothing resolves (`ldd -r`), other
    than Python's own (an extension module takes those from the interpreter)."""
    scratch.mkdir()
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            name = info.filename
            if not (name.endswith(".so") or ".so." in name.rsplit("/", 1)[-1]):
                continue
            target = scratch / name.replace("/", "_")
            target.write_bytes(zf.read(info))
            run = subprocess.run(["ldd", "-r", str(target)], capture_output=True, text=True)
            for line in (run.stdout + run.stderr).splitlines():
                if "undefined symbol:" in line:
                    symbol = line.split("undefined symbol:", 1)[1].split()[0].rstrip(",")
                    if not symbol.startswith(("Py", "_Py")):
                        return f"{name}: undefined symbol {symbol}"
    return None


def audited(seed: int, sdist: str, member: str) -> bool:
    """A seeded fifth of the caught samples is verified too: are the errors true?"""
    return hashlib.sha256(f"{seed}:{sdist}:{member}".encode()).digest()[0] % 5 == 0


@dataclasses.dataclass
class Draw:
    sdist: str
    path: str
    found: str | None
    needed: bool | None  # None: not verified


def draws(
    m: Manifest,
    tree: SdistTree,
    rng: random.Random,
    k: int,
    seed: int,
    verdicts: dict[tuple[str, str], tuple[bool, str]],
    todo: list[tuple[str, str]],
) -> tuple[list[Draw], list[Draw]]:
    """The sample of M (needed files, or unverified ones) and the draws judged not needed;
    verifications still to run go to TODO (then the sample is provisional)."""
    candidates = native_inputs(m)
    first = rng.sample(candidates, min(k, len(candidates)))
    rest = [c for c in candidates if c not in first]
    order = first + random.Random(f"{seed}:{m.sdist}").sample(rest, len(rest))
    sample: list[Draw] = []
    dropped: list[Draw] = []
    for path in order[:MAX_DRAWS]:
        if len(sample) == k:
            break
        found = caught(tree, path)
        verdict = verdicts.get((m.sdist, path))
        wanted = found is None or audited(seed, m.sdist, path)
        if verdict is None and wanted:
            todo.append((m.sdist, path))
        draw = Draw(m.sdist, path, found, None if verdict is None else verdict[0])
        (dropped if draw.needed is False else sample).append(draw)
    return sample, dropped


def main(argv: list[str] | None = None) -> int:
    from pypi import artifact

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=Path, default=TRACES)
    parser.add_argument("--per-sdist", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--verify", action="store_true", help="run the deletion oracle")
    parser.add_argument("--jobs", type=int, default=2, help="parallel oracle builds")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per build")
    args = parser.parse_args(argv)
    rows = corpus_rows()
    verdicts = read_verdicts()
    built = [m for m in manifests(args.traces) if m.build_ok]
    trees = {m.sdist: read_sdist(artifact(m.sdist, m.sha256), Limits()) for m in built}
    while True:
        rng = random.Random(args.seed)
        todo: list[tuple[str, str]] = []
        picked = {
            m.sdist: draws(m, trees[m.sdist], rng, args.per_sdist, args.seed, verdicts, todo)
            for m in built
        }
        if not (args.verify and todo):
            break
        rust = {m.sdist: is_rust(m) for m in built}
        sha = {m.sdist: m.sha256 for m in built}
        with ProcessPoolExecutor(args.jobs) as pool:
            jobs = {
                key: pool.submit(
                    verify, artifact(key[0], sha[key[0]]), key[1], rust[key[0]], args.timeout
                )
                for key in todo
            }
            for key, job in jobs.items():
                verdicts[key] = job.result()
                print(f"verified {key[0]}: {key[1]}: needed={verdicts[key][0]}", file=sys.stderr)
                write_verdicts(verdicts)
    results: dict[tuple[str, str], list[Draw]] = defaultdict(list)
    not_needed: list[Draw] = []
    for m in built:
        sample, dropped = picked[m.sdist]
        row = rows.get(m.sdist, {})
        backend = row.get("backend", "other").split(":")[0]
        results[(backend, row.get("split", "?"))].extend(sample)
        not_needed.extend(dropped)
    if args.format == "json":
        out = {
            f"{b}/{h}": [dataclasses.asdict(d) for d in v] for (b, h), v in sorted(results.items())
        }
        print(
            json.dumps(
                {"samples": out, "not_needed": [dataclasses.asdict(d) for d in not_needed]},
                indent=1,
            )
        )
        return 0
    report(results, not_needed)
    return 0


def _figure(draws: list[Draw]) -> str:
    n = sum(1 for d in draws if d.found is not None)
    return f"{n}/{len(draws)} ({100 * n / len(draws):.1f}%)" if draws else "0/0"


def report(results: dict[tuple[str, str], list[Draw]], not_needed: list[Draw]) -> None:
    by_backend: dict[str, list[Draw]] = defaultdict(list)
    by_half: dict[str, list[Draw]] = defaultdict(list)
    for (backend, half), rows in results.items():
        by_backend[backend].extend(rows)
        by_half[half].extend(rows)
    for backend, rows in sorted(by_backend.items()):
        if not rows:
            continue  # its builds read no native input (poetry's pure-Python build)
        print(f"{backend}: {_figure(rows)} deletions caught")
        for d in rows:
            if d.found is None:
                status = "verified needed" if d.needed else "not verified"
                print(f"    missed: {d.sdist}: {d.path} ({status})")
    everything = [d for rows in results.values() for d in rows]
    false = [d for d in everything if d.found is not None and d.needed is False]
    for half, rows in sorted(by_half.items()):
        print(f"{half} half: {_figure(rows)}")
    verified = sum(1 for d in everything if d.needed is not None)
    print(f"all: {_figure(everything)}; {verified} verified by the deletion oracle")
    print(f"drawn but not needed (the build succeeded without them; replaced): {len(not_needed)}")
    for d in not_needed:
        tag = "named as an error: a false error" if d.found else "not named"
        print(f"    {d.sdist}: {d.path} ({tag})")
    if false:
        print(f"false errors among the samples: {len(false)}")


if __name__ == "__main__":
    sys.exit(main())
