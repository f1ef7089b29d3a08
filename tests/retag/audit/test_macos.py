"""The macOS floor of Mach-O code against the macosx tags: a macOS 14 binary fabricated from uv
0.5.2's real arm64 wheel (its LC_BUILD_VERSION minos raised, RECORD consistent)."""

from __future__ import annotations

import struct
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from macholib.mach_o import LC_BUILD_VERSION
from macholib.MachO import MachO
from paths import ROOT
from real_wheels import CRYPTOGRAPHY_ABI3_MACOS, UV_MACOS_ARM64

from retag._jobs import check
from retag.audit.macos import honest_version

sys.path.insert(0, str(ROOT / "scripts"))
from make_test_wheels import make_wheel

Fetch = Callable[[str, str], Path]
UV = "uv-0.5.2.data/scripts/uv"


@pytest.mark.parametrize(
    ("floor", "honest"),
    [((10, 9), (10, 9)), ((10, 15), (10, 15)), ((11, 0), (11, 0)), ((11, 3), (12, 0)),
     ((14, 0), (14, 0)), ((15, 4), (26, 0))],
)  # fmt: skip
def test_honest_version(floor: tuple[int, int], honest: tuple[int, int]) -> None:
    assert honest_version(floor) == honest


def with_minos(major: int, minor: int) -> Callable[[str, bytes], bytes]:
    """Raise every macOS LC_BUILD_VERSION minos of a thin Mach-O, found with macholib."""

    def change(_name: str, data: bytes) -> bytes:
        out = bytearray(data)
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "bin").write_bytes(data)
            headers = MachO(str(Path(tmp) / "bin")).headers
        for header in headers:
            at = header.offset + header.mach_header._size_
            for load, _command, _data in header.commands:
                if load.cmd == LC_BUILD_VERSION:
                    struct.pack_into(
                        header.endian + "I", out, at + 12, (major << 16) | (minor << 8)
                    )
                at += load.cmdsize
        return bytes(out)

    return change


@pytest.mark.network
def test_macos_14_binary_under_an_older_tag(pypi: Fetch, tmp_path: Path) -> None:
    src = pypi(UV_MACOS_ARM64.filename, UV_MACOS_ARM64.sha256)
    assert check(src).status == "clean"  # minos 11.0 under macosx_11_0_arm64
    lie = fabricate(src, tmp_path, change={UV: with_minos(14, 0)})
    result = check(lie)
    assert result.exit_code == 1
    (finding,) = result.extra["findings"]
    assert finding["member"] == UV and finding["honest"] == "macosx_14_0_arm64"
    assert finding["tags"] == ["macosx_11_0_arm64"]
    assert "needs macOS 14.0 (its arm64 slice's minimum)" in finding["problem"]
    honest = fabricate(
        lie,
        tmp_path / "honest",
        "uv-0.5.2-py3-none-macosx_14_0_arm64.whl",
        wheel_tags=["py3-none-macosx_14_0_arm64"],
    )
    assert check(honest).status == "clean"


def test_universal2_slices(tmp_path: Path) -> None:
    """The testdata universal2 binary: both slices need 11.0.  Under macosx_10_9_universal2
    arm64 is fine (arm64 Macs run 11+), the x86_64 slice is not; under macosx_10_9_x86_64 the
    arm64 slice is beside the point."""
    binary = (ROOT / "testdata" / "bin" / "hello-universal2").read_bytes()
    files = {"demo-1.0.data/scripts/demo": binary}
    for tag, honest in [
        ("macosx_10_9_universal2", "macosx_11_0_universal2"),
        ("macosx_10_9_x86_64", "macosx_11_0_x86_64"),
    ]:
        wheel = make_wheel(
            tmp_path / tag, name="demo", version="1.0", tags=[f"py3-none-{tag}"], files=files
        )
        (finding,) = check(wheel).extra["findings"]
        assert finding["honest"] == honest and "x86_64 slice" in finding["problem"]
    ok = make_wheel(
        tmp_path / "ok",
        name="demo",
        version="1.0",
        tags=["py3-none-macosx_11_0_universal2"],
        files=files,
    )
    assert check(ok).status == "clean"


@pytest.mark.network
def test_agrees_with_delocate_on_cryptography(pypi: Fetch, tmp_path: Path) -> None:
    """cryptography 44.0.0's real macosx_10_9_universal2 wheel: its x86_64 slice needs macOS
    10.13.  delocate's own computation names the same honest wheel."""
    import zipfile

    from delocate.delocating import _calculate_minimum_wheel_name

    src = pypi(CRYPTOGRAPHY_ABI3_MACOS.filename, CRYPTOGRAPHY_ABI3_MACOS.sha256)
    (finding,) = check(src).extra["findings"]
    assert finding["honest"] == "macosx_10_13_universal2"
    assert "x86_64 slice" in finding["problem"]
    with zipfile.ZipFile(src) as zf:
        zf.extractall(tmp_path)
    theirs, _ = _calculate_minimum_wheel_name(src.name, tmp_path, None)
    assert theirs == src.name.replace("macosx_10_9_universal2", finding["honest"])
