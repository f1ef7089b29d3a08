from __future__ import annotations

import pytest

from sdistcheck._model import Scope
from sdistcheck.rust import cfg as _cfg


@pytest.mark.parametrize(
    ("text", "features", "scope"),
    [
        ('all(windows, target_arch = "aarch64")', None, Scope.PLATFORM),
        ("unix", None, Scope.PLATFORM),
        ('not(target_os = "macos")', None, Scope.PLATFORM),
        ("test", None, Scope.TEST),
        ("all(test, windows)", None, Scope.TEST),
        ("any(docsrs, doc)", None, Scope.TEST),
        ("not(test)", None, Scope.ALWAYS),
        ("debug_assertions", None, Scope.OPTION),
        ('feature = "simd"', frozenset(), Scope.OPTION),
        ('feature = "simd"', frozenset({"simd"}), Scope.ALWAYS),
        ('all(feature = "simd", target_arch = "x86_64")', frozenset({"simd"}), Scope.PLATFORM),
        ('any(feature = "simd", windows)', frozenset(), Scope.PLATFORM),
        ("all()", None, Scope.ALWAYS),
        ("any()", None, Scope.OPTION),
        ("some_custom_cfg", None, Scope.OPTION),
    ],
)
def test_scope_of(text: str, features: frozenset[str] | None, scope: Scope) -> None:
    assert _cfg.scope_of(_cfg.parse(text), features) is scope


def test_parse_round_trips_canonical_text() -> None:
    cfg = _cfg.parse('all( windows,target_arch="aarch64" )')
    assert str(cfg) == 'all(windows, target_arch = "aarch64")'
    assert _cfg.parse(str(cfg)) == cfg


@pytest.mark.parametrize("bad", ["", "all(", "target_os = ", "not(a, b)", "a b", '"x"'])
def test_parse_rejects_malformed(bad: str) -> None:
    with pytest.raises(_cfg.CfgSyntaxError):
        _cfg.parse(bad)


def test_conjoin_flattens_and_dedupes() -> None:
    a, b = _cfg.parse("windows"), _cfg.parse('all(windows, target_arch = "x86")')
    assert str(_cfg.conjoin([a, b])) == 'all(windows, target_arch = "x86")'
    assert _cfg.conjoin([a]) == a


def test_describe_platforms() -> None:
    assert _cfg.describe_platforms(_cfg.parse('all(windows, target_arch = "aarch64")')) == (
        "Windows aarch64"
    )
    assert _cfg.describe_platforms(_cfg.parse('any(target_os = "linux", target_os = "macos")')) == (
        "Linux or macOS"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("all(not(any(PyPy, GraalPy)), not(not(any(PyPy, GraalPy))))", False),
        ("all(windows, unix)", False),
        ('all(target_os = "linux", target_os = "macos")', False),
        ('all(windows, target_family = "windows")', True),
        ('all(unix, not(target_os = "macos"))', True),
        ("all(test, not(test))", False),
        ('any(target_os = "linux", feature = "x")', True),
    ],
)
def test_satisfiable(text: str, expected: bool) -> None:
    assert _cfg.satisfiable(_cfg.parse(text)) is expected
