#!/usr/bin/env python3
"""How often `retag check` agrees with auditwheel show, delocate and abi3audit on real wheels.

    python scripts/agreement.py [--manifest TSV] [--out TSV] [--only SUBSTRING]... [--jobs N]

For every wheel of the manifest (testdata/agreement/wheels.tsv, chosen by
`scripts/agreement_select.py`; downloaded once into the test cache by sha256) it runs
`retag check --format json` and the reference tool of each claim the name makes:

- a manylinux/musllinux tag: `auditwheel show --json`.  auditwheel names the most compatible
  tag the binaries allow (`overall_tag`); it flags the wheel when that tag is `linux_<arch>`, or
  a manylinux tag newer than the oldest manylinux tag the name claims (off musl, auditwheel knows
  only the newest musllinux policy, so a musllinux version is not compared; musl wheels are
  analysed with no host library path).  retag check flags it with a finding on the
  architecture, libc, glibc symbol versions or the manylinux policy;
- a macosx tag: delocate's `_calculate_minimum_wheel_name` (what `delocate-wheel` renames a wheel
  to, from `_get_macos_min_version` of every Mach-O), which flags the wheel when it raises the
  version of an architecture the name claims; retag check with its macOS-floor finding;
- an abi3 tag: `abi3audit --report` (symbols outside the limited API, or a limited-API version
  newer than the python tag) against retag check's abi3 findings.

Both sides agree when both are clean, or both flag the wheel and name the same honest tag
("agree, honest differs" when they name different ones).  Writes one row per wheel and tool to
testdata/agreement/results.tsv, and the Markdown summary and table (printed too) beside it as
results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

DEFAULT_MANIFEST = ROOT / "testdata" / "agreement" / "wheels.tsv"
DEFAULT_OUT = ROOT / "testdata" / "agreement" / "results.tsv"
TOOLS = ("auditwheel", "delocate", "abi3audit")
AGREE, AGREE_HONEST_DIFFERS, DISAGREE, NO_VERDICT = (
    "agree",
    "agree, honest differs",
    "disagree",
    "no verdict",
)
_LINUX_TAG = re.compile(r"(many|musl)linux_(\d+)_(\d+)_(.+)")
_LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


@dataclass(frozen=True)
class Verdict:
    """One tool's word on one claim of a wheel."""

    flagged: bool | None  # None: the tool gave no verdict (it failed, or cannot read the wheel)
    honest: str | None = None  # the tag the tool says the wheel should carry, when flagged
    detail: str = ""

    @property
    def label(self) -> str:
        if self.flagged is None:
            return f"no verdict ({self.detail})" if self.detail else "no verdict"
        if not self.flagged:
            return "clean"
        return f"flags: {self.honest}" if self.honest else "flags"


# ------------------------------------------------------------------ comparison (pure functions)


def outcome(retag: Verdict, reference: Verdict) -> str:
    if retag.flagged is None or reference.flagged is None:
        return NO_VERDICT
    if retag.flagged != reference.flagged:
        return DISAGREE
    if retag.flagged and retag.honest != reference.honest:
        return AGREE_HONEST_DIFFERS
    return AGREE


def linux_version(tag: str) -> tuple[str, tuple[int, int]] | None:
    """("manylinux" or "musllinux", (major, minor)) of a Linux platform tag, legacy aliases too."""
    if m := _LINUX_TAG.fullmatch(tag):
        return f"{m[1]}linux", (int(m[2]), int(m[3]))
    legacy = tag.split("_", 1)[0]
    if legacy in _LEGACY:
        return "manylinux", _LEGACY[legacy]
    return None


def auditwheel_verdict(platform_tags: Sequence[str], report: Mapping[str, Any]) -> Verdict:
    """auditwheel show --json's REPORT against the Linux tags the wheel claims."""
    overall = report.get("overall_tag")
    if not isinstance(overall, str):
        return Verdict(None, detail=str(report.get("error", "no overall_tag")))
    parsed = linux_version(overall)
    if parsed is None:  # linux_<arch>: no manylinux/musllinux policy fits
        why = "unsupported ISA" if report.get("unsupported_isa") else "no policy fits"
        return Verdict(True, overall, why)
    family, needed = parsed
    if family == "musllinux":
        # auditwheel knows one musllinux policy, the running musl's (the newest off musl): it
        # says whether the wheel fits a musllinux tag, not which version
        return Verdict(False, detail=overall)
    claims = [
        v for t in platform_tags if (p := linux_version(t)) and p[0] == family for v in [p[1]]
    ]
    if claims and needed > min(claims):
        return Verdict(True, overall, f"external libs {sorted(report.get('external_libs', {}))}")
    return Verdict(False, detail=overall)


