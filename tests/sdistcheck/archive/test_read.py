"""The sdist reader against hostile, broken and ordinary archives (public API only)."""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import io
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from paths import SCRIPTS

from sdistcheck._errors import (
    ArchiveLimitError,
    SdistCheckError,
    UnreadableArchiveError,
    UnsafeArchiveError,
)
from sdistcheck.archive.read import Limits, default_keep, read_sdist

if TYPE_CHECKING:
    from _typeshed import Buffer

SCRIPT = SCRIPTS / "make_hostile_archives.py"
NO_LIMITS = Limits(max_member_size=1 << 40, max_total_size=1 << 40)  # only the ratio is left


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_hostile_archives", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hostile = _load_script()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Every archive of the script, built once; afterwards, nothing new may be in the directory."""
    out = tmp_path_factory.mktemp("hostile")
    paths: dict[str, Path] = hostile.build_all(out)
    before = sorted(p.name for p in out.rglob("*"))
    yield paths
    assert sorted(p.name for p in out.rglob("*")) == before, "the reader wrote files"
    assert not (out / hostile.PWNED_MARKER).exists()
    assert not (out.parent / "evil").exists() and not (out.parent.parent / "evil").exists()


def _raises(path: Path, error: type[SdistCheckError], limits: Limits | None = None) -> str:
    with pytest.raises(error) as info:
        read_sdist(path, limits or Limits())
    message = str(info.value)
    assert message.startswith(f"{path.name}: "), message
    assert "\n" not in message
    return message


Member = tuple[str, "bytes | str | None", str]


def _tar(path: Path, members: list[Member], mode: str = "w:gz") -> Path:
    """(name, data, kind) with kind "f", "d", "l" (symlink; data is the target) or "h"."""
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as tf:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            payload = data.encode() if isinstance(data, str) else data
            if kind == "f":
                info.size = len(payload or b"")
                tf.addfile(info, io.BytesIO(payload or b""))
                continue
            info.type = {"d": tarfile.DIRTYPE, "l": tarfile.SYMTYPE, "h": tarfile.LNKTYPE}[kind]
            info.linkname = str(data or "")
            tf.addfile(info)
    return path


# --- hostile and broken input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "member", "reason"),
    [
        ("traversal.tar.gz", "p-1/../../evil", "climbs out"),
        ("absolute.tar.gz", "/etc/evil", "absolute path"),
        ("absolute_windows.tar.gz", "C:\\evil.txt", "absolute path"),
        ("symlink_abs.tar.gz", "p-1/link", "'/etc/passwd' is absolute"),
        ("symlink_rel.tar.gz", "p-1/link", "'../../x' leaves the archive"),
        ("hardlink_out.tar.gz", "p-1/hl", "'../etc/passwd' leaves the archive"),
        ("chardev.tar.gz", "p-1/null", "character device"),
        ("fifo.tar.gz", "p-1/pipe", "FIFO"),
        ("zip_symlink.zip", "p-1/link", "'../../etc/passwd' leaves the archive"),
    ],
)
def test_unsafe_members_are_refused(
    built: dict[str, Path], name: str, member: str, reason: str
) -> None:
    with pytest.raises(UnsafeArchiveError) as info:
        read_sdist(built[name])
    assert (info.value.artifact, info.value.member) == (name, member)
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{name}: unsafe member {member!r}")


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ([("\\\\server\\share\\x", "x", "f")], "absolute path"),
        ([("p-1/a", "x", "f"), ("p-1/l", "C:\\Windows", "l")], "is absolute"),
        ([("p-1/x", "x", "f"), ("p-1/h", "/etc/passwd", "h")], "is absolute"),
        ([("p-1/x", "x", "f"), ("q-1/l", "../../p-1/x", "l")], "leaves the archive"),
        # Inside the archive, but beside the sdist root: outside it once extracted.
        ([("p-1/x", "x", "f"), ("p-1/l", "../q-1/x", "l")], "leaves the sdist"),
        # `..` after a link resolves through the link target, not lexically.
        # (p-1/a/b/s is p-1, so p-1/a/b/s/../../../x is ../x once extracted.)
        ([("p-1/a/b/s", "../..", "l"), ("p-1/a/b/s/../../../x", "", "f")], "after a symlink"),
        ([("p-1/a/b/s", "../..", "l"), ("p-1/a/b/s/l", "../../../..", "l")], "after a link"),
    ],
)
def test_more_escapes_are_refused(
    tmp_path: Path, members: list[tuple[str, str, str]], reason: str
) -> None:
    path = _tar(tmp_path / "t.tar.gz", list(members))
    with pytest.raises(UnsafeArchiveError) as info:
        read_sdist(path)
    assert reason in info.value.reason


