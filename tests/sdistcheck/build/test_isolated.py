"""Building the wheel from an sdist (this runs the tiny test package's setup.py), then diagnosis."""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

import build
import pytest

from sdistcheck._errors import SdistCheckError
from sdistcheck.build.diagnose import diagnose
from sdistcheck.build.isolated import BuildError, build_sdist_wheel, extract_sdist, verify_wheel

TINY = {
    "PKG-INFO": "Metadata-Version: 2.1\nName: tinyext\nVersion: 0.1\n",
    "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
    'build-backend = "setuptools.build_meta"\n',
    "setup.py": "from setuptools import Extension, setup\n\n"
    'setup(name="tinyext", version="0.1", packages=["tinyext"], package_dir={"": "src"},\n'
    '      ext_modules=[Extension("tinyext._speed", ["src/tinyext/_speed.c"])])\n',
    "src/tinyext/__init__.py": "",
    "src/tinyext/_speed.c": '#include <Python.h>\n#include "speed.h"\n\n'
    'static struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, NULL};\n'
    "PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&m); }\n",
    "src/tinyext/speed.h": "#define SPEED 1\n",
}
HAS_CC = shutil.which(str(sysconfig.get_config_var("CC") or "cc").split()[0]) is not None
needs_cc = pytest.mark.skipif(not HAS_CC, reason="no C compiler")
needs_setuptools = pytest.mark.skipif(
    importlib.util.find_spec("setuptools") is None,
    reason="setuptools is not installed here (needed without isolation)",
)


def _sdist(tmp: Path, files: dict[str, str], name: str = "tinyext-0.1") -> Path:
    path = tmp / f"{name}.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        for rel, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size, info.mode = len(data), 0o644
            tf.addfile(info, io.BytesIO(data))
    return path


def _without(*paths: str) -> dict[str, str]:
    return {k: v for k, v in TINY.items() if k not in paths}


@pytest.mark.network
@needs_cc
def test_isolated_build_succeeds_and_the_wheel_is_verified(tmp_path: Path) -> None:
    lines: list[str] = []
    start = time.monotonic()
    result = build_sdist_wheel(_sdist(tmp_path, TINY), tmp_path / "work", progress=lines.append)
    assert result.ok, result.log.read_text()
    assert time.monotonic() - start < 60
    assert result.wheel is not None and result.wheel.name.startswith("tinyext-0.1-")
    assert result.wheel.parent == tmp_path / "work" / "dist"
    assert result.wheel_problems == ()
    assert any("Successfully installed setuptools" in line for line in lines)  # pip's output too
    assert result.project_dir == tmp_path / "work" / "src" / "tinyext-0.1"


@needs_cc
@needs_setuptools
def test_build_without_isolation(tmp_path: Path) -> None:
    lines: list[str] = []
    result = build_sdist_wheel(
        _sdist(tmp_path, TINY), tmp_path / "work", isolation=False, progress=lines.append
    )
    assert result.ok, result.log.read_text()
    assert result.wheel is not None and result.wheel_problems == ()
    log = result.log.read_text()
    assert "building 'tinyext._speed' extension" in log
    assert [line for line in lines if line] == [line for line in log.splitlines() if line]
    assert result.project_files == frozenset(TINY)
    assert 0 < result.seconds < 60


@needs_cc
@needs_setuptools
def test_missing_header_is_diagnosed(tmp_path: Path) -> None:
    result = build_sdist_wheel(
        _sdist(tmp_path, _without("src/tinyext/speed.h")), tmp_path / "work", isolation=False
    )
    assert not result.ok and result.wheel is None
    log = result.log.read_text()
    assert "fatal error: speed.h: No such file or directory" in log
    causes = diagnose(log, str(result.project_dir), result.project_files)
    assert (causes[0].kind, causes[0].path) == ("missing-file", "src/tinyext/speed.h")
    assert causes[0].evidence.startswith("src/tinyext/_speed.c:2:10: fatal error: speed.h")


