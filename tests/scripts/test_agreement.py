"""scripts/agreement.py's comparison: each reference tool's report read into a verdict, and two
verdicts into an outcome (the reports are shaped as auditwheel show --json, delocate's minimum
wheel name and abi3audit --report give them)."""

from __future__ import annotations

from agreement import (
    AGREE,
    AGREE_HONEST_DIFFERS,
    DISAGREE,
    NO_VERDICT,
    Row,
    Verdict,
    abi3audit_verdict,
    applicable,
    auditwheel_verdict,
    delocate_verdict,
    linux_version,
    outcome,
    retag_rules,
    retag_verdict,
    summary,
    worst,
)

TAGS_2_17 = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]


def test_linux_versions_of_tags_and_aliases() -> None:
    assert linux_version("manylinux_2_28_aarch64") == ("manylinux", (2, 28))
    assert linux_version("manylinux1_x86_64") == ("manylinux", (2, 5))
    assert linux_version("manylinux2014_s390x") == ("manylinux", (2, 17))
    assert linux_version("musllinux_1_2_x86_64") == ("musllinux", (1, 2))
    assert linux_version("linux_x86_64") is None


def test_auditwheel_flags_a_claim_older_than_the_binaries_allow() -> None:
    newer = auditwheel_verdict(TAGS_2_17, {"overall_tag": "manylinux_2_28_x86_64"})
    assert newer.flagged and newer.honest == "manylinux_2_28_x86_64"
    # a more compatible tag than claimed is no lie
    assert auditwheel_verdict(TAGS_2_17, {"overall_tag": "manylinux_2_5_x86_64"}).flagged is False
    # the oldest claimed tag is the promise: manylinux1 promises glibc 2.5
    legacy = ["manylinux1_x86_64", "manylinux_2_28_x86_64"]
    assert auditwheel_verdict(legacy, {"overall_tag": "manylinux_2_17_x86_64"}).flagged
    linux = auditwheel_verdict(TAGS_2_17, {"overall_tag": "linux_x86_64", "unsupported_isa": True})
    assert linux.flagged and linux.honest == "linux_x86_64" and "ISA" in linux.detail
    # off musl auditwheel only knows the newest musllinux policy: not a verdict on the version
    musl = auditwheel_verdict(["musllinux_1_1_x86_64"], {"overall_tag": "musllinux_1_2_x86_64"})
    assert musl.flagged is False
    musl_linux = auditwheel_verdict(["musllinux_1_1_x86_64"], {"overall_tag": "linux_x86_64"})
    assert musl_linux.flagged
    assert auditwheel_verdict(TAGS_2_17, {"error": "no ELF"}).flagged is None


def test_delocate_flags_only_a_raised_architecture() -> None:
    name = "x-1.0-cp312-cp312-macosx_10_9_universal2.whl"
    raised = delocate_verdict(name, "x-1.0-cp312-cp312-macosx_10_13_universal2.whl")
    assert raised.flagged and raised.honest == "macosx_10_13_universal2"
    assert "x86_64" in raised.detail
    # delocate lowering a tag (the binaries need less) is no lie
    lowered = delocate_verdict(
        "x-1.0-cp312-cp312-macosx_11_0_arm64.whl", "x-1.0-cp312-cp312-macosx_10_9_arm64.whl"
    )
    assert lowered.flagged is False
    # a universal2 wheel's arm64 half needs 11.0 whatever the tag says
    split = delocate_verdict(name, "x-1.0-cp312-cp312-macosx_10_9_x86_64.macosx_11_0_arm64.whl")
    assert split.flagged is False


def _abi3_report(**result: object) -> dict[str, object]:
    return {"specs": {"w.whl": {"kind": "wheel", "wheel": [{"name": "m.so", "result": result}]}}}


def test_abi3audit_violations_and_newer_limited_api() -> None:
    clean = _abi3_report(non_abi3_symbols=[], is_abi3_baseline_compatible=True)
    assert abi3audit_verdict(clean) == Verdict(False, detail="1 object(s)")
    bad = abi3audit_verdict(_abi3_report(non_abi3_symbols=["_PyType_Lookup"]))
    assert bad.flagged and bad.honest is None
    newer = _abi3_report(non_abi3_symbols=[], is_abi3_baseline_compatible=False, computed="3.11")
    assert abi3audit_verdict(newer) == Verdict(True, "cp311-abi3", "newer limited API")


def test_retag_verdict_takes_only_the_tools_rules() -> None:
    glibc = {"rule": retag_rules("auditwheel")[2], "honest": "manylinux_2_34_x86_64", "text": "t"}
    libs = {"rule": retag_rules("auditwheel")[4], "honest": "linux_x86_64 (or ship it)"}
    upload = {"rule": "PyPI upload: platform tag allow-list", "honest": None}
    assert retag_verdict([upload], retag_rules("auditwheel")) == Verdict(False)
    assert retag_verdict([glibc, upload], retag_rules("auditwheel")).honest == glibc["honest"]
    assert retag_verdict([glibc, libs], retag_rules("auditwheel")).honest == "linux_x86_64"
    assert retag_verdict([glibc], retag_rules("delocate")).flagged is False
    assert retag_verdict("unreadable", retag_rules("abi3audit")).flagged is None


def test_worst_honest_tag() -> None:
    assert worst(["manylinux_2_28_x86_64", "manylinux_2_34_x86_64", "manylinux_2_5_x86_64"]) == (
        "manylinux_2_34_x86_64"
    )
    assert worst(["macosx_10_13_universal2", "macosx_12_0_universal2"]) == "macosx_12_0_universal2"
    assert worst([]) is None


def test_outcomes_and_their_counts() -> None:
    clean, flags = Verdict(False), Verdict(True, "manylinux_2_28_x86_64")
    assert outcome(clean, clean) == AGREE
    assert outcome(flags, flags) == AGREE
    assert outcome(flags, Verdict(True, "linux_x86_64")) == AGREE_HONEST_DIFFERS
    assert outcome(clean, flags) == DISAGREE
    assert outcome(Verdict(None), flags) == NO_VERDICT
    rows = [
        Row("c", "a.whl", "auditwheel", clean, flags),
        Row("c", "b.whl", "delocate", flags, flags),
    ]
    counts = summary(rows)
    assert counts["auditwheel"] == {DISAGREE: 1} and counts["delocate"] == {AGREE: 1}


def test_which_tools_judge_a_wheel() -> None:
    assert applicable("x-1-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") == [
        "auditwheel",
        "abi3audit",
    ]
    assert applicable("x-1-cp312-cp312-macosx_10_13_universal2.whl") == ["delocate"]
    assert applicable("x-1-cp315-abi3.abi3t-win_amd64.whl") == ["abi3audit"]
    assert applicable("x-1-cp312-cp312-win32.whl") == []
