"""A manylinux tag's promise about libstdc++/libgcc symbol versions and needed libraries, against
auditwheel's policy: kiwisolver 1.4.8's real C++ extension, honestly tagged manylinux_2_17, and
the same wheel fabricated with a manylinux_2_5 name (RECORD consistent); numpy 2.2.6 and scipy
1.15.3, whose vendored libraries the loader finds through $ORIGIN RPATHs, and numpy fabricated
with them moved out of reach."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path

from fabricate import fabricate
from paths import BIN
from real_wheels import KIWISOLVER_MANYLINUX, NUMPY_MANYLINUX, SCIPY_MANYLINUX

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
    assert real is not None and real.elf is not None
    needs = dataclasses.replace(real, needed=(*real.needed, "libplain.so.1"))
    tags = ["manylinux_2_17_x86_64"]
    (finding,) = manylinux.audit(tags, [needs], [MODULE])
    assert (
        "needs libplain.so.1: neither on manylinux_2_17's list nor in the wheel" in finding.problem
    )
    assert str(finding.honest).startswith("linux_x86_64")
    # shipped as auditwheel repair ships it, and reached by the module's RPATH: fine
    vendored = analyse("kiwisolver.libs/libplain.so.1", (BIN / "libplain.so.1").read_bytes())
    assert vendored is not None
    members = [MODULE, vendored.member]
    reaching = dataclasses.replace(
        needs, elf=dataclasses.replace(real.elf, rpath=("$ORIGIN/../kiwisolver.libs",))
    )
    assert manylinux.audit(tags, [reaching, vendored], members) == []
    # shipped, but the module has no search path to it: the loader fails at import
    (finding,) = manylinux.audit(tags, [needs, vendored], members)
    assert finding.problem == (
        "needs libplain.so.1, shipped at kiwisolver.libs/libplain.so.1; it has no RPATH or RUNPATH"
    )
    assert finding.honest == (
        "linux_x86_64 (or add $ORIGIN/../kiwisolver.libs to its RPATH, as auditwheel repair does)"
    )
    assert manylinux.audit(tags, [real], [MODULE]) == []


def _numpy(pypi: Fetch) -> Path:
    return pypi(NUMPY_MANYLINUX.filename, NUMPY_MANYLINUX.sha256)


def test_auditwheel_repaired_wheels_are_clean(pypi: Fetch) -> None:
    assert check(_numpy(pypi)).status == "clean"
    scipy = check(pypi(SCIPY_MANYLINUX.filename, SCIPY_MANYLINUX.sha256))
    assert scipy.status == "clean"
    (warning,) = [w for w in scipy.warnings if manylinux.SEARCH_PATH in w]
    assert warning.startswith(
        "scipy/special/cython_special.cpython-312-x86_64-linux-gnu.so: RPATH entry "
        "/opt/_internal/cpython-3.12.7/lib/python3.12/site-packages/scipy_openblas32/lib "
        "is an absolute path outside the wheel"
    )


def test_vendored_libraries_moved_out_of_reach_are_found(pypi: Fetch, tmp_path: Path) -> None:
    """numpy.libs/ moved to numpy/.libs/ (RECORD consistent): the three extension modules
    linking OpenBLAS no longer reach it through $ORIGIN/../../numpy.libs."""
    lie = fabricate(_numpy(pypi), tmp_path, rename={"numpy.libs/": "numpy/.libs/"})
    result = check(lie)
    assert result.exit_code == 1
    found = [f for f in result.extra["findings"] if f["rule"] == manylinux.LIBRARIES]
    assert sorted(f["member"].rsplit("/", 1)[-1].split(".")[0] for f in found) == [
        "_multiarray_umath",
        "_umath_linalg",
        "lapack_lite",
    ]
    blas = "libscipy_openblas64_-56d6093b.so"
    for f in found:
        assert f["problem"] == (
            f"needs {blas}, shipped at numpy/.libs/{blas}; "
            "its RPATH ($ORIGIN/../../numpy.libs) does not reach it"
        )
        assert f["tags"] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]  # one finding
        assert f["honest"].startswith("linux_x86_64 (or add $ORIGIN/../.libs to its RPATH")


def test_a_vendored_library_of_a_vendored_library_is_checked(pypi: Fetch, tmp_path: Path) -> None:
    """Only libgfortran moved: OpenBLAS, which needs it, searches its own RPATH ($ORIGIN) and
    the RPATHs of the module loading it, as glibc does; neither reaches numpy/."""
    gfortran = "libgfortran-040039e1-0352e75f.so.5.0.0"
    lie = fabricate(_numpy(pypi), tmp_path, rename={f"numpy.libs/{gfortran}": f"numpy/{gfortran}"})
    result = check(lie)
    assert result.exit_code == 1
    f, stray = [f for f in result.extra["findings"] if f["rule"] == manylinux.LIBRARIES]
    assert f["member"] == "numpy.libs/libscipy_openblas64_-56d6093b.so"
    module = f["problem"].split(" and ", 1)[1].split("'s RPATH", 1)[0]
    assert module.startswith("numpy/") and module.endswith("-x86_64-linux-gnu.so")
    assert f["problem"] == (
        f"needs {gfortran}, shipped at numpy/{gfortran}; its RPATH ($ORIGIN) and "
        f"{module}'s RPATH ($ORIGIN/../../numpy.libs) do not reach it (loaded through {module})"
    )
    assert f["honest"].startswith("linux_x86_64 (or add $ORIGIN/../numpy to its RPATH")
    # the moved library, which nothing loads now, no longer reaches its own libquadmath
    assert stray["member"] == f"numpy/{gfortran}"
    assert stray["problem"].startswith("needs libquadmath-96973f99-934c22de.so.0.0.0, shipped")
