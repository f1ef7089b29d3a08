"""The loader's search for needed libraries in an installed wheel: real auditwheel-repaired numpy
and scipy wheels (DT_RPATH $ORIGIN/../../numpy.libs, vendored libraries reaching each other
through $ORIGIN), and gcc-built fixtures (a DT_RUNPATH written ${ORIGIN}/../demo.libs)."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable
from pathlib import Path

from paths import BIN
from real_wheels import NUMPY_MANYLINUX, SCIPY_MANYLINUX

from retag import _policy
from retag._jobs import read_and_analyse
from retag.binaries import loader
from retag.binaries.analysis import Binary, analyse

Fetch = Callable[[str, str], Path]
OPENBLAS = "numpy.libs/libscipy_openblas64_-56d6093b.so"
GFORTRAN = "libgfortran-040039e1-0352e75f.so.5.0.0"


def _fixture(member: str, name: str) -> Binary:
    b = analyse(member, (BIN / name).read_bytes())
    assert b is not None and b.elf is not None
    return b


def _elf_replace(b: Binary, **changes: object) -> Binary:
    assert b.elf is not None
    return dataclasses.replace(b, elf=dataclasses.replace(b.elf, **changes))  # type: ignore[arg-type]


def test_members_land_where_an_installer_puts_them() -> None:
    module = posixpath.dirname(loader.installed_path("pkg/m.so"))
    script = posixpath.dirname(loader.installed_path("pkg-1.0.data/scripts/tool"))
    assert loader.installed_path("pkg-1.0.data/platlib/pkg/m.so") == loader.installed_path(
        "pkg/m.so"
    )
    # site-packages is lib/pythonX.Y/site-packages under the prefix, bin/ beside lib/
    assert posixpath.relpath(script, module) == "../../../../bin"
    data = loader.installed_path("pkg-1.0.data/data/share/x")
    assert posixpath.relpath(data, posixpath.dirname(script)) == "share/x"


def test_a_runpath_with_braced_origin_reaches_its_library() -> None:
    needs = _fixture("pkg/libneedsplain.so.1", "libneedsplain.so.1")
    plain = _fixture("demo.libs/libplain.so.1", "libplain.so.1")
    members = [needs.member, plain.member]
    assert loader.resolve([needs, plain], members) == ()


def test_a_library_out_of_reach_is_unresolved_with_the_evidence() -> None:
    needs = _fixture("pkg/sub/libneedsplain.so.1", "libneedsplain.so.1")
    plain = _fixture("demo.libs/libplain.so.1", "libplain.so.1")
    (u,) = loader.resolve([needs, plain], [needs.member, plain.member])
    assert (u.member, u.name, u.chain, u.shipped) == (
        needs.member,
        "libplain.so.1",
        (),
        (plain.member,),
    )
    assert u.reach() == "its RUNPATH (${ORIGIN}/../demo.libs) does not reach it"
    assert u.fix() == "$ORIGIN/../../demo.libs"
    # nothing to search at all
    bare = _elf_replace(needs, runpath=())
    (u,) = loader.resolve([bare, plain], [needs.member, plain.member])
    assert u.reach() == "it has no RPATH or RUNPATH"


def test_a_file_of_another_machine_is_passed_over() -> None:
    """ld.so skips a file of the right name but the wrong class or machine, as auditwheel's
    find_lib does: an i686 file at the right place does not serve an x86_64 library."""
    needs = _fixture("pkg/libneedsplain.so.1", "libneedsplain.so.1")
    wrong = _fixture("demo.libs/libplain.so.1", "glibc-dynamic-i686")
    unresolved = loader.resolve([needs, wrong], [needs.member, wrong.member])
    (u,) = [u for u in unresolved if u.member == needs.member]
    assert (u.name, u.shipped) == ("libplain.so.1", (wrong.member,))


def _numpy(pypi: Fetch) -> tuple[list[Binary], list[str]]:
    wheel, binaries = read_and_analyse(pypi(NUMPY_MANYLINUX.filename, NUMPY_MANYLINUX.sha256))
    return binaries, list(wheel.members)


def test_numpy_finds_every_vendored_library(pypi: Fetch) -> None:
    binaries, members = _numpy(pypi)
    unresolved = loader.resolve(binaries, members)
    (policy,) = [p for p in _policy.manylinux_policies("x86_64") if p.version == (2, 17)]
    system = {u.name for u in unresolved}
    # only the system's libraries (and the dynamic loader, which openblas links) are left over
    assert system - policy.libraries == {"ld-linux-x86-64.so.2"}
    assert all(u.shipped == () for u in unresolved)
    assert loader.outside(binaries) == ()


def test_rpath_serves_the_loading_chain_and_runpath_does_not(pypi: Fetch) -> None:
    """glibc: a library without its own search path is found through the DT_RPATH of the
    objects that loaded it, never through their DT_RUNPATH."""
    binaries, members = _numpy(pypi)
    no_own = [_elf_replace(b, rpath=()) if b.member == OPENBLAS else b for b in binaries]
    assert all(u.shipped == () for u in loader.resolve(no_own, members))  # the chain serves
    as_runpath = [
        _elf_replace(b, rpath=(), runpath=b.elf.rpath)
        if b.elf is not None and b.member.startswith("numpy/")
        else b
        for b in no_own
    ]
    (u,) = [u for u in loader.resolve(as_runpath, members) if u.shipped]
    assert (u.member, u.name, u.shipped) == (OPENBLAS, GFORTRAN, (f"numpy.libs/{GFORTRAN}",))
    assert u.chain and u.chain[0].startswith("numpy/")  # reported once, from its first loader
    assert u.reach() == "it has no RPATH or RUNPATH"
    assert u.fix() == "$ORIGIN"


def test_scipy_resolves_and_names_its_build_path(pypi: Fetch) -> None:
    wheel, binaries = read_and_analyse(pypi(SCIPY_MANYLINUX.filename, SCIPY_MANYLINUX.sha256))
    assert all(u.shipped == () for u in loader.resolve(binaries, list(wheel.members)))
    assert loader.outside(binaries) == (
        loader.OutsideEntry(
            "scipy/special/cython_special.cpython-312-x86_64-linux-gnu.so",
            "RPATH",
            "/opt/_internal/cpython-3.12.7/lib/python3.12/site-packages/scipy_openblas32/lib",
            "an absolute path outside the wheel",
        ),
    )


def test_entries_relative_to_the_working_directory_are_outside() -> None:
    needs = _fixture("pkg/libneedsplain.so.1", "libneedsplain.so.1")
    odd = _elf_replace(needs, runpath=("$ORIGIN", "", "lib", "/usr/local/lib"))
    whys = [(o.entry, o.why) for o in loader.outside([odd])]
    assert whys == [
        ("", "an empty entry: the working directory"),
        ("lib", "a path relative to the working directory"),
        ("/usr/local/lib", "an absolute path outside the wheel"),
    ]
    # beside a RUNPATH the loader ignores the RPATH: so does the warning
    both = _elf_replace(needs, rpath=("/opt/build",))
    assert loader.outside([both]) == ()
