"""Extension-module suffixes against the python and abi tags, on a lie fabricated from a real
wheel: MarkupSafe 3.0.2's cp312 module renamed to a cpython-311 one, RECORD consistent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from real_wheels import MARKUPSAFE_CP312, NUMPY_MUSL

from retag._jobs import check
from retag.audit.interpreter import audit, claim_of

Fetch = Callable[[str, str], Path]


@pytest.mark.parametrize(
    ("member", "python", "abi"),
    [
        ("a/_x.cpython-311-x86_64-linux-gnu.so", "cp311", "cp311"),
        ("a/_x.cpython-311-darwin.so", "cp311", "cp311"),
        ("a/_x.cpython-313t-x86_64-linux-musl.so", "cp313", "cp313t"),
        ("a/_x.cpython-37m-x86_64-linux-gnu.so", "cp37", "cp37m"),
        ("a/_x.cp312-win_amd64.pyd", "cp312", "cp312"),
        ("a/_x.cp313t-win_arm64.pyd", "cp313", "cp313t"),
        ("a/_x.pypy310-pp73-x86_64-linux-gnu.so", "pp310", "pypy310_pp73"),
        ("a/_x.pypy310-pp73-win_amd64.pyd", "pp310", "pypy310_pp73"),
        ("a/_x.abi3.so", "cp3", "abi3"),
    ],
)
def test_suffixes(member: str, python: str, abi: str) -> None:
    claim = claim_of(member)
    assert claim is not None and (claim.python, claim.abi) == (python, abi)


@pytest.mark.parametrize("member", ["a/_x.so", "a/_x.pyd", "a/x.py", "a/libfoo.so.1"])
def test_plain_names_claim_nothing(member: str) -> None:
    assert claim_of(member) is None


def test_rules() -> None:
    cp311 = ["pkg/_x.cpython-311-x86_64-linux-gnu.so", "pkg/_y.cpython-311-x86_64-linux-gnu.so"]
    (finding,) = audit(cp311, ["cp312"], ["cp312"])
    assert finding.tags == ("cp312-cp312",) and finding.honest == "cp311-cp311"
    assert "and 1 more module(s) like it" in finding.problem  # one finding for the kind
    assert audit(cp311, ["cp311"], ["cp311"]) == []
    (none,) = audit(cp311, ["py3"], ["none"])  # a py3-none wheel promises any Python 3
    assert none.honest == "cp311-cp311"
    abi3 = ["pkg/_x.abi3.so"]
    assert audit(abi3, ["cp39"], ["abi3"]) == audit(abi3, ["cp312"], ["cp312"]) == []
    (ft,) = audit(abi3, ["cp313"], ["cp313t"])  # free-threaded CPython loads no abi3 module
    assert ft.tags == ("cp313-cp313t",)
    (gil,) = audit(["pkg/_x.cpython-313t-x86_64-linux-gnu.so"], ["cp313"], ["cp313"])
    assert gil.honest == "cp313-cp313t"
    pypy = ["pkg/_x.pypy310-pp73-x86_64-linux-gnu.so"]
    assert audit(pypy, ["pp310"], ["pypy310_pp73"]) == []
    assert audit(pypy, ["cp310"], ["cp310"])[0].honest == "pp310-pypy310_pp73"


@pytest.mark.network
def test_cpython_311_module_in_a_cp312_wheel(pypi: Fetch, tmp_path: Path) -> None:
    src = pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)
    old = "markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so"
    lie = fabricate(src, tmp_path, rename={old: old.replace("-312-", "-311-")})
    result = check(lie)
    assert result.exit_code == 1
    (finding,) = result.extra["findings"]
    assert finding["tags"] == ["cp312-cp312"] and finding["honest"] == "cp311-cp311"
    assert "extension module for CPython 3.11" in finding["text"]
    assert check(src).status == "clean"
    numpy = check(pypi(NUMPY_MUSL.filename, NUMPY_MUSL.sha256))  # 30-odd cp312 modules
    assert numpy.status == "clean", numpy.reasons
