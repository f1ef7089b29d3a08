"""Target environments and their tag lists, ranked as installers rank them."""

from __future__ import annotations

from packaging.tags import Tag

from sdistcheck.coverage.environments import (
    environments,
    manylinux_platforms,
    musllinux_platforms,
    pythons,
    ranks,
)


def _env(key: str):  # type: ignore[no-untyped-def]
    return next(e for e in environments() if e.key == key)


def test_the_rows_the_issue_asks_for() -> None:
    keys = {e.key for e in environments()}
    for arch in ("x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64"):
        for libc in ("manylinux_2_17", "manylinux_2_28", "manylinux_2_34"):
            assert f"{libc}_{arch}" in keys
        assert {f"musllinux_1_1_{arch}", f"musllinux_1_2_{arch}"} <= keys
    assert {"macosx_11_0_x86_64", "macosx_14_0_arm64", "win_amd64", "win32", "win_arm64"} <= keys
    assert len(keys) == 7 * 5 + 4 + 3


def test_manylinux_list_as_packaging_builds_it() -> None:
    plats = manylinux_platforms("aarch64", (2, 28))
    assert plats[:2] == ("manylinux_2_28_aarch64", "manylinux_2_27_aarch64")
    # the legacy alias right after its equivalent, nothing older than 2.17 off x86, then linux_
    i = plats.index("manylinux_2_17_aarch64")
    assert plats[i + 1 :] == ("manylinux2014_aarch64", "linux_aarch64")
    x86 = manylinux_platforms("x86_64", (2, 17))
    assert "manylinux2010_x86_64" in x86 and x86[-2:] == ("manylinux1_x86_64", "linux_x86_64")
    assert musllinux_platforms("x86_64", (1, 2)) == (
        "musllinux_1_2_x86_64",
        "musllinux_1_1_x86_64",
        "musllinux_1_0_x86_64",
        "linux_x86_64",
    )


def test_most_specific_tag_ranks_first() -> None:
    env, (py,) = _env("manylinux_2_34_aarch64"), [p for p in pythons(None) if p.label == "3.12"]
    r = ranks(env, py)
    assert (
        r[Tag("cp312", "cp312", "manylinux_2_28_aarch64")]
        < r[Tag("cp312", "cp312", "manylinux_2_17_aarch64")]
    )
    assert (
        r[Tag("cp312", "cp312", "manylinux_2_17_aarch64")]
        < r[Tag("cp312", "abi3", "manylinux_2_34_aarch64")]
    )
    assert r[Tag("cp39", "abi3", "manylinux_2_17_aarch64")] < r[Tag("py3", "none", "any")]
    assert Tag("cp312", "cp312", "musllinux_1_2_aarch64") not in r


def test_free_threaded_has_no_abi3_and_requires_python_filters() -> None:
    (ft,) = [p for p in pythons(None) if p.label == "3.13t"]
    r = ranks(_env("win_amd64"), ft)
    assert Tag("cp313", "cp313t", "win_amd64") in r
    assert Tag("cp39", "abi3", "win_amd64") not in r
    assert [p.label for p in pythons(">=3.11,<3.14")] == ["3.11", "3.12", "3.13", "3.13t"]
    assert [p.label for p in pythons("not a specifier")][:1] == ["3.9"]


def test_pypy_columns_only_for_pypy_wheels() -> None:
    cols = pythons(">=3.8", [("pp310", "pypy310_pp73"), ("pp39", "pypy39_pp73")])
    assert [p.label for p in cols][-2:] == ["PyPy 3.9", "PyPy 3.10"]
    r = ranks(_env("win_amd64"), cols[-1])
    assert Tag("pp310", "pypy310_pp73", "win_amd64") in r
    assert Tag("cp310", "cp310", "win_amd64") not in r
