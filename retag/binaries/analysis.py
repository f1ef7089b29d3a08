"""What a wheel member's native code is: ELF, PE or Mach-O, its architectures, loader and links.

`magic_kind` says from a member's first bytes whether it is a binary at all; `analyse` reads the
whole member (ELF via `.elf`, PE via pefile, Mach-O via macholib, all in memory) into a
`Binary`.  A member whose magic says binary but which cannot be parsed ends in
`BinaryFormatError`, one line naming the member and the reason.

Kinds (`Binary.kind`), one small set for all three formats:
  "executable"        run by the kernel or the OS loader (ELF ET_EXEC or PIE, PE .exe,
                      Mach-O MH_EXECUTE), statically or dynamically linked
  "static-pie"        an ELF position-independent executable with no interpreter and no
                      DT_NEEDED: the kernel runs it and it relocates itself (uv's musl builds)
  "shared-library"    loaded by someone else's loader (ELF ET_DYN, PE DLL, Mach-O dylib/bundle)
  "extension-module"  a shared library exporting PyInit_* (or PEP 793's PyModExport_*)
  "object"            nothing a loader runs (ELF ET_REL/ET_CORE, Mach-O MH_OBJECT, ...)
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

import pefile
from macholib.mach_o import (
    LC_BUILD_VERSION,
    LC_VERSION_MIN_MACOSX,
    MH_CIGAM,
    MH_CIGAM_64,
    MH_MAGIC,
    MH_MAGIC_64,
    mach_header,
    mach_header_64,
)
from macholib.MachO import MachOHeader

from .elf import MODULE_HOOKS, ElfInfo, binary_error, read_elf

MAGIC_BYTES = 4096  # enough of a member's head for `magic_kind` to see any real PE signature

_FAT = {
    0xCAFEBABE: (">", 20, ">I"),
    0xBEBAFECA: ("<", 20, "<I"),  # magic: endian, entry, field
    0xCAFEBABF: (">", 32, ">Q"),
    0xBFBAFECA: ("<", 32, "<Q"),
}
_THIN = {
    MH_MAGIC: (mach_header, ">"),
    MH_CIGAM: (mach_header, "<"),
    MH_MAGIC_64: (mach_header_64, ">"),
    MH_CIGAM_64: (mach_header_64, "<"),
}
# Java class files share 0xCAFEBABE; their next word is a class-file version (>= 45), while a
# universal binary's is its slice count.  file(1) draws the line at 30, and so do we.
_MAX_FAT_SLICES = 30

_PE_MACHINES = {
    0x14C: "x86",
    0x8664: "x86_64",
    0xAA64: "aarch64",
    0xA641: "aarch64",
    0xA64E: "aarch64",
    0x1C4: "arm",
    0x200: "ia64",
}
_PE_ARM64_HYBRID = {0xA641: "ARM64EC", 0xA64E: "ARM64X"}
_IMAGE_FILE_DLL = 0x2000
_PE_DIRECTORIES = [
    pefile.DIRECTORY_ENTRY[name]
    for name in (
        "IMAGE_DIRECTORY_ENTRY_EXPORT",
        "IMAGE_DIRECTORY_ENTRY_IMPORT",
        "IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT",
    )
]
_PYTHON_DLL = re.compile(r"python(\d)(\d+)[a-z]*(_d)?\.dll", re.IGNORECASE)

_CPU_ARCH_ABI64 = 0x01000000
_MACHO_CPUS = {
    7: "i386",
    7 | _CPU_ARCH_ABI64: "x86_64",
    12: "arm",
    12 | _CPU_ARCH_ABI64: "arm64",
    12 | 0x02000000: "arm64_32",
    18: "ppc",
    18 | _CPU_ARCH_ABI64: "ppc64",
}
_CPU_SUBTYPE_ARM64E = 2
_PLATFORM_MACOS = 1  # LC_BUILD_VERSION platform
_MACHO_KINDS = {1: "object", 2: "executable", 6: "shared-library", 8: "shared-library"}
_LC_SYMTAB = 0x2
_N_STAB, _N_TYPE, _N_EXT, _N_SECT = 0xE0, 0x0E, 0x01, 0x0E
_MAX_MACHO_SYMBOLS = 4_000_000
_MAX_LOAD_COMMANDS = 10_000
_LIBPYTHON_DYLIB = re.compile(r"(?:libpython|Python\.framework/Versions/)(\d)\.(\d+)")
# The multi-arch names in macOS platform tags, and the slices each promises.
_MACOS_MULTI = {
    "universal2": {"x86_64", "arm64"},
    "intel": {"i386", "x86_64"},
    "fat": {"i386", "ppc"},
    "fat32": {"i386", "ppc"},
    "fat64": {"x86_64", "ppc64"},
    "fat3": {"i386", "ppc", "x86_64"},
    "universal": {"i386", "ppc", "ppc64", "x86_64"},
}
_WINDOWS_TAGS = {"win32": "x86", "win_amd64": "x86_64", "win_arm64": "aarch64", "win_ia64": "ia64"}
_LINUX_TAG = re.compile(r"(?:(?:many|musl)linux_\d+_\d+|manylinux(?:1|2010|2014)|linux)_(.+)")
_MACOS_TAG = re.compile(r"macosx_\d+_\d+_(.+)")


@dataclass(frozen=True)
class Binary:
    """One native member of a wheel, as its headers (not its name) describe it."""

    member: str  # wheel member name
    format: str  # "elf" | "pe" | "macho"
    # The code's arch in wheel-tag spelling: ELF x86_64 i686 aarch64 armv7l ppc64le ppc64 s390x
    # riscv64 loongarch64; PE x86 x86_64 aarch64; Mach-O x86_64 arm64, or "universal2"/"intel"
    # for those fat combinations.  Anything else is named plainly ("armel", "unknown (...)").
    arch: str
    archs: tuple[str, ...]  # every architecture present (a universal Mach-O has several)
    kind: str  # see the module docstring
    interpreter: str | None  # ELF PT_INTERP, e.g. /lib/ld-musl-x86_64.so.1
    needed: tuple[str, ...]  # ELF DT_NEEDED / PE imported DLLs / Mach-O linked dylibs
    static: bool  # ELF executable with no PT_INTERP and no DT_NEEDED; never a library
    libc: str | None  # "glibc" | "musl" | None (ELF only)
    glibc_versions: tuple[str, ...]  # GLIBC_x.y[.z] required, oldest first
    max_glibc: tuple[int, int] | None  # the newest of them as (major, minor)
    extension_module: bool  # exports PyInit_* or PyModExport_*: a CPython extension module
    python_abi_hint: str | None  # "cp311" or "abi3", from a linked libpython/pythonXY.dll or name
    notes: tuple[str, ...] = ()  # facts worth a line in a report (static glibc, ARM64EC, ...)
    symbol_versions: tuple[str, ...] = ()  # ELF: every version required (GLIBCXX_3.4.21, ...)
    # Mach-O: each slice's arch and minimum macOS (LC_BUILD_VERSION minos for platform macOS,
    # else LC_VERSION_MIN_MACOSX), None when the slice names none
    macos_min: tuple[tuple[str, tuple[int, int] | None], ...] = ()
    elf: ElfInfo | None = None  # ELF: every fact read (SONAME, RPATH, RUNPATH, ISA level, ...)


def magic_kind(head: bytes) -> str | None:
    """Say "elf", "pe", "macho" or None from a member's first bytes (`MAGIC_BYTES` of them).

    An MZ head too short to show where its PE signature would be counts as "pe": `analyse`,
    which has the whole member, makes the final call.
    """
    return _magic(head, complete=False)


def analyse(member: str, data: bytes) -> Binary | None:
    """The `Binary` in DATA (a whole member), None if it is no binary, `BinaryFormatError` if
    its magic says binary but it cannot be parsed."""
    kind = _magic(data, complete=True)
    if kind == "elf":
        return _from_elf(member, data)
    if kind == "pe":
        return _from_pe(member, data)
    if kind == "macho":
        return _from_macho(member, data)
    return None


def _magic(head: bytes, *, complete: bool) -> str | None:
    if head[:4] == b"\x7fELF":
        return "elf"
    if head[:2] == b"MZ":
        if len(head) < 0x40:
            return None if complete else "pe"
        offset = struct.unpack_from("<I", head, 0x3C)[0]
        if offset + 4 > len(head):
            return None if complete else "pe"
        return "pe" if head[offset : offset + 4] == b"PE\0\0" else None
    if len(head) < 8:
        return None
    magic = struct.unpack_from(">I", head)[0]
    if magic in _THIN:
        return "macho"
    if magic in _FAT:
        count = struct.unpack_from(_FAT[magic][0] + "I", head, 4)[0]
        return "macho" if 0 < count <= _MAX_FAT_SLICES else None
    return None


def _from_elf(member: str, data: bytes) -> Binary:
    info = read_elf(member, data)
    return Binary(
        member=member,
        format="elf",
        arch=info.arch,
        archs=(info.arch,),
        kind=info.kind,
        interpreter=info.interpreter,
        needed=info.needed,
        static=info.static,
        libc=info.libc,
        glibc_versions=info.glibc_versions,
        max_glibc=info.max_glibc,
        symbol_versions=info.symbol_versions,
        extension_module=bool(info.pyinit),
        python_abi_hint=info.python_abi_hint,
        notes=info.notes,
        elf=info,
    )


def _from_pe(member: str, data: bytes) -> Binary:
    try:
        # From bytes there is no file or mmap to close (and PE.close() runs a full gc.collect).
        pe = pefile.PE(data=data, fast_load=True)
        _check_pe_extent(pe, len(data))
        pe.parse_data_directories(directories=_PE_DIRECTORIES, import_dllnames_only=True)
        machine = int(pe.FILE_HEADER.Machine)
        is_dll = bool(pe.FILE_HEADER.Characteristics & _IMAGE_FILE_DLL)
        needed = _pe_imports(pe)
        exports = _pe_exports(pe)
    except (
        pefile.PEFormatError,
        struct.error,
        ValueError,
        IndexError,
        AttributeError,
        TypeError,
        KeyError,
        OverflowError,
    ) as exc:
        raise binary_error(member, "PE file", exc) from None
    arch = _PE_MACHINES.get(machine, f"unknown (PE machine 0x{machine:04x})")
    notes = []
    if machine in _PE_ARM64_HYBRID:
        notes.append(f"{_PE_ARM64_HYBRID[machine]} image: runs on Windows on ARM64 only")
    pyinit = any(name.startswith(MODULE_HOOKS) for name in exports)
    kind = "executable" if not is_dll else "extension-module" if pyinit else "shared-library"
    return Binary(
        member=member,
        format="pe",
        arch=arch,
        archs=(arch,),
        kind=kind,
        interpreter=None,
        needed=needed,
        static=False,
        libc=None,
        glibc_versions=(),
        max_glibc=None,
        extension_module=pyinit and is_dll,
        python_abi_hint=_pe_abi_hint(member, needed),
        notes=tuple(notes),
    )


def _check_pe_extent(pe: pefile.PE, size: int) -> None:
    """pefile reads truncated images without complaint; the section table says what must exist."""
    declared = pe.FILE_HEADER.NumberOfSections
    if len(pe.sections) != declared:
        raise ValueError(f"{declared} sections declared, {len(pe.sections)} readable")
    if pe.OPTIONAL_HEADER is None or pe.OPTIONAL_HEADER.SizeOfHeaders > size:
        raise ValueError(f"headers run past the end of the file ({size} bytes)")
    for section in pe.sections:
        end = section.PointerToRawData + section.SizeOfRawData
        if section.SizeOfRawData and end > size:
            name = section.Name.rstrip(b"\0").decode("ascii", "replace")
            raise ValueError(f"section {name} ends at byte {end}, past the file's end ({size})")


def _pe_imports(pe: pefile.PE) -> tuple[str, ...]:
    names: list[str] = []
    for attr in ("DIRECTORY_ENTRY_IMPORT", "DIRECTORY_ENTRY_DELAY_IMPORT"):
        for entry in getattr(pe, attr, ()):
            name = entry.dll.decode("ascii", "replace") if entry.dll else ""
            if name and name not in names:
                names.append(name)
    return tuple(names)


def _pe_exports(pe: pefile.PE) -> tuple[str, ...]:
    directory = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    if directory is None:
        return ()
    return tuple(s.name.decode("ascii", "replace") for s in directory.symbols if s.name)


def _pe_abi_hint(member: str, needed: tuple[str, ...]) -> str | None:
    for name in needed:
        if name.lower() == "python3.dll":
            return "abi3"
        match = _PYTHON_DLL.fullmatch(name)
        if match:
            return f"cp{match[1]}{match[2]}"
    match = re.search(r"\.cp(\d+)-win", member.rsplit("/", 1)[-1])
    return f"cp{match[1]}" if match else None


class _Parent:
    """What macholib's MachOHeader wants of its MachO parent when only reading: a name."""

    def __init__(self, filename: str) -> None:
        self.filename = filename


