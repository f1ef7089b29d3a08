"""abi3 claims through abi3audit: MarkupSafe 3.0.2's CPython 3.12 module (full API) renamed
`.abi3.so` in a wheel retagged `cp312-abi3` (fabricated, RECORD consistent) is flagged with its
non-limited symbols; cryptography 44's real abi3 wheel, which abi3audit passes, stays clean, and
so does cryptography 50's cp315 module, whose PEP 793 export hooks abi3audit takes for API uses."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from real_wheels import CRYPTOGRAPHY_ABI3, CRYPTOGRAPHY_PEP793, MARKUPSAFE_CP312

from retag._jobs import check
from retag.audit import abi3
from retag.audit.abi3 import _baseline

Fetch = Callable[[str, str], Path]


def test_baseline_is_the_highest_cpython_tag() -> None:
    assert _baseline(["cp39"]) == (3, 9)
    assert _baseline(["cp37", "cp310"]) == (3, 10)
    assert _baseline(["py3"]) == (3, 2)


@pytest.mark.network
def test_full_api_module_in_an_abi3_wheel(pypi: Fetch, tmp_path: Path) -> None:
    src = pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)
    old = "markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so"
    new = "markupsafe/_speedups.abi3.so"
    tags = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    lie = fabricate(
        src,
        tmp_path,
        f"MarkupSafe-3.0.2-cp312-abi3-{'.'.join(tags)}.whl",
        rename={old: new},
        wheel_tags=[f"cp312-abi3-{t}" for t in tags],
    )
    result = check(lie)
    assert result.exit_code == 1
    (finding,) = result.extra["findings"]
    assert finding["member"] == new and finding["tags"] == ["cp312-abi3"]
    assert "outside the limited API" in finding["problem"], finding


@pytest.mark.network
def test_real_abi3_wheel_is_clean(pypi: Fetch) -> None:
    result = check(pypi(CRYPTOGRAPHY_ABI3.filename, CRYPTOGRAPHY_ABI3.sha256))
    assert result.status == "clean", result.reasons


@pytest.mark.network
def test_pep793_module_is_audited_without_its_export_hooks(pypi: Fetch, tmp_path: Path) -> None:
    from abi3audit._audit import audit as abi3_audit
    from abi3audit._extract import SharedObjectExtractor, SharedObjectSpec
    from abi3info.models import PyVersion

    wheel = pypi(CRYPTOGRAPHY_PEP793.filename, CRYPTOGRAPHY_PEP793.sha256)
    member = "cryptography/hazmat/bindings/_rust.abi3t.so"
    result = check(wheel)
    assert result.status == "clean", result.reasons
    module = next(b for b in result.binaries if b["member"] == member)
    assert module["extension_module"], module  # found by its PyModExport_ hooks alone
    data = zipfile.ZipFile(wheel).read(member)
    path = tmp_path / "_rust.abi3t.so"
    path.write_bytes(data)
    (so,) = SharedObjectExtractor(SharedObjectSpec(str(path)))
    raw = abi3_audit(so, assume_minimum_abi3=PyVersion(3, 15))
    hooks = {s.name for s in raw.non_abi3_symbols}
    assert "PyModExport__rust" in hooks  # what abi3audit alone reports
    assert abi3.audit({member: data}, ["cp315"], ["abi3", "abi3t"]) == []
