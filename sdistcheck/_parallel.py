"""Several artifacts at once: one process per CPU for CPU-bound work (inflating, hashing,
scanning), results in input order.  Shared by `sdistcheck` and `retag`."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")


def run_all(job: Callable[..., R], calls: Sequence[tuple[Any, ...]], jobs: int = 0) -> list[R]:
    """`job(*call)` for each of CALLS, in order; in up to JOBS processes (0: one per CPU), or
    in this one when there is a single call or a single job.  JOB must be picklable (top level)."""
    jobs = jobs or os.cpu_count() or 1
    if len(calls) < 2 or jobs < 2:
        return [job(*call) for call in calls]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(calls))) as pool:
        return [f.result() for f in [pool.submit(job, *call) for call in calls]]
