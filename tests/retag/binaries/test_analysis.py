"""Magic dispatch, PE and Mach-O analysis, and tag/arch consistency, on real binaries."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from mutate import corrupted
from paths import BIN
from real_wheels import UV_DUAL_AARCH64, UV_MUSL_X86_64

from retag._errors import BinaryFormatError
from retag.binaries.analysis import (
    MAGIC_BYTES,
    Binary,
    analyse,
    arch_matches,
    magic_kind,
    wheel_arch_of_platform_tag,
)

Fetch = Callable[[str, str], Path]


def binary(name: str) -> Binary:
    found = analyse(name, (BIN / name).read_bytes())
    assert found is not None
    return found


# --- magic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("musl-static-x86_64", "elf"),
        ("truncated-x86_64.elf", "elf"),
        ("hello-x86_64.exe", "pe"),
        ("hello-arm64.exe", "pe"),
        ("demo.cp311-win_amd64.pyd", "pe"),
        ("hello-universal2", "macho"),
        ("demo.cpython-311-darwin.so", "macho"),
    ],
)
def test_magic_of_fixtures(name: str, kind: str) -> None:
    assert magic_kind((BIN / name).read_bytes()[:MAGIC_BYTES]) == kind


@pytest.mark.parametrize(
    "head",
    [
        b"\xfe\xed\xfa\xce" + bytes(24),  # 32-bit big endian
        b"\xce\xfa\xed\xfe" + bytes(24),  # 32-bit little endian
        b"\xfe\xed\xfa\xcf" + bytes(28),  # 64-bit big endian
        b"\xcf\xfa\xed\xfe" + bytes(28),  # 64-bit little endian
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02",  # fat, two slices
        b"\xca\xfe\xba\xbf\x00\x00\x00\x02",  # fat64
        b"\xbe\xba\xfe\xca\x02\x00\x00\x00",  # fat, byte-swapped
        b"\xbf\xba\xfe\xca\x02\x00\x00\x00",  # fat64, byte-swapped
    ],
)
def test_every_macho_magic(head: bytes) -> None:
    assert magic_kind(head) == "macho"


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x7fEL",
        b"#!/bin/sh\n",
        b"PK\x03\x04" + bytes(40),
        b"\xca\xfe\xba\xbe\x00\x00\x00\x34",  # a Java class file (version 52), not a fat Mach-O
        b"MZ" + bytes(58) + struct.pack("<I", 0x40) + b"NE\0\0",  # DOS/NE, not PE
    ],
)
def test_not_binaries(head: bytes) -> None:
    assert magic_kind(head) is None
    assert analyse("x", head) is None


def test_short_mz_head_is_left_to_analyse() -> None:
    # The head cannot show the PE signature: maybe a PE, so the whole member is looked at...
    head = b"MZ" + bytes(58) + struct.pack("<I", 8000)
    assert magic_kind(head) == "pe"
    # ...and a whole member whose signature lies past its end is no PE at all.
    assert analyse("notes.txt", head + b"text" * 10) is None


# --- PE -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "arch"),
    [("hello-x86_64.exe", "x86_64"), ("hello-x86.exe", "x86"), ("hello-arm64.exe", "aarch64")],
)
def test_pe_executables(name: str, arch: str) -> None:
    b = binary(name)
    assert (b.format, b.arch, b.archs, b.kind) == ("pe", arch, (arch,), "executable")
    assert (b.static, b.interpreter, b.libc, b.extension_module) == (False, None, None, False)
    assert b.needed[0].lower() == "kernel32.dll"


def test_pe_extension_module() -> None:
    b = binary("demo.cp311-win_amd64.pyd")
    assert (b.kind, b.extension_module, b.python_abi_hint) == ("extension-module", True, "cp311")
    assert b.needed == ("KERNEL32.dll", "msvcrt.dll")


@pytest.mark.parametrize(("machine", "label"), [(0xA641, "ARM64EC"), (0xA64E, "ARM64X")])
def test_pe_arm64_hybrids_count_as_aarch64(machine: int, label: str) -> None:
    data = bytearray((BIN / "hello-arm64.exe").read_bytes())
    offset = struct.unpack_from("<I", data, 0x3C)[0]
    struct.pack_into("<H", data, offset + 4, machine)
    b = analyse("hybrid.exe", bytes(data))
    assert b is not None
    assert b.arch == "aarch64"
    assert any(label in note for note in b.notes)


@pytest.mark.parametrize("size", [0x88, 0x100, 0x200, 2000, 8000])
def test_truncated_pe_is_one_line_error(size: int) -> None:
    data = (BIN / "hello-x86_64.exe").read_bytes()[:size]
    with pytest.raises(BinaryFormatError) as caught:
        analyse("tool.exe", data)
    assert str(caught.value).startswith("tool.exe: unreadable PE file: ")
    assert "\n" not in str(caught.value)


def test_pe_cut_before_its_signature_is_no_binary() -> None:
    # PE magic is MZ *and* PE\0\0 at e_lfanew (0x80 here): cut before it, nothing says "PE".
    assert analyse("tool.exe", (BIN / "hello-x86_64.exe").read_bytes()[:0x40]) is None


# --- Mach-O ---------------------------------------------------------------------------------


def test_universal2_executable() -> None:
    b = binary("hello-universal2")
    assert (b.format, b.arch, b.archs, b.kind) == (
        "macho",
        "universal2",
        ("x86_64", "arm64"),
        "executable",
    )
    assert b.needed == ("/usr/lib/libSystem.B.dylib",)
    assert (b.static, b.extension_module) == (False, False)


def test_macho_extension_bundle() -> None:
    b = binary("demo.cpython-311-darwin.so")
    assert (b.arch, b.archs, b.kind) == ("arm64", ("arm64",), "extension-module")
    assert (b.extension_module, b.python_abi_hint) == (True, "cp311")


def test_arm64e_counts_as_arm64() -> None:
    data = bytearray((BIN / "demo.cpython-311-darwin.so").read_bytes())
    struct.pack_into("<I", data, 8, 2)  # cpusubtype: CPU_SUBTYPE_ARM64E
    b = analyse("e.so", bytes(data))
    assert b is not None
    assert b.arch == "arm64"
    assert any("arm64e" in note for note in b.notes)


@pytest.mark.parametrize("size", [8, 32, 100, 1000, 40000])
def test_truncated_macho_is_one_line_error(size: int) -> None:
    data = (BIN / "hello-universal2").read_bytes()[:size]
    with pytest.raises(BinaryFormatError) as caught:
        analyse("uv", data)
    assert str(caught.value).startswith("uv: unreadable Mach-O file: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "name",
    [
        "hello-universal2",
        "demo.cpython-311-darwin.so",
        "hello-x86_64.exe",
        "demo.cp311-win_amd64.pyd",
    ],
)
def test_corrupted_headers_never_escape_as_tracebacks(name: str) -> None:
    for data in corrupted((BIN / name).read_bytes(), seed=name):
        try:
            analyse(name, data)
        except BinaryFormatError as exc:
            assert "\n" not in str(exc)


# --- platform tags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "arch"),
    [
        ("manylinux_2_17_aarch64", "aarch64"),
        ("manylinux2014_x86_64", "x86_64"),
        ("manylinux1_i686", "i686"),
        ("musllinux_1_1_x86_64", "x86_64"),
        ("linux_armv7l", "armv7l"),
        ("manylinux_2_17_ppc64le", "ppc64le"),
        ("manylinux_2_31_riscv64", "riscv64"),
        ("win_amd64", "x86_64"),
        ("win32", "x86"),
        ("win_arm64", "aarch64"),
        ("macosx_11_0_arm64", "arm64"),
        ("macosx_10_12_universal2", "universal2"),
        ("macosx_10_9_x86_64", "x86_64"),
        ("any", None),
        ("android_21_arm64_v8a", None),
    ],
)
def test_wheel_arch_of_platform_tag(tag: str, arch: str | None) -> None:
    assert wheel_arch_of_platform_tag(tag) == arch


@pytest.mark.parametrize(
    ("name", "tag", "expected"),
    [
        ("musl-static-x86_64", "musllinux_1_1_x86_64", True),
        ("musl-static-x86_64", "manylinux_2_17_x86_64", True),
        ("glibc-static-aarch64", "manylinux_2_17_aarch64", True),
        ("glibc-static-aarch64", "manylinux_2_17_x86_64", False),  # aarch64 ELF, x86_64 tag
        ("glibc-dynamic-i686", "manylinux2014_i686", True),
        ("glibc-dynamic-i686", "manylinux2014_x86_64", False),
        ("static-armv7l", "manylinux_2_17_armv7l", True),
        ("static-armel", "manylinux_2_17_armv7l", False),  # soft-float is not armv7l
        ("static-ppc64", "manylinux_2_17_ppc64", True),
        ("static-ppc64", "manylinux_2_17_ppc64le", False),  # big vs little endian
        ("static-ppc64le", "manylinux_2_17_ppc64", False),
        ("static-s390x", "manylinux_2_17_s390x", True),
        ("static-riscv64", "manylinux_2_31_riscv64", True),
        ("musl-static-x86_64", "win_amd64", False),  # right arch, wrong format
        ("hello-x86_64.exe", "win_amd64", True),
        ("hello-x86_64.exe", "manylinux_2_17_x86_64", False),
        ("hello-x86.exe", "win32", True),
        ("hello-arm64.exe", "win_arm64", True),
        ("hello-arm64.exe", "win_amd64", False),  # PE arm64 in an amd64 wheel
        ("hello-universal2", "macosx_10_12_universal2", True),
        ("hello-universal2", "macosx_11_0_arm64", True),  # has the arm64 slice
        ("hello-universal2", "macosx_10_12_x86_64", True),
        ("demo.cpython-311-darwin.so", "macosx_11_0_arm64", True),
        ("demo.cpython-311-darwin.so", "macosx_10_12_universal2", False),  # thin arm64 only
        ("demo.cpython-311-darwin.so", "macosx_10_12_x86_64", False),
        ("musl-static-x86_64", "any", False),
    ],
)
def test_arch_matches(name: str, tag: str, expected: bool) -> None:
    assert arch_matches(binary(name), tag) is expected


# --- real wheels ----------------------------------------------------------------------------


def _uv_binary(path: Path) -> Binary:
    with zipfile.ZipFile(path) as wheel:
        data = wheel.read("uv-0.5.2.data/scripts/uv")
    assert magic_kind(data[:MAGIC_BYTES]) == "elf"
    found = analyse("uv-0.5.2.data/scripts/uv", data)
    assert found is not None
    return found


@pytest.mark.network
def test_uv_musllinux_x86_64_is_a_static_pie(pypi: Fetch) -> None:
    b = _uv_binary(pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256))
    assert (b.format, b.arch, b.kind, b.static) == ("elf", "x86_64", "static-pie", True)
    assert (b.interpreter, b.needed, b.extension_module) == (None, (), False)
    assert arch_matches(b, "manylinux_2_17_x86_64")


@pytest.mark.network
def test_uv_aarch64_is_a_static_executable(pypi: Fetch) -> None:
    b = _uv_binary(pypi(UV_DUAL_AARCH64.filename, UV_DUAL_AARCH64.sha256))
    assert (b.format, b.arch, b.kind, b.static) == ("elf", "aarch64", "executable", True)
    assert (b.interpreter, b.needed, b.libc) == (None, (), None)
    assert arch_matches(b, "manylinux_2_17_aarch64")
    assert not arch_matches(b, "manylinux_2_17_x86_64")
