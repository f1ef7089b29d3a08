"""retag.validate.binfmt: reading binfmt_misc handlers and deciding whether foreign code can run."""

from __future__ import annotations

from pathlib import Path

from paths import BIN

from retag.validate.binfmt import emulation, parse_handler

# /proc/sys/fs/binfmt_misc/qemu-aarch64 as the kernel shows qemu-user-static's registration
QEMU_AARCH64 = """enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: POF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
"""
PYTHON_EXT = """enabled
interpreter /usr/bin/python3.11
flags:
extension .pyc
"""


def _binfmt(tmp: Path, **handlers: str) -> Path:
    (tmp / "register").write_text("")
    (tmp / "status").write_text("enabled\n")
    for name, text in handlers.items():
        (tmp / name.replace("_", "-")).write_text(text)
    return tmp


def _head(name: str) -> bytes:
    return (BIN / name).read_bytes()[:64]


def test_handler_matches_real_aarch64_binaries_only() -> None:
    handler = parse_handler("qemu-aarch64", QEMU_AARCH64)
    assert handler.enabled and handler.flags == "POF"
    assert handler.matches(_head("static-pie-aarch64"))  # ET_DYN
    assert handler.matches(_head("glibc-static-aarch64"))  # ET_EXEC
    assert not handler.matches(_head("musl-static-x86_64"))
    assert not handler.matches(b"\x7fELF")  # too short to decide
    assert not parse_handler("python3.11", PYTHON_EXT).matches(_head("static-pie-aarch64"))


def test_native_needs_no_handler(tmp_path: Path) -> None:
    assert emulation("x86_64", _head("musl-static-x86_64"), tmp_path, host="x86_64").ok
    assert emulation("i686", _head("glibc-dynamic-i686"), tmp_path, host="x86_64").native


def test_registered_handler_with_f_flag(tmp_path: Path) -> None:
    root = _binfmt(tmp_path, qemu_aarch64=QEMU_AARCH64, python3_11=PYTHON_EXT)
    result = emulation("aarch64", _head("static-pie-aarch64"), root, host="x86_64")
    assert result.ok and result.handler == "qemu-aarch64" and not result.native


def test_not_mounted_says_how_to_mount_and_register(tmp_path: Path) -> None:
    result = emulation("aarch64", _head("static-pie-aarch64"), tmp_path, host="x86_64")
    assert not result.ok and "not mounted" in (result.problem or "")
    assert "mount -t binfmt_misc" in (result.fix or "")
    assert "qemu-aarch64.conf" in (result.fix or "")


def test_no_handler_for_the_arch(tmp_path: Path) -> None:
    root = _binfmt(tmp_path, python3_11=PYTHON_EXT)
    result = emulation("aarch64", _head("static-pie-aarch64"), root, host="x86_64")
    assert "qemu-user is not registered" in (result.problem or "")
    assert "apt-get install qemu-user-static" in (result.fix or "")


def test_disabled_handler_and_disabled_binfmt(tmp_path: Path) -> None:
    root = _binfmt(tmp_path, qemu_aarch64=QEMU_AARCH64.replace("enabled", "disabled"))
    result = emulation("aarch64", _head("static-pie-aarch64"), root, host="x86_64")
    assert "disabled" in (result.problem or "") and "echo 1 >" in (result.fix or "")
    (root / "status").write_text("disabled\n")
    assert "binfmt_misc is disabled" in (emulation("aarch64", b"", root, "x86_64").problem or "")


def test_handler_without_fix_binary_flag_cannot_serve_containers(tmp_path: Path) -> None:
    root = _binfmt(tmp_path, qemu_aarch64=QEMU_AARCH64.replace("flags: POF", "flags: P"))
    result = emulation("aarch64", _head("static-pie-aarch64"), root, host="x86_64")
    assert "lacks flag F" in (result.problem or "")
