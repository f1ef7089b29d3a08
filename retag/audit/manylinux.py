"""A manylinux tag's promise about what a binary may use from the system, against auditwheel's
policy for that tag: symbol versions of libstdc++, libgcc, libatomic and zlib (GLIBCXX, CXXABI,
GCC, ...; GLIBC itself is `platform`'s), and the libraries a binary needs, which must be on the
policy's list or shipped in the wheel where its RPATH/RUNPATH reaches them (as the loader finds
them: `binaries.loader`).  The honest tag is the oldest policy that allows them.  RPATH/RUNPATH
entries naming directories outside the wheel are warnings (`search_path_warnings`)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from .. import _policy
from ..binaries import loader
from ..binaries.analysis import Binary
from .findings import Finding

# the dynamic loader is part of glibc, on no policy's list (cryptography 44 links it)
_LOADERS = ("ld-linux", "ld64.so", "ld.so")
_VERSION = re.compile(r"(.+?)_(\d[\w.]*)")
SYMBOLS = "symbol versions against the manylinux policy (PEP 600, auditwheel's policy)"
LIBRARIES = "needed libraries against the manylinux policy (PEP 600, auditwheel's policy)"
SEARCH_PATH = "RPATH/RUNPATH outside the wheel (auditwheel repair confines them to $ORIGIN)"


def audit(
    platform_tags: Sequence[str], binaries: Sequence[Binary], members: Collection[str]
) -> list[Finding]:
    glibc = [b for b in binaries if b.format == "elf" and not b.static and b.libc != "musl"]
    claims = [(tag, v) for tag in platform_tags if (v := _policy.manylinux_version(tag))]
    unresolved = loader.resolve(glibc, members) if claims and glibc else ()
    out: list[Finding] = []
    for tag, claimed in claims:
        for b in glibc:
            policy, policies = _policy_of(b.arch, claimed)
            if policy is not None:
                out += _symbols(tag, b, policy, policies)
        out += _libraries(tag, claimed, unresolved)
    return out


def search_path_warnings(binaries: Sequence[Binary]) -> list[Finding]:
    """RPATH/RUNPATH entries the loader reads that name a directory of the installing machine
    (a build path like /opt/_internal/..., /usr/local/lib, the working directory)."""
    return [
        Finding(SEARCH_PATH, o.member, f"{o.tag} entry {o.entry or '(empty)'} is {o.why}")
        for o in loader.outside(binaries)
    ]


def _policy_of(
    arch: str, claimed: tuple[int, int]
) -> tuple[_policy.Policy | None, Sequence[_policy.Policy]]:
    """The policy of a claimed version for ARCH (None: auditwheel has none to compare with)."""
    policies = _policy.manylinux_policies(arch)
    return next((p for p in policies if p.version == claimed), None), policies


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


def _libraries(
    tag: str, claimed: tuple[int, int], unresolved: Sequence[loader.Unresolved]
) -> list[Finding]:
    """What the loader finds nowhere in the wheel must be on the policy's list: one finding per
    member for those the wheel lacks, one per library for those it ships out of reach."""
    out: list[Finding] = []
    lacking: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for u in unresolved:
        policy, _all = _policy_of(u.arch, claimed)
        if policy is None or u.name in policy.libraries or u.name.startswith(_LOADERS):
            continue
        if not u.shipped:
            lacking.setdefault((u.member, u.chain), []).append(u.name)
            continue
        problem = f"needs {u.name}, shipped at {', '.join(u.shipped)}; {u.reach()}"
        honest = f"linux_{u.arch} (or add {u.fix()} to its RPATH, as auditwheel repair does)"
        out.append(Finding(LIBRARIES, u.member, problem + _through(u.chain), (tag,), honest))
    arches = {u.member: u.arch for u in unresolved}
    for (member, chain), names in lacking.items():
        policy, _all = _policy_of(arches[member], claimed)
        assert policy is not None  # only names a policy judged are here
        problem = f"needs {', '.join(names)}: neither on {policy.name}'s list nor in the wheel"
        honest = f"linux_{arches[member]} (or ship the library, as auditwheel repair does)"
        out.append(Finding(LIBRARIES, member, problem + _through(chain), (tag,), honest))
    return out


def _through(chain: tuple[str, ...]) -> str:
    return f" (loaded through {' -> '.join(chain)})" if chain else ""