@needs_setuptools
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX PATH lookup")
def test_no_compiler_on_path_is_a_missing_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiler = str(sysconfig.get_config_var("CC") or "cc").split()[0]
    if os.path.isabs(compiler):
        pytest.skip("this Python names its compiler by absolute path")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # the backend runs by absolute path; gcc is not found
    monkeypatch.delenv("CC", raising=False)
    result = build_sdist_wheel(_sdist(tmp_path, TINY), tmp_path / "work", isolation=False)
    assert not result.ok
    causes = diagnose(result.log.read_text(), str(result.project_dir), result.project_files)
    assert causes[0].kind == "missing-tool", causes
    assert causes[0].hint == "install a C compiler (e.g. apt-get install gcc)"


@needs_setuptools
def test_missing_file_read_by_setup_py(tmp_path: Path) -> None:
    files = dict(TINY, **{"setup.py": "open('requirements.txt').read()\n" + TINY["setup.py"]})
    result = build_sdist_wheel(_sdist(tmp_path, files), tmp_path / "work", isolation=False)
    assert not result.ok
    (cause,) = diagnose(result.log.read_text(), str(result.project_dir), result.project_files)
    assert (cause.kind, cause.path) == ("missing-file", "requirements.txt")


@needs_setuptools  # the backend itself is asked for its requirements
def test_missing_requirements_without_isolation(tmp_path: Path) -> None:
    files = dict(TINY)
    files["pyproject.toml"] = (
        '[build-system]\nrequires = ["sdistcheck-no-such-package-7f3a"]\n'
        'build-backend = "setuptools.build_meta"\n'
    )
    result = build_sdist_wheel(_sdist(tmp_path, files), tmp_path / "work", isolation=False)
    assert not result.ok
    (cause,) = diagnose(result.log.read_text(), str(result.project_dir))
    assert cause.kind == "requirements"
    assert "sdistcheck-no-such-package-7f3a" in cause.evidence


@needs_setuptools
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    setup = (
        "import subprocess, sys\nfrom setuptools import setup\n"
        "if 'bdist_wheel' in sys.argv:\n"
        "    child = subprocess.Popen(['sleep', '300'])\n"
        f"    open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "    print('generating tables', flush=True)\n"
        "    child.wait()\n"
        "setup(name='tinyext', version='0.1', py_modules=[])\n"
    )
    files = {k: v for k, v in TINY.items() if not k.startswith("src/")}
    files["setup.py"] = setup
    start = time.monotonic()
    result = build_sdist_wheel(
        _sdist(tmp_path, files), tmp_path / "work", isolation=False, timeout=3
    )
    assert time.monotonic() - start < 30
    assert not result.ok
    log = result.log.read_text()
    assert "generating tables" in log
    (cause,) = diagnose(log, str(result.project_dir))
    assert (cause.kind, cause.evidence) == (
        "timeout",
        "sdistcheck: timed out after 3 s; killed the build's processes",
    )
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # killed: gone, or a zombie nobody reaps in a container
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            break
        if state in ("Z", "X"):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the build's child process {pid} survived the timeout")


def test_unexpected_errors_become_one_build_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something odd\nwith a second line")

    monkeypatch.setattr(build, "ProjectBuilder", broken)
    with pytest.raises(BuildError) as info:
        build_sdist_wheel(_sdist(tmp_path, TINY), tmp_path / "work", isolation=False)
    assert str(info.value) == (
        "tinyext-0.1.tar.gz: build could not run: RuntimeError: something odd"
    )


# --- extraction: vetted by read_sdist first -------------------------------------------------------


def _hostile(tmp: Path, name: str, kind: str, target: str = "") -> Path:
    path = tmp / "evil-1.0.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        for member, data in (("evil-1.0/PKG-INFO", b"Name: evil\n"), ("evil-1.0/setup.py", b"")):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo(name)
        if kind == "f":
            info.size = 4
            tf.addfile(info, io.BytesIO(b"pwnd"))
        else:
            info.type, info.linkname = tarfile.SYMTYPE, target
            tf.addfile(info)
    return path


