"""The release's artifacts agree: names, versions, PEP 625, PEP 643 fields, License-File."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from sdistcheck._errors import SdistCheckError
from sdistcheck.archive.tree import SdistTree
from sdistcheck.coverage.consistency import check
from sdistcheck.coverage.release import Release

PKG_INFO = (
    "Metadata-Version: 2.4\nName: demo-pkg\nVersion: 1.0\nSummary: a demo\n"
    "Requires-Python: >=3.9\nLicense-File: LICENSE\nDynamic: Requires-Dist\n"
)


def _tree(pkg_info: str = PKG_INFO, prefix: str = "demo_pkg-1.0", license_: bool = True):  # type: ignore[no-untyped-def]
    files: dict[str, bytes | str] = {"PKG-INFO": pkg_info}
    if license_:
        files["LICENSE"] = "MIT"
    tree = SdistTree.from_mapping("demo_pkg-1.0.tar.gz", files)
    tree.root_prefix = prefix
    return tree


def _wheel(tmp: Path, name: str, metadata: str, licenses: bool = True) -> Path:
    path = tmp / name
    info = "demo_pkg-1.0.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{info}/METADATA", metadata)
        if licenses:
            zf.writestr(f"{info}/licenses/LICENSE", "MIT")
    return path


def _release(*wheels: Path, sdist: str = "demo_pkg-1.0.tar.gz") -> Release:
    files = (sdist, *(w.name for w in wheels))
    return Release("demo-pkg", "1.0", files, None, "folder", wheel_paths=wheels)


def test_agreeing_release_has_no_problem(tmp_path: Path) -> None:
    # Requires-Dist is Dynamic: the wheel may add it
    w = _wheel(tmp_path, "demo_pkg-1.0-py3-none-any.whl", PKG_INFO + "Requires-Dist: rich\n")
    assert check(_release(w), "demo_pkg-1.0.tar.gz", _tree()) == ()


def test_each_disagreement_is_named(tmp_path: Path) -> None:
    changed = PKG_INFO.replace("Summary: a demo", "Summary: another")
    w1 = _wheel(tmp_path, "demo_pkg-1.0-py3-none-any.whl", changed, licenses=False)
    w2 = _wheel(tmp_path, "demo_pkg-1.1-py3-none-win32.whl", PKG_INFO)
    w3 = _wheel(tmp_path, "other-1.0-py3-none-win_amd64.whl", PKG_INFO + "Keywords: x\n")
    sdist = "Demo-Pkg-1.0.tar.gz"
    problems = check(_release(w1, w2, w3, sdist=sdist), sdist, _tree(license_=False, prefix="x"))
    text = [f"{p.artifact}: {p.message}" for p in problems]
    assert "demo_pkg-1.1-py3-none-win32.whl: has version 1.1, the sdist's PKG-INFO 1.0" in text
    assert (
        "other-1.0-py3-none-win_amd64.whl: names project other, the sdist's PKG-INFO demo-pkg"
        in text
    )
    assert f"{sdist}: not named as PEP 625 wants: demo_pkg-1.0.tar.gz" in text
    assert f"{sdist}: its top folder x/ is not Demo-Pkg-1.0/" in text
    assert f"{sdist}: License-File LICENSE is not in the sdist" in text
    assert "demo_pkg-1.0-py3-none-any.whl: License-File LICENSE is not in the wheel" in text
    assert any(t.startswith("demo_pkg-1.0-py3-none-any.whl: Summary differs") for t in text)
    assert any(t.startswith("other-1.0-py3-none-win_amd64.whl: Keywords differs") for t in text)


def test_old_metadata_is_not_compared_and_no_pkg_info_is_said(tmp_path: Path) -> None:
    old = PKG_INFO.replace("2.4", "2.1")
    w = _wheel(tmp_path, "demo_pkg-1.0-py3-none-any.whl", old.replace("a demo", "changed"))
    assert check(_release(w), "demo_pkg-1.0.tar.gz", _tree(old)) == ()
    tree = SdistTree.from_mapping("demo_pkg-1.0.tar.gz", {"setup.py": ""})
    tree.root_prefix = "demo_pkg-1.0"
    problems = check(_release(), "demo_pkg-1.0.tar.gz", tree)
    assert [p.message for p in problems] == ["has no PKG-INFO in its top folder"]


def test_unreadable_wheel_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(SdistCheckError, match=r"^demo_pkg-1.0-py3-none-any.whl: unreadable wheel"):
        check(_release(bad), "demo_pkg-1.0.tar.gz", _tree())
