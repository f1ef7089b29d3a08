"""Deterministic corruptions of real files, for the parsers' never-a-traceback tests."""

from __future__ import annotations

import random
from collections.abc import Iterator


def corrupted(original: bytes, seed: str, count: int = 150, span: int = 1024) -> Iterator[bytes]:
    """`count` copies of `original`, each with 1-6 random bytes changed in its first `span`."""
    rng = random.Random(seed)
    for _ in range(count):
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(0, min(span, len(data)))] = rng.randrange(256)
        yield bytes(data)