def test_setup_py_never_runs(built: dict[str, Path]) -> None:
    tree = read_sdist(built["pwned.tar.gz"])
    assert b"PWNED" in (tree.read_bytes("setup.py") or b"")
    assert not (built["pwned.tar.gz"].parent / hostile.PWNED_MARKER).exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.tar.gz", "empty file, not an sdist"),
        ("random.tar.gz", "not a tar or zip archive"),
        ("truncated.tar.gz", "truncated or corrupt archive: Compressed file ended"),
        ("truncated.tar", "truncated or corrupt archive: unexpected end of data"),
        ("no_end_marker.tar", "truncated or corrupt archive: no end-of-archive marker"),
    ],
)
def test_unreadable_input(built: dict[str, Path], name: str, text: str) -> None:
    assert text in _raises(built[name], UnreadableArchiveError)


def test_unreadable_paths(tmp_path: Path) -> None:
    assert "No such file" in _raises(tmp_path / "gone.tar.gz", UnreadableArchiveError)
    (tmp_path / "d.tar.gz").mkdir()
    assert "is a directory" in _raises(tmp_path / "d.tar.gz", UnreadableArchiveError)
    _tar(tmp_path / "none.tar.gz", [])
    assert "no members" in _raises(tmp_path / "none.tar.gz", UnreadableArchiveError)
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    assert "corrupt" in _raises(tmp_path / "bad.zip", UnreadableArchiveError)
    (tmp_path / "text.tar.gz").write_bytes(gzip.compress(b"not a tar" * 100, mtime=0))
    assert "corrupt" in _raises(tmp_path / "text.tar.gz", UnreadableArchiveError)


