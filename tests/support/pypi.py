"""Real PyPI artifacts for tests, downloaded once and cached by their pinned sha256.

The cache is `$RELEASENET_TEST_CACHE`, else `~/.cache/releasenet-tests`; a file already there
(with the right hash) is used without the network.  A wrong hash fails the test, loudly.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from packaging.utils import parse_sdist_filename, parse_wheel_filename

from sdistcheck._errors import FetchError
from sdistcheck.archive.fetch import DEFAULT_INDEX, fetch_file


def test_cache_dir() -> Path:
    """Where pinned artifacts are kept between test runs."""
    explicit = os.environ.get("RELEASENET_TEST_CACHE")
    return Path(explicit) if explicit else Path.home() / ".cache" / "releasenet-tests"


test_cache_dir.__test__ = False  # type: ignore[attr-defined]  # not a test despite its name


def project_of(filename: str) -> str:
    """The project name encoded in a wheel or sdist file name."""
    if filename.endswith(".whl"):
        return parse_wheel_filename(filename)[0]
    for legacy in (".tar.bz2", ".tar.xz", ".tgz", ".tar"):  # older sdists: name-version.ext
        if filename.endswith(legacy):
            return filename[: -len(legacy)].rsplit("-", 1)[0]
    return parse_sdist_filename(filename)[0]


def artifact(filename: str, sha256: str) -> Path:
    """Path to the real PyPI file FILENAME, whose sha256 must be SHA256."""
    try:
        path = fetch_file(project_of(filename), filename, sha256, DEFAULT_INDEX, test_cache_dir())
    except FetchError as exc:
        pytest.fail(f"pinned artifact {filename} unavailable: {exc}", pytrace=False)
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != sha256.lower():  # fetch_file verified it already; this guards the guard
        pytest.fail(f"{filename}: sha256 {actual}, pinned {sha256}", pytrace=False)
    return path