@dataclass(frozen=True)
class _Slice:
    arch: str
    kind: str
    needed: tuple[str, ...]
    pyinit: bool
    note: str | None
    minos: tuple[int, int] | None = None


def _from_macho(member: str, data: bytes) -> Binary:
    try:
        slices = [_macho_slice(member, data, offset, size) for offset, size in _fat_slices(data)]
    except (
        ValueError,
        OSError,
        struct.error,
        IndexError,
        KeyError,
        TypeError,
        AttributeError,
        OverflowError,
        EOFError,
    ) as exc:
        raise binary_error(member, "Mach-O file", exc) from None
    archs = tuple(dict.fromkeys(s.arch for s in slices))
    needed = tuple(dict.fromkeys(name for s in slices for name in s.needed))
    notes = [s.note for s in slices if s.note]
    kinds = {s.kind for s in slices}
    if len(kinds) > 1:
        notes.append(f"slices disagree on their kind: {', '.join(sorted(kinds))}")
    pyinit = any(s.pyinit for s in slices)
    kind = "extension-module" if pyinit and slices[0].kind == "shared-library" else slices[0].kind
    return Binary(
        member=member,
        format="macho",
        arch=_macho_arch(archs),
        archs=archs,
        kind=kind,
        interpreter=None,
        needed=needed,
        static=False,
        libc=None,
        glibc_versions=(),
        max_glibc=None,
        extension_module=kind == "extension-module",
        python_abi_hint=_macho_abi_hint(member, needed),
        notes=tuple(notes),
        macos_min=tuple((s.arch, s.minos) for s in slices),
    )


