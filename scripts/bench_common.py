"""What the retag benchmarks share: the environment, the console scripts, round-robin timing."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# `pip install` byte-compiles what it installs; an environment with PYTHONDONTWRITEBYTECODE
# (this workplace sets it) would recompile every module on every run instead, which no user pays.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def script(name: str, module: str) -> list[str]:
    """The console script beside this interpreter (a PATH lookup may find a slow pyenv shim)."""
    path = Path(sys.executable).parent / name
    return [str(path)] if path.exists() else [sys.executable, "-m", module]


@dataclass(frozen=True)
class Timing:
    """One command's runs: wall seconds, and CPU seconds (user + sys, all its threads)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


def _run(cmd: Sequence[str], ok: Sequence[int]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        sys.exit(
            f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}"
        )
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bench(
    commands: Mapping[str, Sequence[str]], runs: int, ok: Sequence[int] = (0,)
) -> dict[str, Timing]:
    """Each command once to warm up (page cache, .pyc files), then RUNS rounds of every command in
    turn: on a shared host whose load drifts, each round meets the same load."""
    for cmd in commands.values():
        _run(cmd, ok)
    timings = {name: Timing() for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            wall, cpu = _run(cmd, ok)
            timings[name].wall.append(wall)
            timings[name].cpu.append(cpu)
    return timings


def print_table(timings: Mapping[str, Timing]) -> None:
    for name, t in timings.items():
        print(
            f"  {name:<34} median {t.median * 1000:7.0f} ms   min {min(t.wall) * 1000:7.0f} ms"
            f"   CPU {statistics.median(t.cpu) * 1000:7.0f} ms"
        )


def print_ratios(
    timings: Mapping[str, Timing], baseline: str, ours: Sequence[str], target: float
) -> None:
    for name in ours:
        ratio = timings[baseline].median / timings[name].median
        verdict = "met" if ratio >= target else "NOT met"
        print(f"ratio {baseline} / {name}: {ratio:.1f}x; target >= {target:g}x: {verdict}")
