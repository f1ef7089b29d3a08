"""ELF facts from real binaries built by scripts/build_test_binaries.sh (testdata/bin/)."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from mutate import corrupted
from paths import BIN
from real_wheels import NUMPY_MUSL

from retag._errors import BinaryFormatError
from retag.binaries import elf as _elf
from retag.binaries.elf import ElfInfo, read_elf


def elf(name: str) -> ElfInfo:
    return read_elf(name, (BIN / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "arch", "kind"),
    [
        ("musl-static-x86_64", "x86_64", "executable"),
        ("musl-static-pie-x86_64", "x86_64", "static-pie"),
        ("glibc-static-aarch64", "aarch64", "executable"),
        ("static-pie-aarch64", "aarch64", "static-pie"),
        ("static-armv7l", "armv7l", "executable"),
        ("static-ppc64le", "ppc64le", "executable"),
        ("static-ppc64", "ppc64", "executable"),
        ("static-s390x", "s390x", "executable"),
        ("static-riscv64", "riscv64", "executable"),
        ("static-loongarch64", "loongarch64", "executable"),
    ],
)
def test_static_binaries(name: str, arch: str, kind: str) -> None:
    info = elf(name)
    assert (info.arch, info.kind, info.static) == (arch, kind, True)
    assert info.interpreter is None
    assert info.needed == ()
    assert info.glibc_versions == ()
    assert info.max_glibc is None
    assert info.pyinit == ()


def test_static_pie_is_flagged_pie_and_loader_free() -> None:
    info = elf("musl-static-pie-x86_64")
    assert (info.elf_type, info.pie, info.libc) == ("ET_DYN", True, None)


def test_static_glibc_is_recognised_by_its_abi_note() -> None:
    info = elf("glibc-static-aarch64")
    assert info.libc == "glibc"
    assert any("statically linked glibc" in note for note in info.notes)
    assert elf("musl-static-x86_64").libc is None  # musl's crt1.o carries no GNU ABI note


def test_dynamic_musl_executable() -> None:
    info = elf("musl-dynamic-x86_64")
    assert info.interpreter == "/lib/ld-musl-x86_64.so.1"
    assert info.needed == ("libc.so",)
    assert (info.kind, info.static, info.libc) == ("executable", False, "musl")
    assert info.glibc_versions == ()


def test_dynamic_glibc_executable_versions_sorted_by_number() -> None:
    info = elf("glibc-dynamic-x86_64")
    assert info.interpreter == "/lib64/ld-linux-x86-64.so.2"
    assert info.needed == ("libc.so.6",)
    assert (info.kind, info.static, info.libc) == ("executable", False, "glibc")
    assert info.glibc_versions == ("GLIBC_2.2.5", "GLIBC_2.34")
    assert info.max_glibc == (2, 34)


def test_i686_glibc_executable() -> None:
    info = elf("glibc-dynamic-i686")
    assert (info.arch, info.machine, info.interpreter) == ("i686", "EM_386", "/lib/ld-linux.so.2")
    # 2.1.3 sorts between 2.0 and 2.34 numerically, not as text
    assert info.glibc_versions == ("GLIBC_2.0", "GLIBC_2.1.3", "GLIBC_2.34")
    assert info.max_glibc == (2, 34)


def test_extension_module_is_never_static() -> None:
    info = elf("demo.cpython-311-x86_64-linux-gnu.so")
    assert info.kind == "extension-module"
    assert info.pyinit == ("PyInit_demo",)
    assert (info.static, info.interpreter, info.libc) == (False, None, "glibc")
    assert info.needed == ("libc.so.6",)
    assert info.glibc_versions == ("GLIBC_2.2.5", "GLIBC_2.25")
    assert info.max_glibc == (2, 25)
    assert info.python_abi_hint == "cp311"


def test_dependency_free_shared_library_is_not_a_static_pie() -> None:
    info = elf("libplain.so.1")
    assert (info.kind, info.static, info.soname) == ("shared-library", False, "libplain.so.1")
    assert (info.interpreter, info.needed, info.pie) == (None, (), False)


def test_soft_float_arm_is_not_armv7l() -> None:
    info = elf("static-armel")
    assert info.machine == "EM_ARM"
    assert info.arch == "armel"
    assert any("soft-float" in note for note in info.notes)


def test_old_arm_eabi_is_not_armv7l() -> None:
    data = bytearray((BIN / "static-armv7l").read_bytes())
    struct.pack_into("<I", data, 36, 0x04000400)  # e_flags: EABI4, hard-float
    assert read_elf("old", bytes(data)).arch == "arm"


def test_unknown_machine_is_named_not_guessed() -> None:
    data = bytearray((BIN / "static-riscv64").read_bytes())
    struct.pack_into("<H", data, 18, 8)  # EM_MIPS
    assert read_elf("mips", bytes(data)).arch.startswith("unknown (EM_MIPS")


def test_truncated_elf_is_one_line_error() -> None:
    data = (BIN / "truncated-x86_64.elf").read_bytes()
    assert len(data) == 100
    with pytest.raises(BinaryFormatError) as caught:
        read_elf("pkg/bin/tool", data)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("pkg/bin/tool: unreadable ELF file: ")


@pytest.mark.parametrize("size", [4, 16, 52, 63, 64, 200, 1000, 4000])
def test_every_truncation_is_an_error(size: int) -> None:
    data = (BIN / "musl-static-pie-x86_64").read_bytes()[:size]
    with pytest.raises(BinaryFormatError):
        read_elf("cut", data)


@pytest.mark.parametrize(
    ("offset", "fmt", "value"),
    [(0x38, "<H", 0), (0x36, "<H", 64)],  # e_phnum = 0; e_phentsize wrong for ELF64
    ids=["no-program-headers", "bad-phentsize"],
)
def test_lost_program_headers_never_read_as_static(offset: int, fmt: str, value: int) -> None:
    data = bytearray((BIN / "musl-dynamic-x86_64").read_bytes())
    struct.pack_into(fmt, data, offset, value)
    with pytest.raises(BinaryFormatError, match="nothing could load it"):
        read_elf("lost", bytes(data))


def test_bogus_section_count_is_refused_before_parsing() -> None:
    data = bytearray((BIN / "glibc-dynamic-x86_64").read_bytes())
    struct.pack_into("<H", data, 0x3C, 0xFFFF)  # e_shnum
    with pytest.raises(BinaryFormatError, match="section headers run past the end"):
        read_elf("bogus", bytes(data))


def test_section_headers_stripped_still_reads_loader_view() -> None:
    data = bytearray((BIN / "musl-dynamic-x86_64").read_bytes())
    struct.pack_into("<Q", data, 0x28, 0)  # e_shoff
    struct.pack_into("<HH", data, 0x3C, 0, 0)  # e_shnum, e_shstrndx
    info = read_elf("sstripped", bytes(data))
    assert info.interpreter == "/lib/ld-musl-x86_64.so.1"
    assert info.needed == ("libc.so",)


@pytest.mark.parametrize(
    "name",
    ["musl-static-pie-x86_64", "glibc-dynamic-x86_64", "demo.cpython-311-x86_64-linux-gnu.so"],
)
def test_corrupted_headers_never_escape_as_tracebacks(name: str) -> None:
    for data in corrupted((BIN / name).read_bytes(), seed=name):
        try:
            read_elf(name, data)
        except BinaryFormatError as exc:
            assert "\n" not in str(exc)


def test_raw_parser_tuples_become_a_readable_reason() -> None:
    # pyelftools/construct sometimes raise with (offset, size, stream): not for people
    from retag.binaries.elf import binary_error

    exc = binary_error("x/bin", "ELF file", ValueError((52, -8, "<_io.BytesIO object at 0x7f>")))
    assert str(exc) == (
        "x/bin: unreadable ELF file: a structure runs past the end of the file or is malformed"
    )


def test_search_paths_are_read_as_written() -> None:
    """DT_RUNPATH with ${ORIGIN} (gcc --enable-new-dtags); a file without either has none."""
    info = elf("libneedsplain.so.1")
    assert (info.needed, info.soname) == (("libplain.so.1",), "libneedsplain.so.1")
    assert (info.rpath, info.runpath) == ((), ("${ORIGIN}/../demo.libs",))
    plain = elf("libplain.so.1")
    assert (plain.rpath, plain.runpath) == ((), ())


def test_the_x86_isa_level_note_is_read() -> None:
    """ld -z x86-64-v3 writes GNU_PROPERTY_X86_ISA_1_NEEDED = 0x4 (readelf: x86-64-v3)."""
    assert elf("demo_v3.cpython-312-x86_64-linux-gnu.so").x86_isa_needed == 0x4
    assert elf("demo.cpython-311-x86_64-linux-gnu.so").x86_isa_needed is None
    # glibc's own start files say x86-64-baseline (bit 0): a real note that needs nothing more
    assert elf("glibc-dynamic-x86_64").x86_isa_needed == 0x1


def test_an_absurd_search_path_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A DT_RUNPATH of thousands of entries is a hostile file: one line, never a long walk
    (here the cap is lowered, and the fixture's entry rewritten to 23 empty ones)."""
    from retag.binaries import elf as elf_module

    data = bytearray((BIN / "libneedsplain.so.1").read_bytes())
    written = b"${ORIGIN}/../demo.libs"
    at = data.index(written)
    data[at : at + len(written)] = b":" * len(written)
    monkeypatch.setattr(elf_module, "MAX_SEARCH_ENTRIES", 10)
    with pytest.raises(
        BinaryFormatError, match=r"x\.so: unreadable ELF file: more than 10 DT_RUNPATH"
    ):
        read_elf("x.so", bytes(data))


