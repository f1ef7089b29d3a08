#!/usr/bin/env python3
"""Time retag's rewrite on the real uv-0.5.2 musllinux wheel, whole process, against `wheel tags`.

    python scripts/bench_retag.py [--runs N]

Both add `manylinux_2_17_x86_64.manylinux2014_x86_64` and both check every member's hash against
RECORD while reading; `wheel tags` then inflates and deflates every member again, retag copies the
compressed bytes.  `retag tags` and the Python API do exactly what `wheel tags` does; plain `retag`
also proves the binary static (pyelftools) before the same rewrite.  `cp` of the same file, in the
same run, is the floor any rewrite pays.  The commands take turns, round after round.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from bench_common import bench, print_ratios, print_table, script  # noqa: E402
from pypi import artifact  # noqa: E402

UV = (
    "uv-0.5.2-py3-none-musllinux_1_1_x86_64.whl",
    "772b32d157ec8f27c0099ecac94cf5cd298bce72f1a1f512205591de4e9f0c5c",
)
ADD = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
BY_API = """
import sys
from pathlib import Path
from retag.archive.rewrite import rewrite
from retag.archive.wheelfile import read_wheel
w = read_wheel(Path(sys.argv[1]))
rewrite(w, python_tags=w.python_tags, abi_tags=w.abi_tags,
        platform_tags=[*w.platform_tags, *sys.argv[3:]], build=w.build, out_dir=Path(sys.argv[2]))
"""
INFLATER = "from retag.archive import zip; print(zip.inflater.__name__)"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    source = artifact(*UV)
    with tempfile.TemporaryDirectory(prefix="bench-retag-") as tmp:
        work, ours_dir, proof_dir, floor_dir = (
            Path(tmp) / d for d in ("wheel-tags", "retag", "proof", "cp")
        )
        for d in (work, ours_dir, proof_dir, floor_dir):
            d.mkdir()
        wheel = work / source.name  # `wheel tags` writes next to its input: give it a copy
        shutil.copy(source, wheel)
        add = "+" + ".".join(ADD)
        cli = script("retag", "retag")
        commands = {
            "wheel tags": [*script("wheel", "wheel"), "tags", "--platform-tag", add, str(wheel)],
            "retag tags (CLI)": [
                *cli,
                "tags",
                "--platform-tag",
                add,
                "--out-dir",
                str(ours_dir),
                str(source),
            ],
            "retag API (python -c)": [
                sys.executable,
                "-c",
                BY_API,
                str(source),
                str(ours_dir),
                *ADD,
            ],
            "retag (proof, then the rewrite)": [*cli, "--out-dir", str(proof_dir), str(source)],
            "cp": ["cp", str(source), str(floor_dir / source.name)],
        }
        results = bench(commands, args.runs)
        written = {d.name: os.listdir(d) for d in (ours_dir, proof_dir)}
    inflater = subprocess.run(
        [sys.executable, "-c", INFLATER], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"{source.name} ({source.stat().st_size / 1024**2:.1f} MiB), {add}, {args.runs} runs, "
        f"whole process, retag inflating with {inflater}:"
    )
    print_table(results)
    for name, files in written.items():
        print(f"  -> {name}: {', '.join(files)}")
    print_ratios(results, "wheel tags", [n for n in results if n.startswith("retag")], 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