def delocate_verdict(filename: str, minimum_name: str) -> Verdict:
    """delocate's minimum wheel name against FILENAME: flagged when it raises an arch's macOS."""
    from delocate.delocating import _get_archs_and_version_from_wheel_name as archs
    from delocate.delocating import _unpack_architectures as unpack

    claimed, needed = unpack(archs(filename)), unpack(archs(minimum_name))
    raised = sorted(a for a, v in needed.items() if a in claimed and v > claimed[a])
    honest = minimum_name[:-4].rsplit("-", 1)[1]
    if raised:
        return Verdict(True, honest, f"raises {', '.join(raised)}")
    return Verdict(False, detail=honest)


def abi3audit_verdict(report: Mapping[str, Any]) -> Verdict:
    """abi3audit --report's REPORT (one wheel spec): flagged on any violation or newer ABI."""
    symbols: list[str] = []
    honest: str | None = None
    objects = 0
    for spec in report.get("specs", {}).values():
        for so in spec.get("wheel", []) or []:
            objects += 1
            result = so.get("result", {})
            symbols += result.get("non_abi3_symbols", [])
            if not result.get("is_abi3_baseline_compatible", True):
                honest = "cp" + str(result.get("computed", "")).replace(".", "") + "-abi3"
    if symbols or honest:
        detail = f"{len(symbols)} non-abi3 symbol(s)" if symbols else "newer limited API"
        return Verdict(True, None if symbols else honest, detail)
    return Verdict(False, detail=f"{objects} object(s)")


def retag_verdict(findings: Iterable[Mapping[str, Any]] | str, rules: Iterable[str]) -> Verdict:
    """retag check's FINDINGS whose rule is among RULES (a rule matches by prefix); a string is
    the error that kept retag check from judging the wheel."""
    if isinstance(findings, str):
        return Verdict(None, detail=findings)
    rules = tuple(rules)
    hits = [f for f in findings if str(f.get("rule", "")).startswith(rules)]
    if not hits:
        return Verdict(False)
    honest = [str(f["honest"]).split()[0] for f in hits if f.get("honest")]
    return Verdict(True, worst(honest), "; ".join(str(f.get("text", "")) for f in hits))


def worst(honest: Sequence[str]) -> str | None:
    """The most demanding of several honest tags: `linux_*` over any manylinux, then the newest."""
    if not honest:
        return None

    def key(tag: str) -> tuple[int, tuple[int, ...]]:
        if tag.startswith("linux_"):
            return 2, ()
        numbers = tuple(int(n) for n in re.findall(r"_(\d+)(?=_)", tag))
        return 1, numbers

    return max(honest, key=key)


def retag_rules(tool: str) -> tuple[str, ...]:
    """The rules of retag check's findings that the reference TOOL also judges."""
    from retag.audit import abi3, macos, manylinux, platform

    if tool == "auditwheel":
        # ISA: another audit's rule, once it exists, is matched by its name
        return (
            platform.ARCH,
            platform.LIBC,
            platform.GLIBC,
            manylinux.SYMBOLS,
            manylinux.LIBRARIES,
        )
    if tool == "delocate":
        return (macos.RULE,)
    return (abi3.RULE,)


def applicable(filename: str) -> list[str]:
    """The reference tools that judge a claim of FILENAME's tags."""
    _, abi, platform = filename[:-4].split("-")[-3:]
    out = []
    if any(linux_version(t) for t in platform.split(".")):
        out.append("auditwheel")
    if any(t.startswith("macosx_") for t in platform.split(".")):
        out.append("delocate")
    if "abi3" in abi.split("."):
        out.append("abi3audit")
    return out


# ---------------------------------------------------------------------------- running the tools


def run_retag(paths: Sequence[Path], jobs: int) -> dict[str, list[dict[str, Any]] | str]:
    """File name -> findings of `retag check --format json`, or the error it gave instead."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "retag", "check", "--format", "json", "--jobs", str(jobs)]
    proc = subprocess.run([*cmd, *map(str, paths)], capture_output=True, text=True, env=env)
    report = json.loads(proc.stdout)
    out: dict[str, list[dict[str, Any]] | str] = {}
    for r in report["results"]:
        findings = r.get("findings")
        error = "; ".join(r.get("reasons", [])) or r.get("status", "error")
        out[Path(r["wheel"]).name] = error if findings is None else findings
    return out


def _json_report(cmd: list[str]) -> dict[str, Any]:
    """What CMD prints as JSON, or {"error": its last line of stderr} when it prints none."""
    proc = subprocess.run(cmd, capture_output=True)
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {proc.returncode}"}
    return report


def run_auditwheel(path: Path) -> dict[str, Any]:
    if "musllinux_" not in path.name:
        return _json_report(["auditwheel", "show", "--json", str(path)])
    # off musl, the host's libraries mean nothing to a musl wheel (and glibc's libc.so is a
    # linker script auditwheel fails on): resolve none, as on a musl host without musl-dev
    with tempfile.TemporaryDirectory(prefix="agreement-ldpaths-") as empty:
        return _json_report(["auditwheel", "show", "--ldpaths", empty, "--json", str(path)])


def run_delocate(path: Path) -> str:
    """delocate's minimum wheel name for the wheel at PATH (unpacked to a temporary folder)."""
    from delocate.delocating import _calculate_minimum_wheel_name

    with tempfile.TemporaryDirectory(prefix="agreement-") as tmp:
        with zipfile.ZipFile(path) as zf:
            zf.extractall(tmp)
        name, _ = _calculate_minimum_wheel_name(path.name, Path(tmp), None)
    return name


