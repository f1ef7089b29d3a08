"""Running the sdistcheck command line as a user runs it, on small sdists written here."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdistcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def make_sdist(path: Path, files: dict[str, str], prefix: str = "p-1") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{prefix}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path