@pytest.mark.parametrize(
    ("name", "kind", "target"),
    [
        ("evil-1.0/../../evil", "f", ""),
        ("/tmp/evil", "f", ""),
        ("evil-1.0/link", "l", "../../.."),
        ("evil-1.0/link", "l", "/etc"),
    ],
)
def test_hostile_sdist_is_refused_before_anything_is_extracted(
    tmp_path: Path, name: str, kind: str, target: str
) -> None:
    sdist = _hostile(tmp_path, name, kind, target)
    work = tmp_path / "deep" / "work"
    with pytest.raises(SdistCheckError):
        build_sdist_wheel(sdist, work, isolation=False)
    assert not (work / "src").exists()
    assert not (work / "build.log").exists()
    assert not list(tmp_path.rglob("evil"))


def test_extraction_keeps_in_tree_links_and_modes(tmp_path: Path) -> None:
    path = tmp_path / "p-1.0.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        for name, data, mode in (
            ("p-1.0/configure", b"#!/bin/sh\n", 0o4755),
            ("p-1.0/README", b"hi\n", 0o666),
        ):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("p-1.0/README.md")
        link.type, link.linkname = tarfile.SYMTYPE, "README"
        tf.addfile(link)
    project, tree = extract_sdist(path, tmp_path / "out")
    assert project == tmp_path / "out" / "p-1.0"
    assert (project / "README.md").is_symlink() and (project / "README.md").read_text() == "hi\n"
    assert (project / "configure").stat().st_mode & 0o7777 == 0o755  # setuid dropped
    assert (project / "README").stat().st_mode & 0o777 == 0o644  # world-writable dropped
    assert tree.root_prefix == "p-1.0"


def test_extraction_of_a_legacy_zip_sdist(tmp_path: Path) -> None:
    path = tmp_path / "z-1.0.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("z-1.0/build.sh")
        info.create_system, info.external_attr = 3, (0o100755 << 16)
        zf.writestr(info, "#!/bin/sh\n")
        zf.writestr("z-1.0/setup.py", "")
    project, _ = extract_sdist(path, tmp_path / "out")
    assert (project / "setup.py").is_file()
    assert os.access(project / "build.sh", os.X_OK)


# --- verifying the wheel --------------------------------------------------------------------------


def _wheel(tmp: Path, name: str, members: tuple[str, ...] | None = None) -> Path:
    path = tmp / name
    dist = "-".join(name.split("-")[:2])
    with zipfile.ZipFile(path, "w") as zf:
        for member in members or ("METADATA", "WHEEL", "RECORD"):
            zf.writestr(f"{dist}.dist-info/{member}", "")
    return path


def test_verify_wheel(tmp_path: Path) -> None:
    assert verify_wheel(_wheel(tmp_path, "tinyext-0.1-py3-none-any.whl")) == ()
    (problem,) = verify_wheel(_wheel(tmp_path, "tinyext-0.1-cp27-cp27m-win32.whl"))
    assert problem == "no tag of the wheel (cp27-cp27m-win32) fits this interpreter and platform"
    (problem,) = verify_wheel(tmp_path / "not-a-wheel.zip")
    assert problem.startswith("wheel file name does not parse")
    problems = verify_wheel(_wheel(tmp_path, "tinyext-0.1-py3-none-any.whl", ("METADATA",)))
    assert problems == (
        "wheel lacks tinyext-0.1.dist-info/WHEEL",
        "wheel lacks tinyext-0.1.dist-info/RECORD",
    )
    project = tmp_path / "proj"
    project.mkdir()
    (project / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: TinyExt\nVersion: 0.2\n")
    problems = verify_wheel(_wheel(tmp_path, "tinyext-0.1-py3-none-any.whl"), project)
    assert problems == ("wheel version 0.1 differs from the sdist's 0.2",)
