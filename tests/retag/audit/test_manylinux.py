"""A manylinux tag's promise about libstdc++/libgcc symbol versions and needed libraries, against
auditwheel's policy: kiwisolver 1.4.8's real C++ extension, honestly tagged manylinux_2_17, and
the same wheel fabricated with a manylinux_2_5 name (RECORD consistent)."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path

from fabricate import fabricate
from real_wheels import KIWISOLVER_MANYLINUX

from retag._jobs import check
from retag.audit import manylinux
from retag.binaries.analysis import analyse

Fetch = Callable[[str, str], Path]
MODULE = "kiwisolver/_cext.cpython-312-x86_64-linux-gnu.so"


def _wheel(pypi: Fetch) -> Path:
    return pypi(KIWISOLVER_MANYLINUX.filename, KIWISOLVER_MANYLINUX.sha256)


def test_the_real_wheel_is_within_its_policy(pypi: Fetch) -> None:
    assert check(_wheel(pypi)).status == "clean"


def test_a_lower_manylinux_claim_is_found_with_the_honest_tag(pypi: Fetch, tmp_path: Path) -> None:
    lie = fabricate(
        _wheel(pypi),
        tmp_path,
        "kiwisolver-1.4.8-cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64.whl",
        wheel_tags=[
            "cp312-cp312-manylinux_2_5_x86_64",
            "cp312-cp312-manylinux1_x86_64",
        ],
    )
    result = check(lie)
    assert result.exit_code == 1
    (symbols,) = [f for f in result.extra["findings"] if f["rule"] == manylinux.SYMBOLS]
    assert symbols["member"] == MODULE
    assert "GLIBCXX_3.4.11" in symbols["problem"] and "GLIBCXX_3.4.9" in symbols["problem"]
    assert symbols["tags"] == ["manylinux_2_5_x86_64", "manylinux1_x86_64"]  # one finding
    assert symbols["honest"] == "manylinux_2_17_x86_64"  # GLIBC_2.14 rules out 2_12


def test_a_needed_library_must_be_on_the_list_or_in_the_wheel(pypi: Fetch) -> None:
    with zipfile.ZipFile(_wheel(pypi)) as zf:
        real = analyse(MODULE, zf.read(MODULE))
    assert real is not None
    needs = dataclasses.replace(real, needed=(*real.needed, "libfoo.so.1"))
    tags = ["manylinux_2_17_x86_64"]
    (finding,) = manylinux.audit(tags, [needs], [MODULE])
    assert "needs libfoo.so.1: neither on manylinux_2_17's list nor in the wheel" in finding.problem
    assert str(finding.honest).startswith("linux_x86_64")
    vendored = [MODULE, "kiwisolver.libs/libfoo.so.1"]  # as auditwheel repair ships it
    assert manylinux.audit(tags, [needs], vendored) == []
    assert manylinux.audit(tags, [real], [MODULE]) == []
