"""The interpreter and ABI an extension module was built for, from its file name's suffix (the
names CPython's and PyPy's importers look for: PEP 3149, PEP 703), against the wheel's python
and abi tags.

  .cpython-311-x86_64-linux-gnu.so, .cpython-311-darwin.so  CPython 3.11 only: cp311-cp311
  .cpython-313t-x86_64-linux-gnu.so, .cp313t-win_amd64.pyd  free-threaded 3.13: cp313-cp313t
  .cp312-win_amd64.pyd                                      CPython 3.12 only: cp312-cp312
  .pypy310-pp73-x86_64-linux-gnu.so                         PyPy 3.10, ABI pp73: pp310-pypy310_pp73
  .abi3.so                                                  the limited API: abi3 (or a CPython
                                                            ABI; not a free-threaded one)

A module whose interpreter no tag of the wheel names would not be imported where the wheel is
installed: one finding per suffix kind, naming the modules, the tags and the honest tag.  Plain
`.so`/`.pyd` names claim nothing and are not judged here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .findings import Finding

RULE = "extension module suffix (PEP 3149/703) against the python and abi tags"
_CPYTHON = re.compile(r"\.cpython-(\d)(\d+)([a-z]*)-[A-Za-z0-9_-]+\.so$")
_CPYTHON_WIN = re.compile(r"\.cp(\d)(\d+)(t?)-win[a-z0-9_]*\.pyd$")
_PYPY = re.compile(r"\.pypy(\d)(\d+)-pp(\d+)-[A-Za-z0-9_-]+\.(?:so|pyd)$")
_ABI3 = re.compile(r"\.abi3\.so$")
_CP_ABI = re.compile(r"cp\d+[a-z]*")


@dataclass(frozen=True)
class Claim:
    """What one module's suffix says it needs."""

    python: str  # "cp311", "pp310", or "cp3" for abi3 (any CPython 3 from its floor)
    abi: str  # "cp311", "cp313t", "pypy310_pp73", "abi3"
    suffix: str  # as in the member name
    what: str  # "CPython 3.11", "free-threaded CPython 3.13", ...


def claim_of(member: str) -> Claim | None:
    """What the extension module MEMBER's name says it was built for; None for a plain name."""
    base = member.rsplit("/", 1)[-1]
    if m := _CPYTHON.search(base) or _CPYTHON_WIN.search(base):
        version, flags = f"{m[1]}{m[2]}", m[3]
        what = f"{'free-threaded ' if 't' in flags else ''}CPython {m[1]}.{m[2]}"
        return Claim(f"cp{version}", f"cp{version}{flags}", m[0], what)
    if m := _PYPY.search(base):
        version = f"{m[1]}{m[2]}"
        return Claim(f"pp{version}", f"pypy{version}_pp{m[3]}", m[0], f"PyPy {m[1]}.{m[2]}")
    if m := _ABI3.search(base):
        return Claim("cp3", "abi3", m[0], "CPython's limited API (abi3)")
    return None


def _fits(claim: Claim, python: str, abi: str) -> bool:
    if claim.abi == "abi3":
        # any CPython ABI but a free-threaded one loads abi3 modules; PyPy loads them too
        return abi == "abi3" or (
            (bool(_CP_ABI.fullmatch(abi)) and not abi.endswith("t")) or abi.startswith("pypy")
        )
    return abi == claim.abi and python == claim.python


def audit(
    members: Sequence[str], python_tags: Sequence[str], abi_tags: Sequence[str]
) -> list[Finding]:
    """One finding per kind of suffix some python/abi pair of the wheel does not fit."""
    groups: dict[Claim, list[str]] = {}
    for member in members:
        claim = claim_of(member)
        if claim is not None:
            groups.setdefault(claim, []).append(member)
    out = []
    for claim, found in groups.items():
        pairs = [f"{p}-{a}" for p in python_tags for a in abi_tags if not _fits(claim, p, a)]
        if not pairs:
            continue
        more = f" (and {len(found) - 1} more module(s) like it)" if len(found) > 1 else ""
        honest = (
            f"{claim.python}-{claim.abi}" if claim.abi != "abi3" else "cp3X-abi3 (X: its floor)"
        )
        out.append(
            Finding(
                RULE,
                found[0],
                f"is an extension module for {claim.what} (suffix {claim.suffix}){more}",
                tuple(pairs),
                honest,
            )
        )
    return out
