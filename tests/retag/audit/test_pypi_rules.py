"""PyPI's upload rules before upload, on lies fabricated from real wheels (RECORD consistent)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from real_wheels import MARKUPSAFE_CP312, UV_DUAL_AARCH64

from retag._jobs import check
from retag.audit.pypi_rules import platform_tag_problem

Fetch = Callable[[str, str], Path]
DIST = "MarkupSafe-3.0.2.dist-info"
pytestmark = pytest.mark.network  # the allow-list cases need none, the rest fetch real wheels


@pytest.mark.parametrize(
    ("tag", "refused"),
    [
        ("linux_x86_64", "only linux_armv6l and linux_armv7l"),
        ("linux_armv7l", None),
        ("linux_armv6l", None),
        ("manylinux1_aarch64", "x86_64 and i686 only"),
        ("manylinux2010_ppc64le", "x86_64 and i686 only"),
        ("manylinux2010_x86_64", None),
        ("manylinux2014_riscv64", "manylinux2014 has no riscv64"),
        ("manylinux_2_31_riscv64", None),
        ("manylinux_2_36_loongarch64", "manylinux has no loongarch64"),
        ("musllinux_1_2_ppc64", "musllinux has no ppc64"),
        ("macosx_10_9_x86_64", None),
        ("macosx_10_13_universal2", None),
        ("macosx_11_0_arm64", None),
        ("macosx_11_3_arm64", "macosx_<major>_0"),
        ("macosx_19_0_arm64", "no macOS 19"),
        ("macosx_14_0_sparc", "no macOS arch sparc"),
        ("win_arm64", None),
        ("ios_13_0_arm64_iphoneos", None),
        ("android_21_arm64_v8a", None),
        ("freebsd_14_0_amd64", "allow-list"),
    ],
)
def test_platform_allow_list(tag: str, refused: str | None) -> None:
    problem = platform_tag_problem(tag)
    assert (problem is None) == (refused is None), problem
    assert refused is None or (problem is not None and refused in problem)


def _markupsafe(pypi: Fetch) -> Path:
    return pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)


def test_real_wheel_is_clean(pypi: Fetch) -> None:
    result = check(_markupsafe(pypi))
    assert result.status == "clean", result.reasons


def test_linux_tag_is_refused(pypi: Fetch, tmp_path: Path) -> None:
    lie = fabricate(
        _markupsafe(pypi),
        tmp_path,
        "MarkupSafe-3.0.2-cp312-cp312-linux_x86_64.whl",
        wheel_tags=["cp312-cp312-linux_x86_64"],
    )
    result = check(lie)
    assert result.exit_code == 1
    (finding,) = result.extra["findings"]
    assert finding["rule"] == "PyPI upload: platform tag allow-list"
    assert "PyPI refuses linux_x86_64" in finding["text"]


def test_name_and_version_against_metadata(pypi: Fetch, tmp_path: Path) -> None:
    src = _markupsafe(pypi)
    other = "MarkupSafe-3.0.3.dist-info/"
    lie = fabricate(
        src,
        tmp_path / "v",
        "MarkupSafe-3.0.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        rename={f"{DIST}/": other},
    )
    (finding,) = check(lie).extra["findings"]
    assert finding["rule"] == "PyPI upload: METADATA: version"
    assert "Version '3.0.2' is not the file name's version '3.0.3'" in finding["problem"]
    # the name normalised: markupsafe and MarkupSafe are one project
    lower = fabricate(
        src,
        tmp_path / "n",
        "markupsafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        rename={f"{DIST}/": "markupsafe-3.0.2.dist-info/"},
    )
    assert check(lower).status == "clean"
    renamed = fabricate(
        src,
        tmp_path / "r",
        "markupsafe2-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        rename={f"{DIST}/": "markupsafe2-3.0.2.dist-info/"},
    )
    (finding,) = check(renamed).extra["findings"]
    assert finding["rule"] == "PyPI upload: METADATA: name"


def _metadata_version(version: str) -> Callable[[str, bytes], bytes]:
    def change(_name: str, data: bytes) -> bytes:
        return data.replace(b"Metadata-Version: 2.1", f"Metadata-Version: {version}".encode())

    return change


def test_metadata_version_and_license_files(pypi: Fetch, tmp_path: Path) -> None:
    src = _markupsafe(pypi)
    unknown = fabricate(src, tmp_path / "a", change={f"{DIST}/METADATA": _metadata_version("2.0")})
    (finding,) = check(unknown).extra["findings"]
    assert "Metadata-Version '2.0' is not one PyPI accepts" in finding["problem"]
    # Metadata 2.4 (PEP 639): License-File LICENSE.txt must be in .dist-info/licenses/
    pep639 = fabricate(src, tmp_path / "b", change={f"{DIST}/METADATA": _metadata_version("2.4")})
    (finding,) = check(pep639).extra["findings"]
    assert finding["rule"] == "PyPI upload: License-File (PEP 639)"
    assert f"expected at {DIST}/licenses/LICENSE.txt" in finding["problem"]
    moved = fabricate(
        src,
        tmp_path / "c",
        change={f"{DIST}/METADATA": _metadata_version("2.4")},
        rename={f"{DIST}/LICENSE.txt": f"{DIST}/licenses/LICENSE.txt"},
    )
    assert check(moved).status == "clean"
    dropped = fabricate(src, tmp_path / "d", change={f"{DIST}/LICENSE.txt": lambda n, d: None})
    (finding,) = check(dropped).extra["findings"]  # setuptools' pre-639 License-File, missing
    assert "License-File LICENSE.txt is not in the wheel" in finding["problem"]


def test_compressed_tag_line(pypi: Fetch, tmp_path: Path) -> None:
    lie = fabricate(
        _markupsafe(pypi),
        tmp_path,
        wheel_tags=["cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"],
    )
    # the format's letter is broken, but PyPI takes it and pip installs it: a warning, exit 0
    flagged = check(lie)
    assert flagged.exit_code == 0 and flagged.extra["findings"] == []
    (warning,) = [w for w in flagged.warnings if "Tag line" in w]
    assert "[binary distribution format: one WHEEL Tag line per tag]" in warning
    # uv 0.5.2's real WHEEL: one line for three tags
    real = check(pypi(UV_DUAL_AARCH64.filename, UV_DUAL_AARCH64.sha256))
    assert real.exit_code == 0 and any("(3 tags on one line)" in w for w in real.warnings)
    fixed = fabricate(
        pypi(UV_DUAL_AARCH64.filename, UV_DUAL_AARCH64.sha256),
        tmp_path / "fixed",
        wheel_tags=[
            "py3-none-manylinux_2_17_aarch64",
            "py3-none-manylinux2014_aarch64",
            "py3-none-musllinux_1_1_aarch64",
        ],
    )
    assert check(fixed).status == "clean"
    assert not any("Tag line" in w for w in check(fixed).warnings)