def test_damaged_archives_never_escape(built: dict[str, Path], tmp_path: Path) -> None:
    """Every byte flip in a few places of each format ends in an SdistCheckError or a tree."""
    for name in ("valid.tar.gz", "valid.tar.bz2", "valid.tar.xz", "valid.tar", "valid.zip"):
        data = built[name].read_bytes()
        target = tmp_path / name
        for i in range(0, len(data), max(1, len(data) // 40)):
            target.write_bytes(data[:i] + bytes([data[i] ^ 0x5A]) + data[i + 1 :])
            with contextlib.suppress(SdistCheckError):
                read_sdist(target)


# --- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gzip_bomb.tar.gz", "zip_bomb.zip"])
def test_bomb_stops_at_the_member_size_limit(built: dict[str, Path], name: str) -> None:
    start = time.perf_counter()
    message = _raises(built[name], ArchiveLimitError)
    assert time.perf_counter() - start < 2
    assert "'p-1/zeros.bin' exceeds the 256 MiB member size limit" in message
    assert "--max-member-size" in message


@pytest.mark.parametrize("name", ["gzip_bomb.tar.gz", "zip_bomb.zip"])
def test_bomb_stops_at_the_ratio_limit(built: dict[str, Path], name: str) -> None:
    start = time.perf_counter()
    message = _raises(built[name], ArchiveLimitError, NO_LIMITS)
    assert time.perf_counter() - start < 3  # about 32 MiB inflated, not 2 GiB
    assert "'p-1/zeros.bin' expands more than 200:1" in message


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readinto(self, buffer: Buffer) -> int:
        n = min(len(memoryview(buffer)), self.left)
        memoryview(buffer)[:n] = bytes(n)
        self.left -= n
        return n


def test_bomb_is_judged_on_what_was_inflated(tmp_path: Path) -> None:
    """The ratio's denominator is the compressed bytes inflated so far: an inflater reading far
    ahead (zlib-ng asks for 512 KiB) would let the first member through and stop the second."""
    path = tmp_path / "bomb.tar.gz"
    with gzip.open(path, "wb") as gz, tarfile.open(fileobj=gz, mode="w") as tf:
        for name, size in (("p-1/a.bin", 34 * 1024**2), ("p-1/b.bin", 300 * 1024**2)):
            info = tarfile.TarInfo(name)
            info.size = size
            tf.addfile(info, _Zeros(size))
    message = _raises(path, ArchiveLimitError, NO_LIMITS)
    assert "'p-1/a.bin' expands more than 200:1" in message


def test_total_size_limit(tmp_path: Path) -> None:
    path = _tar(tmp_path / "t.tar.gz", [(f"p-1/f{i}.bin", bytes(1000), "f") for i in range(5)])
    message = _raises(path, ArchiveLimitError, Limits(max_total_size=3500))
    assert "'p-1/f3.bin' takes the archive past the 3500 bytes total size limit" in message
    zpath = tmp_path / "t.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for i in range(5):
            zf.writestr(f"p-1/f{i}.bin", bytes(1024))
    message = _raises(zpath, ArchiveLimitError, Limits(max_total_size=3 * 1024))
    assert "'p-1/f3.bin' takes the archive past the 3 KiB total size limit" in message


def test_many_members(built: dict[str, Path]) -> None:
    start = time.perf_counter()
    message = _raises(built["many_members.tar.gz"], ArchiveLimitError, Limits(max_members=1000))
    assert time.perf_counter() - start < 2
    assert "is past the 1,000 member limit (raise with --max-members)" in message
    start = time.perf_counter()
    tree = read_sdist(built["many_members.tar.gz"])
    elapsed = time.perf_counter() - start
    assert len(tree) == hostile.MANY_MEMBERS and tree.root_prefix == "p-1"
    assert elapsed < 20, f"150,000 members took {elapsed:.1f} s"  # ~6 s here, on a loaded box


def test_huge_tar_header_is_refused(tmp_path: Path) -> None:
    """tarfile reads a pax header whole: one of 17 MiB must not be buffered, let alone 17 GiB."""
    path = tmp_path / "pax.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        tf.addfile(tarfile.TarInfo("p-1/a.py"))
        big = tarfile.TarInfo("p-1/b.py")
        big.pax_headers = {"comment": "x" * (17 * 1024**2)}
        tf.addfile(big)
    assert "tar headers after member 'p-1/a.py' exceed 16 MiB" in _raises(path, ArchiveLimitError)


def test_many_zip_members_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(50):
            zf.writestr(f"p-1/f{i}", b"")
    assert "member limit" in _raises(path, ArchiveLimitError, Limits(max_members=10))


# --- ordinary sdists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["valid.tar.gz", "valid.tar.bz2", "valid.tar.xz", "valid.tar", "valid.zip"]
)
def test_valid_sdists(built: dict[str, Path], name: str) -> None:
    tree = read_sdist(built[name])
    assert tree.artifact == name and tree.root_prefix == "p-1"
    assert tree.files == {"pyproject.toml", "PKG-INFO", "src/p/__init__.py"}
    assert tree.read_text("pyproject.toml") == '[project]\nname = "p"\nversion = "1"\n'
    assert tree.read_text("PKG-INFO") == "Metadata-Version: 2.1\nName: p\nVersion: 1\n"
    assert tree.is_dir("src/p") and tree.is_file("src/p/__init__.py")


def test_detection_is_by_content_not_name(built: dict[str, Path], tmp_path: Path) -> None:
    for name in ("valid.tar.bz2", "valid.zip", "valid.tar"):
        renamed = tmp_path / f"{name}.tar.gz"
        renamed.write_bytes(built[name].read_bytes())
        assert read_sdist(renamed).is_file("pyproject.toml")


def test_non_utf8_names(built: dict[str, Path], tmp_path: Path) -> None:
    tree = read_sdist(built["non_utf8.tar.gz"])
    assert "caf\udce9.txt" in tree.files and tree.read_bytes("caf\udce9.txt") == b"x"
    path = tmp_path / "p-1.tar.gz"
    _tar(path, [("p-1/caf\udce9/../../../x", "x", "f")])
    with pytest.raises(UnsafeArchiveError) as info:
        read_sdist(path)
    str(info.value).encode("utf-8")  # printable: the surrogate is escaped by repr()


def test_big_and_unwanted_files_are_recorded_without_content(tmp_path: Path) -> None:
    path = _tar(
        tmp_path / "p.tar.gz",
        [
            ("p-1/big.rs", "x" * 2000, "f"),
            ("p-1/small.rs", "fn main() {}", "f"),
            ("p-1/docs/logo.png", "png", "f"),
        ],
    )
    tree = read_sdist(path, Limits(max_parse_size=1000))
    assert tree.files == {"big.rs", "small.rs", "docs/logo.png"}
    assert tree.contents == {"small.rs": b"fn main() {}"}


def test_small_files_at_the_top_are_kept_whatever_their_name(tmp_path: Path) -> None:
    # setup.py may read a marker or version file there (stringzilla 5.3.2's SZ_TARGET.env)
    members = [
        ("p-1/SZ_TARGET.env", "stringzilla\n", "f"),
        ("p-1/VERSION", "1.0", "f"),
        ("p-1/logo.png", "x" * 5000, "f"),  # not small
        ("p-1/docs/notes.env", "x", "f"),  # not at the top
    ]
    tree = read_sdist(_tar(tmp_path / "p.tar.gz", members))
    assert tree.contents == {"SZ_TARGET.env": b"stringzilla\n", "VERSION": b"1.0"}
    flat = read_sdist(_tar(tmp_path / "flat.tar.gz", [("VERSION", "2.0", "f")]))
    assert flat.contents == {"VERSION": b"2.0"}


def test_custom_keep_gets_sdist_relative_paths(tmp_path: Path) -> None:
    path = _tar(tmp_path / "p.tar.gz", [("p-1/a/data.bin", "1", "f"), ("p-1/data.bin", "2", "f")])
    tree = read_sdist(path, keep=lambda p: p == "data.bin")
    assert tree.contents == {"data.bin": b"2"}


def test_in_tree_links(tmp_path: Path) -> None:
    path = _tar(
        tmp_path / "p.tar.gz",
        [
            ("p-1/LICENSE", "MIT", "f"),
            ("p-1/python/pkg/LICENSE.txt", "../../LICENSE", "l"),
            ("p-1/docs/copy.txt", "p-1/LICENSE", "h"),
            ("p-1/docs/up", "..", "l"),  # the sdist root itself
        ],
    )
    tree = read_sdist(path)
    assert tree.links == {
        "python/pkg/LICENSE.txt": "LICENSE",
        "docs/copy.txt": "LICENSE",
        "docs/up": "",
    }
    assert tree.is_file("python/pkg/LICENSE.txt") and tree.is_file("docs/copy.txt")
    assert tree.read_text("python/pkg/LICENSE.txt") == "MIT"  # read through the link
    assert tree.exists("docs/up")


def test_duplicate_member_later_wins(tmp_path: Path) -> None:
    path = _tar(
        tmp_path / "p.tar.gz",
        [
            ("p-1/setup.py", "first", "f"),
            ("p-1/x.toml", "y.toml", "l"),
            ("p-1/setup.py", "second", "f"),
            ("p-1/x.toml", "a = 1", "f"),
        ],
    )
    tree = read_sdist(path)
    assert tree.read_text("setup.py") == "second"
    assert tree.read_text("x.toml") == "a = 1" and not tree.links


def test_prefix_only_when_all_members_share_one_directory(tmp_path: Path) -> None:
    path = _tar(tmp_path / "p.tar.gz", [("./p-1/setup.py", "", "f"), ("q-1/setup.py", "", "f")])
    tree = read_sdist(path)
    assert tree.root_prefix == "" and tree.files == {"p-1/setup.py", "q-1/setup.py"}
    path = _tar(tmp_path / "f.tar.gz", [("setup.py", "", "f")])
    assert read_sdist(path).root_prefix == ""
    path = _tar(tmp_path / "dots.tar.gz", [("./", None, "d"), ("./p-1/a/../setup.py", "", "f")])
    tree = read_sdist(path)
    assert (tree.root_prefix, tree.files) == ("p-1", {"setup.py"})


def test_zip_sdist(tmp_path: Path) -> None:
    path = tmp_path / "p-1.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p-1/setup.py", "from setuptools import setup\n")
        zf.writestr("p-1/src/", "")
        link = zipfile.ZipInfo("p-1/setup.cfg")
        link.create_system, link.external_attr = 3, 0o120777 << 16
        zf.writestr(link, "setup.py")
    tree = read_sdist(path)
    assert tree.root_prefix == "p-1" and tree.is_dir("src")
    assert tree.links == {"setup.cfg": "setup.py"}
    assert tree.read_text("setup.cfg") == "from setuptools import setup\n"