def _fat_slices(data: bytes) -> list[tuple[int, int]]:
    """(offset, size) of each thin Mach-O in DATA: the whole file unless it is universal."""
    magic = struct.unpack_from(">I", data)[0]
    if magic not in _FAT:
        return [(0, len(data))]
    endian, entry, field = _FAT[magic]
    count = struct.unpack_from(endian + "I", data, 4)[0]
    slices = []
    for index in range(count):
        base = 8 + index * entry
        # fat_arch: cputype, cpusubtype, offset, size, align (offset/size are 64-bit in fat64)
        offset = struct.unpack_from(field, data, base + 8)[0]
        size = struct.unpack_from(field, data, base + 8 + struct.calcsize(field))[0]
        if offset + size > len(data) or size < 28:
            raise ValueError(f"slice {index} (bytes {offset}..{offset + size}) is not in the file")
        slices.append((offset, size))
    return slices


def _macho_slice(member: str, data: bytes, offset: int, size: int) -> _Slice:
    magic = struct.unpack_from(">I", data, offset)[0]
    if magic not in _THIN:
        raise ValueError(f"no Mach-O header at byte {offset} (magic 0x{magic:08x})")
    header_cls, endian = _THIN[magic]
    ncmds, sizeofcmds = struct.unpack_from(endian + "II", data, offset + 16)
    if ncmds > _MAX_LOAD_COMMANDS or sizeofcmds > size:
        # macholib would walk them one by one to the end of the file; real files have < 200
        raise ValueError(f"{ncmds} load commands in {sizeofcmds} bytes: not a real header")
    stream = io.BytesIO(data)
    header = MachOHeader(
        _Parent(member),
        stream,
        offset,
        size,
        magic,
        header_cls,
        endian,
        allow_unknown_load_commands=True,
    )
    cputype = int(header.header.cputype) & 0xFFFFFFFF
    subtype = int(header.header.cpusubtype) & 0x00FFFFFF
    arch = _MACHO_CPUS.get(cputype, f"unknown (cputype 0x{cputype:x})")
    note = "arm64e slice (counted as arm64)" if arch == "arm64" and subtype == 2 else None
    needed = tuple(dict.fromkeys(str(name) for _i, _kind, name in header.walkRelocatables()))
    kind = _MACHO_KINDS.get(int(header.header.filetype), "object")
    pyinit = _macho_exports_pyinit(data, offset, size, header, endian)
    return _Slice(
        arch=arch, kind=kind, needed=needed, pyinit=pyinit, note=note, minos=_minos(header)
    )


