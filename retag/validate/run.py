"""`retag validate`: run a wheel's executables in container images and judge every cell.

For each wheel and each image of its architecture (and the empty image of the wheel's
executables), a cell: the executables run directly with the probes (`--version`, then
`--help`), at their paths in the unpacked wheel (so `$ORIGIN` libraries and sibling tools are
where they expect), and where the image has a python with pip that takes the wheel's
interpreter tags, that pip installs the wheel, judging the platform tags, and the installed
commands (`.data/scripts`, console entry points) run.  A cell is a *target* when the wheel's
tags name the image's platform (libc and version, read from the image's own loader); a target
cell must work.  The empty image is the test of a static claim, run only for wheels that make
one: tagged for both libcs (manylinux and musllinux), or musllinux/linux_ only with binaries the
analysis finds static (the wheels `retag` would give manylinux tags); there it is a target.
Elsewhere, failures are shown as evidence, not counted (see `validate.judge`).  Wheels of other
platforms (pure Python, macOS, Windows) are not applicable: listed, never run.
"""

from __future__ import annotations

import configparser
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..archive import wheelfile as _wheelfile
from ..binaries.analysis import Binary, wheel_arch_of_platform_tag
from . import binfmt as _binfmt
from . import images as _images
from . import judge as _judge
from . import platforms as _platforms
from . import probe as _probe
from .classify import Outcome, Verdict, classify_install, classify_run
from .engine import Engine
from .judge import Probe

_SAFE_COMMAND = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
EXECUTABLE_KINDS = ("executable", "static-pie")
TREE = f"{_probe.MOUNT}/wheel"  # the unpacked wheel (the empty image: only its executables)


@dataclass(frozen=True)
class Options:
    images: tuple[str, ...] = ()  # empty: the defaults
    probes: tuple[tuple[str, ...], ...] = _probe.DEFAULT_PROBES
    timeout: float = 120.0
    keep: bool = False
    empty: bool = True  # build and judge the empty image (the proof of static linkage)


@dataclass(frozen=True)
class Cell:
    image: str
    origin: str  # "empty" | "given" | "default"
    status: str  # "pass" | "fail" | "not-target" | "unchecked" | "nothing-run"
    target: bool
    reason: str  # why it is (not) a target, or why it was not checked
    platform: str | None = None  # "glibc 2.36", "musl 1.2", "no libc"
    install: Verdict | None = None
    probes: tuple[Probe, ...] = ()
    note: str | None = None
    fix: str | None = None


@dataclass(frozen=True)
class WheelResult:
    wheel: str
    arch: str | None
    platform_tags: tuple[str, ...]
    executables: tuple[str, ...]  # wheel members
    commands: tuple[str, ...]  # what is run after install
    cells: tuple[Cell, ...]
    skipped: tuple[str, ...]  # what was not run and why: images of another arch, odd commands
    findings: tuple[str, ...]  # release bugs: code of another architecture than the tags
    exit_code: int
    error: str | None = None  # the wheel could not be read (exit 2)
    not_applicable: str | None = None  # why nothing is run for it (not a Linux wheel)


def _exit_code(cells: Sequence[Cell], findings: Sequence[str]) -> int:
    if findings or any(c.status == "fail" for c in cells):
        return 1
    if not cells or any(c.status == "unchecked" and c.target for c in cells):
        return 2  # nothing or not everything could be checked: never a silent pass
    return 0


def _commands(wheel: _wheelfile.Wheel, tree: Path) -> tuple[list[str], list[str]]:
    """(commands to run after install, what was skipped): scripts and console entry points."""
    names: list[str] = []
    skipped: list[str] = []
    data_scripts = f"{wheel.name}-{wheel.version}.data/scripts/"
    entry = f"{wheel.dist_info}/entry_points.txt"
    for member in wheel.members:
        rest = member[len(data_scripts) :]
        if member.startswith(data_scripts) and rest and "/" not in rest:
            names.append(rest)
    if entry in wheel.members:
        parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        try:
            parser.read_string((tree / entry).read_text("utf-8", "replace"))
            if parser.has_section("console_scripts"):
                names.extend(parser["console_scripts"])
        except configparser.Error as exc:
            skipped.append(f"entry_points.txt unreadable: {str(exc).splitlines()[0]}")
    unsafe = [n for n in names if not _SAFE_COMMAND.fullmatch(n)]
    skipped += [f"command name {n!r} is not a plain file name: not run" for n in unsafe]
    return list(dict.fromkeys(n for n in names if n not in unsafe)), skipped


