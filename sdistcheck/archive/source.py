"""`--source DIR`: the project's checkout, to tell certain bugs from files generated at build time.

A file the build references that the checkout has and the sdist lacks was left out of the sdist:
a certain bug.  One that neither has is most likely generated during the build.  In a git
checkout only tracked files count (`git ls-files`): an untracked file is not in a clean clone.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .._errors import ConfigError


def source_files(root: Path) -> frozenset[str]:
    """Relative POSIX paths of the files that make up the checkout at `root`."""
    if not root.is_dir():
        raise ConfigError(f"--source {root}: not a directory")
    if (root / ".git").exists():
        try:
            out = subprocess.run(
                ["git", "-C", str(root), "ls-files", "-z"],
                capture_output=True,
                check=True,
                timeout=60,
            ).stdout
            return frozenset(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ConfigError(f"--source {root}: git ls-files failed ({exc})") from None
    files: set[str] = set()
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".hg", ".tox", ".venv", "target")]
        rel = Path(directory).relative_to(root).as_posix()
        files.update(f if rel == "." else f"{rel}/{f}" for f in filenames)
    return frozenset(files)