@pytest.mark.parametrize("mode", ["w:bz2", "w:xz", "w:"])
def test_other_compressions(tmp_path: Path, mode: str) -> None:
    path = _tar(tmp_path / "p-1.tar", [("p-1/Cargo.toml", "[package]", "f")], mode)
    assert read_sdist(path).read_text("Cargo.toml") == "[package]"


def test_default_keep() -> None:
    for path in ("a/CMakeLists.txt", "build.rs", "x/y.PYX", "meson.options", "go.mod", "a.lock"):
        assert default_keep(path), path
    assert default_keep("PKG-INFO")  # name and version are read from it
    for path in ("logo.png", "README.md", "LICENSE", "a.so", "toml"):
        assert not default_keep(path), path


def test_a_header_without_suffix_in_a_folder_is_kept(tmp_path: Path) -> None:
    # Eigen's <Eigen/Core> is a header with no suffix; a LICENSE at the top is no source
    path = _tar(
        tmp_path / "p.tar.gz",
        [
            ("p-1/LICENSE", "MIT license text " * 300, "f"),  # more than a small marker file
            ("p-1/eigen/Eigen/Core", '#include "src/Core.h"', "f"),
            ("p-1/data/blob", "x" * 300_000, "f"),  # suffix-less and large: data, not a header
        ],
    )
    tree = read_sdist(path)
    assert tree.read_text("eigen/Eigen/Core") == '#include "src/Core.h"'
    assert tree.read_text("LICENSE") is None
    assert tree.is_file("data/blob") and tree.read_text("data/blob") is None
