"""abi3: an `abi3` wheel's extension modules against the limited API, with abi3audit as a library.

For each extension module of a wheel whose abi tags include `abi3`, abi3audit lists the symbols
it uses outside the limited API (`_PyType_Lookup`, `PyUnicode_AsUTF8` before 3.10 ...) and the
newest limited-API version it needs; the wheel's python tag (`cp39-abi3`: 3.9) is its promise.
A module outside the limited API is no abi3 module at all; one needing a newer limited API than
the python tag says is honest as `cp3X-abi3` with the newer X.  abi3audit reads files, so each
module is written to a private temporary directory first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..binaries.elf import MODULE_HOOKS
from .findings import Finding

RULE = "limited API (abi3), as abi3audit reads the symbols"
_SHOWN = 5


def _baseline(python_tags: Sequence[str]) -> tuple[int, int]:
    """The limited-API version a `cpXY-abi3` wheel promises: its highest cpXY (abi3audit's rule)."""
    found = [
        (int(t[2]), int(t[3:])) for t in python_tags if t.startswith("cp3") and t[3:].isdigit()
    ]
    return max(found) if found else (3, 2)


def audit(
    modules: Mapping[str, bytes], python_tags: Sequence[str], abi_tags: Sequence[str]
) -> list[Finding]:
    """Findings for MODULES (member name -> bytes) of a wheel tagged with ABI_TAGS."""
    if "abi3" not in abi_tags or not modules:
        return []
    from abi3audit._audit import AuditError
    from abi3audit._audit import audit as abi3_audit
    from abi3audit._extract import SharedObjectExtractor, SharedObjectSpec
    from abi3info.models import PyVersion

    major, minor = _baseline(python_tags)
    tags = tuple(f"{p}-abi3" for p in python_tags)
    out = []
    with tempfile.TemporaryDirectory(prefix="retag-abi3-") as tmp:
        for member, data in modules.items():
            path = Path(tmp) / member.rsplit("/", 1)[-1]
            path.write_bytes(data)
            try:
                for so in SharedObjectExtractor(SharedObjectSpec(str(path))):
                    result = abi3_audit(so, assume_minimum_abi3=PyVersion(major, minor))
                    out += _findings(member, result, tags, (major, minor))
            except (AuditError, ValueError, OSError) as exc:  # abi3audit cannot read it
                out.append(Finding(RULE, member, f"abi3audit cannot read it ({exc})", tags))
            finally:
                path.unlink(missing_ok=True)
    return out


def _findings(
    member: str, result: object, tags: tuple[str, ...], baseline: tuple[int, int]
) -> list[Finding]:
    out = []
    # abi3audit skips the module's own PyInit_ hook but not PEP 793's PyModExport_ ones (3.15):
    # they are the module's exports, not uses of the API.
    symbols = sorted(
        s.name
        for s in getattr(result, "non_abi3_symbols", ())
        if not s.name.startswith(MODULE_HOOKS)
    )
    if symbols:
        shown = ", ".join(symbols[:_SHOWN]) + (", ..." if len(symbols) > _SHOWN else "")
        out.append(
            Finding(
                RULE,
                member,
                f"uses {len(symbols)} symbol(s) outside the limited API ({shown}): "
                "not an abi3 module (tag it cpXY-cpXY for the CPython it was built for)",
                tags,
            )
        )
    computed = getattr(result, "computed", None)
    if computed is not None and (computed.major, computed.minor) > baseline:
        newer = sorted(
            f"{o.symbol.name} ({o.added})" for o in getattr(result, "future_abi3_objects", ())
        )
        shown = ", ".join(newer[:_SHOWN]) + (", ..." if len(newer) > _SHOWN else "")
        out.append(
            Finding(
                RULE,
                member,
                f"needs the Python {computed.major}.{computed.minor} limited API ({shown}), "
                f"newer than {baseline[0]}.{baseline[1]}",
                tags,
                f"cp{computed.major}{computed.minor}-abi3",
            )
        )
    return out