def _direct(
    engine: Engine, image: _images.Image, binary: Binary, tree: Path, opts: Options
) -> list[Probe]:
    """Run one executable of the wheel with the probes until one exits 0 or it fails to load."""
    path = f"{TREE}/{binary.member}"
    mounts = {} if image.empty else {str(tree): TREE}
    probes = []
    for args in opts.probes:
        run = engine.run(
            image.ref,
            [path, *args],
            platform=image.platform,
            mounts=mounts,
            timeout=opts.timeout,
            keep=opts.keep,
        )
        verdict = classify_run(run.exit_code, run.output, path, binary, opts.timeout)
        probes.append(
            Probe("direct", binary.member, args, verdict, run.container if opts.keep else None)
        )
        if verdict.outcome is not Outcome.EXITS_NONZERO:
            break
    return probes


def _installed(
    engine: Engine,
    image: _images.Image,
    python: str,
    wheel_file: str,
    commands: Sequence[str],
    binaries: dict[str, Binary],
    mount: Path,
    opts: Options,
) -> tuple[Verdict, list[Probe]]:
    token = _probe.new_token()
    script = _probe.install_script(
        token, python, f"{_probe.WHEEL_DIR}/{wheel_file}", commands, opts.probes
    )
    run = engine.run(
        image.ref,
        ["/bin/sh", "-c", script],
        platform=image.platform,
        mounts={str(mount): _probe.WHEEL_DIR},
        env=_probe.PIP_ENV,
        timeout=opts.timeout * (1 + len(commands)),
        keep=opts.keep,
    )
    out = _probe.install_output(_probe.sections(run.output, token))
    install = classify_install(out.pip_exit, out.pip_output)
    if run.timed_out and out.pip_exit is None:
        install = Verdict(Outcome.TIMEOUT, f"pip gave no answer within {opts.timeout:.0f} s")
    probes = []
    for r in out.runs:
        if not r.found:
            verdict = Verdict(Outcome.NOT_FOUND, f"{r.command} is not on the image after install")
        else:
            verdict = classify_run(
                r.exit_code, r.output, r.command, binaries.get(r.command), opts.timeout
            )
        probes.append(
            Probe("installed", r.command, r.args, verdict, run.container if opts.keep else None)
        )
    return install, probes


Progress = Callable[[str], None]


def _unpacker(tree: Path) -> Callable[[str, bytes], None]:
    """Writes each member of the wheel (names `archive.wheelfile` vetted) under TREE, as read."""

    def write(name: str, data: bytes) -> None:
        if name.endswith("/"):
            return
        target = tree / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    return write


def validate(path: Path, engine: Engine, opts: Options, progress: Progress) -> WheelResult:
    with tempfile.TemporaryDirectory(prefix="releasenet-validate-") as tmp:
        return _validate(path, Path(tmp), engine, opts, progress)


