"""PLATFORM-scope findings tied to the environments they bite on."""

from __future__ import annotations

import pytest

from sdistcheck._model import Finding, Reference, Scope, Severity
from sdistcheck.coverage.environments import environments
from sdistcheck.coverage.platforms import certain_failures, reference_truth


def _ref(condition: str | None, platforms: str | None = None) -> Reference:
    return Reference(
        "x", "src/lib.rs", 1, "", "include_bytes", condition, Scope.PLATFORM, platforms=platforms
    )


def _bitten(ref: Reference) -> set[str]:
    return {e.key for e in environments() if reference_truth(ref, e) is True}


@pytest.mark.parametrize(
    ("arch", "expected"),
    [("aarch64", {"win_arm64"}), ("x86", {"win32"}), ("x86_64", {"win_amd64"})],
)
def test_rust_cfg_windows_arch(arch: str, expected: set[str]) -> None:
    assert _bitten(_ref(f'cfg(all(windows, target_arch = "{arch}"))')) == expected


def test_rust_cfg_os_env_and_negation() -> None:
    assert _bitten(_ref('cfg(target_os = "macos")')) == {
        "macosx_11_0_x86_64", "macosx_14_0_x86_64", "macosx_11_0_arm64", "macosx_14_0_arm64"
    }  # fmt: skip
    musl = _bitten(
        _ref('cfg(all(target_os = "linux", target_env = "musl", target_arch = "x86_64"))')
    )
    assert musl == {"musllinux_1_1_x86_64", "musllinux_1_2_x86_64"}
    assert "win_amd64" not in _bitten(_ref("cfg(not(windows))"))
    assert "manylinux_2_17_x86_64" in _bitten(_ref("cfg(not(windows))"))
    # a feature is unknown: never certain
    assert _bitten(_ref('cfg(all(windows, feature = "x"))')) == set()


def test_other_analysers_phrases() -> None:
    windows = {"win_amd64", "win32", "win_arm64"}
    assert _bitten(_ref("#ifdef _WIN32", "Windows")) == windows
    assert _bitten(_ref("if(WIN32)", "Windows")) == windows
    assert _bitten(_ref('sys.platform == "win32"', "Windows")) == windows
    assert _bitten(_ref("windows && arm64", "windows && arm64")) == {"win_arm64"}
    assert _bitten(_ref("#ifndef _WIN32", "not Windows")) == set()  # negations: never certain
    assert _bitten(_ref("if(FOO)", None)) == set()


def test_certain_failures_only_for_errors_that_bite() -> None:
    win_arm = Finding(
        "t.exe",
        Severity.ERROR,
        Scope.PLATFORM,
        (_ref('cfg(all(windows, target_arch = "aarch64"))'),),
    )
    warning = Finding("w", Severity.WARNING, Scope.OPTION, (_ref(None),))
    always = Finding("a", Severity.ERROR, Scope.ALWAYS, (_ref(None),))
    env = {e.key: e for e in environments()}
    assert certain_failures([win_arm, warning, always], env["win_arm64"]) == ((win_arm, always), ())
    assert certain_failures([win_arm], env["win_amd64"]) == ((), ())
