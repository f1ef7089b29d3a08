"""Which environments a PLATFORM-scope finding bites on.

A Rust `cfg(...)` condition is evaluated for each environment's target (`target_os`,
`target_arch`, `target_env`, `windows`/`unix`, pointer width, endianness, vendor): true means
every build there needs the file.  Other analysers' conditions (`#ifdef _WIN32`, `if(WIN32)`,
`host_machine.cpu_family() == 'aarch64'`, `sys.platform == "win32"`, `//go:build windows &&
arm64`) are read for the operating systems and architectures they name; a negation or a phrase
naming no platform is never taken as certain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._model import Finding, Reference, Scope, Severity
from ..rust.cfg import Cfg, CfgSyntaxError, evaluate, is_platform_atom, parse
from .environments import Environment

Truth = bool | None  # None: it may or may not bite there

_OS_WORDS = {
    "windows": re.compile(r"(?i)win(?:32|64|dows)|msvc|mingw|\bnt\b|cygwin"),
    "macos": re.compile(r"(?i)apple|darwin|mac(?:os|osx)?\b|osx|__mach__"),
    "linux": re.compile(r"(?i)linux"),
}
_ARCH_WORDS = {
    "aarch64": re.compile(r"(?i)aarch64|arm64"),
    "x86_64": re.compile(r"(?i)x86_64|amd64|\bx64\b|_m_x64|_m_amd64"),
    "x86": re.compile(r"(?i)\bx86\b|i[3-6]86|_m_ix86"),
    "arm": re.compile(r"(?i)\barm\b|armv7|_m_arm\b"),
    "powerpc64": re.compile(r"(?i)ppc64|powerpc64"),
    "s390x": re.compile(r"(?i)s390x"),
    "riscv64": re.compile(r"(?i)riscv64"),
}
_NEGATION = re.compile(r"(?i)\bnot\b|!|ifndef|\belse\b|<>")
_EITHER = re.compile(r"(?i)\bor\b|\|\||\bany\(")


def _target(env: Environment) -> dict[str, str]:
    family = "windows" if env.os == "windows" else "unix"
    env_abi = {"glibc": "gnu", "musl": "musl"}.get(
        env.libc or "", "msvc" if family == "windows" else ""
    )
    return {
        "target_os": env.os,
        "target_family": family,
        "target_arch": env.arch,
        "target_env": env_abi,
        "target_vendor": {"macos": "apple", "windows": "pc"}.get(env.os, "unknown"),
        "target_pointer_width": "32" if env.arch in ("x86", "arm") else "64",
        "target_endian": "big" if env.arch == "s390x" else "little",
    }


def _cfg_truth(cfg: Cfg, env: Environment) -> Truth:
    target = _target(env)

    def atom(a: Cfg) -> Truth:
        if a.value is None and a.key in ("windows", "unix"):
            return target["target_family"] == a.key
        if a.key in target and a.value is not None:
            return target[a.key] == a.value
        if is_platform_atom(a):
            return None  # target_feature, atomics ...: not decided by the row
        return None if a.key == "feature" else False  # test, doc, custom cfgs: off in release

    return evaluate(cfg, atom)


def _phrase_truth(text: str, env: Environment) -> Truth:
    oses = {os for os, rx in _OS_WORDS.items() if rx.search(text)}
    archs = {arch for arch, rx in _ARCH_WORDS.items() if rx.search(text)}
    if not oses and not archs:
        return None
    matches = (not oses or env.os in oses) and (not archs or env.arch in archs)
    if _NEGATION.search(text):
        return None
    if not matches:
        return False
    several = len(oses) > 1 or len(archs) > 1
    return True if not several or _EITHER.search(text) else None


def reference_truth(ref: Reference, env: Environment) -> Truth:
    """Whether every build on ENV follows REF (None: cannot tell)."""
    condition = (ref.condition or "").strip()
    if condition.startswith("cfg(") and condition.endswith(")"):
        try:
            cfg = parse(condition[4:-1])
        except CfgSyntaxError:
            cfg = None
        if cfg is not None and any(is_platform_atom(a) for a in cfg.atoms()):
            return _cfg_truth(cfg, env)
    return _phrase_truth(f"{condition} {ref.platforms or ''}", env)


def finding_truth(finding: Finding, env: Environment) -> Truth:
    """True when some reference needs the file in every build on ENV, False when none does."""
    values = [reference_truth(r, env) for r in finding.references if r.scope is Scope.PLATFORM]
    if True in values:
        return True
    return None if None in values or not values else False


def certain_failures(
    findings: Iterable[Finding], env: Environment
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(findings every build on ENV hits, findings it may hit) among the error findings: an
    ALWAYS one bites everywhere, a PLATFORM one where its conditions say."""
    certain, maybe = [], []
    for f in findings:
        if f.severity is not Severity.ERROR or f.scope not in (Scope.ALWAYS, Scope.PLATFORM):
            continue
        truth = True if f.scope is Scope.ALWAYS else finding_truth(f, env)
        if truth is True:
            certain.append(f)
        elif truth is None:
            maybe.append(f)
    return tuple(certain), tuple(maybe)
