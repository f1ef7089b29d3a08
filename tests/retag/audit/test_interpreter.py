"""Extension-module suffixes against the python and abi tags, on a lie fabricated from a real
wheel: MarkupSafe 3.0.2's cp312 module renamed to a cpython-311 one, RECORD consistent."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from real_wheels import MARKUPSAFE_CP312, NUMPY_MUSL, RPDS_WIN32

from retag._jobs import check
from retag.audit.interpreter import PLATFORM_RULE, audit, audit_platforms, claim_of, target_of

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


@pytest.mark.parametrize(
    ("member", "os", "arch", "libc", "version"),
    [
        ("a/_x.cpython-312-x86_64-linux-gnu.so", "linux", "x86_64", "glibc", (3, 12)),
        ("a/_x.cpython-312-x86_64-linux-musl.so", "linux", "x86_64", "musl", (3, 12)),
        ("a/_x.cpython-312-i386-linux-gnu.so", "linux", "i686", "glibc", (3, 12)),
        ("a/_x.cpython-312-arm-linux-gnueabihf.so", "linux", "arm", "glibc", (3, 12)),
        ("a/_x.cpython-312-powerpc64le-linux-gnu.so", "linux", "ppc64le", "glibc", (3, 12)),
        ("a/_x.cpython-312-darwin.so", "macos", None, None, (3, 12)),
        ("a/_x.cp312-win_amd64.pyd", "windows", "x86_64", None, None),
        ("a/_x.pypy310-pp73-aarch64-linux-gnu.so", "linux", "aarch64", "glibc", None),
    ],
)
def test_suffix_platforms(
    member: str, os: str, arch: str | None, libc: str | None, version: tuple[int, int] | None
) -> None:
    target = target_of(member)
    assert target is not None
    assert (target.os, target.arch, target.libc, target.version) == (os, arch, libc, version)


@pytest.mark.parametrize(
    "member", ["a/_x.abi3.so", "a/_x.so", "a/_x.cpython-312-arm64-iphoneos.so", "a/x.py"]
)
def test_suffixes_naming_no_judged_platform(member: str) -> None:
    assert target_of(member) is None


GLIBC_X86 = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]


def test_platform_rules() -> None:
    gnu = ["p/_a.cpython-312-x86_64-linux-gnu.so", "p/_b.cpython-312-x86_64-linux-gnu.so"]
    assert audit_platforms(gnu, GLIBC_X86) == []
    (arch,) = audit_platforms(gnu, ["manylinux_2_17_aarch64", "manylinux2014_aarch64"])
    assert arch.tags == ("manylinux_2_17_aarch64", "manylinux2014_aarch64")
    assert arch.honest == "manylinux2014_x86_64.manylinux_2_17_x86_64"
    assert "(and 1 more module(s) like it)" in arch.problem
    (musl,) = audit_platforms(gnu, ["musllinux_1_2_x86_64"])  # cp312 on musl: -linux-musl
    assert ".cpython-312-x86_64-linux-musl.so" in musl.problem and musl.honest is None
    cp310 = ["p/_a.cpython-310-x86_64-linux-gnu.so"]  # musl CPython 3.10 named it -linux-gnu
    assert audit_platforms(cp310, ["musllinux_1_2_x86_64"]) == []
    dual = ["manylinux_2_17_x86_64", "musllinux_1_1_x86_64"]  # only the musl tag is concerned
    assert audit_platforms(gnu, dual)[0].tags == ("musllinux_1_1_x86_64",)
    (glibc,) = audit_platforms(["p/_a.cpython-312-x86_64-linux-musl.so"], GLIBC_X86)
    assert glibc.tags == tuple(GLIBC_X86) and glibc.honest == "musllinux_*_x86_64"
    (mac,) = audit_platforms(["p/_a.cpython-312-darwin.so"], GLIBC_X86)
    assert mac.tags == tuple(GLIBC_X86) and "macOS" in mac.problem
    assert audit_platforms(["p/_a.cpython-312-darwin.so"], ["macosx_11_0_arm64"]) == []
    (linux_on_mac,) = audit_platforms(gnu, ["macosx_10_13_universal2"])
    assert linux_on_mac.tags == ("macosx_10_13_universal2",)
    (win,) = audit_platforms(["p/_a.cp312-win_amd64.pyd"], ["win32"])
    assert win.tags == ("win32",) and win.honest == "win_amd64"
    arm = ["p/_a.cpython-312-arm-linux-gnueabihf.so"]
    assert audit_platforms(arm, ["manylinux_2_17_armv7l", "linux_armv6l"]) == []
    assert audit_platforms(gnu, ["any"]) == []  # "any" claims no platform: not judged here


@pytest.mark.network
def test_suffix_platform_lies(pypi: Fetch, tmp_path: Path) -> None:
    """Fabricated from real wheels: MarkupSafe's x86_64 glibc module renamed for aarch64, for
    macOS and for musl; its wheel renamed for aarch64; rpds's win32 module renamed win_amd64."""
    src = pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)
    old = "markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so"
    for n, (new_suffix, honest) in enumerate(
        [
            ("aarch64-linux-gnu", "manylinux2014_aarch64.manylinux_2_17_aarch64"),
            ("darwin", None),
            ("x86_64-linux-musl", "musllinux_*_x86_64"),
        ]
    ):
        lie = fabricate(
            src, tmp_path / str(n), rename={old: old.replace("x86_64-linux-gnu", new_suffix)}
        )
        result = check(lie)
        assert result.exit_code == 1
        (finding,) = [f for f in result.extra["findings"] if f["rule"] == PLATFORM_RULE]
        assert finding["tags"] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        assert finding["honest"] == honest and f"(suffix {new_suffix})" in finding["text"]
    aarch64 = "MarkupSafe-3.0.2-cp312-cp312-manylinux2014_aarch64.manylinux_2_17_aarch64.whl"
    tags = ["cp312-cp312-manylinux2014_aarch64", "cp312-cp312-manylinux_2_17_aarch64"]
    moved = check(fabricate(src, tmp_path / "arm", aarch64, wheel_tags=tags))
    (finding,) = [f for f in moved.extra["findings"] if f["rule"] == PLATFORM_RULE]
    assert finding["tags"] == ["manylinux2014_aarch64", "manylinux_2_17_aarch64"]
    assert finding["honest"] == "manylinux2014_x86_64.manylinux_2_17_x86_64"
    rpds = pypi(RPDS_WIN32.filename, RPDS_WIN32.sha256)
    assert check(rpds).status == "clean"
    pyd = "rpds/rpds.cp312-win32.pyd"
    win = check(fabricate(rpds, tmp_path / "win", rename={pyd: pyd.replace("win32", "win_amd64")}))
    (finding,) = win.extra["findings"]  # the PE is x86: only the name lies
    assert finding["tags"] == ["win32"] and finding["honest"] == "win_amd64"


@pytest.mark.network
def test_cp312_glibc_suffix_in_a_musllinux_wheel(pypi: Fetch, tmp_path: Path) -> None:
    src = pypi(NUMPY_MUSL.filename, NUMPY_MUSL.sha256)
    with zipfile.ZipFile(src) as zf:
        modules = [n for n in zf.namelist() if n.endswith("-x86_64-linux-musl.so")]
    rename = {m: m.replace("-linux-musl.so", "-linux-gnu.so") for m in modules}
    result = check(fabricate(src, tmp_path, rename=rename))
    (finding,) = result.extra["findings"]
    assert finding["tags"] == ["musllinux_1_2_x86_64"] and result.exit_code == 1
    assert f"(and {len(modules) - 1} more module(s) like it)" in finding["problem"]
    assert "a musl CPython 3.12 imports only .cpython-312-x86_64-linux-musl.so" in finding["text"]
