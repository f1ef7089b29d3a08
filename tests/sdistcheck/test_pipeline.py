"""The CI formats both tools share: GitHub workflow-command escaping and SARIF documents, and
`retag validate`'s use of them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retag.validate.classify import Outcome, Verdict
from retag.validate.judge import Probe
from retag.validate.report import write_github, write_sarif_report
from retag.validate.run import Cell, WheelResult
from sdistcheck.pipeline import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    SarifResult,
    envelope,
    gh_escape,
    load_toml,
    run_all,
    worst,
    write_json,
    write_sarif,
)


def test_gh_escape_and_non_utf8_names() -> None:
    assert gh_escape("a:b,c%\nd", prop=True) == "a%3Ab%2Cc%25%0Ad"
    assert gh_escape("bad\udcffname") == "bad\\xffname"  # a surrogate-escaped byte, shown


def test_sarif_document_locations() -> None:
    out = io.StringIO()
    write_sarif(
        "t",
        "1.0",
        {"r": "a rule"},
        [
            SarifResult("r", "error", "relative", "src/lib.rs", 33),
            SarifResult("r", "warning", "absolute", "/tmp/dist/x.whl"),
            SarifResult("r", "note", "nowhere"),
        ],
        out,
    )
    doc = json.loads(out.getvalue())
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    assert run["tool"]["driver"]["rules"] == [{"id": "r", "shortDescription": {"text": "a rule"}}]
    first, second, third = run["results"]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/lib.rs", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 33},
    }
    assert second["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "file:///tmp/dist/x.whl"}
    }
    assert "locations" not in third and third["ruleIndex"] == 0


def _result() -> WheelResult:
    loader = Verdict(Outcome.MISSING_LOADER, "needs the loader /lib/ld-musl-x86_64.so.1")
    failed = Cell(
        "localhost/releasenet-empty:x86_64-1",
        "empty",
        "fail",
        True,
        "proof",
        probes=(Probe("direct", "x-1.data/scripts/x", ("--version",), loader),),
        note="did not run cleanly",
    )
    unchecked = Cell(
        "quay.io/pypa/manylinux2014_x86_64", "default", "unchecked", True, "cannot pull it"
    )
    other = Cell("localhost/deb", "given", "not-target", False, "no tag names glibc 2.36")
    return WheelResult(
        "dist/x-1-py3-none-musllinux_1_1_x86_64.whl",
        "x86_64",
        ("musllinux_1_1_x86_64",),
        ("x-1.data/scripts/x",),
        ("x",),
        (failed, unchecked, other),
        (),
        ("x is aarch64 code",),
        1,
    )


def test_validate_github_annotations() -> None:
    out = io.StringIO()
    write_github([_result()], out, error=None)
    lines = out.getvalue().splitlines()
    assert [ln.split(" ", 1)[0] for ln in lines] == ["::error", "::error", "::warning"]
    assert "title=retag validate finding::x is aarch64 code" in lines[0]
    assert "empty: did not run cleanly (x-1.data/scripts/x: needs the loader" in lines[1]
    assert "quay.io/pypa/manylinux2014_x86_64: cannot pull it" in lines[2]


def test_validate_sarif_with_an_engine_error() -> None:
    out = io.StringIO()
    write_sarif_report([_result()], "0.1.0", out, error="no usable container engine")
    results = json.loads(out.getvalue())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [
        "retag-validate/engine",
        "retag-validate/finding",
        "retag-validate/fail",
        "retag-validate/unchecked",
    ]


def test_exit_codes_combine_to_the_worst() -> None:
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR) == (0, 1, 2)  # documented in both tools' --help
    assert worst([]) == EXIT_OK
    assert worst([EXIT_FINDINGS, EXIT_OK]) == EXIT_FINDINGS
    assert worst(iter([EXIT_ERROR, EXIT_FINDINGS])) == EXIT_ERROR


def test_json_envelope_keeps_its_key_order_and_is_ascii() -> None:
    doc = envelope("x-report", 3, "x", "9.9", 1, [{"name": "caf\u00e9"}], command="c", engine=None)
    keys = ["schema", "schema_version", "tool", "command", "engine", "exit_code", "results"]
    assert list(doc) == keys
    assert doc["tool"] == {"name": "x", "version": "9.9"}
    out = io.StringIO()
    write_json(doc, out)
    assert out.getvalue().isascii() and out.getvalue().endswith("}\n")
    assert json.loads(out.getvalue())["results"][0]["name"] == "caf\u00e9"


def test_load_toml_is_none_on_malformed_input() -> None:
    assert load_toml('[tool.x]\na = "b"\n') == {"tool": {"x": {"a": "b"}}}
    assert load_toml("[tool.x\n") is None
    assert load_toml("a = 1\na = 2\n") is None  # duplicate keys are invalid TOML
    deep = load_toml("x = " + "[" * 5000 + "]" * 5000)  # may exhaust recursion: never raises
    assert deep is None or isinstance(deep, dict)


def _double(x: int) -> int:
    return 2 * x


def test_run_all_keeps_input_order_in_processes_and_inline() -> None:
    calls = [(i,) for i in range(7)]
    assert run_all(_double, calls, jobs=2) == [2 * i for i in range(7)]
    assert run_all(_double, calls, jobs=1) == [2 * i for i in range(7)]
    assert run_all(_double, [], jobs=2) == []


@pytest.mark.parametrize("tool", ["sdistcheck", "retag"])
def test_an_ascii_terminal_gets_escapes_not_a_traceback(tool: str, tmp_path: Path) -> None:
    missing = tmp_path / "pkg-\u00e9-1.0.tar.gz"
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    run = subprocess.run(
        [sys.executable, "-m", tool, str(missing)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "pkg-\\xe9-1.0.tar.gz" in run.stderr
