#!/usr/bin/env python3
"""Build sdists for real under `strace -f -y` and record which of their files the build read.

    python scripts/trace_build.py SDIST... [--out-dir testdata/traces]
    python scripts/trace_build.py --corpus popular [--split all] [--limit N] [--max-mb M]

The oracle of issue 12: no rule of sdistcheck can tune it.  Each sdist is extracted (vetted
members only), built into a wheel in isolation exactly as `sdistcheck --build` does (the `build`
package, pip installing the build requirements), and every backend hook runs under strace.  The
manifest `<out-dir>/<sdist file name>.tsv` lists each sdist member the build opened for reading
or executed, before writing it, with the process that first read it and how:

- `compiled`: read by a compiler or build tool (cc1, cc1plus, cmake, ninja, meson, cython...);
- `copied`: read by the backend and shipped unchanged in the wheel (a package's .py files);
- `read`: read by the backend's Python otherwise (setup.py, a version file, a readme...).

The header records the build's outcome; a failed build's reads are kept (what it read before
failing is still read), but only a successful build is evidence against a static error.
Rust sdists cannot fetch crates here: use deletion tests for them (scripts/deletion_recall.py).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import itertools
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "scripts"))

from oracle import write_manifest  # noqa: E402
from strace_log import COMPILERS, accesses, reads_under  # noqa: E402

from sdistcheck.build.isolated import (  # noqa: E402
    Session,
    build_distribution,
    extract_sdist,
    failure,
)

SYSCALLS = (
    "open,openat,openat2,creat,execve,rename,renameat,renameat2,link,linkat,clone,clone3,fork,vfork"
)
TRACED_LANGUAGES = ("c", "cpp", "cython", "mixed", "other")


class TracedSession(Session):
    """A build session whose backend hooks run under strace, one log per hook call."""

    def __init__(self, log: io.TextIOBase, timeout: float, trace_dir: Path) -> None:
        super().__init__(log, None, timeout)  # type: ignore[arg-type]
        self.trace_dir = trace_dir
        self.calls = 0

    def hook(
        self,
        cmd: Sequence[str],
        cwd: str | None = None,
        extra_environ: Mapping[str, str] | None = None,
    ) -> None:
        self.calls += 1
        out = self.trace_dir / f"hook-{self.calls}.strace"
        traced = ["strace", "-f", "-y", "-qq", "-s", "4096", "-e", f"trace={SYSCALLS}"]
        self.run([*traced, "-o", str(out), *cmd], cwd, extra_environ or {})


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _wheel_members(wheel: Path | None) -> dict[str, set[str]]:
    """sha256 of each wheel member, by base name: to tell a copied file from a read one."""
    out: dict[str, set[str]] = {}
    if wheel is None:
        return out
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if not info.is_dir():
                base = info.filename.rsplit("/", 1)[-1]
                out.setdefault(base, set()).add(_sha(zf.read(info)))
    return out


def _how(program: str, data: bytes | None, base: str, wheel: dict[str, set[str]]) -> str:
    if program in COMPILERS:
        return "compiled"
    if data is not None and _sha(data) in wheel.get(base, set()):
        return "copied"
    return "read"


def _versions() -> str:
    gcc = subprocess.run(["gcc", "-dumpfullversion"], capture_output=True, text=True).stdout
    return f"python {platform.python_version()}, gcc {gcc.strip() or '?'}, {platform.machine()}"


def trace(sdist: Path, sha256: str, out_dir: Path, timeout: float) -> Path:
    """Build SDIST under strace and write its manifest into OUT_DIR; return the manifest."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="trace-build-") as tmp:
        work = Path(tmp)
        (work / "traces").mkdir()
        project, tree = extract_sdist(sdist, work / "src")
        originals = {
            path: (project / path).read_bytes()
            for path in tree.files
            if (project / path).is_file() and not (project / path).is_symlink()
        }
        build_log = io.StringIO()
        session = TracedSession(build_log, timeout, work / "traces")
        wheel: Path | None = None
        outcome = "ok"
        try:
            wheel = build_distribution(project, work / "dist", True, session)
        except Exception as exc:  # any failure is an outcome to record
            outcome = "failed: " + (failure(exc) or type(exc).__name__).splitlines()[0][:200]
        events = []
        for log in sorted((work / "traces").glob("hook-*.strace")):
            with open(log, encoding="utf-8", errors="surrogateescape") as f:
                events.extend(accesses(f))
        members = _wheel_members(wheel)
        rows = []
        for read in reads_under(str(project.resolve()), events):
            if read.path not in originals:
                continue  # not an sdist member: a file of the build's own making
            base = read.path.rsplit("/", 1)[-1]
            rows.append(
                (read.path, read.program, _how(read.program, originals[read.path], base, members))
            )
        tail = [line for line in build_log.getvalue().splitlines() if line.strip()][-15:]
    header = [
        ("sdist", sdist.name),
        ("sha256", sha256),
        ("build", outcome),
        ("host", _versions()),
        ("seconds", f"{time.monotonic() - started:.0f}"),
        *(("log", line[:300]) for line in (tail if outcome != "ok" else [])),
    ]
    return write_manifest(out_dir, sdist.name, header, rows)


def _corpus(name: str, split: str, max_mb: float) -> list[tuple[str, str, str]]:
    """(filename, sha256, backend) of the corpus's C/C++/Cython sdists, smallest first."""
    with open(ROOT / "testdata" / "corpus" / f"{name}.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if split in ("all", r["split"])]
    rows = [
        r
        for r in rows
        if r["languages"].split(":")[0] in TRACED_LANGUAGES
        and "rust" not in r["languages"]
        and r["backend"] != "maturin"
        and int(r["size"]) <= max_mb * 1e6
    ]
    # smallest first within each backend, the backends taken in turn: every build system early
    groups: dict[str, list[dict[str, str]]] = {}
    for r in sorted(rows, key=lambda r: int(r["size"])):
        groups.setdefault(r["backend"].split(":")[0], []).append(r)
    ordered = [r for turn in itertools.zip_longest(*groups.values()) for r in turn if r]
    return [(r["filename"], r["sha256"], r["backend"]) for r in ordered]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sdists", nargs="*", type=Path)
    parser.add_argument("--corpus", choices=["popular"])
    parser.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    parser.add_argument("--limit", type=int, default=0, help="at most N builds (0: all)")
    parser.add_argument("--max-mb", type=float, default=20.0, help="skip larger sdists")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per build")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "testdata" / "traces")
    parser.add_argument("--redo", action="store_true", help="trace again what has a manifest")
    args = parser.parse_args(argv)
    todo: list[tuple[Path, str]] = []
    for path in args.sdists:
        todo.append((path, _sha(path.read_bytes())))
    if args.corpus:
        from pypi import artifact

        for filename, sha256, _backend in _corpus(args.corpus, args.split, args.max_mb):
            if not args.redo and (args.out_dir / f"{filename}.tsv").exists():
                continue
            todo.append((artifact(filename, sha256), sha256))
    if args.limit:
        todo = todo[: args.limit]
    for path, sha256 in todo:
        started = time.monotonic()
        manifest = trace(path, sha256, args.out_dir, args.timeout)
        outcome = manifest.read_text(encoding="utf-8").splitlines()[2].removeprefix("# build: ")
        print(f"{path.name}: {outcome} ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
