#!/usr/bin/env python3
"""Run the fuzz tests for a wall-clock budget: the long campaign behind CI's bounded run.

    python3 scripts/fuzz.py --minutes 10 --target all --jobs 2
    python3 scripts/fuzz.py --minutes 1 --target meson

A target is one or more of the hypothesis tests in tests/fuzz/test_parsers.py and
tests/fuzz/test_native.py (see TARGETS); each asserts that a parser raises only its own error
class.  Each target runs in its own process for --minutes: its tests are called in turn, in
rounds of --round examples (FUZZ_EXAMPLES), each round with a fresh random seed
(`hypothesis.seed`, which also turns the example database off), until the budget is spent.
Examples are counted by wrapping each test's `.hypothesis.inner_test`; once the budget is spent
the rest of a round is skipped, unless it has failed (hypothesis is then shrinking).

A crash (any other exception, or a failed assertion) ends its target: hypothesis' minimized
falsifying example is printed with the round's seed.  An example running longer than --hang
seconds is a hang: its arguments and every thread's stack are printed, and the worker exits.
--jobs N runs N targets at a time (in separate processes).  The closing table gives, per
target, the minutes run, examples run, crashes (0 expected) and the slowest example.
Exit status: 0 when nothing crashed or hung, 1 otherwise, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import faulthandler
import functools
import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARSERS, NATIVE = "test_parsers", "test_native"
TARGETS: dict[str, tuple[tuple[str, str], ...]] = {
    "rust": ((PARSERS, "test_rust_scan_never_raises"),),
    "cfg": ((PARSERS, "test_cfg_parse_raises_only_its_own_error"),),
    "setuppy": ((PARSERS, "test_setup_py_and_cfg_never_raise"),),
    "pyproject": ((PARSERS, "test_pyproject_and_whole_check_never_raise"),),
    "c": (
        (NATIVE, "test_c_scan_and_mask_never_raise"),
        (NATIVE, "test_c_include_walk_never_raises"),
    ),
    "cmake": ((NATIVE, "test_cmake_never_raises"),),
    "meson": ((NATIVE, "test_meson_never_raises"),),
    "archive": ((NATIVE, "test_sdist_reader_raises_only_its_own_errors"),),
    "wheel": (
        (NATIVE, "test_wheel_reader_raises_only_retag_errors"),
        (NATIVE, "test_wheel_and_record_parsers_raise_only_wheel_format_error"),
    ),
    "binary": (
        (NATIVE, "test_binary_analysis_raises_only_binary_format_error"),
        (NATIVE, "test_binary_analysis_of_random_bytes"),
    ),
}


@dataclass
class Stats:
    """What one target's worker did."""

    target: str
    minutes: float = 0.0
    examples: int = 0
    crashes: int = 0
    hang: bool = False
    slowest: float = 0.0  # seconds, one example
    rounds: int = 0
    per_test: dict[str, int] = field(default_factory=dict)


class Watchdog(threading.Thread):
    """Ends the worker when one example runs longer than `limit` seconds: a hang."""

    def __init__(self, limit: float, stats: Stats, result: Path) -> None:
        super().__init__(daemon=True)
        self.limit, self.stats, self.result = limit, stats, result
        self.current: tuple[float, str, tuple[Any, ...], dict[str, Any]] | None = None
        self.begin = time.monotonic()

    def run(self) -> None:
        while True:
            time.sleep(1)
            current = self.current
            if current is None or time.monotonic() - current[0] < self.limit:
                continue
            started, name, args, kwargs = current
            print(
                f"HANG in {self.stats.target} ({name}): one example ran "
                f"{time.monotonic() - started:.0f} s; arguments:\n  args={args!r:.4000}\n"
                f"  kwargs={kwargs!r:.4000}",
                flush=True,
            )
            faulthandler.dump_traceback(all_threads=True)
            self.stats.crashes, self.stats.hang = self.stats.crashes + 1, True
            self.stats.minutes = (time.monotonic() - self.begin) / 60
            self.result.write_text(json.dumps(asdict(self.stats)))
            os._exit(3)


def _instrument(test: Any, stats: Stats, watchdog: Watchdog, end: float) -> dict[str, bool]:
    """Count `test`'s examples, time them for the watchdog, skip them once past `end`."""
    inner: Callable[..., None] = test.hypothesis.inner_test
    name = test.__name__
    state = {"failed": False}

    @functools.wraps(inner)
    def counted(*args: Any, **kwargs: Any) -> None:
        if not state["failed"] and time.monotonic() >= end:
            return  # budget spent: let the round finish without work
        started = time.monotonic()
        watchdog.current = (started, name, args, kwargs)
        try:
            inner(*args, **kwargs)
        except BaseException:
            state["failed"] = True  # hypothesis shrinks next: run every call from now on
            raise
        finally:
            watchdog.current = None
            stats.examples += 1
            stats.per_test[name] = stats.per_test.get(name, 0) + 1
            stats.slowest = max(stats.slowest, time.monotonic() - started)

    test.hypothesis.inner_test = counted
    return state