def _minos(header: MachOHeader) -> tuple[int, int] | None:
    """The slice's minimum macOS as macholib reads its load commands: LC_BUILD_VERSION's minos
    (platform macOS) or LC_VERSION_MIN_MACOSX's version, packed as xxxx.yy.zz."""
    found = None
    for load, command, _data in header.commands:
        if load.cmd == LC_BUILD_VERSION and int(command.platform) == _PLATFORM_MACOS:
            packed = int(command.minos)
        elif load.cmd == LC_VERSION_MIN_MACOSX:
            packed = int(command.version)
        else:
            continue
        version = (packed >> 16, (packed >> 8) & 0xFF)
        found = max(found, version) if found else version
    return found


_MACHO_HOOKS = tuple(b"_" + hook.encode() for hook in MODULE_HOOKS)  # C names get a leading _


def _macho_exports_pyinit(
    data: bytes, offset: int, size: int, header: MachOHeader, endian: str
) -> bool:
    """Whether the slice's symbol table defines an external module hook (what CPython dlsym()s)."""
    wide = header.mach_header is mach_header_64
    for load, command, _data in header.commands:
        if load.cmd != _LC_SYMTAB:
            continue
        symoff, nsyms = int(command.symoff), int(command.nsyms)
        stroff, strsize = int(command.stroff), int(command.strsize)
        entry = 16 if wide else 12
        if nsyms > _MAX_MACHO_SYMBOLS or symoff + nsyms * entry > size or stroff + strsize > size:
            raise ValueError("symbol table runs past the end of its slice")
        strings = data[offset + stroff : offset + stroff + strsize]
        if not any(hook in strings for hook in _MACHO_HOOKS):
            return False  # the common case for executables and plain libraries: no walk at all
        layout = endian + ("IBBHQ" if wide else "IBBHI")
        table = data[offset + symoff : offset + symoff + nsyms * entry]
        for strx, n_type, _sect, _desc, _value in struct.iter_unpack(layout, table):
            if n_type & _N_STAB or not n_type & _N_EXT or n_type & _N_TYPE != _N_SECT:
                continue
            if strings.startswith(_MACHO_HOOKS, strx):
                return True
    return False


