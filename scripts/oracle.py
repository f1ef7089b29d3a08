#!/usr/bin/env python3
"""Compare sdistcheck's static references with what traced builds really read.

    python scripts/oracle.py [--traces testdata/traces] [--format text|json] [--only NAME...]

Each manifest of `trace_build.py` (a real build under strace) or `trace_rust.py` (the files
rustc loads for the host) is the truth for the host platform.  Against it:

- a **false error**: an error finding said to bite every build (scope ALWAYS) on an sdist whose
  traced build succeeded: the file is missing and yet the build did not need it (a PLATFORM
  error, uv 0.5.2's Windows trampolines, is about builds elsewhere);
- a **recall gap**: a native build input that no static ALWAYS or PLATFORM reference names: a
  file a compiler or build tool read (`compiled`), or a native source, header, Cython or build
  file the backend's Python read (Cython runs inside it).  Deleting it breaks this build, and
  sdistcheck would not say so.

Other files the backend's Python read (a version file, a readme, requirements) are listed as
`read`, not counted: reading is not needing (setuptools' file finders and in-tree backends read
files they can do without); deletion tests judge those.  Files the backend only copied into the
wheel are not counted either: losing one ships a smaller wheel, it does not break the build.
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

from sdistcheck._check import _normalized, check, collect  # noqa: E402
from sdistcheck._model import Reference, Scope  # noqa: E402
from sdistcheck.archive.read import Limits, read_sdist  # noqa: E402
from sdistcheck.archive.tree import glob_to_regex  # noqa: E402

TRACES = ROOT / "testdata" / "traces"
# What every build of its kind reads: the frontend's and backend's own entry files.
ENTRY_FILES = frozenset({"setup.py", "setup.cfg", "pyproject.toml", "PKG-INFO", "MANIFEST.in"})
NATIVE_SUFFIXES = (
    *(".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".inl", ".inc", ".def"),
    *(".pyx", ".pxd", ".pxi", ".f", ".f90", ".F90", ".cu", ".cuh", ".S", ".s", ".asm"),
    *(".cmake", ".y", ".l"),
)
BUILD_FILES = ("CMakeLists.txt", "meson.build", "meson.options", "meson_options.txt")
COUNTED_SCOPES = (Scope.ALWAYS, Scope.PLATFORM)


@dataclass(frozen=True)
class Manifest:
    sdist: str
    sha256: str
    build_ok: bool
    rows: tuple[tuple[str, str, str], ...]  # (path, program, how)


def write_manifest(
    out_dir: Path,
    sdist: str,
    header: Iterable[tuple[str, str]],
    rows: Iterable[tuple[str, str, str]],
) -> Path:
    """Write `<out_dir>/<sdist>.tsv` atomically: `# key: value` header lines in order, then the
    (path, program, how) rows that `read_manifest` reads back."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / f"{sdist}.tsv"
    tmp = manifest.with_suffix(".tsv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.writelines(f"# {key}: {value}\n" for key, value in header)
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(("path", "program", "how"))
        writer.writerows(rows)
    tmp.replace(manifest)
    return manifest


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


KNOWN_GAPS = TRACES / "known-gaps.tsv"
DELETIONS = TRACES / "deletions.tsv"


def manifests(folder: Path = TRACES) -> list[Manifest]:
    """Every trace manifest in FOLDER (named after its sdist: `x-1.0.tar.gz.tsv`)."""
    skip = {KNOWN_GAPS.name, DELETIONS.name}
    return [read_manifest(p) for p in sorted(folder.glob("*.tsv")) if p.name not in skip]


def known_gaps(path: Path = KNOWN_GAPS) -> dict[tuple[str, str], str]:
    """(sdist, path) -> the class of recall gap sdistcheck is known to have there, and why."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return {(r["sdist"], r["path"]): f"{r['class']}: {r['why']}" for r in rows}


def _is_entry(path: str) -> bool:
    return path in ENTRY_FILES or ".egg-info/" in path


def native_inputs(manifest: Manifest) -> list[str]:
    """The traced files that are native build inputs: what recall is measured on."""
    out = []
    for path, _program, how in manifest.rows:
        base = path.rsplit("/", 1)[-1]
        if _is_entry(path) or how == "copied":
            continue
        if how == "compiled" or base in BUILD_FILES or base.endswith(NATIVE_SUFFIXES):
            out.append(path)
    return out


def names(ref: Reference, path: str) -> bool:
    """Whether static reference REF names the sdist file PATH (`./src/a.c` is `src/a.c`)."""
    ref = _normalized(ref)
    if ref.is_glob:
        return glob_to_regex(ref.target).fullmatch(path) is not None
    if ref.is_dir:
        return path.startswith(ref.target.rstrip("/") + "/") or ref.target in ("", ".")
    return path == ref.target or path in ref.alternatives


@dataclass(frozen=True)
class Judgement:
    sdist: str
    build_ok: bool
    needed: int  # native inputs traced (counted for recall)
    named: int
    gaps: tuple[str, ...]  # native inputs no counted reference names
    unnamed_reads: tuple[str, ...]  # other files the backend read, not named (not counted)
    false_errors: tuple[str, ...] = field(default=())
    errors: tuple[str, ...] = field(default=())


def judge(manifest: Manifest, sdist: Path) -> Judgement:
    tree = read_sdist(sdist, Limits())
    _py, refs, _notes, _unchecked = collect(tree)
    counted = [r for r in refs if r.scope in COUNTED_SCOPES]
    needed = native_inputs(manifest)
    gaps = tuple(p for p in needed if not any(names(r, p) for r in counted))
    reads = [
        p
        for p, _prog, how in manifest.rows
        if how == "read" and p not in needed and not _is_entry(p)
    ]
    unnamed = tuple(p for p in reads if not any(names(r, p) for r in refs))
    report = check(tree)
    errors = tuple(f.path for f in report.errors)
    # a host build contradicts only an error said to bite every build: a PLATFORM error
    # (uv 0.5.2's Windows trampolines) is about builds elsewhere
    always = tuple(f.path for f in report.errors if f.scope is Scope.ALWAYS)
    return Judgement(
        manifest.sdist,
        manifest.build_ok,
        len(needed),
        len(needed) - len(gaps),
        gaps,
        unnamed,
        always if manifest.build_ok else (),
        errors,
    )


def summary(judgements: Iterable[Judgement]) -> dict[str, object]:
    js = list(judgements)
    ok = [j for j in js if j.build_ok]
    return {
        "traced": len(js),
        "built": len(ok),
        "needed_files": sum(j.needed for j in ok),
        "named": sum(j.named for j in ok),
        "gaps": sum(len(j.gaps) for j in ok),
        "unnamed_reads": sum(len(j.unnamed_reads) for j in ok),
        "false_errors": sum(len(j.false_errors) for j in ok),
        "sdists_with_false_errors": sum(1 for j in ok if j.false_errors),
    }


def record_gaps(js: Iterable[Judgement], path: Path = KNOWN_GAPS) -> None:
    """Write PATH: one row per gap of a built sdist, its class and why kept from the old file
    ("unjudged" for a new one, to be judged by hand)."""
    old: dict[tuple[str, str], tuple[str, str]] = {}
    for (sdist, gap), text in known_gaps(path).items():
        cls, _, why = text.partition(": ")
        old[(sdist, gap)] = (cls, why)
    by_sdist = {sdist: value for (sdist, _gap), value in old.items()}
    rows = []
    for j in js:
        if not j.build_ok:
            continue
        for gap in j.gaps:
            cls, why = old.get((j.sdist, gap)) or by_sdist.get(j.sdist) or ("unjudged", "")
            rows.append((j.sdist, gap, cls, why))
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(
            "# Recall gaps sdistcheck is known to have on the traced builds (scripts/oracle.py)\n"
        )
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(("sdist", "path", "class", "why"))
        writer.writerows(sorted(rows))
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    from pypi import artifact

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=Path, default=TRACES)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument(
        "--record-gaps",
        action="store_true",
        help="rewrite known-gaps.tsv with today's gaps (classes kept for gaps already recorded)",
    )
    args = parser.parse_args(argv)
    js = []
    for m in manifests(args.traces):
        if args.only and not any(m.sdist.startswith(o) for o in args.only):
            continue
        js.append(judge(m, artifact(m.sdist, m.sha256)))
    if args.record_gaps:
        record_gaps(js)
    if args.format == "json":
        print(json.dumps({"summary": summary(js), "sdists": [j.__dict__ for j in js]}, indent=1))
        return 0
    for j in js:
        mark = "ok" if j.build_ok else "build failed"
        print(f"{j.sdist}: {mark}, {j.named}/{j.needed} native inputs named")
        for path in j.gaps:
            print(f"    gap: {path}")
        if j.unnamed_reads:
            print(f"    also read, not named: {', '.join(j.unnamed_reads)}")
        for path in j.false_errors:
            print(f"    FALSE ERROR: {path}")
    print(json.dumps(summary(js)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
