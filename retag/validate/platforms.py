"""Names of one Linux architecture in the places validation meets it: wheel tags and ELF
(`Binary.arch`), OCI image platforms, and the paths of its glibc and musl loaders.

No dependency holds these: packaging finds the running interpreter's loader, auditwheel names
policies, neither lists loader paths or OCI names.  The loader paths are each libc's ABI
(glibc's `sysdeps/*/ldsodefs.h` and musl's `ld-musl-$ARCH.so.1`), fixed for good.
"""

from __future__ import annotations

import platform
from typing import Literal

# wheel-tag arch -> (OCI architecture[/variant], glibc loader, musl loader arch name,
#                   qemu-user name, ELF e_machine, ELF class (1: 32-bit, 2: 64-bit), big endian)
_ARCHES: dict[str, tuple[str, str, str, str, int, int, bool]] = {
    "x86_64": ("amd64", "/lib64/ld-linux-x86-64.so.2", "x86_64", "x86_64", 62, 2, False),
    "i686": ("386", "/lib/ld-linux.so.2", "i386", "i386", 3, 1, False),
    "aarch64": ("arm64", "/lib/ld-linux-aarch64.so.1", "aarch64", "aarch64", 183, 2, False),
    "armv7l": ("arm/v7", "/lib/ld-linux-armhf.so.3", "armhf", "arm", 40, 1, False),
    "armv6l": ("arm/v6", "/lib/ld-linux-armhf.so.3", "armhf", "arm", 40, 1, False),
    "ppc64le": ("ppc64le", "/lib64/ld64.so.2", "powerpc64le", "ppc64le", 21, 2, False),
    "ppc64": ("ppc64", "/lib64/ld64.so.1", "powerpc64", "ppc64", 21, 2, True),
    "s390x": ("s390x", "/lib/ld64.so.1", "s390x", "s390x", 22, 2, True),
    "riscv64": ("riscv64", "/lib/ld-linux-riscv64-lp64d.so.1", "riscv64", "riscv64", 243, 2, False),
    "loongarch64": (
        "loong64",
        "/lib64/ld-linux-loongarch-lp64d.so.1",
        "loongarch64",
        "loongarch64",
        258,
        2,
        False,
    ),
}
# what `uname -m` / platform.machine() may say, in wheel-tag spelling
_MACHINE_ALIASES = {
    "amd64": "x86_64",
    "arm64": "aarch64",
    "i386": "i686",
    "i586": "i686",
    "armv8l": "armv7l",
}


def known(arch: str) -> bool:
    return arch in _ARCHES


def oci_platform(arch: str) -> str:
    """`linux/amd64` for x86_64: what `--platform` takes."""
    return f"linux/{_ARCHES[arch][0]}"


def arch_of_oci(architecture: str, variant: str | None = None) -> str | None:
    """The wheel-tag arch of an image's OCI architecture (and variant); None if unknown."""
    wanted = f"{architecture}/{variant}" if architecture == "arm" and variant else architecture
    if architecture == "arm" and not variant:
        wanted = "arm/v7"  # engines often drop the variant of the only arm images in use
    return next((a for a, spec in _ARCHES.items() if spec[0] == wanted), None)


def glibc_loader(arch: str) -> str:
    return _ARCHES[arch][1]


def musl_loader(arch: str) -> str:
    return f"/lib/ld-musl-{_ARCHES[arch][2]}.so.1"


def qemu_name(arch: str) -> str:
    """The qemu-user name of ARCH (binfmt file /usr/lib/binfmt.d/qemu-<name>.conf)."""
    return _ARCHES[arch][3] if arch in _ARCHES else arch


def elf_header(arch: str) -> bytes:
    """The first 20 bytes of an ARCH executable (ET_EXEC): what binfmt_misc matches on."""
    _, _, _, _, machine, elf_class, big = _ARCHES[arch]
    order: Literal["big", "little"] = "big" if big else "little"
    ident = b"\x7fELF" + bytes([elf_class, 2 if big else 1, 1]) + bytes(9)
    return ident + (2).to_bytes(2, order) + machine.to_bytes(2, order)


def host_arch() -> str:
    machine = platform.machine().lower()
    return _MACHINE_ALIASES.get(machine, machine)


def runs_natively(arch: str, host: str | None = None) -> bool:
    """Whether the host kernel runs ARCH code without emulation (x86_64 runs i686 too)."""
    host = host or host_arch()
    return arch == host or (host, arch) == ("x86_64", "i686")
