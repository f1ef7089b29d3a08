"""`retag validate` against a real engine (podman) and the images scripts/build-test-images makes.

The acceptance cases of the feature, on real PyPI wheels: uv-0.5.2's static musl wheel before
and after `retag`, its aarch64 wheel through qemu, and ninja's dynamically linked musl wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from containers import DEBIAN, MUSL, require_images
from paths import BIN
from real_wheels import NINJA_MUSL, UV_DUAL_AARCH64, UV_MUSL_X86_64

from retag.validate import binfmt as _binfmt

pytestmark = [pytest.mark.network, pytest.mark.containers]


def _validate(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "retag", "validate", "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def _cells(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {("empty" if c["origin"] == "empty" else c["image"]): c for c in result["cells"]}


def _ran(cell: dict[str, Any], where: str) -> dict[str, str]:
    """{command: first line} of the runs that worked; direct runs are named by their member,
    shown here by file name."""
    return {
        p["command"].rsplit("/", 1)[-1]: p["evidence"]
        for p in cell["probes"]
        if p["where"] == where and p["outcome"] == "runs"
    }


def test_uv_musl_wheel_before_and_after_retag(
    pypi: Callable[[str, str], Path], tmp_path: Path
) -> None:
    require_images(DEBIAN, MUSL)
    original = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    subprocess.run(
        [sys.executable, "-m", "retag", "--out-dir", str(tmp_path), str(original)],
        check=True,
        capture_output=True,
    )
    retagged = next(tmp_path.glob("*.whl"))
    code, report = _validate(str(original), str(retagged), "--image", DEBIAN, "--image", MUSL)
    assert code == 0 and report["exit_code"] == 0 and report["engine"] == "podman"
    before, after = (_cells(r) for r in report["results"])
    for cells in (before, after):  # static: runs in the empty, Debian and musl images alike
        for name in ("empty", DEBIAN, MUSL):
            assert _ran(cells[name], "direct") == {"uv": "uv 0.5.2", "uvx": "uv-tool-uvx 0.5.2"}
        assert cells["empty"]["status"] == "pass" and cells[MUSL]["status"] == "pass"
        assert cells[MUSL]["platform"] == "musl 1.2"
    # before: Debian's pip refuses the musllinux-only tag; not a target, and the note says why
    assert before[DEBIAN]["status"] == "not-target" and not before[DEBIAN]["target"]
    assert before[DEBIAN]["install"]["outcome"] == "installer-refused"
    assert "is not a supported wheel on this platform" in before[DEBIAN]["install"]["evidence"]
    assert "retag" in before[DEBIAN]["note"]
    # after: the same pip installs it and the installed uv runs
    assert after[DEBIAN]["status"] == "pass" and after[DEBIAN]["platform"] == "glibc 2.36"
    assert after[DEBIAN]["install"]["outcome"] == "installed"
    assert _ran(after[DEBIAN], "installed") == {"uv": "uv 0.5.2", "uvx": "uv-tool-uvx 0.5.2"}


def test_uv_aarch64_runs_through_qemu_in_the_empty_arm64_image(
    pypi: Callable[[str, str], Path],
) -> None:
    require_images()
    wheel = pypi(UV_DUAL_AARCH64.filename, UV_DUAL_AARCH64.sha256)
    head = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x03\x00\xb7\x00"
    if not _binfmt.emulation("aarch64", head).ok:
        reason = f"no aarch64 emulation: {_binfmt.emulation('aarch64', head).problem}"
        if os.environ.get("RELEASENET_REQUIRE_CONTAINERS") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    code, report = _validate(str(wheel), "--image", DEBIAN)
    result = report["results"][0]
    assert code == 0 and result["arch"] == "aarch64"
    assert [c["origin"] for c in result["cells"]] == ["empty"]  # the x86_64 image is skipped
    assert result["skipped"] == [f"{DEBIAN}: the image is x86_64, the wheel aarch64"]
    assert _ran(result["cells"][0], "direct")["uv"] == "uv 0.5.2"


def test_ninja_needs_the_musl_loader_and_makes_no_static_claim(
    pypi: Callable[[str, str], Path],
) -> None:
    require_images(DEBIAN, MUSL)
    wheel = pypi(NINJA_MUSL.filename, NINJA_MUSL.sha256)
    code, report = _validate(str(wheel), "--image", DEBIAN, "--image", MUSL)
    cells = _cells(report["results"][0])
    # musllinux-only and dynamically linked: no static claim, so no empty image to fail in
    assert code == 0 and "empty" not in cells
    (probe,) = cells[DEBIAN]["probes"][:1]
    assert probe["outcome"] == "missing-loader"
    assert probe["evidence"].startswith("needs the loader /lib/ld-musl-x86_64.so.1")
    assert cells[DEBIAN]["status"] == "not-target"  # musllinux: Debian is not its platform
    assert cells[DEBIAN]["install"]["outcome"] == "installer-refused"
    assert cells[MUSL]["status"] == "pass"
    assert _ran(cells[MUSL], "direct")["ninja"].startswith("1.13.2")


def test_without_emulation_the_cell_is_unchecked_not_broken(
    pypi: Callable[[str, str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_images()
    from retag.validate.engine import select_engine
    from retag.validate.run import Options, validate

    monkeypatch.setattr(_binfmt, "BINFMT_DIR", tmp_path)  # as on a host without binfmt_misc
    wheel = pypi(UV_DUAL_AARCH64.filename, UV_DUAL_AARCH64.sha256)
    result = validate(wheel, select_engine("podman"), Options(images=()), lambda _: None)
    (cell,) = [c for c in result.cells if c.origin == "empty"]
    assert cell.status == "unchecked" and not cell.probes
    assert "binfmt_misc is not mounted" in cell.reason
    assert cell.fix is not None and "mount -t binfmt_misc" in cell.fix
    assert result.exit_code == 2


def test_local_image_that_is_not_here_is_unchecked(pypi: Callable[[str, str], Path]) -> None:
    require_images()
    wheel = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    absent = "localhost/releasenet-test/absent:x86_64"
    code, report = _validate(str(wheel), "--image", absent)
    cells = _cells(report["results"][0])
    assert code == 2 and cells["empty"]["status"] == "pass"
    assert cells[absent]["status"] == "unchecked"
    assert "local images are never pulled" in cells[absent]["reason"]


def test_no_usable_engine_is_exit_2_with_the_reason(tmp_path: Path) -> None:
    from make_test_wheels import make_wheel

    wheel = make_wheel(tmp_path, tags=("py3-none-musllinux_1_1_x86_64",), files={"d/x.py": b""})
    code, report = _validate(str(wheel), "--engine", "docker")
    assert code == 2 and report["results"] == []
    expected = (
        "no Docker daemon is running" if shutil.which("docker") else "docker is not installed"
    )
    assert expected in report["error"]


def test_host_quirks_are_named_with_their_fix(
    pypi: Callable[[str, str], Path], tmp_path: Path
) -> None:
    require_images()
    wheel = pypi(UV_MUSL_X86_64.filename, UV_MUSL_X86_64.sha256)
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\nruntime = "runc"\n')  # no ulimits: the default exceeds the host's
    limits = subprocess.run(["sh", "-c", "ulimit -Hn"], capture_output=True, text=True).stdout
    if limits.strip() == "unlimited" or int(limits) > 1048576:
        pytest.skip("this host's hard nofile limit is high enough for podman's default")
    code, report = _validate(
        str(wheel), "--engine", "podman", "--image", MUSL, env={"CONTAINERS_CONF": str(conf)}
    )
    assert code == 2
    assert "rlimits above this host's hard limits" in report["error"]
    assert "default_ulimits" in report["error"]


def _fixture_wheel(tmp_path: Path, binary: str, tag: str) -> Path:
    from make_test_wheels import make_wheel

    files = {"demo/__init__.py": b"", "demo-1.0.data/scripts/hello": (BIN / binary).read_bytes()}
    return make_wheel(tmp_path, tags=(f"py3-none-{tag}",), files=files)


def test_a_dynamic_glibc_wheel_runs_where_its_tag_says(tmp_path: Path) -> None:
    require_images(DEBIAN, MUSL)
    wheel = _fixture_wheel(tmp_path, "glibc-dynamic-x86_64", "manylinux_2_34_x86_64")
    code, report = _validate(str(wheel), "--no-empty", "--image", DEBIAN, "--image", MUSL)
    cells = _cells(report["results"][0])
    assert code == 0 and "empty" not in cells
    assert cells[DEBIAN]["status"] == "pass" and _ran(cells[DEBIAN], "installed") == {
        "hello": "hello"
    }
    assert cells[MUSL]["status"] == "not-target"  # evidence only: no glibc loader there
    assert cells[MUSL]["probes"][0]["evidence"].startswith(
        "needs the loader /lib64/ld-linux-x86-64.so.2"
    )
    code, report = _validate(str(wheel), "--image", MUSL)  # no static claim: no empty image
    assert code == 0 and "empty" not in _cells(report["results"][0])


def test_a_dual_tagged_wheel_that_is_not_static_fails_in_the_empty_image(tmp_path: Path) -> None:
    require_images(MUSL)
    tags = "manylinux_2_34_x86_64.musllinux_1_2_x86_64"  # both libcs: a claim of static linkage
    wheel = _fixture_wheel(tmp_path, "glibc-dynamic-x86_64", tags)
    code, report = _validate(str(wheel), "--image", MUSL)
    empty = _cells(report["results"][0])["empty"]
    assert code == 1 and empty["status"] == "fail" and empty["target"]
    assert empty["probes"][0]["outcome"] == "missing-loader"


def test_code_of_another_architecture_than_the_tag_is_a_finding(tmp_path: Path) -> None:
    # qemu would run it anyway: the ELF analysis, not the run, catches the release bug
    require_images()
    wheel = _fixture_wheel(tmp_path, "glibc-static-aarch64", "manylinux_2_17_x86_64")
    code, report = _validate(str(wheel), "--image", DEBIAN)
    assert code == 1
    assert report["results"][0]["findings"] == [
        "demo-1.0.data/scripts/hello is aarch64 code, but the wheel's tags say x86_64"
    ]


def _leftovers() -> list[str]:
    done = subprocess.run(
        ["podman", "ps", "--all", "--filter", "name=releasenet-", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
    )
    images = subprocess.run(
        ["podman", "images", "--format", "{{.Repository}}:{{.Tag}}", "localhost/releasenet-empty"],
        capture_output=True,
        text=True,
    )
    return done.stdout.split() + images.stdout.split()


def test_every_executable_runs_even_when_two_share_a_name(tmp_path: Path) -> None:
    # a static tool in .data/scripts must not vouch for a dynamic one of the same name
    from make_test_wheels import make_wheel

    require_images(MUSL)
    files = {
        "demo/__init__.py": b"",
        "demo-1.0.data/scripts/tool": (BIN / "musl-static-x86_64").read_bytes(),
        "demo/bin/tool": (BIN / "musl-dynamic-x86_64").read_bytes(),
    }
    # tagged for both libcs: a claim of static linkage, which the empty image tests
    tags = "py3-none-manylinux_2_17_x86_64.musllinux_1_1_x86_64"
    wheel = make_wheel(tmp_path, tags=(tags,), files=files)
    code, report = _validate(str(wheel), "--image", MUSL)
    result = report["results"][0]
    assert code == 1 and sorted(result["executables"]) == [
        "demo-1.0.data/scripts/tool",
        "demo/bin/tool",
    ]
    assert result["commands"] == ["tool"]  # only .data/scripts and entry points are installed
    empty = _cells(result)["empty"]
    verdicts = {p["command"]: p["outcome"] for p in empty["probes"]}
    assert verdicts == {"demo-1.0.data/scripts/tool": "runs", "demo/bin/tool": "missing-loader"}
    assert _cells(result)[MUSL]["status"] == "pass"
    assert _leftovers() == []


def test_a_wheel_for_another_python_is_judged_by_its_binaries(tmp_path: Path) -> None:
    require_images(DEBIAN)
    from make_test_wheels import make_wheel

    files = {
        "demo/__init__.py": b"",
        "demo-1.0.data/scripts/hello": (BIN / "glibc-dynamic-x86_64").read_bytes(),
    }
    wheel = make_wheel(tmp_path, tags=("cp313-cp313-manylinux_2_34_x86_64",), files=files)
    code, report = _validate(str(wheel), "--no-empty", "--image", DEBIAN)
    cell = _cells(report["results"][0])[DEBIAN]
    assert code == 0 and cell["status"] == "pass" and cell["install"] is None
    assert cell["note"] == (
        "not installed: no python of the image (3.11) takes the wheel's interpreter tags"
    )


def test_a_hanging_binary_times_out_and_leaves_no_container(tmp_path: Path) -> None:
    # static-pie-aarch64 is freestanding and never exits: a timeout, through qemu
    require_images()
    from make_test_wheels import make_wheel

    if not _binfmt.emulation("aarch64", b"").ok:
        pytest.skip("no aarch64 emulation")
    files = {
        "demo/__init__.py": b"",
        "demo-1.0.data/scripts/spin": (BIN / "static-pie-aarch64").read_bytes(),
    }
    # musllinux-only with a static binary: the empty image is its target
    wheel = make_wheel(tmp_path, tags=("py3-none-musllinux_1_1_aarch64",), files=files)
    code, report = _validate(str(wheel), "--timeout", "3", "--image", DEBIAN)
    (cell,) = report["results"][0]["cells"]
    assert code == 1 and cell["status"] == "fail"
    assert [p["outcome"] for p in cell["probes"]] == ["timeout"]
    assert _leftovers() == []


def test_hostile_wheels_are_one_line_exit_2_and_nothing_escapes(tmp_path: Path) -> None:
    # every broken wheel of the retag suite, through `retag validate`: read before any run
    require_images(MUSL)
    from make_test_wheels import build_hostile

    hostile = build_hostile(tmp_path / "in")
    before = set(Path("/tmp").iterdir())
    for case, wheel in sorted(hostile.items()):
        code, report = _validate(str(wheel), "--image", MUSL)
        (result,) = report["results"]
        assert code == 2 and result["exit_code"] == 2, case
        assert result["error"] and "\n" not in result["error"] and result["cells"] == [], case
    assert not (tmp_path / "evil.py").exists() and not Path("/evil.py").exists()
    assert {
        p
        for p in set(Path("/tmp").iterdir()) - before
        if p.name.startswith(("releasenet-validate-", "releasenet-empty-"))
    } == set()
    assert _leftovers() == []