def _macho_arch(archs: tuple[str, ...]) -> str:
    if len(archs) == 1:
        return archs[0]
    for name in ("universal2", "intel"):
        if set(archs) == _MACOS_MULTI[name]:
            return name
    return "+".join(sorted(archs))


def _macho_abi_hint(member: str, needed: tuple[str, ...]) -> str | None:
    for name in needed:
        match = _LIBPYTHON_DYLIB.search(name)
        if match:
            return f"cp{match[1]}{match[2]}"
    base = member.rsplit("/", 1)[-1]
    if base.endswith(".abi3.so"):
        return "abi3"
    match = re.search(r"\.cpython-(\d)(\d+)[a-z]*-darwin\.so$", base)
    return f"cp{match[1]}{match[2]}" if match else None


def wheel_arch_of_platform_tag(tag: str) -> str | None:
    """The arch a platform tag names, in `Binary.arch` spelling; None for "any" and unknowns."""
    if tag in _WINDOWS_TAGS:
        return _WINDOWS_TAGS[tag]
    match = _LINUX_TAG.fullmatch(tag) or _MACOS_TAG.fullmatch(tag)
    return match[1] if match else None


def macos_tag_arches(platform_tag: str) -> frozenset[str]:
    """The Mach-O slices a macOS platform tag promises (universal2: x86_64 and arm64)."""
    match = _MACOS_TAG.fullmatch(platform_tag)
    return frozenset(_MACOS_MULTI.get(match[1], {match[1]})) if match else frozenset()


def arch_matches(binary: Binary, platform_tag: str) -> bool:
    """Whether BINARY can run where PLATFORM_TAG says: right format and an arch it contains.

    A universal Mach-O serves any tag whose slices it has (universal2 needs both x86_64 and
    arm64); ELF arm is armv7l only as EABI5 hard-float, EM_386 is i686, and EM_PPC64 is ppc64
    big-endian or ppc64le little-endian (all decided in `.elf`).  "any" matches nothing.
    """
    arch = wheel_arch_of_platform_tag(platform_tag)
    if arch is None:
        return False
    if platform_tag in _WINDOWS_TAGS:
        return binary.format == "pe" and binary.arch == arch
    if platform_tag.startswith("macosx_"):
        wanted = _MACOS_MULTI.get(arch, {arch})
        return binary.format == "macho" and wanted <= set(binary.archs)
    return binary.format == "elf" and binary.arch == arch
