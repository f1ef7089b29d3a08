"""The real container engine and test images for `retag validate` tests.

The images come from `scripts/build-test-images`.  Where they or podman are missing the tests
skip, unless RELEASENET_REQUIRE_CONTAINERS=1 (set by .ci/run, which builds them): then they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

DEBIAN = "localhost/releasenet-test/debian-bookworm:x86_64"
MUSL = "localhost/releasenet-test/musl:x86_64"


def require_images(*refs: str) -> None:
    """Skip (or fail, when containers are required) unless podman and REFS are here."""
    missing = []
    if shutil.which("podman") is None:
        missing.append("podman")
    else:
        for ref in refs:
            done = subprocess.run(["podman", "image", "exists", ref], capture_output=True)
            if done.returncode != 0:
                missing.append(ref)
    if not missing:
        return
    reason = f"missing {', '.join(missing)}: run scripts/build-test-images"
    if os.environ.get("RELEASENET_REQUIRE_CONTAINERS") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
