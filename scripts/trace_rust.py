#!/usr/bin/env python3
"""The Rust oracle: which files of an sdist rustc loads for the host build, without crates.

    python scripts/trace_rust.py SDIST... [--out-dir testdata/traces]
    python scripts/trace_rust.py --corpus popular [--split all] [--limit N]

Crates cannot be fetched here, so a Rust sdist cannot be built; but rustc resolves `mod`
declarations, `#[path]`, `include!`/`include_bytes!`/`include_str!` and `#[cfg]` while it
expands a crate, before it needs any dependency, and `--emit=dep-info` writes the files it
loaded even when the crate's imports cannot resolve.  So, for the crate the build compiles (the
maturin manifest's package, `cargo metadata --no-deps --offline`) and its path dependencies, with
the features a default build enables, each lib, bin and build-script target goes through
`rustc --emit=dep-info` for the host target: what it lists is what the host build reads.  The
manifests have the format of `trace_build.py`'s (program `rustc` or `cargo`, how `compiled`);
a crate whose files rustc could not all find is recorded as a failed trace.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "scripts"))

from oracle import write_manifest  # noqa: E402

from sdistcheck.build.isolated import extract_sdist  # noqa: E402
from sdistcheck.pipeline import load_toml  # noqa: E402

ENV = {**os.environ, "RUSTUP_TOOLCHAIN": "stable", "CARGO_NET_OFFLINE": "true"}
TARGET_KINDS = {"lib", "rlib", "cdylib", "dylib", "staticlib", "proc-macro", "bin", "custom-build"}
MISSING = ("E0583", "couldn't read", "file not found for module")


def _manifest_path(project: Path) -> Path | None:
    """The Cargo.toml maturin builds: `[tool.maturin] manifest-path`, else the top one."""
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        data = load_toml(pyproject.read_text(encoding="utf-8", errors="replace")) or {}
        path = data.get("tool", {}).get("maturin", {}).get("manifest-path")
        if isinstance(path, str) and (project / path).is_file():
            return project / path
    for candidate in (project / "Cargo.toml", project / "rust" / "Cargo.toml"):
        if candidate.is_file():
            return candidate
    return None


def _enabled(features: dict[str, list[str]], wanted: set[str]) -> tuple[set[str], set[str]]:
    """The package's features a request enables (transitively), and the optional dependencies
    and `dep/feature` requests those name."""
    on: set[str] = set()
    deps: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in on:
            continue
        if name.startswith("dep:"):
            deps.add(name[4:])
            continue
        if "/" in name:
            deps.add(name)
            continue
        on.add(name)
        if name in features:
            todo.extend(features[name])
        else:
            deps.add(name)  # an optional dependency's implicit feature
    return on, deps


def _packages(metadata: dict[str, object], root_manifest: Path) -> list[tuple[dict, set[str]]]:
    """The root package and the path dependencies a default build compiles, with features."""
    packages = {
        Path(str(p["manifest_path"])).resolve(): p
        for p in metadata["packages"]  # type: ignore[attr-defined]
    }
    by_name = {p["name"]: p for p in packages.values()}
    root = packages.get(root_manifest.resolve())
    if root is None:
        return []
    requests: dict[str, set[str]] = {
        root["name"]: {"default"} if "default" in root["features"] else set()
    }
    done: dict[str, set[str]] = {}
    todo = [root["name"]]
    while todo:
        name = todo.pop()
        pkg = by_name[name]
        on, dep_requests = _enabled(pkg["features"], requests.get(name, set()))
        if done.get(name) == on:
            continue
        done[name] = on
        for dep in pkg["dependencies"]:
            if dep.get("path") is None or dep.get("kind") == "dev":
                continue
            key = dep.get("rename") or dep["name"]
            if (
                dep["optional"]
                and key not in dep_requests
                and not any(r.split("/")[0] == key for r in dep_requests)
            ):
                continue
            target = by_name.get(dep["name"])
            if target is None:
                continue
            want = set(dep.get("features", []))
            want |= {r.split("/", 1)[1] for r in dep_requests if r.startswith(key + "/")}
            if dep.get("uses_default_features", True) and "default" in target["features"]:
                want.add("default")
            before = requests.setdefault(dep["name"], set())
            if not want <= before or dep["name"] not in done:
                before |= want
                todo.append(dep["name"])
    return [(by_name[n], f) for n, f in done.items()]


def _dep_info(target: dict, features: set[str], out: Path) -> tuple[list[str], str]:
    kinds = set(target["kind"])
    crate_type = (
        "bin"
        if kinds & {"bin", "custom-build"}
        else ("proc-macro" if "proc-macro" in kinds else "lib")
    )
    cmd = [
        "rustc",
        "--edition",
        str(target.get("edition", "2015")),
        "--crate-type",
        crate_type,
        "--crate-name",
        target["name"].replace("-", "_"),
        "--emit=dep-info",
        "-o",
        str(out),
        *(a for f in sorted(features) for a in ("--cfg", f'feature="{f}"')),
        target["src_path"],
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
    files: list[str] = []
    if out.is_file():
        first = out.read_text(encoding="utf-8", errors="replace").split("\n\n", 1)[0]
        _, _, deps = first.partition(": ")
        files = [d.replace("\\ ", " ") for d in deps.replace("\\\n", " ").split() if d]
    problems = [line for line in run.stderr.splitlines() if any(m in line for m in MISSING)]
    return files, "; ".join(problems[:3])


def rustc_reads(project: Path, scratch: Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """The outcome of tracing the extracted PROJECT, and the absolute paths rustc and cargo
    read, each with (program, how); SCRATCH holds the dep-info files."""
    rows: dict[str, tuple[str, str]] = {}
    manifest = _manifest_path(project)
    if manifest is None:
        return "failed: no Cargo.toml", rows
    run = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1",
         "--manifest-path", str(manifest)],
        capture_output=True, text=True, env=ENV, timeout=120, cwd=project,
    )  # fmt: skip
    if run.returncode:
        tail = (run.stderr.strip().splitlines() or ["?"])[0]
        return f"failed: cargo metadata: {tail[:200]}", rows
    metadata = json.loads(run.stdout)
    problems = []
    for n, (pkg, features) in enumerate(_packages(metadata, manifest)):
        rows.setdefault(str(Path(pkg["manifest_path"]).resolve()), ("cargo", "compiled"))
        is_root = Path(pkg["manifest_path"]).resolve() == manifest.resolve()
        for k, target in enumerate(pkg["targets"]):
            kinds = set(target["kind"]) & TARGET_KINDS
            if not kinds or (not is_root and kinds <= {"bin"}):
                continue  # cargo builds a dependency's library, not its binaries
            files, problem = _dep_info(target, features, scratch / f"{n}-{k}.d")
            if problem:
                problems.append(problem)
            for f in files:
                path = (Path(target["src_path"]).parent / f) if not f.startswith("/") else Path(f)
                rows.setdefault(str(path.resolve()), ("rustc", "compiled"))
    if problems:
        return "failed: rustc: " + problems[0][:200], rows
    return "ok", rows


def trace(sdist: Path, sha256: str, out_dir: Path) -> Path:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="trace-rust-") as tmp:
        project, _tree = extract_sdist(sdist, Path(tmp) / "src")
        top = project.resolve()
        outcome, rows = rustc_reads(project, Path(tmp))
        relative = {}
        for path, value in rows.items():
            p = Path(path)
            if p.is_relative_to(top) and (project / p.relative_to(top)).is_file():
                relative[p.relative_to(top).as_posix()] = value
    header = [
        ("sdist", sdist.name),
        ("sha256", sha256),
        ("build", outcome),
        ("method", "rustc --emit=dep-info per target (scripts/trace_rust.py), no crates"),
        ("seconds", f"{time.monotonic() - started:.0f}"),
    ]
    rows_out = [(p, prog, how) for p, (prog, how) in sorted(relative.items())]
    return write_manifest(out_dir, sdist.name, header, rows_out)


def main(argv: list[str] | None = None) -> int:
    import hashlib

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sdists", nargs="*", type=Path)
    parser.add_argument("--corpus", choices=["popular"])
    parser.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "testdata" / "traces")
    args = parser.parse_args(argv)
    todo = [(p, hashlib.sha256(p.read_bytes()).hexdigest()) for p in args.sdists]
    if args.corpus:
        from pypi import artifact

        with open(ROOT / "testdata" / "corpus" / f"{args.corpus}.tsv", encoding="utf-8") as f:
            rows = [
                r
                for r in csv.DictReader(f, delimiter="\t")
                if args.split in ("all", r["split"]) and r["backend"] == "maturin"
            ]
        rows.sort(key=lambda r: int(r["size"]))
        todo += [(artifact(r["filename"], r["sha256"]), r["sha256"]) for r in rows]
    if args.limit:
        todo = todo[: args.limit]
    for path, sha256 in todo:
        manifest = trace(path, sha256, args.out_dir)
        outcome = manifest.read_text(encoding="utf-8").splitlines()[2].removeprefix("# build: ")
        print(f"{path.name}: {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
