"""Names of one Linux architecture in the places validation meets it: wheel tags and ELF
(`Binary.arch`), OCI image platforms, and the paths of its glibc and musl loaders.

No dependency holds these: packaging finds the running interpreter's loader, auditwheel names
policies, neither lists loader paths or OCI names.  The loader paths are each libc's ABI
(glibc's `sysdeps/*/ldsodefs.h` and musl's `ld-musl-$ARCH.so.1`), fixed for good.
"""

from __future__ import annotations

import platform

# wheel-tag arch -> (OCI architecture[/variant], glibc loader, musl loader arch name)
_ARCHES: dict[str, tuple[str, str, str]] = {
    "x86_64": ("amd64", "/lib64/ld-linux-x86-64.so.2", "x86_64"),
    "i686": ("386", "/lib/ld-linux.so.2", "i386"),
    "aarch64": ("arm64", "/lib/ld-linux-aarch64.so.1", "aarch64"),
    "armv7l": ("arm/v7", "/lib/ld-linux-armhf.so.3", "armhf"),
    "ppc64le": ("ppc64le", "/lib64/ld64.so.2", "powerpc64le"),
    "s390x": ("s390x", "/lib/ld64.so.1", "s390x"),
    "riscv64": ("riscv64", "/lib/ld-linux-riscv64-lp64d.so.1", "riscv64"),
}
# what `uname -m` / platform.machine() may say, in wheel-tag spelling
_MACHINE_ALIASES = {"amd64": "x86_64", "arm64": "aarch64", "i386": "i686", "i586": "i686",
                    "armv8l": "armv7l"}  # fmt: skip


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
    return next((a for a, (oci, _, _) in _ARCHES.items() if oci == wanted), None)


def glibc_loader(arch: str) -> str:
    return _ARCHES[arch][1]


def musl_loader(arch: str) -> str:
    return f"/lib/ld-musl-{_ARCHES[arch][2]}.so.1"


def host_arch() -> str:
    machine = platform.machine().lower()
    return _MACHINE_ALIASES.get(machine, machine)


def runs_natively(arch: str, host: str | None = None) -> bool:
    """Whether the host kernel runs ARCH code without emulation (x86_64 runs i686 too)."""
    host = host or host_arch()
    return arch == host or (host, arch) == ("x86_64", "i686")
