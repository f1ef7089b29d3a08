"""Tag policy: facts read from auditwheel's policy files, plus the static floor and PyPI's list."""

from __future__ import annotations

import pytest

from retag._errors import RetagError
from retag._policy import (
    STATIC_FLOOR,
    PolicyError,
    manylinux_floor,
    manylinux_tags,
    manylinux_version,
    musllinux_tags,
    policy_for_glibc,
    pypi_accepts,
)

FLOOR_2_17 = ["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "ppc64"]


@pytest.mark.parametrize("arch", FLOOR_2_17)
def test_static_floor_is_manylinux2014(arch: str) -> None:
    assert manylinux_floor(arch) == STATIC_FLOOR == (2, 17)
    assert manylinux_tags(arch, (2, 17)) == [f"manylinux_2_17_{arch}", f"manylinux2014_{arch}"]


def test_static_floor_lifts_archs_that_manylinux1_covers() -> None:
    # x86_64 and i686 are in manylinux_2_5, but a static Rust/musl binary needs Linux >= 3.2.
    assert manylinux_floor("x86_64") == (2, 17)
    assert manylinux_floor("i686") == (2, 17)


def test_riscv64_starts_at_2_31_without_alias() -> None:
    assert manylinux_floor("riscv64") == (2, 31)
    assert manylinux_tags("riscv64", (2, 31)) == ["manylinux_2_31_riscv64"]


def test_requested_raises_the_floor_and_drops_the_alias() -> None:
    assert manylinux_floor("x86_64", (2, 28)) == (2, 28)
    assert manylinux_tags("x86_64", (2, 28)) == ["manylinux_2_28_x86_64"]
    assert manylinux_floor("x86_64", (2, 5)) == (2, 17)  # never below the static floor


def test_legacy_aliases_come_from_the_policy_file() -> None:
    assert manylinux_tags("x86_64", (2, 5)) == ["manylinux_2_5_x86_64", "manylinux1_x86_64"]
    assert manylinux_tags("i686", (2, 12)) == ["manylinux_2_12_i686", "manylinux2010_i686"]
    # PEP 600 versions auditwheel ships no policy for are still valid tags, without alias
    assert manylinux_tags("aarch64", (2, 29)) == ["manylinux_2_29_aarch64"]


def test_unknown_arch_and_too_old_version_are_policy_errors() -> None:
    with pytest.raises(PolicyError, match="sparc"):
        manylinux_floor("sparc")
    with pytest.raises(PolicyError, match="manylinux_2_17"):
        manylinux_tags("aarch64", (2, 12))
    assert issubclass(PolicyError, RetagError)


@pytest.mark.parametrize(
    ("arch", "tags"),
    [
        ("x86_64", ["musllinux_1_1_x86_64"]),
        ("aarch64", ["musllinux_1_1_aarch64"]),
        ("riscv64", ["musllinux_1_1_riscv64"]),
        ("loongarch64", ["musllinux_1_2_loongarch64"]),
        ("ppc64", []),
    ],
)
def test_musllinux_tags(arch: str, tags: list[str]) -> None:
    assert musllinux_tags(arch) == tags


def test_loongarch64_is_refused_for_upload_with_the_reason() -> None:
    floor = manylinux_floor("loongarch64")
    assert floor == (2, 36)
    for tag in [*manylinux_tags("loongarch64", floor), *musllinux_tags("loongarch64")]:
        accepted, why = pypi_accepts(tag)
        assert not accepted
        assert "PyPI" in why and "loongarch64" in why


@pytest.mark.parametrize(
    "tag",
    [
        "manylinux_2_17_x86_64",
        "manylinux2014_aarch64",
        "manylinux2014_ppc64",
        "manylinux1_i686",
        "manylinux_2_31_riscv64",
        "manylinux_2_29_s390x",
        "musllinux_1_1_armv7l",
        "musllinux_1_2_ppc64le",
        "linux_armv7l",
        "win_amd64",
        "macosx_11_0_arm64",
    ],
)
def test_pypi_accepts(tag: str) -> None:
    assert pypi_accepts(tag) == (True, "")


@pytest.mark.parametrize(
    ("tag", "why"),
    [
        ("linux_x86_64", "manylinux or musllinux"),
        ("musllinux_1_1_ppc64", "musllinux covers no ppc64"),
        ("manylinux2010_aarch64", "manylinux2010 covers no aarch64"),
        ("manylinux_2_17_sparc", "covers no sparc"),
        ("nonsense", "not a platform tag"),
    ],
)
def test_pypi_refuses(tag: str, why: str) -> None:
    accepted, reason = pypi_accepts(tag)
    assert not accepted
    assert why in reason


@pytest.mark.parametrize(
    ("tag", "version"),
    [
        ("manylinux_2_28_x86_64", (2, 28)),
        ("manylinux2014_aarch64", (2, 17)),
        ("manylinux2010_x86_64", (2, 12)),
        ("manylinux1_i686", (2, 5)),
        ("musllinux_1_1_x86_64", None),
        ("linux_x86_64", None),
        ("win_amd64", None),
    ],
)
def test_manylinux_version(tag: str, version: tuple[int, int] | None) -> None:
    assert manylinux_version(tag) == version


@pytest.mark.parametrize(
    ("arch", "needs", "policy"),
    [
        ("x86_64", (2, 28), (2, 28)),
        ("x86_64", (2, 2), (2, 5)),  # GLIBC_2.2.5 only: manylinux1 is enough
        ("x86_64", None, (2, 5)),
        ("aarch64", (2, 14), (2, 17)),  # no aarch64 policy before 2_17
        ("aarch64", (2, 34), (2, 34)),
        ("riscv64", (2, 27), (2, 31)),
    ],
)
def test_policy_for_glibc(
    arch: str, needs: tuple[int, int] | None, policy: tuple[int, int]
) -> None:
    assert policy_for_glibc(arch, needs) == policy
