"""The platform claims of a wheel's tags against its binaries: the architecture of every ELF, PE
and Mach-O (each slice), glibc-linked code under musllinux, dynamically musl-linked code under
manylinux, and GLIBC_x.y symbol versions newer than a manylinux tag promises.  One finding per
problem, listing every tag it concerns (`findings.merge`).  GPU and BPF code objects are not
code for the CPU the tag names, and are not judged."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _policy
from ..binaries.analysis import Binary, arch_matches, wheel_arch_of_platform_tag
from .findings import Finding

ARCH = "architecture of the code against the platform tag"
# GPU and BPF code objects (ROCm's .co/.hsaco, CUDA cubins, eBPF programs) are ELF files that a
# driver or the kernel loads, never the system's loader: no platform tag is about them, and
# auditwheel skips them too (sglang 0.5.23 ships AMDGPU kernels in its x86_64 and aarch64 wheels).
# `binaries.elf` names a machine without a wheel arch "unknown (EM_..., ...)".
_DEVICE_MACHINES = ("EM_AMDGPU", "EM_CUDA", "EM_BPF")
LIBC = "libc against the platform tag (PEP 600/656)"
GLIBC = "glibc symbol versions against the manylinux tag (PEP 600)"


def audit(platform_tags: Sequence[str], binaries: Sequence[Binary]) -> list[Finding]:
    out = []
    for tag in platform_tags:
        if wheel_arch_of_platform_tag(tag) is not None:
            out += [
                Finding(ARCH, b.member, f"{b.format.upper()} code for {b.arch}", (tag,))
                for b in binaries
                if not arch_matches(b, tag) and not device_code(b)
            ]
        out += _libc(tag, binaries)
    return out


def device_code(b: Binary) -> bool:
    """Whether B is an accelerator's (or the kernel's BPF) code object, not code for the CPU."""
    return (
        b.format == "elf"
        and b.arch.startswith("unknown (")
        and b.arch[9:].startswith(_DEVICE_MACHINES)
    )


def _libc(tag: str, binaries: Sequence[Binary]) -> list[Finding]:
    out = []
    claimed = _policy.manylinux_version(tag)
    for b in binaries:
        if b.format != "elf" or b.static:
            continue
        if tag.startswith("musllinux") and b.libc == "glibc":
            out.append(Finding(LIBC, b.member, "linked against glibc", (tag,)))
        if claimed is not None and b.libc == "musl":
            linked = b.interpreter or ", ".join(b.needed)
            out.append(
                Finding(LIBC, b.member, f"dynamically linked against musl ({linked})", (tag,))
            )
        if claimed is not None and b.max_glibc is not None and b.max_glibc > claimed:
            need = ".".join(map(str, b.max_glibc))
            honest = _policy.policy_for_glibc(b.arch, b.max_glibc)
            out.append(
                Finding(
                    GLIBC,
                    b.member,
                    f"needs GLIBC_{need}, newer than the glibc its tags promise",
                    (tag,),
                    f"manylinux_{honest[0]}_{honest[1]}_{b.arch}",
                )
            )
    return out
