"""retag.validate.judge: which cells are targets, which python installs, how a cell is judged."""

from __future__ import annotations

import pytest
from packaging.tags import parse_tag

from retag.validate.classify import Outcome, Verdict
from retag.validate.judge import Probe, is_target, judge, python_for

RUNS = Verdict(Outcome.RUNS, "tool 1.0")
LOADER = Verdict(Outcome.MISSING_LOADER, "needs the loader /lib/ld-musl-x86_64.so.1")


@pytest.mark.parametrize(
    ("tags", "libc", "version", "static", "target"),
    [
        (("manylinux_2_17_x86_64",), "glibc", (2, 36), False, True),
        (("manylinux2014_x86_64",), "glibc", (2, 17), False, True),  # legacy alias, same floor
        (("manylinux_2_28_x86_64",), "glibc", (2, 17), False, False),  # image too old
        (("musllinux_1_1_x86_64",), "glibc", (2, 36), True, False),
        (("musllinux_1_2_x86_64",), "musl", (1, 1), False, False),
        (("manylinux_2_17_x86_64", "musllinux_1_1_x86_64"), "musl", (1, 2), True, True),
        (("linux_x86_64",), "musl", (1, 2), False, True),
        (("musllinux_1_1_x86_64",), None, None, True, True),  # no libc: static binaries only
        (("musllinux_1_1_x86_64",), None, None, False, False),
    ],
)
def test_is_target(
    tags: tuple[str, ...],
    libc: str | None,
    version: tuple[int, int] | None,
    static: bool,
    target: bool,
) -> None:
    assert is_target(tags, libc, version, static)[0] is target


def test_is_target_says_why() -> None:
    assert (
        is_target(("manylinux2014_x86_64",), "glibc", (2, 36), True)[1]
        == "glibc 2.36 satisfies manylinux2014_x86_64"
    )
    assert (
        is_target(("musllinux_1_1_x86_64",), "glibc", (2, 36), True)[1]
        == "no tag of the wheel names glibc 2.36 (musllinux_1_1_x86_64)"
    )


def _probes(*items: tuple[str, str, Verdict]) -> list[Probe]:
    return [Probe(where, command, ("--version",), verdict) for where, command, verdict in items]


def test_judge_target_cells() -> None:
    ok = _probes(("direct", "tool", RUNS), ("installed", "tool", RUNS))
    installed = Verdict(Outcome.INSTALLED, "Successfully installed tool-1.0")
    assert judge(True, installed, ok, ["tool"], ["tool"]) == ("pass", None)
    assert judge(True, None, _probes(("direct", "tool", LOADER)), ["tool"], []) == (
        "fail",
        "did not run cleanly: tool: missing-loader",
    )
    refused = Verdict(Outcome.REFUSED, "ERROR: x.whl is not a supported wheel on this platform.")
    status, why = judge(True, refused, ok[:1], ["tool"], ["tool"])
    assert status == "fail" and why is not None and "did not install" in why
    # a command that only runs before install still fails once the installed one does not
    broken = _probes(("direct", "tool", RUNS), ("installed", "tool", LOADER))
    assert judge(True, installed, broken, ["tool"], ["tool"]) == (
        "fail",
        "did not run cleanly: tool (installed): missing-loader",
    )


def test_judge_other_platforms_are_evidence_not_failures() -> None:
    refused = Verdict(Outcome.REFUSED, "not a supported wheel")
    status, note = judge(False, refused, _probes(("direct", "tool", RUNS)), ["tool"], [])
    assert status == "not-target" and note is not None and "`retag` adds" in note
    assert judge(False, refused, _probes(("direct", "tool", LOADER)), ["tool"], []) == (
        "not-target",
        None,
    )


def test_engine_failures_and_empty_cells_are_not_the_wheels_fault() -> None:
    engine = Verdict(Outcome.ENGINE_ERROR, "Error: invalid mount option")
    status, note = judge(True, None, _probes(("direct", "tool", engine)), ["tool"], [])
    assert status == "unchecked" and note is not None and "invalid mount option" in note
    assert judge(True, None, [], [], []) == ("nothing-run", None)
    refused = Verdict(Outcome.REFUSED, "not a supported wheel")
    assert judge(False, refused, [], [], []) == ("nothing-run", None)
    assert judge(True, refused, [], [], [])[0] == "fail"  # a target refused by its installer
    # no note saying "the binaries run here" when nothing ran
    assert judge(False, refused, _probes(("direct", "t", LOADER)), ["t"], []) == (
        "not-target",
        None,
    )


PYTHONS = (("python3", (3, 11), "pip 23.0.1"), ("python3.12", (3, 12), "pip 24.0"))


@pytest.mark.parametrize(
    ("tag", "chosen"),
    [
        ("py3-none-manylinux_2_17_x86_64", "python3"),
        ("cp312-cp312-manylinux_2_17_x86_64", "python3.12"),
        ("cp38-abi3-manylinux_2_17_x86_64", "python3"),
        ("cp313-cp313-manylinux_2_17_x86_64", None),
        ("py2-none-any", None),
    ],
)
def test_python_for_the_wheels_interpreter_tags(tag: str, chosen: str | None) -> None:
    command, why = python_for(parse_tag(tag), PYTHONS)
    assert command == chosen
    if chosen is None:
        assert why == "no python of the image (3.11, 3.12) takes the wheel's interpreter tags"
    assert python_for(parse_tag(tag), ()) == (None, "no python with pip in the image")