def work(target: str, minutes: float, round_size: int, hang: float, result: Path) -> int:
    """Run one target's tests for `minutes` (in this process); write its Stats to `result`."""
    os.environ["FUZZ_EXAMPLES"] = str(round_size)  # read by the test modules at import
    sys.path[:0] = [
        str(ROOT / "tests" / "fuzz"),
        str(ROOT / "tests" / "support"),
        str(ROOT / "scripts"),
        str(ROOT),
    ]
    from hypothesis import seed

    stats = Stats(target)
    watchdog = Watchdog(hang, stats, result)
    watchdog.start()
    tests = [getattr(importlib.import_module(module), name) for module, name in TARGETS[target]]
    begin = time.monotonic()
    end, report = begin + 60 * minutes, begin + 60
    states = [_instrument(test, stats, watchdog, end) for test in tests]
    rng = random.SystemRandom()
    while time.monotonic() < end:
        test, state = tests[stats.rounds % len(tests)], states[stats.rounds % len(tests)]
        state["failed"] = False
        round_seed = rng.getrandbits(64)
        seed(round_seed)(test)
        stats.rounds += 1
        try:
            test()
        except Exception as exc:  # a crash: hypothesis attached the minimized example
            stats.crashes += 1
            print(f"CRASH in {target} ({test.__name__}, round seed {round_seed}):", flush=True)
            traceback.print_exception(exc, file=sys.stdout)
            sys.stdout.flush()
            break
        if time.monotonic() >= report:
            report += 60
            print(
                f"[{target}] {(time.monotonic() - begin) / 60:.1f} min, {stats.examples} examples",
                file=sys.stderr,
                flush=True,
            )
    stats.minutes = (time.monotonic() - begin) / 60
    result.write_text(json.dumps(asdict(stats)))
    return 1 if stats.crashes else 0


def campaign(targets: list[str], args: argparse.Namespace) -> int:
    """Each target in a worker process, `args.jobs` at a time; the closing table."""
    results: list[Stats] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        queue = list(targets)
        running: list[tuple[str, Path, subprocess.Popen[bytes]]] = []
        while queue or running:
            while queue and len(running) < args.jobs:
                target = queue.pop(0)
                out = Path(tmp) / f"{target}.json"
                command = [
                    sys.executable,
                    __file__,
                    "--worker",
                    target,
                    "--result",
                    str(out),
                    "--minutes",
                    str(args.minutes),
                    "--round",
                    str(args.round),
                    "--hang",
                    str(args.hang),
                ]
                running.append((target, out, subprocess.Popen(command)))
                print(f"started {target}", flush=True)
            time.sleep(1)
            for item in [r for r in running if r[2].poll() is not None]:
                target, out, proc = item
                running.remove(item)
                stats = Stats(**json.loads(out.read_text())) if out.exists() else Stats(target)
                if proc.returncode and not stats.crashes:  # died without saying why
                    stats.crashes = 1
                results.append(stats)
                print(
                    f"finished {target}: {stats.examples} examples, {stats.crashes} crashes",
                    flush=True,
                )
    print(f"\n{'target':<10} {'minutes':>8} {'examples':>10} {'crashes':>8} {'slowest':>9}")
    for s in sorted(results, key=lambda s: targets.index(s.target)):
        hang = " (hang)" if s.hang else ""
        print(
            f"{s.target:<10} {s.minutes:>8.1f} {s.examples:>10} {s.crashes:>8} "
            f"{s.slowest:>8.2f}s{hang}"
        )
        for name, count in s.per_test.items():
            print(f"    {name}: {count}")
    total = sum(s.examples for s in results)
    print(
        f"{'total':<10} {sum(s.minutes for s in results):>8.1f} {total:>10} "
        f"{sum(s.crashes for s in results):>8}"
    )
    return 1 if any(s.crashes for s in results) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="budget per target")
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--jobs", type=int, default=1, help="targets run at a time")
    parser.add_argument("--round", type=int, default=500, help="examples per seed")
    parser.add_argument("--hang", type=float, default=60.0, help="seconds one example may take")
    parser.add_argument("--worker", choices=list(TARGETS), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.round < 1 or args.minutes <= 0:
        parser.error("--jobs and --round must be positive, and --minutes above 0")
    if args.worker:
        if args.result is None:
            parser.error("--worker needs --result")
        return work(args.worker, args.minutes, args.round, args.hang, args.result)
    return campaign(list(TARGETS) if args.target == "all" else [args.target], args)


if __name__ == "__main__":
    sys.exit(main())
