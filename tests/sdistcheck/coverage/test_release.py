"""Releases from an index page (untrusted names), from a folder, and as recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdistcheck._errors import SdistCheckError
from sdistcheck.archive.fetch import IndexFile, list_files
from sdistcheck.coverage.matrix import compute
from sdistcheck.coverage.release import (
    from_folder,
    from_index,
    from_record,
    to_record,
    wheels_beside,
)


def _page(*names: str, requires: str | None = ">=3.9") -> list[IndexFile]:
    return [IndexFile(n, f"https://x/{n}", None, False, requires) for n in names]


def test_from_index_picks_the_version_previous_and_history() -> None:
    page = _page(
        "p-1.0.tar.gz",
        "p-1.0-py3-none-win_arm64.whl",
        "p-2.0rc1-py3-none-win32.whl",  # a pre-release is no previous release of a final one
        "p-1.1.tar.gz",
        "p-1.1-py3-none-win_amd64.whl",
        "P-1.1-py3-none-win32.whl",  # names normalise
        "q-1.1-py3-none-any.whl",  # another project's file on the page
        "../../etc/passwd",
        "p-1.1-py3.whl",  # not a wheel name
    )
    r = from_index("P", "1.1", page)
    assert r.files == ("p-1.1.tar.gz", "p-1.1-py3-none-win_amd64.whl", "P-1.1-py3-none-win32.whl")
    assert r.requires_python == ">=3.9"
    assert r.previous is not None and r.previous.version == "1.0"
    assert r.history == {"py3-none-win_arm64", "py3-none-win32"}
    assert to_record(from_record(to_record(r))) == to_record(r)


def test_from_index_rejects_a_bad_version() -> None:
    with pytest.raises(SdistCheckError, match="invalid version"):
        from_index("p", "not-a-version", _page())


def test_malformed_record_is_one_error() -> None:
    with pytest.raises(SdistCheckError, match="malformed release record"):
        from_record({"schema": "releasenet-release-files", "files": 3})


def test_folder_wheels_belong_to_their_sdist(tmp_path: Path) -> None:
    a, b = tmp_path / "a-1.tar.gz", tmp_path / "b-2.tar.gz"
    wa, wb = tmp_path / "a-1-py3-none-any.whl", tmp_path / "b-2-py3-none-any.whl"
    assert wheels_beside(a, [a, b], [wa, wb]) == (wa,)
    assert wheels_beside(a, [a], [wa, wb]) == (
        wa,
        wb,
    )  # the only sdist: the consistency check judges
    r = from_folder(a, [wa])
    assert (r.name, r.version, r.origin, r.history) == ("a", "1", "folder", None)


@pytest.mark.network
def test_a_real_index_page() -> None:
    """PyPI's simple API (JSON): uv 0.5.2's files, 0.5.1 before it, win_arm64 wheels later."""
    release = from_index("uv", "0.5.2", list_files("uv"))
    assert "uv-0.5.2.tar.gz" in release.files and len(release.wheels) == 17
    assert release.requires_python == ">=3.8"
    assert release.previous is not None and release.previous.version == "0.5.1"
    matrix = compute(release)
    (env,) = [e for e in matrix.environments if e.key == "win_arm64"]
    assert {(c.status, c.history) for c in matrix.row(env)} == {("sdist", "gap")}
