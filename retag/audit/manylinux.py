"""A manylinux tag's promise about what a binary may use from the system, against auditwheel's
policy for that tag: symbol versions of libstdc++, libgcc, libatomic and zlib (GLIBCXX, CXXABI,
GCC, ...; GLIBC itself is `platform`'s), and the libraries a binary needs, which must be on the
policy's list or shipped in the wheel.  The honest tag is the oldest policy that allows them."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from .. import _policy
from ..binaries.analysis import Binary
from .findings import Finding

# the dynamic loader is part of glibc, on no policy's list (cryptography 44 links it)
_LOADERS = ("ld-linux", "ld64.so", "ld.so")
_VERSION = re.compile(r"(.+?)_(\d[\w.]*)")
SYMBOLS = "symbol versions against the manylinux policy (PEP 600, auditwheel's policy)"
LIBRARIES = "needed libraries against the manylinux policy (PEP 600, auditwheel's policy)"


def audit(
    platform_tags: Sequence[str], binaries: Sequence[Binary], members: Collection[str]
) -> list[Finding]:
    shipped = {m.rsplit("/", 1)[-1] for m in members}
    out: list[Finding] = []
    for tag in platform_tags:
        claimed = _policy.manylinux_version(tag)
        if claimed is None:
            continue
        for b in binaries:
            if b.format != "elf" or b.static or b.libc == "musl":
                continue
            policies = _policy.manylinux_policies(b.arch)
            policy = next((p for p in policies if p.version == claimed), None)
            if policy is None:
                continue  # a version auditwheel has no policy for: nothing to compare with
            out += _symbols(tag, b, policy, policies)
            out += _libraries(tag, b, policy, shipped)
    return out


def _split(version: str) -> tuple[str, str]:
    """("GLIBCXX", "3.4.21") of "GLIBCXX_3.4.21", as the policy files key and list them."""
    match = _VERSION.fullmatch(version)
    return (match[1], match[2]) if match else (version, "")


def _symbols(
    tag: str, b: Binary, policy: _policy.Policy, policies: Sequence[_policy.Policy]
) -> list[Finding]:
    allowed = policy.symbols.get(b.arch, {})
    over = [v for v in b.symbol_versions if _split(v)[0] != "GLIBC" and not _allowed(v, allowed)]
    if not over:
        return []
    honest = next((p for p in policies if p.version >= policy.version and _allows(p, b)), None)
    name = f"manylinux_{honest.version[0]}_{honest.version[1]}_{b.arch}" if honest else None
    return [
        Finding(
            SYMBOLS,
            b.member,
            f"needs {', '.join(over)}, newer than {policy.name} allows",
            (tag,),
            name or f"linux_{b.arch} (no manylinux policy allows them)",
        )
    ]


def _allows(policy: _policy.Policy, b: Binary) -> bool:
    allowed = policy.symbols.get(b.arch, {})
    return all(_allowed(v, allowed) for v in b.symbol_versions)


def _allowed(version: str, allowed: dict[str, frozenset[str]]) -> bool:
    """A family the policy does not list (a library's own versions) is not its business."""
    family, number = _split(version)
    return family not in allowed or number in allowed[family]


def _libraries(tag: str, b: Binary, policy: _policy.Policy, shipped: set[str]) -> list[Finding]:
    missing = [
        n
        for n in b.needed
        if n not in policy.libraries and n not in shipped and not n.startswith(_LOADERS)
    ]
    if not missing:
        return []
    return [
        Finding(
            LIBRARIES,
            b.member,
            f"needs {', '.join(missing)}: neither on {policy.name}'s list nor in the wheel",
            (tag,),
            f"linux_{b.arch} (or ship the library, as auditwheel repair does)",
        )
    ]
