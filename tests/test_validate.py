"""retag._validate without an engine: which cells are targets, how a cell is judged, and the
wheels there is nothing to run for."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from retag._classify import Outcome, Verdict
from retag._validate import Options, Probe, _judge, is_target, validate

sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))
from make_test_wheels import make_wheel

RUNS = Verdict(Outcome.RUNS, "tool 1.0")
LOADER = Verdict(Outcome.MISSING_LOADER, "needs the loader /lib/ld-musl-x86_64.so.1")


@pytest.mark.parametrize(("tags", "libc", "version", "static", "target"), [
    (("manylinux_2_17_x86_64",), "glibc", (2, 36), False, True),
    (("manylinux2014_x86_64",), "glibc", (2, 17), False, True),  # legacy alias, same floor
    (("manylinux_2_28_x86_64",), "glibc", (2, 17), False, False),  # image too old
    (("musllinux_1_1_x86_64",), "glibc", (2, 36), True, False),
    (("musllinux_1_2_x86_64",), "musl", (1, 1), False, False),
    (("manylinux_2_17_x86_64", "musllinux_1_1_x86_64"), "musl", (1, 2), True, True),
    (("linux_x86_64",), "musl", (1, 2), False, True),
    (("musllinux_1_1_x86_64",), None, None, True, True),  # no libc: static binaries only
    (("musllinux_1_1_x86_64",), None, None, False, False),
])
def test_is_target(tags: tuple[str, ...], libc: str | None, version: tuple[int, int] | None,
                   static: bool, target: bool) -> None:
    assert is_target(tags, libc, version, static)[0] is target


def test_is_target_says_why() -> None:
    assert is_target(("manylinux2014_x86_64",), "glibc", (2, 36), True)[1] == \
        "glibc 2.36 satisfies manylinux2014_x86_64"
    assert is_target(("musllinux_1_1_x86_64",), "glibc", (2, 36), True)[1] == \
        "no tag of the wheel names glibc 2.36 (musllinux_1_1_x86_64)"


def _probes(*items: tuple[str, str, Verdict]) -> list[Probe]:
    return [Probe(where, command, ("--version",), verdict) for where, command, verdict in items]


def test_judge_target_cells() -> None:
    ok = _probes(("direct", "tool", RUNS), ("installed", "tool", RUNS))
    installed = Verdict(Outcome.INSTALLED, "Successfully installed tool-1.0")
    assert _judge(True, installed, ok, ["tool"], ["tool"]) == ("pass", None)
    assert _judge(True, None, _probes(("direct", "tool", LOADER)), ["tool"], []) == \
        ("fail", "did not run: tool")
    refused = Verdict(Outcome.REFUSED, "ERROR: x.whl is not a supported wheel on this platform.")
    status, why = _judge(True, refused, ok[:1], ["tool"], ["tool"])
    assert status == "fail" and why is not None and "did not install" in why
    # a command that only runs before install still fails once the installed one does not
    broken = _probes(("direct", "tool", RUNS), ("installed", "tool", LOADER))
    assert _judge(True, installed, broken, ["tool"], ["tool"]) == \
        ("fail", "did not run: tool (installed)")


def test_judge_other_platforms_are_evidence_not_failures() -> None:
    refused = Verdict(Outcome.REFUSED, "not a supported wheel")
    status, note = _judge(False, refused, _probes(("direct", "tool", RUNS)), ["tool"], [])
    assert status == "not-target" and note is not None and "`retag` adds" in note
    assert _judge(False, refused, _probes(("direct", "tool", LOADER)), ["tool"], []) == \
        ("not-target", None)


class _NoEngine:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the engine was used ({name}) for a wheel with nothing to run")


@pytest.mark.parametrize("tag", ["py3-none-any", "py3-none-macosx_11_0_arm64",
                                 "py3-none-win_amd64"])
def test_wheels_with_nothing_to_run_in_linux_pass_untouched(tmp_path: Path, tag: str) -> None:
    wheel = make_wheel(tmp_path, tags=(tag,), files={"demo/__init__.py": b"x = 1\n"})
    result = validate(wheel, _NoEngine(), Options(), lambda _: None)  # type: ignore[arg-type]
    assert result.exit_code == 0 and result.cells == () and not result.findings
    assert "nothing to run in Linux containers" in result.skipped[0]
