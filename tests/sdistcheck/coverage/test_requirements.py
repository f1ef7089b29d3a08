"""What a build of the sdist needs, from the check's findings and the build files."""

from __future__ import annotations

from sdistcheck._model import Reference, Report
from sdistcheck.archive.tree import SdistTree
from sdistcheck.coverage.environments import environments
from sdistcheck.coverage.requirements import COMPILER, MESON, RUST, build_needs, for_environment


def _report(backend: str | None, *kinds: str) -> Report:
    refs = tuple(Reference("t", "s", 1, "", k) for k in kinds)
    return Report("p-1.tar.gz", "p", "1", backend, (), references=refs)


def test_needs_from_backend_and_reference_kinds() -> None:
    assert build_needs(_report("meson-python", "meson-subdir")) == (MESON, COMPILER)
    assert build_needs(_report("maturin", "mod")) == (RUST,)
    needs = build_needs(_report("setuptools", "setuptools-ext-source", "cmake-add-subdirectory"))
    assert needs == (COMPILER, "CMake")
    assert build_needs(_report("hatch")) == ()


def test_needs_from_cargo_lock_and_build_files() -> None:
    tree = SdistTree.from_mapping(
        "p-1.tar.gz",
        {
            "Cargo.lock": '[[package]]\nname = "ring"\n[[package]]\nname = "cc"\n',
            "meson.build": "dep = dependency('openblas')\npy = dependency('python3')\n",
            "CMakeLists.txt": "find_package(ZLIB REQUIRED)\nfind_package(Python3)\n",
        },
    )
    needs = build_needs(_report("maturin", "cargo-manifest"), tree)
    assert needs[:3] == (RUST, COMPILER, "clang (the ring crate)")
    assert needs[-1] == "system libraries the build looks for: ZLIB, openblas"
    env = {e.key: e for e in environments()}
    assert "clang (the ring crate)" in for_environment(needs, env["win_arm64"])
    linux = for_environment(needs, env["manylinux_2_17_x86_64"])
    assert "clang (the ring crate)" not in linux and COMPILER in linux
    assert "C/C++ compiler (MSVC Build Tools)" in for_environment(needs, env["win32"])
