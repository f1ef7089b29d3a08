"""One finding per problem: what is wrong, the rule broken, the tags concerned, the honest value.

Audits report a problem once per tag it concerns; `merge` folds those into one finding listing the
tags, so a wheel tagged `manylinux_2_17_x86_64.manylinux2014_x86_64` (two spellings of one promise)
gets one line, not two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule broken, cited: "PyPI upload: platform tag allow-list", "PEP 3149", ...
    member: str | None  # the wheel member it is about, None for the wheel (its name, its zip)
    problem: str  # what is wrong, without the tags ("ELF code for aarch64")
    tags: tuple[str, ...] = ()  # the tags it concerns, in the name's order
    honest: str | None = None  # the value the wheel should carry instead, when one is known

    def __str__(self) -> str:
        text = f"{self.member}: {self.problem}" if self.member else self.problem
        if self.tags:
            text += f", but the wheel is tagged {', '.join(self.tags)}"
        if self.honest:
            text += f": the honest tag is {self.honest}"
        return f"{text} [{self.rule}]"

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "member": self.member,
            "problem": self.problem,
            "tags": list(self.tags),
            "honest": self.honest,
            "text": str(self),
        }


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (rule, member, problem, honest value), its tags gathered in first-seen
    order; findings keep the order of their first appearance."""
    merged: dict[tuple[str, str | None, str, str | None], list[str]] = {}
    for f in findings:
        tags = merged.setdefault((f.rule, f.member, f.problem, f.honest), [])
        tags += [t for t in f.tags if t not in tags]
    return [
        Finding(rule, member, problem, tuple(tags), honest)
        for (rule, member, problem, honest), tags in merged.items()
    ]
