#!/usr/bin/env python3
"""Time `sdistcheck` on the real uv-0.5.2 sdist, whole process, against reading the archive alone.

    python scripts/bench_sdistcheck.py [--runs N]

The alternative a user has is a real build per platform (minutes each, and Windows ARM64 only on
Windows ARM64); the floor any checker pays is decompressing and listing the archive, measured
here with `tar tzf` in the same run, so the ratio says how much the analysis adds on top.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from pypi import artifact  # noqa: E402
from real_artifacts import UV_BROKEN  # noqa: E402

# `pip install` byte-compiles what it installs; an environment with PYTHONDONTWRITEBYTECODE
# (this workplace sets it) would recompile every module on every run instead, which no user pays.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user+sys: less sensitive to a busy host) per run."""
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV
        )
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sdist = artifact(UV_BROKEN.filename, UV_BROKEN.sha256)
    # The console script pip installed beside this interpreter: a PATH lookup may find a version
    # manager's shim (pyenv's adds ~60 ms of bash before Python starts).
    script = Path(sys.executable).parent / "sdistcheck"
    check = [str(script)] if script.exists() else [sys.executable, "-m", "sdistcheck"]
    check.append(str(sdist))
    tar = ["tar", "tzf", str(sdist)]
    timed(check, 2)  # warm the page cache and write the .pyc files
    timed(tar, 1)
    # In turns, run after run: a busy host slows both alike, so the ratio holds.
    wall, cpu, floor, floor_cpu = [], [], [], []
    for _ in range(args.runs):
        for cmd, w, c in ((check, wall, cpu), (tar, floor, floor_cpu)):
            one_wall, one_cpu = timed(cmd, 1)
            w += one_wall
            c += one_cpu
    med, fl = statistics.median(wall), statistics.median(floor)
    med_cpu, fl_cpu = statistics.median(cpu), statistics.median(floor_cpu)
    print(
        f"sdistcheck {sdist.name} (whole process): median {med * 1000:.0f} ms, "
        f"min {min(wall) * 1000:.0f} ms, CPU median {med_cpu * 1000:.0f} ms "
        f"over {args.runs} runs"
    )
    print(
        f"tar tzf {sdist.name} (listing only, gzip included): median {fl * 1000:.0f} ms, "
        f"CPU median {fl_cpu * 1000:.0f} ms"
    )
    print(
        f"ratio sdistcheck / tar listing: {med / fl:.1f}x (CPU {med_cpu / fl_cpu:.1f}x); "
        f"issue-12 target within 3x: {'met' if med <= 3 * fl else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
