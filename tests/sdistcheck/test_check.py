"""The uv incident, on the real PyPI files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from real_artifacts import UV_BROKEN, UV_FIXED

import sdistcheck
from sdistcheck._model import Scope, Severity

Fetch = Callable[[str, str], Path]
TRAMPOLINES = {
    f"crates/uv-trampoline/trampolines/uv-trampoline-{arch}-{kind}.exe": (arch, line)
    for arch, base in (("i686", 13), ("x86_64", 21), ("aarch64", 29))
    for kind, line in (("gui", base), ("console", base + 4))
}
CFG_ARCH = {"i686": "x86", "x86_64": "x86_64", "aarch64": "aarch64"}


@pytest.mark.network
def test_uv_0_5_2_misses_the_six_windows_trampolines(pypi: Fetch) -> None:
    report = sdistcheck.check_sdist(pypi(UV_BROKEN.filename, UV_BROKEN.sha256))
    assert {f.path for f in report.findings} == set(TRAMPOLINES)
    for finding in report.findings:
        arch, line = TRAMPOLINES[finding.path]
        assert finding.severity is Severity.ERROR and finding.scope is Scope.PLATFORM
        (ref,) = finding.references
        assert ref.source == "crates/uv-trampoline-builder/src/lib.rs"
        assert ref.line == line and ref.kind == "include_bytes"
        assert ref.condition == f'cfg(all(windows, target_arch = "{CFG_ARCH[arch]}"))'
        assert ref.text.startswith('include_bytes!("../../uv-trampoline/trampolines/')
        assert finding.platforms == f"Windows {CFG_ARCH[arch]}"
    (fix,) = report.fixes
    assert fix.file == "pyproject.toml"
    assert '{ path = "crates/uv-trampoline/trampolines/*.exe", format = "sdist" }' in fix.snippet
    assert report.backend == "maturin" and (report.name, report.version) == ("uv", "0.5.2")


@pytest.mark.network
def test_uv_0_5_3_is_complete(pypi: Fetch) -> None:
    report = sdistcheck.check_sdist(pypi(UV_FIXED.filename, UV_FIXED.sha256))
    assert report.errors == () and report.warnings == ()
    assert report.references_checked > 700  # the whole workspace was walked, not skipped


@pytest.mark.network
def test_ignore_option_and_config(pypi: Fetch) -> None:
    path = pypi(UV_BROKEN.filename, UV_BROKEN.sha256)
    options = sdistcheck.Options(ignore=("crates/uv-trampoline/trampolines/*",))
    assert sdistcheck.check_sdist(path, options).findings == ()


def test_fix_suggestions_per_backend() -> None:
    from sdistcheck._model import Finding
    from sdistcheck.backends.fixes import suggest

    findings = [Finding(p, Severity.ERROR, Scope.ALWAYS, ()) for p in ("a/x.h", "a/y.h", "b.txt")]
    (maturin,) = suggest("maturin", findings)
    assert maturin.snippet == (
        "[tool.maturin]\ninclude = [\n"
        '    { path = "a/*.h", format = "sdist" },\n'
        '    { path = "b.txt", format = "sdist" },\n]'
    )
    (setuptools,) = suggest("setuptools", findings)
    assert (setuptools.file, setuptools.snippet) == ("MANIFEST.in", "include a/*.h\ninclude b.txt")
    (hatch,) = suggest("hatch", findings)
    assert hatch.snippet.startswith("[tool.hatch.build.targets.sdist]\ninclude = [")
    assert suggest("meson-python", findings)[0].snippet.startswith("git add a/*.h")
    assert suggest("maturin", [Finding("../x", Severity.ERROR, Scope.ALWAYS, ())]) == ()
