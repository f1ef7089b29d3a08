"""What an ELF file is, read from its bytes with pyelftools: arch, kind, loader, libc, glibc needs.

Everything comes from the loader's view (program headers, the DYNAMIC segment) where it can, so a
file stripped of its section headers is still judged; glibc symbol versions need the
`.gnu.version_r` section, read with auditwheel's own `elf_find_versioned_symbols`.  A file with
ELF magic that cannot be parsed ends in `BinaryFormatError` (one line), never in a traceback.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditwheel.elfutils import elf_find_versioned_symbols
from elftools.common.exceptions import ELFError
from elftools.construct import ConstructError
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import StringTableSection
from elftools.elf.segments import InterpSegment, NoteSegment

from .._errors import BinaryFormatError

# The functions CPython looks an extension module up by: PyInit_<name> (PEP 489) and, from 3.15,
# PyModExport_<name> (PEP 793; cryptography 50's abi3t module exports only these).
MODULE_HOOKS = ("PyInit_", "PyModExport_")

# What pyelftools and its vendored construct raise on malformed input (ELFParseError is an
# ELFError; note parsing lets construct's own errors through).  AttributeError, TypeError and
# AssertionError are here because pyelftools reaches them on some inconsistent headers (a
# missing string table read as None, its internal asserts), and a traceback is never an answer.
_BAD_ELF = (
    ELFError,
    ConstructError,
    struct.error,
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    EOFError,
    OSError,
    RecursionError,
)

# Caps on work.  Real linked binaries have tens of sections and segments and a handful of
# version-needed entries; far more means a corrupt or hostile file, refused rather than walked.
MAX_SECTIONS = 65_536
MAX_SEGMENTS = 4_096
MAX_VERSION_ENTRIES = 10_000
MAX_DYNAMIC_TAGS = 100_000
MAX_DYNSYMS = 2_000_000
MAX_SEARCH_ENTRIES = 1_000  # of one DT_RPATH or DT_RUNPATH: real ones have a handful

# (e_machine, ELF class, little endian) -> the arch name wheel tags use.  The same table as
# auditwheel's lddtree (private there, so not imported); EM_ARM is armv7l only for EABI5
# hard-float, as manylinux requires (see `_arm_arch`).
_ARCHES: dict[tuple[str, int, bool], str] = {
    ("EM_X86_64", 64, True): "x86_64",
    ("EM_386", 32, True): "i686",
    ("EM_AARCH64", 64, True): "aarch64",
    ("EM_ARM", 32, True): "armv7l",
    ("EM_PPC64", 64, True): "ppc64le",
    ("EM_PPC64", 64, False): "ppc64",
    ("EM_S390", 64, False): "s390x",
    ("EM_RISCV", 64, True): "riscv64",
    ("EM_LOONGARCH", 64, True): "loongarch64",
}
_EF_ARM_EABIMASK = 0xFF000000
_EF_ARM_EABI_VER5 = 0x05000000
_EF_ARM_ABI_FLOAT_HARD = 0x00000400
_DF_1_PIE = 0x08000000
_GLIBC_VERSION = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")
_MUSL_NEEDED = re.compile(r"(libc\.musl-.+\.so\.1|ld-musl-.+\.so\.1|libc\.so)")  # musl's sonames
_LIBPYTHON = re.compile(r"libpython(\d)\.(\d+)[a-z]*\.so(\.[\d.]+)?")


@dataclass(frozen=True)
class ElfInfo:
    """The facts retag needs about one ELF file (`.analysis.Binary` says what they mean)."""

    arch: str
    machine: str  # pyelftools' e_machine name, e.g. "EM_AARCH64" (or the number, if unknown)
    elf_type: str  # "ET_EXEC", "ET_DYN", "ET_REL", ...
    kind: str
    interpreter: str | None
    needed: tuple[str, ...]
    soname: str | None
    pie: bool  # DF_1_PIE is set
    static: bool
    libc: str | None
    glibc_versions: tuple[str, ...]
    max_glibc: tuple[int, int] | None
    symbol_versions: tuple[str, ...]  # every version the file requires: GLIBCXX_3.4.21, ...
    pyinit: tuple[str, ...]  # exported (defined) module hooks: PyInit_*, PyModExport_*
    python_abi_hint: str | None
    notes: tuple[str, ...] = ()
    # DT_RPATH / DT_RUNPATH entries as written ("$ORIGIN/../numpy.libs"), split at ":"
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()
    # x86-64: the GNU_PROPERTY_X86_ISA_1_NEEDED bits of .note.gnu.property (glibc 2.33+ refuses
    # to load the file on a CPU below them), None when the file carries no such property
    x86_isa_needed: int | None = None


def binary_error(member: str, what: str, reason: object) -> BinaryFormatError:
    """One line: MEMBER, what it claims to be, and why it cannot be read."""
    text = " ".join(str(reason).split()) or type(reason).__name__
    if "<_io." in text or text.startswith("("):  # construct's raw (offset, size, stream) tuples
        text = "a structure runs past the end of the file or is malformed"
    return BinaryFormatError(f"{member}: unreadable {what}: {text}")


def read_elf(member: str, data: bytes) -> ElfInfo:
    """Parse DATA (a whole ELF file) named MEMBER in the wheel; `BinaryFormatError` if malformed."""
    try:
        return _read(member, data)
    except BinaryFormatError:
        raise
    except _BAD_ELF as exc:
        raise binary_error(member, "ELF file", exc) from None


def _read(member: str, data: bytes) -> ElfInfo:
    elf = ELFFile(io.BytesIO(data))
    _check_tables(elf, len(data))
    notes: list[str] = []
    machine = str(elf["e_machine"])
    arch = _arch(elf, machine, notes)
    interpreter: str | None = None
    dynamic: DynamicSegment | None = None
    gnu_abi_tag = False
    isa: int | None = None
    for segment in elf.iter_segments():
        if isinstance(segment, InterpSegment) and interpreter is None:
            interpreter = str(segment.get_interp_name())
        elif isinstance(segment, DynamicSegment) and dynamic is None:
            dynamic = segment  # the loader reads only the first PT_DYNAMIC
        elif isinstance(segment, NoteSegment):
            abi_tag, found = _gnu_notes(segment, machine)
            gnu_abi_tag = gnu_abi_tag or abi_tag
            isa = isa if found is None else found
    tags = _dynamic_tags(dynamic)
    needed, soname, flags_1 = tags.needed, tags.soname, tags.flags_1
    pie = bool(flags_1 & _DF_1_PIE)
    # Walking .dynsym costs ~40us a symbol in pyelftools; a file without the bytes has none.
    hooked = any(hook.encode() in data for hook in MODULE_HOOKS)
    pyinit = _pyinit_exports(elf, dynamic) if hooked else ()
    elf_type = str(elf["e_type"])
    kind = _kind(elf_type, interpreter, needed, soname, pie, bool(pyinit), int(elf["e_entry"]))
    # Static means the kernel runs it with no loader and nothing to resolve: never true of a
    # library or extension module, which some other process's loader maps in.
    static = kind in ("executable", "static-pie") and interpreter is None and not needed
    required = _required_versions(elf) if dynamic is not None else ()
    versions = _glibc_versions(required, notes)
    if dynamic is not None and not versions and elf.num_sections() == 0 and needed:
        notes.append("no section headers: glibc symbol versions cannot be read")
    libc = _libc(interpreter, needed, versions)
    if libc is None and static and gnu_abi_tag:
        libc = "glibc"  # glibc's crt1.o carries the GNU ABI note; musl's does not
        notes.append("statically linked glibc: NSS, iconv and dlopen may still load shared glibc")
    last = _version_key(versions[-1]) if versions else None
    max_glibc = (last[0], last[1]) if last else None
    return ElfInfo(
        arch=arch,
        machine=machine,
        elf_type=elf_type,
        kind=kind,
        interpreter=interpreter,
        needed=needed,
        soname=soname,
        pie=pie,
        static=static,
        libc=libc,
        glibc_versions=versions,
        max_glibc=max_glibc,
        symbol_versions=required,
        pyinit=pyinit,
        python_abi_hint=_abi_hint(member, needed),
        notes=tuple(notes),
        rpath=tags.rpath,
        runpath=tags.runpath,
        x86_isa_needed=isa,
    )


def _check_tables(elf: ELFFile, size: int) -> None:
    """Refuse header tables that lie outside the file or are absurdly large, before walking them."""
    header = elf.header
    segments, sections = elf.num_segments(), elf.num_sections()
    if segments > MAX_SEGMENTS or sections > MAX_SECTIONS:
        raise ValueError(f"{segments} program headers and {sections} section headers: too many")
    if segments and header["e_phoff"] + segments * header["e_phentsize"] > size:
        raise ValueError(f"program headers run past the end of the file ({size} bytes)")
    if sections and header["e_shoff"] + sections * header["e_shentsize"] > size:
        raise ValueError(f"section headers run past the end of the file ({size} bytes)")
    if elf["e_type"] in ("ET_EXEC", "ET_DYN"):
        # What the kernel and ld.so demand before loading anything.  Checked here because a
        # loadable file whose program headers were lost would otherwise read as loader-free:
        # static, the one claim retag must never make by mistake.
        expected = 56 if elf.elfclass == 64 else 32
        if segments == 0 or header["e_phentsize"] != expected:
            raise ValueError(
                f"{segments} program headers of {header['e_phentsize']} bytes: "
                "nothing could load it"
            )
        if not any(s["p_type"] == "PT_LOAD" for s in elf.iter_segments()):
            raise ValueError("no PT_LOAD segment: nothing could load it")


def _arch(elf: ELFFile, machine: str, notes: list[str]) -> str:
    arch = _ARCHES.get((machine, elf.elfclass, elf.little_endian))
    if arch is None:
        endian = "little" if elf.little_endian else "big"
        return f"unknown ({machine}, {elf.elfclass}-bit {endian}-endian)"
    if arch == "armv7l":
        return _arm_arch(int(elf["e_flags"]), notes)
    return arch


def _arm_arch(flags: int, notes: list[str]) -> str:
    """armv7l wheels are EABI5 hard-float (armhf); anything else is another ABI."""
    if flags & _EF_ARM_EABIMASK != _EF_ARM_EABI_VER5:
        notes.append(f"ARM EABI version {flags >> 24}, not 5: not armv7l")
        return "arm"
    if not flags & _EF_ARM_ABI_FLOAT_HARD:
        notes.append("ARM soft-float ABI: not armv7l (which is hard-float)")
        return "armel"
    return "armv7l"


def _gnu_notes(segment: NoteSegment, machine: str) -> tuple[bool, int | None]:
    """Whether a PT_NOTE segment holds the GNU ABI tag, and on x86-64 the ISA level its
    NT_GNU_PROPERTY_TYPE_0 note says the file needs (read as glibc and auditwheel read it)."""
    abi_tag, isa = False, None
    for note in segment.iter_notes():
        if note["n_name"] != "GNU":
            continue
        if note["n_type"] == "NT_GNU_ABI_TAG":
            abi_tag = True
        elif note["n_type"] == "NT_GNU_PROPERTY_TYPE_0" and machine == "EM_X86_64":
            for prop in note["n_desc"]:
                if prop.pr_type == "GNU_PROPERTY_X86_ISA_1_NEEDED" and prop.pr_datasz == 4:
                    isa = int(prop.pr_data)
    return abi_tag, isa


@dataclass(frozen=True)
class _DynamicTags:
    needed: tuple[str, ...] = ()  # in order, deduplicated
    soname: str | None = None
    flags_1: int = 0
    rpath: tuple[str, ...] = ()
    runpath: tuple[str, ...] = ()


def _dynamic_tags(dynamic: DynamicSegment | None) -> _DynamicTags:
    """DT_NEEDED, DT_SONAME, DT_FLAGS_1, DT_RPATH and DT_RUNPATH from the DYNAMIC segment (of a
    repeated tag the last, as glibc's loader keeps it)."""
    if dynamic is None:
        return _DynamicTags()
    needed: list[str] = []
    soname: str | None = None
    flags_1 = 0
    paths: dict[str, tuple[str, ...]] = {}
    for count, tag in enumerate(dynamic.iter_tags()):
        if count >= MAX_DYNAMIC_TAGS:
            raise ValueError(f"more than {MAX_DYNAMIC_TAGS} dynamic tags")
        name = tag.entry.d_tag
        # pyelftools sets .needed/.soname/.rpath/.runpath only on tags of those types, which its
        # stubs can't say
        if name == "DT_NEEDED" and tag.needed not in needed:  # type: ignore[attr-defined]
            needed.append(str(tag.needed))  # type: ignore[attr-defined]
        elif name == "DT_SONAME":
            soname = str(tag.soname)  # type: ignore[attr-defined]
        elif name == "DT_FLAGS_1":
            flags_1 = int(tag.entry.d_val)
        elif name in ("DT_RPATH", "DT_RUNPATH"):
            text = str(getattr(tag, name[3:].lower()))
            # glibc ignores an empty string; an empty entry within one is the working directory
            paths[name] = tuple(text.split(":")) if text else ()
            if len(paths[name]) > MAX_SEARCH_ENTRIES:
                raise ValueError(f"more than {MAX_SEARCH_ENTRIES} {name} entries")
    rpath, runpath = paths.get("DT_RPATH", ()), paths.get("DT_RUNPATH", ())
    return _DynamicTags(tuple(needed), soname, flags_1, rpath, runpath)


def _pyinit_exports(elf: ELFFile, dynamic: DynamicSegment | None) -> tuple[str, ...]:
    """Defined, exported module hooks: what an interpreter calls to load an extension."""
    table: Any = elf.get_section_by_name(".dynsym") if elf.num_sections() else None
    if table is None or not hasattr(table, "iter_symbols"):
        # No section headers: the loader's own table, if the DYNAMIC segment points at one.
        if dynamic is None or dynamic.get_table_offset("DT_SYMTAB")[1] is None:
            return ()
        symbols: Iterable[Any] = dynamic.iter_symbols()
    else:
        hooks = tuple(hook.encode() for hook in MODULE_HOOKS)
        symbols = (table.get_symbol(n) for n in _named_with(elf, table, hooks))
    found: list[str] = []
    for count, sym in enumerate(symbols):
        if count >= MAX_DYNSYMS:
            raise ValueError(f"more than {MAX_DYNSYMS} dynamic symbols")
        if (
            sym.name.startswith(MODULE_HOOKS)
            and sym["st_shndx"] != "SHN_UNDEF"
            and sym["st_info"]["type"] == "STT_FUNC"
            and sym["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK")
        ):
            found.append(str(sym.name))
    return tuple(found)


def _named_with(elf: ELFFile, table: Any, prefixes: tuple[bytes, ...]) -> Iterable[int]:
    """The indices of TABLE's symbols whose names may start with one of PREFIXES, at C speed:
    where a prefix occurs in the string table, against each entry's st_name (the first word of
    Elf32_Sym and Elf64_Sym alike).  pyelftools parses a symbol in ~40us, so scipy's
    40,000-symbol libraries took seconds; pyelftools still reads the few candidates.  A table
    that is not plainly laid out is walked whole, as pyelftools reads it."""
    count = table.num_symbols()
    whole = range(count)
    if count > MAX_DYNSYMS:
        return whole  # refused at MAX_DYNSYMS by the walk, as before
    strings, size = table.stringtable, table["sh_entsize"]
    if (
        not isinstance(strings, StringTableSection)
        or table["sh_type"] == "SHT_NOBITS"
        or table.compressed
        or size < 4
    ):
        return whole
    data = table.data()
    if len(data) != count * size:
        return whole
    text = strings.data()
    starts = set()
    for prefix in prefixes:
        at = text.find(prefix)
        while at >= 0:
            starts.add(at)
            at = text.find(prefix, at + 1)
    entry = struct.Struct(f"{'<' if elf.little_endian else '>'}I{size - 4}x")
    return [n for n, (name,) in enumerate(entry.iter_unpack(data)) if name in starts]


def _kind(
    elf_type: str,
    interpreter: str | None,
    needed: tuple[str, ...],
    soname: str | None,
    pie: bool,
    pyinit: bool,
    entry: int,
) -> str:
    if elf_type == "ET_EXEC":
        return "executable"
    if elf_type != "ET_DYN":
        return "object"  # ET_REL, ET_CORE: nothing a loader or the kernel would run
    if pyinit:
        return "extension-module"
    if pie or (interpreter is not None and soname is None):
        return "executable" if interpreter is not None or needed else "static-pie"
    # No DF_1_PIE (older linkers): a loader-free ET_DYN with an entry point and no soname is a
    # static PIE; a shared library has a soname or no entry point.
    if interpreter is None and not needed and soname is None and entry != 0:
        return "static-pie"
    return "shared-library"


def _required_versions(elf: ELFFile) -> tuple[str, ...]:
    """Every symbol version the file requires (GLIBC_2.17, GLIBCXX_3.4.21, ...), sorted, read
    as auditwheel reads them."""
    if elf.num_sections() == 0:
        return ()
    versions: set[str] = set()
    for count, (_library, version) in enumerate(elf_find_versioned_symbols(elf)):
        if count >= MAX_VERSION_ENTRIES:
            raise ValueError(f"more than {MAX_VERSION_ENTRIES} version-needed entries")
        versions.add(version)
    return tuple(sorted(versions))


def _glibc_versions(required: tuple[str, ...], notes: list[str]) -> tuple[str, ...]:
    """The GLIBC_x.y[.z] ones of REQUIRED, oldest first."""
    if "GLIBC_PRIVATE" in required:
        notes.append("requires GLIBC_PRIVATE symbols: tied to one exact glibc build")
    versions = [v for v in required if _GLIBC_VERSION.fullmatch(v)]
    return tuple(sorted(versions, key=_version_key))


def _version_key(version: str) -> tuple[int, int, int]:
    match = _GLIBC_VERSION.fullmatch(version)
    assert match is not None  # only ever called on versions that matched
    return int(match[1]), int(match[2]), int(match[3] or 0)


def _libc(
    interpreter: str | None, needed: tuple[str, ...], versions: tuple[str, ...]
) -> str | None:
    if interpreter is not None:
        base = interpreter.rsplit("/", 1)[-1]
        if base.startswith("ld-musl-"):
            return "musl"
        if base.startswith(("ld-linux", "ld64.so", "ld.so")):
            return "glibc"
    if any(_MUSL_NEEDED.fullmatch(name) for name in needed):
        return "musl"
    if "libc.so.6" in needed or versions:
        return "glibc"
    return None


def _abi_hint(member: str, needed: tuple[str, ...]) -> str | None:
    """The CPython ABI a file is tied to, from a libpython it links or its extension suffix."""
    for name in needed:
        match = _LIBPYTHON.fullmatch(name)
        if match:
            return f"cp{match[1]}{match[2]}"
    base = member.rsplit("/", 1)[-1]
    if base.endswith(".abi3.so"):
        return "abi3"
    match = re.search(r"\.cpython-(\d)(\d+)[a-z]*-", base)
    return f"cp{match[1]}{match[2]}" if match else None
