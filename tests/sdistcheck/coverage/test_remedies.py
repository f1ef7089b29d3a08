"""Remedies: a static musllinux wheel to retag, a pure-Python fallback."""

from __future__ import annotations

from releases import recorded

from sdistcheck.coverage.matrix import compute
from sdistcheck.coverage.release import Release
from sdistcheck.coverage.remedies import find


def test_uv_0140_static_musl_wheel_could_cover_old_glibc_aarch64() -> None:
    (remedy,) = find(compute(recorded("uv", "0.1.40")))
    assert remedy.kind == "retag"
    assert remedy.wheel == "uv-0.1.40-py3-none-musllinux_1_2_aarch64.whl"
    assert remedy.environments == ("manylinux_2_17_aarch64",)
    assert remedy.command == (
        "retag --out-dir dist/ uv-0.1.40-py3-none-musllinux_1_2_aarch64.whl  # after downloading it"
    )
    local = find(
        compute(recorded("uv", "0.1.40")), ["dist/uv-0.1.40-py3-none-musllinux_1_2_aarch64.whl"]
    )
    assert local[0].command == "retag --remove dist/uv-0.1.40-py3-none-musllinux_1_2_aarch64.whl"


def test_extension_musl_wheels_are_no_candidates() -> None:
    # an extension module (abi cp312) is not a static binary: retag could never prove it
    release = Release(
        "p", "1", ("p-1.tar.gz", "p-1-cp312-cp312-musllinux_1_2_aarch64.whl"), ">=3.12"
    )
    assert find(compute(release)) == ()


def test_pure_python_fallback_is_named() -> None:
    files = ("p-1.tar.gz", "p-1-py3-none-any.whl", "p-1-cp312-cp312-win_amd64.whl")
    remedies = find(compute(Release("p", "1", files, ">=3.12")))
    (fallback,) = remedies
    assert fallback.kind == "pure-fallback" and fallback.wheel == "p-1-py3-none-any.whl"
    assert "win32" in fallback.environments and "pure-Python fallback" in fallback.text
