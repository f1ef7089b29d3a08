#!/usr/bin/env python3
"""Time `retag check` on a real 37 MB scipy wheel, whole process, against `auditwheel show`.

    python scripts/bench_check.py [--runs N]

scipy 1.15.3's manylinux x86_64 wheel: 114 extension modules and the vendored OpenBLAS and
gfortran libraries.  `auditwheel show` reads every ELF file for its symbol versions and needed
libraries; `retag check` does that and more (every RECORD hash, architecture, libc, the
manylinux policy's symbol versions and libraries, extension suffixes, PyPI's upload rules).  The
two take turns, round after round.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from bench_common import bench, print_ratios, print_table, script  # noqa: E402
from pypi import artifact  # noqa: E402

SCIPY = (
    "scipy-1.15.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "271e3713e645149ea5ea3e97b57fdab61ce61333f97cfae392c28ba786f9bb49",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    wheel = artifact(*SCIPY)
    commands = {
        "auditwheel show": [*script("auditwheel", "auditwheel"), "show", str(wheel)],
        "retag check": [*script("retag", "retag"), "check", str(wheel)],
    }
    results = bench(commands, args.runs)
    print(
        f"{wheel.name} ({wheel.stat().st_size / 1024**2:.1f} MiB), {args.runs} runs, whole process:"
    )
    print_table(results)
    print_ratios(results, "auditwheel show", ["retag check"], 5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
