"""The architecture claim against ELF code: code for another CPU is flagged once for the tags it
concerns, while a GPU or BPF code object (an ELF file a driver or the kernel loads, as sglang
0.5.23's AMDGPU kernels in its x86_64 wheel) is not code for the tagged CPU and is not judged."""

from __future__ import annotations

import pytest
from paths import TESTDATA

from retag.audit import platform
from retag.audit.findings import merge
from retag.binaries.analysis import analyse

TAGS = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
_E_MACHINE = slice(18, 20)  # ELF header, little-endian here


def _with_machine(machine: int) -> bytes:
    data = bytearray((TESTDATA / "bin" / "libplain.so.1").read_bytes())  # x86_64
    data[_E_MACHINE] = machine.to_bytes(2, "little")
    return bytes(data)


def test_code_for_another_cpu_is_flagged_once() -> None:
    binary = analyse("pkg/lib.so", _with_machine(183))  # EM_AARCH64
    assert binary is not None
    (finding,) = merge(platform.audit(TAGS, [binary]))
    assert finding.rule == platform.ARCH and finding.tags == tuple(TAGS)
    assert "ELF code for aarch64" in str(finding)


@pytest.mark.parametrize("machine", [224, 190, 247])  # EM_AMDGPU, EM_CUDA, EM_BPF
def test_device_code_objects_are_not_judged(machine: int) -> None:
    binary = analyse("pkg/kernels/k.co", _with_machine(machine))
    assert binary is not None and platform.device_code(binary), binary.arch
    assert platform.audit(TAGS, [binary]) == []


def test_host_code_is_not_device_code() -> None:
    binary = analyse("pkg/lib.so", _with_machine(62))  # EM_X86_64
    assert binary is not None and not platform.device_code(binary)
    assert platform.audit(TAGS, [binary]) == []
