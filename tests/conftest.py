"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypi import artifact


@pytest.fixture
def pypi() -> Callable[[str, str], Path]:
    """`pypi(filename, sha256)`: the path of a pinned real PyPI file, cached across runs."""
    return artifact
