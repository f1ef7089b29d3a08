#!/usr/bin/env python3
"""Time retag's rewrite on the real uv-0.5.2 musllinux wheel, whole process, against `wheel tags`.

    python scripts/bench_retag.py [--runs N]

Both add `manylinux_2_17_x86_64.manylinux2014_x86_64` and both check every member's hash against
RECORD while reading; `wheel tags` then inflates and deflates every member again, retag copies the
compressed bytes.  `cp` of the same file, in the same run, is the floor any rewrite pays.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from pypi import artifact  # noqa: E402

UV = (
    "uv-0.5.2-py3-none-musllinux_1_1_x86_64.whl",
    "772b32d157ec8f27c0099ecac94cf5cd298bce72f1a1f512205591de4e9f0c5c",
)
ADD = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
# Without .pyc files every run would recompile retag (and wheel): no user pays that.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BY_API = """
import sys
from pathlib import Path
from retag.archive.rewrite import rewrite
from retag.archive.wheelfile import read_wheel
w = read_wheel(Path(sys.argv[1]))
rewrite(w, python_tags=w.python_tags, abi_tags=w.abi_tags,
        platform_tags=[*w.platform_tags, *sys.argv[3:]], build=w.build, out_dir=Path(sys.argv[2]))
"""


def timed(cmd: list[str], runs: int) -> list[float]:
    wall = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False, env=ENV)
        wall.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr.decode(errors='replace')}")
    return wall


def script(name: str, module: str) -> list[str]:
    """The console script beside this interpreter (a PATH lookup may find a slow pyenv shim)."""
    path = Path(sys.executable).parent / name
    return [str(path)] if path.exists() else [sys.executable, "-m", module]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    source = artifact(*UV)
    with tempfile.TemporaryDirectory(prefix="bench-retag-") as tmp:
        work, ours_dir, floor_dir = (Path(tmp) / d for d in ("wheel-tags", "retag", "cp"))
        for d in (work, ours_dir, floor_dir):
            d.mkdir()
        wheel = work / source.name  # `wheel tags` writes next to its input: give it a copy
        shutil.copy(source, wheel)
        theirs = [
            *script("wheel", "wheel"),
            "tags",
            "--platform-tag",
            "+" + ".".join(ADD),
            str(wheel),
        ]
        commands = {
            "wheel tags": theirs,
            "retag API (python -c)": [
                sys.executable,
                "-c",
                BY_API,
                str(source),
                str(ours_dir),
                *ADD,
            ],
            "cp": ["cp", str(source), str(floor_dir / source.name)],
        }
        cli = script("retag", "retag")
        if subprocess.run([*cli, "tags", "--help"], capture_output=True).returncode == 0:
            commands["retag tags (CLI)"] = [
                *cli,
                "tags",
                "--platform-tag",
                "+" + ".".join(ADD),
                "--out-dir",
                str(ours_dir),
                str(source),
            ]
        for cmd in commands.values():
            timed(cmd, 1)  # warm the page cache and write the .pyc files
        results = {name: timed(cmd, args.runs) for name, cmd in commands.items()}
        [written] = os.listdir(ours_dir)
    print(
        f"{source.name} ({source.stat().st_size / 1024**2:.1f} MiB), +{'.'.join(ADD)}, "
        f"{args.runs} runs, whole process:"
    )
    for name, wall in results.items():
        print(
            f"  {name:<34} median {statistics.median(wall) * 1000:7.0f} ms"
            f"   min {min(wall) * 1000:7.0f} ms"
        )
    print(f"  -> {written}")
    for name in (n for n in results if n.startswith("retag")):
        ratio = statistics.median(results["wheel tags"]) / statistics.median(results[name])
        print(
            f"ratio wheel tags / {name}: {ratio:.1f}x; target >= 10x: "
            f"{'met' if ratio >= 10 else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
