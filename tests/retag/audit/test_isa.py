"""The x86-64 ISA level in .note.gnu.property against plain x86_64 tags: a gcc-built module whose
linker recorded x86-64-v3 (testdata/bin/demo_v3...), added to MarkupSafe 3.0.2's real wheel with
RECORD consistent, is a warning with the evidence; the real wheels (glibc's baseline note
included) are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from paths import BIN
from real_wheels import MARKUPSAFE_CP312, NUMPY_MANYLINUX

from retag._jobs import check
from retag.audit import isa
from retag.binaries.analysis import Binary, analyse

Fetch = Callable[[str, str], Path]
V3 = "demo_v3.cpython-312-x86_64-linux-gnu.so"
TAGS = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]


@pytest.mark.parametrize(
    ("bits", "level"),
    [
        (0x1, None),  # the baseline, which glibc's start files record
        (0x0, None),
        (0x3, "x86-64-v2"),
        (0x5, "x86-64-v3"),
        (0xF, "x86-64-v4"),
        (0x10, "unknown x86-64 ISA bits 0x10"),  # auditwheel: "unknown x86_64 ISA"
    ],
)
def test_levels(bits: int, level: str | None) -> None:
    assert isa.level(bits) == level


def _module(member: str, name: str = V3) -> Binary:
    b = analyse(member, (BIN / name).read_bytes())
    assert b is not None
    return b


def test_one_warning_per_file_listing_the_x86_64_tags() -> None:
    (w,) = isa.audit(TAGS, [_module(f"markupsafe/{V3}")])
    assert w.member == f"markupsafe/{V3}"
    assert w.problem == (
        "needs x86-64-v3 instructions (.note.gnu.property: GNU_PROPERTY_X86_ISA_1_NEEDED 0x4); "
        "glibc will not load it on older CPUs"
    )
    assert list(w.tags) == TAGS
    # glibc's baseline note and no note at all need nothing; other arches' tags are not x86-64
    baseline = _module("pkg/tool", "glibc-dynamic-x86_64")
    plain = _module("pkg/m.so", "demo.cpython-311-x86_64-linux-gnu.so")
    assert isa.audit(TAGS, [baseline, plain]) == []
    assert isa.audit(["manylinux_2_17_aarch64", "macosx_11_0_x86_64"], [_module(V3)]) == []


def test_a_v3_module_in_a_real_wheel_is_a_warning(pypi: Fetch, tmp_path: Path) -> None:
    real = pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)
    assert not [w for w in check(real).warnings if isa.RULE in w]
    lie = fabricate(real, tmp_path, add={f"markupsafe/{V3}": (BIN / V3).read_bytes()})
    result = check(lie)
    assert (result.status, result.exit_code) == ("clean", 0)  # a warning, not a finding
    (warning,) = [w for w in result.warnings if isa.RULE in w]
    assert warning.startswith(f"markupsafe/{V3}: needs x86-64-v3 instructions")
    assert "manylinux_2_17_x86_64, manylinux2014_x86_64" in warning


def test_numpy_builds_its_higher_levels_as_dispatched_code(pypi: Fetch) -> None:
    """numpy compiles AVX2/AVX512 kernels but picks them at run time: its files carry no ISA
    note, so no warning."""
    result = check(pypi(NUMPY_MANYLINUX.filename, NUMPY_MANYLINUX.sha256))
    assert not [w for w in result.warnings if isa.RULE in w]