def run_abi3audit(path: Path) -> dict[str, Any]:
    return _json_report(["abi3audit", "--report", str(path)])


def reference(tool: str, path: Path) -> Verdict:
    platform_tags = path.name[:-4].rsplit("-", 1)[1].split(".")
    try:
        if tool == "auditwheel":
            return auditwheel_verdict(platform_tags, run_auditwheel(path))
        if tool == "delocate":
            return delocate_verdict(path.name, run_delocate(path))
        report = run_abi3audit(path)
        if "error" in report:
            return Verdict(None, detail=str(report["error"]))
        return abi3audit_verdict(report)
    except Exception as exc:  # a reference tool's failure is a row of the table, not a crash
        return Verdict(None, detail=f"{type(exc).__name__}: {exc}")


# ------------------------------------------------------------------------------------ reporting


@dataclass(frozen=True)
class Row:
    wheel_class: str
    filename: str
    tool: str
    retag: Verdict
    reference: Verdict

    @property
    def outcome(self) -> str:
        return outcome(self.retag, self.reference)


def summary(rows: Sequence[Row]) -> dict[str, dict[str, int]]:
    """Tool -> outcome -> count."""
    out: dict[str, dict[str, int]] = {t: {} for t in TOOLS}
    for r in rows:
        counts = out[r.tool]
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: Sequence[Row]) -> str:
    lines = [
        "| tool | wheels | agree (clean) | agree (flagged, same honest tag) | "
        "agree, honest differs | disagree | no verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for tool, counts in summary(rows).items():
        flagged_same = sum(
            1 for r in rows if r.tool == tool and r.outcome == AGREE and r.retag.flagged
        )
        clean = counts.get(AGREE, 0) - flagged_same
        lines.append(
            f"| {tool} | {sum(counts.values())} | {clean} | {flagged_same} | "
            f"{counts.get(AGREE_HONEST_DIFFERS, 0)} | {counts.get(DISAGREE, 0)} | "
            f"{counts.get(NO_VERDICT, 0)} |"
        )
    lines += ["", "| class | wheel | tool | retag check | reference | outcome |"]
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        lines.append(
            f"| {r.wheel_class} | `{r.filename}` | {r.tool} | {_cell(r.retag.label)} | "
            f"{_cell(r.reference.label)} | {r.outcome} |"
        )
    return "\n".join(lines)


def write_tsv(rows: Sequence[Row], out: Path) -> None:
    header = ("class", "filename", "tool", "retag", "retag_honest", "reference")
    header += ("reference_honest", "outcome", "retag_detail", "reference_detail")
    with out.open("w") as fh:
        fh.write("\t".join(header) + "\n")
        for r in rows:
            cols = (r.wheel_class, r.filename, r.tool, _state(r.retag), r.retag.honest or "")
            cols += (_state(r.reference), r.reference.honest or "", r.outcome)
            cols += (r.retag.detail, r.reference.detail)
            fh.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cols) + "\n")


def _state(v: Verdict) -> str:
    return "no-verdict" if v.flagged is None else "flagged" if v.flagged else "clean"


def read_manifest(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", action="append", default=[], help="file names containing this")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from pypi import artifact

    wheels = [
        w
        for w in read_manifest(args.manifest)
        if not args.only or any(o in w["filename"] for o in args.only)
    ]
    paths = {w["filename"]: artifact(w["filename"], w["sha256"]) for w in wheels}
    findings = run_retag(list(paths.values()), args.jobs)
    jobs = [(w, tool) for w in wheels for tool in applicable(w["filename"])]
    with ThreadPoolExecutor(args.jobs) as pool:
        verdicts = list(pool.map(lambda job: reference(job[1], paths[job[0]["filename"]]), jobs))
    rows = [
        Row(
            w["class"],
            w["filename"],
            tool,
            retag_verdict(findings[w["filename"]], retag_rules(tool)),
            v,
        )
        for (w, tool), v in zip(jobs, verdicts, strict=True)
    ]
    text = markdown(rows)
    unjudged = [w["filename"] for w in wheels if not applicable(w["filename"])]
    if unjudged:
        flagged = [n for n in unjudged if findings[n]]
        text += f"\n\nNo reference tool for {len(unjudged)} wheel(s) (Windows, not abi3); "
        text += f"retag check flags {len(flagged)} of them: {', '.join(flagged) or 'none'}."
    if not args.only:
        write_tsv(rows, args.out)
        args.out.with_suffix(".md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
