"""The claim retag makes, proved from the binaries: static, the tagged architecture, no extension.

A plan either adds the manylinux tags a static musl wheel honestly deserves (and musllinux tags to
a static `linux_<arch>` wheel), or lists every reason it cannot, each naming the member and the
evidence: the interpreter, the NEEDED libraries, the PyInit_ symbol, the ELF machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import _policy
from .binaries.analysis import Binary, wheel_arch_of_platform_tag


@dataclass(frozen=True)
class Refusal:
    code: str  # extension-module | interpreter | needed | arch-mismatch | foreign-binary |
    #            no-binaries | not-linux | mixed-arch | pypi | policy
    member: str | None
    detail: str

    def __str__(self) -> str:
        return f"{self.member}: {self.detail}" if self.member else self.detail


@dataclass(frozen=True)
class Plan:
    platform_tags: tuple[str, ...]  # the wheel's platform tags now
    new_platform_tags: tuple[str, ...]  # after the retag (sorted, deduplicated)
    added: tuple[str, ...]
    arch: str | None
    binaries: tuple[Binary, ...]
    refusals: tuple[Refusal, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def unchanged(self) -> bool:
        return self.ok and set(self.new_platform_tags) == set(self.platform_tags)


def not_applicable(platform_tags: Sequence[str]) -> str | None:
    """Why retag has nothing to do with a wheel of these platform tags, from its name alone:
    pure Python, another OS, or a glibc (manylinux-only) wheel.  None for a candidate: a
    musllinux or linux_ wheel, or one already tagged both ways."""
    tags = set(platform_tags)
    if tags == {"any"}:
        return "a pure-Python wheel (platform any): nothing is linked"
    other = sorted(t for t in tags if not t.startswith(("manylinux", "musllinux", "linux_")))
    if other:
        return f"not a Linux wheel ({'.'.join(other)}): retag gives Linux wheels manylinux tags"
    if all(t.startswith("manylinux") for t in tags):
        return (
            "a manylinux (glibc) wheel: retag gives static musllinux and linux_ wheels "
            "their manylinux tags"
        )
    return None


def _linux_arch(platform_tags: Sequence[str]) -> tuple[str | None, list[Refusal]]:
    if not all(t.startswith(("manylinux", "musllinux", "linux_")) for t in platform_tags):
        shown = ".".join(platform_tags)
        return None, [
            Refusal(
                "not-linux",
                None,
                f"platform tag {shown} is not a Linux tag: "
                "retag adds manylinux tags to Linux wheels only",
            )
        ]
    archs = {wheel_arch_of_platform_tag(t) for t in platform_tags}
    if len(archs) != 1:
        return None, [
            Refusal(
                "mixed-arch",
                None,
                "platform tags name several architectures: "
                + ", ".join(sorted(a or "?" for a in archs)),
            )
        ]
    return archs.pop(), []


def binary_refusals(binary: Binary, arch: str) -> list[Refusal]:
    """Why one binary does not prove a static wheel of `arch` (empty when it does)."""
    out: list[Refusal] = []
    if binary.format != "elf":
        out.append(
            Refusal(
                "foreign-binary",
                binary.member,
                f"a {binary.format.upper()} binary ({binary.arch}) in a Linux wheel",
            )
        )
        return out
    if binary.arch != arch:
        out.append(
            Refusal(
                "arch-mismatch",
                binary.member,
                f"ELF machine is {binary.arch}, the wheel is tagged {arch}",
            )
        )
    if binary.extension_module:
        out.append(
            Refusal(
                "extension-module",
                binary.member,
                "is a Python extension module (exports PyInit_): the interpreter "
                "loads it with its own libc, so it is never static",
            )
        )
    if binary.interpreter:
        out.append(
            Refusal(
                "interpreter",
                binary.member,
                f"is dynamically linked: PT_INTERP {binary.interpreter}",
            )
        )
    if binary.needed:
        out.append(
            Refusal("needed", binary.member, "needs shared libraries: " + ", ".join(binary.needed))
        )
    return out


def plan(
    platform_tags: Sequence[str],
    binaries: Sequence[Binary],
    manylinux: tuple[int, int] | None = None,
) -> Plan:
    """Decide the retag of a wheel with these platform tags and binaries."""
    tags = tuple(platform_tags)
    arch, refusals = _linux_arch(tags)
    if arch is None:
        return Plan(tags, tags, (), None, tuple(binaries), tuple(refusals))
    if not any(b.format == "elf" for b in binaries):
        refusals.append(
            Refusal(
                "no-binaries",
                None,
                "no ELF binary to prove static linkage: "
                "a wheel without native code should not be platform-tagged",
            )
        )
    for binary in binaries:
        refusals.extend(binary_refusals(binary, arch))
    wanted: list[str] = []
    warnings: list[str] = []
    try:
        floor = _policy.manylinux_floor(arch, manylinux)
        wanted = _policy.manylinux_tags(arch, floor)
    except _policy.PolicyError as exc:
        refusals.append(Refusal("policy", None, str(exc)))
    if not any(t.startswith("musllinux") for t in tags):
        wanted += _policy.musllinux_tags(arch)
    for tag in wanted:
        accepted, why = _policy.pypi_accepts(tag)
        if not accepted:
            refusals.append(Refusal("pypi", None, f"{tag}: {why}"))
            break
    for tag in tags:
        low = _below_floor(tag)
        if low:
            warnings.append(low)
    # PyPI refuses linux_<arch> (but armv6l/armv7l): never write a name it would refuse
    dropped = {t for t in tags if t.startswith("linux_") and not _policy.pypi_accepts(t)[0]}
    new = tuple(sorted((set(tags) | set(wanted)) - dropped))
    added = tuple(t for t in new if t not in tags)
    if dropped and wanted:
        warnings.append(
            f"dropped {', '.join(sorted(dropped))}: PyPI refuses linux_ tags at upload "
            "(the manylinux and musllinux tags cover those systems)"
        )
    else:
        new = tuple(sorted(set(new) | dropped))
    return Plan(tags, new, added, arch, tuple(binaries), tuple(refusals), tuple(warnings))


def _below_floor(tag: str) -> str | None:
    """A manylinux tag older than a static binary can honour (it needs Linux >= 3.2)."""
    version = _policy.manylinux_version(tag)
    if version is not None and version < _policy.STATIC_FLOOR:
        major, minor = _policy.STATIC_FLOOR
        return (
            f"{tag} promises glibc {version[0]}.{version[1]}-era kernels, older than the "
            f"Linux 3.2 a static Rust/musl binary needs (manylinux_{major}_{minor} era)"
        )
    return None
