"""The trace manifests: written by the tracers, read back by the oracle (scripts/oracle.py)."""

from __future__ import annotations

from pathlib import Path

from oracle import read_manifest, write_manifest


def test_a_manifest_reads_back_as_written(tmp_path: Path) -> None:
    header = [("sdist", "p-1.tar.gz"), ("sha256", "ab" * 32), ("build", "failed: x"), ("log", "a")]
    rows = [("src/a.c", "cc1", "compiled"), ("setup.py", "_in_process", "read")]
    path = write_manifest(tmp_path, "p-1.tar.gz", header, rows)
    assert path.name == "p-1.tar.gz.tsv" and not list(tmp_path.glob("*.tmp"))
    manifest = read_manifest(path)
    assert (manifest.sdist, manifest.sha256, manifest.build_ok) == ("p-1.tar.gz", "ab" * 32, False)
    assert manifest.rows == tuple(rows)