def test_pyinit_exports_read_the_candidates_only_and_agree_with_the_walk(
    pypi: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The st_name pre-filter finds what walking every .dynsym entry with pyelftools finds, in
    numpy's real extension modules, while pyelftools parses a handful of symbols, not all."""
    from elftools.elf.sections import SymbolTableSection

    parsed: list[int] = []
    get_symbol = SymbolTableSection.get_symbol

    def counted(self: SymbolTableSection, n: int) -> object:
        parsed.append(n)
        return get_symbol(self, n)

    monkeypatch.setattr(SymbolTableSection, "get_symbol", counted)
    seen, symbols = 0, 0
    with zipfile.ZipFile(pypi(NUMPY_MUSL.filename, NUMPY_MUSL.sha256)) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if not data.startswith(b"\x7fELF") or b"PyInit_" not in data:
                continue
            parsed.clear()
            fast = read_elf(name, data)
            candidates = len(parsed)
            with monkeypatch.context() as walk:
                walk.setattr(
                    _elf, "_named_with", lambda elf, table, prefixes: range(table.num_symbols())
                )
                assert read_elf(name, data) == fast, name
            symbols += len(parsed) - candidates
            assert fast.pyinit and candidates <= 2 * len(fast.pyinit), name
            seen += 1
    assert seen >= 10 and symbols > 1_000  # real tables, walked in full for comparison