def _validate(
    path: Path, tmp: Path, engine: Engine, opts: Options, progress: Progress
) -> WheelResult:
    from .._jobs import read_and_analyse

    tree = tmp / "tree"
    wheel, binaries = read_and_analyse(path, _unpacker(tree))  # one pass: verify, analyse, unpack
    arches = {a for t in wheel.platform_tags if (a := wheel_arch_of_platform_tag(t))}
    arch = next(iter(arches)) if len(arches) == 1 else None
    findings = [
        f"{b.member} is {b.arch} code, but the wheel's tags say {arch}"
        for b in binaries
        if b.format == "elf" and arch and b.arch != arch
    ]
    linux = [t for t in wheel.platform_tags if t.startswith(("manylinux", "musllinux", "linux_"))]
    if not linux or arch is None:  # pure-Python, macOS or Windows: not a defect
        why = f"not a Linux wheel of one architecture ({', '.join(wheel.platform_tags)})"
        return WheelResult(
            str(path),
            arch,
            wheel.platform_tags,
            (),
            (),
            (),
            (),
            tuple(findings),
            1 if findings else 0,
            not_applicable=f"{why}: nothing to run in Linux containers",
        )
    if not _platforms.known(arch):
        return WheelResult(
            str(path),
            arch,
            wheel.platform_tags,
            (),
            (),
            (),
            (f"no container platform is known for {arch}: not checked",),
            tuple(findings),
            1 if findings else 2,
        )
    executables = [b for b in binaries if b.format == "elf" and b.kind in EXECUTABLE_KINDS]
    commands, skipped = _commands(wheel, tree)
    static = bool(executables) and all(b.static or b.kind == "static-pie" for b in executables)
    claims_static = _claims_static(wheel.platform_tags, static)
    cells: list[Cell] = []
    images: list[_images.Image] = []
    wheel_dir, empty_dir = tmp / "wheels", tmp / "empty"
    wheel_dir.mkdir()
    for b in executables:
        (tree / b.member).chmod(0o755)
    shutil.copyfile(path, wheel_dir / path.name)
    head = (tree / executables[0].member).read_bytes()[:64] if executables else b""
    emulation = _binfmt.emulation(arch, head)
    try:
        if executables and opts.empty and claims_static:
            progress(f"{path.name}: building the empty image")
            for b in executables:  # only the executables, at the same paths
                (empty_dir / b.member).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(tree / b.member, empty_dir / b.member)
            images.append(_images.build_empty(engine, arch, empty_dir, TREE))
        refs = [(r, "given") for r in opts.images] or [
            (r, "default") for r in _images.default_refs(arch)
        ]
        for ref, origin in refs:
            progress(f"{path.name}: resolving {ref}")
            images.append(_images.resolve(engine, ref, origin, arch))
        for image in images:
            if image.arch is not None and image.arch != arch:
                skipped.append(f"{image.ref}: {image.problem}")
                continue
            progress(f"{path.name}: in {image.ref}")
            cells.append(
                _cell(
                    engine,
                    image,
                    emulation,
                    wheel,
                    executables,
                    commands,
                    static,
                    tree,
                    wheel_dir,
                    opts,
                )
            )
    finally:
        if not opts.keep:
            for image in images:
                if image.empty:
                    engine.remove_image(image.ref)
    if not cells:
        skipped.append(f"no image of the wheel's architecture ({arch}) to validate in")
    return WheelResult(
        str(path),
        arch,
        wheel.platform_tags,
        tuple(b.member for b in executables),
        tuple(commands),
        tuple(cells),
        tuple(skipped),
        tuple(findings),
        _exit_code(cells, findings),
    )


def _claims_static(platform_tags: Sequence[str], static: bool) -> bool:
    """Whether the wheel makes a static claim the empty image tests: tags for both libcs, or
    musllinux/linux_ tags only with binaries the analysis finds static."""
    glibc = any(t.startswith("manylinux") for t in platform_tags)
    musl = any(t.startswith("musllinux") for t in platform_tags)
    return (glibc and musl) or (not glibc and static)


def _cell(
    engine: Engine,
    image: _images.Image,
    emulation: _binfmt.Emulation,
    wheel: _wheelfile.Wheel,
    executables: Sequence[Binary],
    commands: Sequence[str],
    static: bool,
    tree: Path,
    wheel_dir: Path,
    opts: Options,
) -> Cell:
    if image.arch is None:
        return Cell(image.ref, image.origin, "unchecked", True, image.problem or "unavailable")
    if not emulation.ok:
        return Cell(
            image.ref, image.origin, "unchecked", True, emulation.problem or "", fix=emulation.fix
        )
    if image.empty:
        target, reason = True, "the proof of static linkage: nothing but the executables"
        facts, shown = _probe.ImageFacts(None, None, None), "no libc, no files"
    else:
        try:
            facts = _images.facts(engine, image, opts.timeout)
        except _images.ImageProbeError as exc:
            return Cell(image.ref, image.origin, "unchecked", True, str(exc))
        target, reason = _judge.is_target(wheel.platform_tags, facts.libc, facts.version, static)
        shown = (
            f"{facts.libc} {facts.version[0]}.{facts.version[1]}"
            if facts.libc and facts.version
            else "no libc"
        )
    probes: list[Probe] = []
    for binary in executables:
        probes += _direct(engine, image, binary, tree, opts)
    install, why_not = None, None
    python, why = _judge.python_for(wheel.tags, facts.pythons)
    if python is not None:
        by_name = {b.member.rsplit("/", 1)[-1]: b for b in executables}
        install, more = _installed(
            engine, image, python, wheel.path.name, commands, by_name, wheel_dir, opts
        )
        probes += more
    elif facts.pythons:
        why_not = f"not installed: {why}"
    status, note = _judge.judge(target, install, probes, [b.member for b in executables], commands)
    return Cell(
        image.ref,
        image.origin,
        status,
        target,
        reason,
        shown,
        install,
        tuple(probes),
        note or why_not,
    )
