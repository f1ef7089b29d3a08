"""The three jobs behind the CLI: retag (prove, then add tags), tags (as `wheel tags`), check."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from ._report import Result
from .archive import rewrite as _rewrite
from .archive import wheelfile as _wheelfile

if TYPE_CHECKING:
    from . import _siblings
    from .binaries.analysis import Binary

# The binary analysis (pyelftools, pefile, macholib, auditwheel) and the sibling search are
# imported by the jobs that need them: `retag tags` starts faster without them.


@dataclass(frozen=True)
class RetagOptions:
    """How `retag` (the main job) writes: what `retag.retag_wheel` takes as keywords."""

    out_dir: Path | None = None  # None: beside the input
    remove: bool = False  # delete the input after success
    dry_run: bool = False  # decide and report, write nothing
    manylinux: tuple[int, int] | None = None  # raise the manylinux floor
    force: bool = False  # retag even when a glibc sibling would tie


@dataclass(frozen=True)
class TagEdit:
    """`retag tags`: `wheel tags` semantics for each tag kind (None: unchanged)."""

    python_tag: str | None = None
    abi_tag: str | None = None
    platform_tag: str | None = None
    build: str | None = None  # "" removes it
    out_dir: Path | None = None
    remove: bool = False
    fix: bool = False  # also rewrite a wheel whose name and tags stay: Tag lines expanded


def _out_dir(out_dir: Path | None, path: Path) -> Path:
    out = out_dir or path.parent
    out.mkdir(parents=True, exist_ok=True)
    return out


def read_and_analyse(
    path: Path, sink: Callable[[str, bytes], None] | None = None
) -> tuple[_wheelfile.Wheel, list[Binary]]:
    """The wheel, every member hash-checked against RECORD, and its binaries found by magic.

    One decompression pass: the structure is read first, then each member is hashed as it is
    analysed (and handed to SINK, which `retag validate` unpacks with), and the rewrite trusts
    that verification.
    """
    from .binaries import analysis as _binaries

    wheel = _wheelfile.read_wheel(path, verify=False)
    found = []
    for name, data in _wheelfile.iter_members(wheel):  # checks each member against RECORD
        if sink is not None:
            sink(name, data)
        binary = _binaries.analyse(name, data)
        if binary is not None:
            found.append(binary)
    return dataclasses.replace(wheel, verified=True), found


def _binary_json(b: Binary) -> dict[str, Any]:
    return {
        "member": b.member,
        "format": b.format,
        "arch": b.arch,
        "kind": b.kind,
        "static": b.static,
        "interpreter": b.interpreter,
        "needed": list(b.needed),
        "libc": b.libc,
        "max_glibc": ".".join(map(str, b.max_glibc)) if b.max_glibc else None,
        "extension_module": b.extension_module,
    }


def retag(path: Path, inputs: Sequence[Path], args: RetagOptions, explicit: bool = True) -> Result:
    """Decide and do one wheel's retag.  EXPLICIT: the wheel was named, not found in a folder;
    a named candidate that cannot be proven static is refused, a found one is not applicable."""
    from . import _proof, _siblings

    try:
        platform_tags = {t.platform for t in parse_wheel_filename(path.name)[3]}
    except InvalidWheelFilename:
        platform_tags = set()  # read_wheel says what is wrong with the name
    why = _proof.not_applicable(sorted(platform_tags)) if platform_tags else None
    if why is not None:
        _wheelfile.read_wheel(path)  # nothing to do, but a broken wheel is still an error
        return Result(str(path), "not-applicable", 0, reasons=(why,))
    wheel, binaries = read_and_analyse(path)
    plan = _proof.plan(wheel.platform_tags, binaries, args.manylinux)
    info = tuple(_binary_json(b) for b in binaries)
    if not plan.ok:
        claims = any(t.startswith("manylinux") for t in wheel.platform_tags)
        status = "refused" if explicit or claims else "not-applicable"
        return Result(
            str(path),
            status,
            1 if status == "refused" else 0,
            reasons=tuple(map(str, plan.refusals)),
            warnings=plan.warnings,
            binaries=info,
        )
    if plan.unchanged:
        return Result(
            str(path),
            "already-tagged",
            0,
            output=str(path),
            reasons=("already carries the manylinux tags its static binaries deserve",),
            warnings=plan.warnings,
            binaries=info,
        )
    new_name = _rewrite.compose_filename(
        wheel.name,
        wheel.version,
        wheel.build,
        wheel.python_tags,
        wheel.abi_tags,
        plan.new_platform_tags,
    )
    assert plan.arch is not None
    choices = [
        choice
        for sibling in _siblings.find_siblings(path, inputs, plan.arch)
        for choice in _siblings.compare(
            wheel.tags, _tags(wheel, plan.new_platform_tags), sibling, plan.arch
        )
    ]
    decision = _siblings.decide(choices, args.force)
    siblings = tuple(_choice_json(c, new_name) for c in decision.choices)
    if decision.verdict != "retag":
        return Result(
            str(path),
            decision.verdict,
            1 if decision.verdict == "refused" else 0,
            reasons=decision.reasons,
            warnings=plan.warnings,
            binaries=info,
            siblings=siblings,
        )
    if args.dry_run:
        return Result(
            str(path),
            "would-retag",
            0,
            output=new_name,
            added_tags=plan.added,
            warnings=plan.warnings,
            binaries=info,
            siblings=siblings,
        )
    out = _rewrite.rewrite(
        wheel,
        python_tags=wheel.python_tags,
        abi_tags=wheel.abi_tags,
        platform_tags=plan.new_platform_tags,
        build=wheel.build,
        out_dir=_out_dir(args.out_dir, path),
    )
    if args.remove and out.resolve() != path.resolve():
        path.unlink()
    return Result(
        str(path),
        "retagged",
        0,
        output=str(out),
        added_tags=plan.added,
        warnings=plan.warnings,
        binaries=info,
        siblings=siblings,
    )


def _tags(wheel: _wheelfile.Wheel, platform_tags: Sequence[str]) -> frozenset[Tag]:
    return frozenset(
        Tag(i, a, p) for i in wheel.python_tags for a in wheel.abi_tags for p in platform_tags
    )


def _choice_json(c: _siblings.Choice, new_name: str) -> dict[str, Any]:
    from . import _siblings

    names = {_siblings.OURS: new_name, _siblings.TIE: None}
    return {
        "sibling": c.sibling,
        "system": c.system,
        "before": c.before,
        "after": c.after,
        "winner": names.get(c.after, c.after) if c.after else None,
        "tie": c.tie,
    }


def edit_tags(current: Sequence[str], spec: str | None) -> tuple[str, ...]:
    """`wheel tags` semantics: +a.b adds, -a removes, a plain value replaces."""
    if spec is None:
        return tuple(current)
    if spec.startswith("+"):
        return tuple(sorted({*current, *spec[1:].split(".")}))
    if spec.startswith("-"):
        return tuple(t for t in current if t not in set(spec[1:].split(".")))
    return tuple(sorted(set(spec.split("."))))


def tags(path: Path, args: TagEdit) -> Result:
    wheel = _wheelfile.read_wheel(path, verify=False)
    # The members are checked against RECORD while the rewrite copies them: nothing is named
    # until the check has passed, and its error comes first, as when read with verify.
    verification = _wheelfile.Verification(wheel)
    try:
        return _edit(path, wheel, args, verification)
    except Exception:
        verification.result()
        raise


def _edit(
    path: Path, wheel: _wheelfile.Wheel, args: TagEdit, verification: _wheelfile.Verification
) -> Result:
    python = edit_tags(wheel.python_tags, args.python_tag)
    abi = edit_tags(wheel.abi_tags, args.abi_tag)
    platform = edit_tags(wheel.platform_tags, args.platform_tag)
    build = wheel.build if args.build is None else (args.build or None)
    if not (python and abi and platform):
        verification.result()
        return Result(
            str(path),
            "error",
            2,
            reasons=(f"{path.name}: removing every tag of a kind leaves no valid wheel name",),
        )
    edited = (python, abi, platform, build) != (
        wheel.python_tags,
        wheel.abi_tags,
        wheel.platform_tags,
        wheel.build,
    )
    if args.fix and not edited and _rewrite.canonical(wheel):
        verification.result()  # a broken wheel is no "unchanged" one
        why = "nothing to fix: one WHEEL Tag line per tag, and each tag set sorted"
        return Result(str(path), "unchanged", 0, output=str(path), reasons=(why,))
    out = _rewrite.rewrite(
        wheel,
        python_tags=python,
        abi_tags=abi,
        platform_tags=platform,
        build=build,
        out_dir=_out_dir(args.out_dir, path),
        in_place=args.fix,
        verification=verification,
    )
    same = out.resolve() == path.resolve()
    status = "unchanged" if same and not args.fix else "retagged"
    if args.remove and not same:
        path.unlink()
    return Result(str(path), status, 0, output=str(out))


def check(path: Path) -> Result:
    """Read-only audit: every claim of the name against the bytes, and PyPI's upload rules.

    One finding per problem, listing the tags it concerns and citing its rule (JSON: `findings`,
    each with rule, member, problem, tags, honest)."""
    from . import _proof
    from ._errors import RetagError
    from .audit import abi3, interpreter, isa, macos, manylinux, platform, pypi_rules, zip_hygiene
    from .audit import findings as _findings

    kept: dict[str, bytes] = {}
    abi3_wheel = "abi3" in _abi_tags(path.name)

    def keep(name: str, data: bytes) -> None:
        if name.count("/") == 1 and name.endswith(".dist-info/METADATA"):
            kept[name] = data
        elif abi3_wheel and name.endswith((".so", ".pyd", ".dylib")):
            kept[name] = data  # abi3audit reads the extension modules among them

    # The archive first, from its records alone: a wheel the reader then refuses (duplicate
    # names, a method it cannot inflate) is still unreadable (exit 2), but PyPI's rules it
    # breaks are named too.
    archive = zip_hygiene.audit(path)
    try:
        wheel, binaries = read_and_analyse(path, keep)
    except RetagError as exc:
        if not archive:
            raise
        return Result(
            str(path),
            "error",
            2,
            reasons=(str(exc), *map(str, archive)),
            extra={"findings": [f.as_json() for f in archive]},
        )
    modules = {
        b.member: kept[b.member] for b in binaries if b.extension_module and b.member in kept
    }
    found = _findings.merge(
        [
            *archive,
            *platform.audit(wheel.platform_tags, binaries),
            *manylinux.audit(wheel.platform_tags, binaries, wheel.members),
            *macos.audit(wheel.platform_tags, binaries),
            *interpreter.audit(wheel.members, wheel.python_tags, wheel.abi_tags),
            *interpreter.audit_platforms(wheel.members, wheel.platform_tags),
            *abi3.audit(modules, wheel.python_tags, wheel.abi_tags),
            *pypi_rules.audit(wheel, kept.get(f"{wheel.dist_info}/METADATA")),
        ]
    )
    # Installers and PyPI accept any order (uv publishes manylinux_2_17 before manylinux2014):
    # worth telling, not failing.
    warnings = list(_wheelfile.tag_order_problems(wheel))
    # A compressed Tag line breaks the wheel format's letter, yet PyPI takes it and pip installs
    # it (uv 0.5.2's wheels): a warning, so that a healthy release folder still passes.
    warnings += map(str, pypi_rules.wheel_file_findings(wheel))
    # A build path in an RPATH, or code for newer CPUs than the tag's baseline: worth telling
    # (the first is harmless unless that path exists; the second no tag can express).
    warnings += map(str, manylinux.search_path_warnings(binaries))
    warnings += map(str, isa.audit(wheel.platform_tags, binaries))
    static = bool(binaries) and all(b.static for b in binaries if b.format == "elf")
    for tag in wheel.platform_tags:
        if static and (low := _proof._below_floor(tag)):
            warnings.append(low)
    info = tuple(_binary_json(b) for b in binaries)
    extra = {"findings": [f.as_json() for f in found]}
    if found:
        return Result(
            str(path),
            "flagged",
            1,
            reasons=tuple(map(str, found)),
            warnings=tuple(warnings),
            binaries=info,
            extra=extra,
        )
    return Result(str(path), "clean", 0, warnings=tuple(warnings), binaries=info, extra=extra)


def _abi_tags(filename: str) -> set[str]:
    try:
        return {t.abi for t in parse_wheel_filename(filename)[3]}
    except InvalidWheelFilename:
        return set()
