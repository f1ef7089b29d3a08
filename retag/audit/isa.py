"""The x86-64 ISA level a wheel's ELF files say they need, against its plain x86_64 tags.

A linker run with `-z x86-64-v3` (or objects built for it, with GCC's ISA notes) records the
level in `.note.gnu.property` as GNU_PROPERTY_X86_ISA_1_NEEDED; glibc 2.33+ then refuses to load
the file on an older CPU, and auditwheel (`--disable-isa-ext-check` aside) refuses the manylinux
tag.  No platform tag names an x86-64 level, so this is a warning with the evidence, not a
finding: the wheel installs everywhere its tag says, and fails to import on older CPUs.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..binaries.analysis import Binary, wheel_arch_of_platform_tag
from .findings import Finding, merge

RULE = "x86-64 ISA level against the platform tag (auditwheel's ISA extension check)"
# GNU_PROPERTY_X86_ISA_1_NEEDED bits (binutils' elf/common.h), highest first; bit 0 is the
# baseline every x86_64 CPU has.
_LEVELS = ((0x8, "x86-64-v4"), (0x4, "x86-64-v3"), (0x2, "x86-64-v2"))
_BASELINE = 0x1


def level(bits: int) -> str | None:
    """The x86-64 level the ISA_1_NEEDED BITS demand beyond the baseline; None for the baseline,
    and the raw value for bits no level defines (auditwheel's "unknown x86_64 ISA")."""
    for bit, name in _LEVELS:
        if bits & bit:
            return name
    return None if bits & ~_BASELINE == 0 else f"unknown x86-64 ISA bits 0x{bits:x}"


def audit(platform_tags: Sequence[str], binaries: Sequence[Binary]) -> list[Finding]:
    """One warning per ELF file needing more than the x86-64 baseline, listing the Linux
    x86_64 tags it concerns."""
    tags = tuple(
        t
        for t in platform_tags
        if wheel_arch_of_platform_tag(t) == "x86_64" and "linux" in t  # any Linux x86_64 tag
    )
    out = []
    for b in binaries if tags else ():
        bits = b.elf.x86_isa_needed if b.elf is not None else None
        if b.arch != "x86_64" or bits is None or (need := level(bits)) is None:
            continue
        evidence = f".note.gnu.property: GNU_PROPERTY_X86_ISA_1_NEEDED 0x{bits:x}"
        problem = f"needs {need} instructions ({evidence}); glibc will not load it on older CPUs"
        out += [Finding(RULE, b.member, problem, (t,)) for t in tags]
    return merge(out)
