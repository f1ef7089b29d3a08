"""Where the repository's test inputs are, for tests at any depth under tests/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
TESTDATA = ROOT / "testdata"
BIN = TESTDATA / "bin"
BUILDLOGS = TESTDATA / "buildlogs"
