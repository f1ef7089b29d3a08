#!/usr/bin/env python3
"""Time `sdistcheck` on the real uv-0.5.2 sdist, whole process, against reading the archive alone.

    python scripts/bench_sdistcheck.py [--runs N]

The alternative a user has is a real build per platform (minutes each, and Windows ARM64 only on
Windows ARM64); the floor any checker pays is decompressing and listing the archive, measured
here with `tar tzf` in the same run, so the ratio says how much the analysis adds on top.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pypi import artifact  # noqa: E402
from real_artifacts import UV_BROKEN  # noqa: E402


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sdist = artifact(UV_BROKEN.filename, UV_BROKEN.sha256)
    exe = shutil.which("sdistcheck") or sys.executable
    check = [exe, str(sdist)] if exe != sys.executable else [exe, "-m", "sdistcheck", str(sdist)]
    timed(check, 1)  # warm the page cache and .pyc files
    ours = timed(check, args.runs)
    floor = timed(["tar", "tzf", str(sdist)], args.runs)
    med, fl = statistics.median(ours), statistics.median(floor)
    print(f"sdistcheck {sdist.name} (whole process): median {med * 1000:.0f} ms, "
          f"min {min(ours) * 1000:.0f} ms over {args.runs} runs")
    print(f"tar tzf {sdist.name} (listing only):     median {fl * 1000:.0f} ms")
    print(f"ratio sdistcheck / tar listing: {med / fl:.1f}x; target < 500 ms: "
          f"{'met' if med < 0.5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
