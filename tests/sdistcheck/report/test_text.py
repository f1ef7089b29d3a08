"""The text report: off a terminal its lines are written without rich, and are what rich writes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import make_sdist

from sdistcheck import check_sdist
from sdistcheck.report import text
from sdistcheck.report.outcome import Outcome
from sdistcheck.report.text import write_text

# Findings of every kind of line: a platform's include with its cfg, a module with its
# alternative path, a construct not checked, a fix; names with markup, emoji codes, backslashes.
LIB_RS = """
#[cfg(windows)]
static A: &[u8] = include_bytes!("win/[bold]x[/]:smile:.bin");
mod gone;
static B: &str = include_str!("back\\\\slash\\\\");
static C: &str = include_str!(concat!(env!("OUT_DIR"), "/gen.rs"));
"""
FILES = {
    "pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "p"\n',
    "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
    "Cargo.toml": '[package]\nname = "p"\nversion = "1.0.0"\n[dependencies]\nq = { path = "q" }\n',
    "q/Cargo.toml": "[package\n",  # not TOML: a construct not checked
    "src/lib.rs": LIB_RS,
}


def _outcome(tmp_path: Path, files: dict[str, str]) -> Outcome:
    sdist = make_sdist(tmp_path / "p-1.tar.gz", files)
    return Outcome(sdist.name, report=check_sdist(sdist))


def _written(outcomes: list[Outcome], verbose: bool = True) -> str:
    out = io.StringIO()
    write_text(outcomes, out, verbose=verbose)
    return out.getvalue()


def test_plain_lines_are_what_rich_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = [_outcome(tmp_path, FILES), Outcome("broken.tar.gz", error="broken: [b]bad[/b]")]
    plain = _written(outcomes[:1]) + _written(outcomes[1:])
    # A space in the set of characters rich rewrites sends every line through rich.
    monkeypatch.setattr(text, "_REWRITTEN", frozenset(" "))
    assert plain == _written(outcomes[:1]) + _written(outcomes[1:])
    assert "✗ src/win/[bold]x[/]:smile:.bin [platform: Windows]" in plain  # shown as it is
    assert 'include_str!("back\\\\slash\\\\")' in plain and "error: broken: [b]bad[/b]" in plain
    assert "under cfg(windows)" in plain and "(or src/gone/mod.rs)" in plain
    assert "  ? q/Cargo.toml  not valid TOML" in plain and "  checked (" in plain


def test_text_report_off_a_terminal_does_not_import_rich(tmp_path: Path) -> None:
    sdist = make_sdist(tmp_path / "p-1.tar.gz", FILES)
    code = (
        "import io, sys\n"
        "from sdistcheck._cli import main\n"
        f"assert main([{str(sdist)!r}]) == 1\n"
        "print('rich' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False"
    assert "INCOMPLETE" in result.stdout


def test_a_tab_in_a_name_goes_through_rich(tmp_path: Path) -> None:
    files = dict(FILES, **{"src/lib.rs": 'static A: &[u8] = include_bytes!("tab\\there.bin");\n'})
    written = _written([_outcome(tmp_path, files)])
    assert "\t" not in written and "  ✗ src/tab     here.bin [always]" in written  # tab stops


def test_a_terminal_gets_rich_with_styles(tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    write_text([_outcome(tmp_path, FILES)], out)
    assert "[bold]x[/]:smile:.bin" in out.getvalue()  # no markup, no emoji in names


def test_a_log_that_asks_for_colours_gets_rich(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as CI configurations set it to colour their logs
    assert "\x1b[1;31mINCOMPLETE" in _written([_outcome(tmp_path, FILES)])
