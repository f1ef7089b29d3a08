"""`retag validate`'s judgements, pure: which image is a target of a wheel, which of the image's
pythons may install it, and what a cell's runs add up to.  No engine is needed to test them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from packaging.tags import Tag, compatible_tags, cpython_tags

from .. import _policy
from .classify import Outcome, Verdict


@dataclass(frozen=True)
class Probe:
    where: str  # "direct" (the file from the wheel) | "installed" (after pip install)
    command: str
    args: tuple[str, ...]
    verdict: Verdict
    container: str | None = None  # its name, when --keep left it for debugging


def is_target(
    tags: Sequence[str], libc: str | None, version: tuple[int, int] | None, static: bool
) -> tuple[bool, str]:
    """Whether a wheel with platform TAGS belongs on an image with LIBC VERSION, and why."""
    if libc is None or version is None:
        return static, (
            "no libc in the image: a target only for static binaries"
            if static
            else "no libc in the image and the binaries need one"
        )
    shown = f"{libc} {version[0]}.{version[1]}"
    for tag in tags:
        if tag.startswith("linux_"):
            return True, f"{tag} claims any Linux"
        need = _policy.libc_requirement(tag)
        if need is not None and need[0] == libc and need[1] <= version:
            return True, f"{shown} satisfies {tag}"
    return False, f"no tag of the wheel names {shown} ({', '.join(tags)})"


def python_for(
    tags: frozenset[Tag], pythons: Sequence[tuple[str, tuple[int, int], str]]
) -> tuple[str | None, str]:
    """The first of PYTHONS (command, version, pip line) whose interpreter and ABI tags meet the
    wheel's TAGS, and why (none: the install is not this image's to judge)."""
    if not pythons:
        return None, "no python with pip in the image"
    wanted = {(t.interpreter, t.abi) for t in tags}
    for command, version, _ in pythons:
        xy = f"cp{version[0]}{version[1]}"
        offered = {
            (t.interpreter, t.abi)
            for t in [
                *cpython_tags(version, [xy, "abi3", "none"], ["any"]),
                *compatible_tags(version, xy, ["any"]),
            ]
        }
        if wanted & offered:
            return command, f"python {version[0]}.{version[1]}"
    shown = ", ".join(f"{v[0]}.{v[1]}" for _, v, _ in pythons)
    return None, f"no python of the image ({shown}) takes the wheel's interpreter tags"


def _missing(probes: Sequence[Probe], where: str, names: Sequence[str]) -> list[str]:
    """NAMES that no probe made run (`where` the probes ran), each with why."""
    ran = {p.command for p in probes if p.where == where and p.verdict.outcome.works}
    last = {p.command: p.verdict for p in probes if p.where == where}
    return [
        f"{n}{' (installed)' if where == 'installed' else ''}: "
        f"{last[n].outcome.value if n in last else 'not run'}"
        for n in names
        if n not in ran
    ]


def judge(
    target: bool,
    install: Verdict | None,
    probes: Sequence[Probe],
    executables: Sequence[str],
    commands: Sequence[str],
) -> tuple[str, str | None]:
    """(status, note) of a cell: pass, fail, not-target, unchecked (the engine failed, not the
    wheel) or nothing-run (no executable and no install: nothing to judge)."""
    if any(p.verdict.outcome is Outcome.ENGINE_ERROR for p in probes):
        failed = next(p for p in probes if p.verdict.outcome is Outcome.ENGINE_ERROR)
        return "unchecked", f"the engine failed, not the wheel: {failed.verdict.evidence}"
    if not probes and (install is None or (not target and not install.outcome.works)):
        return "nothing-run", None
    broken = _missing(probes, "direct", executables)
    if install is not None and install.outcome.works:
        broken += _missing(probes, "installed", commands)
    if not target:
        ran = any(p.verdict.outcome.works for p in probes)
        if install is not None and install.outcome is Outcome.REFUSED and ran and not broken:
            return "not-target", (
                "the binaries run here, but the tags keep installers away: "
                "`retag` adds the manylinux tags a static wheel deserves"
            )
        if install is not None and install.outcome.works:
            return "not-target", "the image's pip installed it although no tag names this platform"
        return "not-target", None
    if install is not None and not install.outcome.works:
        return "fail", f"the image's pip did not install it: {install.evidence}"
    if broken:
        return "fail", f"did not run cleanly: {'; '.join(broken)}"
    return "pass", None
