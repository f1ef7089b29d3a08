#!/usr/bin/env python3
"""Compare sdistcheck's static references with what traced builds really read.

    python scripts/oracle.py [--traces testdata/traces] [--format text|json] [--only NAME...]

Each manifest of `trace_build.py` is the truth for the host platform.  Against it:

- a **false error**: sdistcheck reports an error finding on an sdist whose traced build succeeded
  (the file is missing and yet the build did not need it);
- a **recall gap**: a file a compiler or build tool read (`compiled`), or the backend read
  (`read`, apart from the build entry files every backend reads), that no static ALWAYS or
  PLATFORM reference names: deleting it would break this build and sdistcheck would not say so.

Files the backend only copied into the wheel are not counted: losing one ships a smaller wheel,
it does not break the build.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from sdistcheck._check import check, collect  # noqa: E402
from sdistcheck._model import Reference, Scope  # noqa: E402
from sdistcheck.archive.read import Limits, read_sdist  # noqa: E402
from sdistcheck.archive.tree import glob_to_regex  # noqa: E402

TRACES = ROOT / "testdata" / "traces"
# What every build of its kind reads: the frontend's and backend's own entry files.
ENTRY_FILES = frozenset({"setup.py", "setup.cfg", "pyproject.toml", "PKG-INFO", "MANIFEST.in"})
NEEDED = ("compiled", "read")
COUNTED_SCOPES = (Scope.ALWAYS, Scope.PLATFORM)


@dataclass(frozen=True)
class Manifest:
    sdist: str
    sha256: str
    build_ok: bool
    rows: tuple[tuple[str, str, str], ...]  # (path, program, how)


def read_manifest(path: Path) -> Manifest:
    header: dict[str, str] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition(": ")
            header.setdefault(key, value)
        else:
            body.append(line)
    rows = tuple((r["path"], r["program"], r["how"]) for r in csv.DictReader(body, delimiter="\t"))
    return Manifest(header["sdist"], header["sha256"], header["build"] == "ok", rows)


def manifests(folder: Path = TRACES) -> list[Manifest]:
    return [read_manifest(p) for p in sorted(folder.glob("*.tsv")) if p.name != "gaps.tsv"]


def _is_entry(path: str) -> bool:
    return path in ENTRY_FILES or ".egg-info/" in path


def names(ref: Reference, path: str) -> bool:
    """Whether static reference REF names the sdist file PATH."""
    if ref.is_glob:
        return glob_to_regex(ref.target).fullmatch(path) is not None
    if ref.is_dir:
        return path.startswith(ref.target.rstrip("/") + "/") or ref.target in ("", ".")
    return path == ref.target or path in ref.alternatives


@dataclass(frozen=True)
class Judgement:
    sdist: str
    build_ok: bool
    needed: int  # traced files counted for recall
    named: int
    gaps: tuple[tuple[str, str], ...]  # (path, how) not named by any counted reference
    false_errors: tuple[str, ...] = field(default=())
    errors: tuple[str, ...] = field(default=())


def judge(manifest: Manifest, sdist: Path) -> Judgement:
    tree = read_sdist(sdist, Limits())
    _py, refs, _notes, _unchecked = collect(tree)
    counted = [r for r in refs if r.scope in COUNTED_SCOPES]
    needed = [(p, how) for p, _prog, how in manifest.rows if how in NEEDED and not _is_entry(p)]
    gaps = tuple((p, how) for p, how in needed if not any(names(r, p) for r in counted))
    errors = tuple(f.path for f in check(tree).errors)
    return Judgement(
        manifest.sdist,
        manifest.build_ok,
        len(needed),
        len(needed) - len(gaps),
        gaps,
        errors if manifest.build_ok else (),
        errors,
    )


def summary(judgements: Iterable[Judgement]) -> dict[str, object]:
    js = list(judgements)
    ok = [j for j in js if j.build_ok]
    compiled = [(j, p) for j in ok for p, how in j.gaps if how == "compiled"]
    return {
        "traced": len(js),
        "built": len(ok),
        "needed_files": sum(j.needed for j in ok),
        "named": sum(j.named for j in ok),
        "gaps": sum(len(j.gaps) for j in ok),
        "compiled_gaps": len(compiled),
        "false_errors": sum(len(j.false_errors) for j in ok),
        "sdists_with_false_errors": sum(1 for j in ok if j.false_errors),
    }


def main(argv: list[str] | None = None) -> int:
    from pypi import artifact

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=Path, default=TRACES)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args(argv)
    js = []
    for m in manifests(args.traces):
        if args.only and not any(m.sdist.startswith(o) for o in args.only):
            continue
        js.append(judge(m, artifact(m.sdist, m.sha256)))
    if args.format == "json":
        print(json.dumps({"summary": summary(js), "sdists": [j.__dict__ for j in js]}, indent=1))
        return 0
    for j in js:
        mark = "ok" if j.build_ok else "build failed"
        print(f"{j.sdist}: {mark}, {j.named}/{j.needed} needed files named")
        for path, how in j.gaps:
            print(f"    gap ({how}): {path}")
        for path in j.false_errors:
            print(f"    FALSE ERROR: {path}")
    print(json.dumps(summary(js)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
