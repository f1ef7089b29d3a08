"""Property-based robustness: the static parsers never raise on arbitrary input.

Bounded here (CI); a longer campaign is a matter of raising max_examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdistcheck import _check
from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import pyproject as _pyproject
from sdistcheck.backends import setupcfg as _setupcfg
from sdistcheck.backends import setuppy as _setuppy
from sdistcheck.rust import cfg as _cfg
from sdistcheck.rust import source as _rust

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RUST_BITS = st.sampled_from(
    [
        "mod a;",
        "mod b {",
        "}",
        "{",
        "#[cfg(windows)]",
        "#![cfg(test)]",
        '#[path = "x.rs"]',
        '#[cfg_attr(unix, path = "u.rs")]',
        'include_bytes!("a.bin")',
        "include_str!(concat!(",
        'env!("CARGO_MANIFEST_DIR"), "/x")',
        ")",
        ";",
        "=",
        "[",
        "]",
        '"',
        "'",
        'r#"',
        '"#',
        "/*",
        "*/",
        "//",
        "\n",
        '#[doc = include_str!("r.md")]',
        "fn f() ",
        "const X: u8 = ",
        "#[cfg(all(not(any(a, b)), c))]",
        "#[cfg(",
        "amod z;",
        "\\",
        "b'x'",
        "'a",
    ]
)
rust_text = st.one_of(st.text(max_size=400), st.lists(RUST_BITS, max_size=60).map(" ".join))


@FUZZ
@given(rust_text)
def test_rust_scan_never_raises(text: str) -> None:
    result = _rust.scan(text)
    assert all(i.line >= 1 for i in result.includes)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                [
                    "all(",
                    "any(",
                    "not(",
                    ")",
                    ",",
                    "windows",
                    'target_os = "linux"',
                    "=",
                    '"',
                    "test",
                ]
            ),
            max_size=40,
        ).map("".join),
    )
)
def test_cfg_parse_raises_only_its_own_error(text: str) -> None:
    try:
        cfg = _cfg.parse(text)
    except _cfg.CfgSyntaxError:
        return
    _cfg.scope_of(cfg, frozenset())
    _cfg.satisfiable(cfg)


@FUZZ
@given(st.text(max_size=600))
def test_setup_py_and_cfg_never_raise(text: str) -> None:
    tree = SdistTree.from_mapping("t", {"setup.py": text, "setup.cfg": text})
    _setuppy.analyse_setup_py(tree)
    _setupcfg.analyse(tree)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=400),
        st.lists(
            st.sampled_from(
                [
                    "[build-system]\n",
                    'build-backend = "maturin"\n',
                    "[tool.maturin]\n",
                    'manifest-path = "x/Cargo.toml"\n',
                    "include = [1, {path = 2}]\n",
                    "[project]\n",
                    "readme = {file = 3}\n",
                    "license-files = 7\n",
                    "[[tool.setuptools-rust.ext-modules]]\n",
                    "path = []\n",
                    "[tool.sdistcheck]\n",
                    'ignore = ["x"]\n',
                ]
            ),
            max_size=12,
        ).map("".join),
    )
)
def test_pyproject_and_whole_check_never_raise(text: str) -> None:
    files = {
        "pyproject.toml": text,
        "Cargo.toml": text,
        "x/Cargo.toml": text,
        "src/lib.rs": "mod a;\n#[cfg(windows)]\nmod w;\n",
    }
    tree = SdistTree.from_mapping("t", files)
    _pyproject.analyse(tree)
    try:
        _check.check(tree)
    except _check.AnalysisError:
        pass
    except Exception as exc:  # only a bad [tool.sdistcheck] table may refuse, as ConfigError
        from sdistcheck._errors import ConfigError

        assert isinstance(exc, ConfigError), exc
