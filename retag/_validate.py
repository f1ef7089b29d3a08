"""`retag validate`: run a wheel's executables in container images and judge every cell.

For each wheel and each image of its architecture (and always the empty image of the wheel's
executables), a cell: the executables run directly with the probes (`--version`, then
`--help`), and where the image has pip, the wheel is installed by that pip, which judges the
tags, and the installed commands run.  A cell is a *target* when the wheel's tags name the
image's platform (its libc and version, read from the image's own loader); a target cell must
work.  The empty image is always a target: it is the proof of static linkage.  Elsewhere,
failures are shown as evidence, not counted.
"""

from __future__ import annotations

import configparser
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import _binfmt, _images, _platforms, _policy, _probe, _wheelfile
from ._binaries import Binary, wheel_arch_of_platform_tag
from ._classify import Outcome, Verdict, classify_install, classify_run
from ._engine import Engine

_SAFE_COMMAND = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
EXECUTABLE_KINDS = ("executable", "static-pie")


@dataclass(frozen=True)
class Options:
    images: tuple[str, ...] = ()  # empty: the defaults
    probes: tuple[tuple[str, ...], ...] = _probe.DEFAULT_PROBES
    timeout: float = 120.0
    keep: bool = False
    empty: bool = True  # build and judge the empty image (the proof of static linkage)


@dataclass(frozen=True)
class Probe:
    where: str  # "direct" (the file from the wheel) | "installed" (after pip install)
    command: str
    args: tuple[str, ...]
    verdict: Verdict
    container: str | None = None  # its name, when --keep left it for debugging


@dataclass(frozen=True)
class Cell:
    image: str
    origin: str  # "empty" | "given" | "default"
    status: str  # "pass" | "fail" | "not-target" | "unchecked"
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
    executables: tuple[str, ...]
    commands: tuple[str, ...]  # what is run after install
    cells: tuple[Cell, ...]
    skipped: tuple[str, ...]  # what was not run and why: images of another arch, odd commands
    findings: tuple[str, ...]  # release bugs: code of another architecture than the tags
    exit_code: int


def _exit_code(cells: Sequence[Cell], findings: Sequence[str]) -> int:
    if findings or any(c.status == "fail" for c in cells):
        return 1
    return 2 if any(c.status == "unchecked" and c.target for c in cells) else 0


def is_target(tags: Sequence[str], libc: str | None, version: tuple[int, int] | None,
              static: bool) -> tuple[bool, str]:  # fmt: skip
    """Whether a wheel with platform TAGS belongs on an image with LIBC VERSION, and why."""
    if libc is None or version is None:
        return static, ("no libc in the image: a target only for static binaries" if static
                        else "no libc in the image and the binaries need one")
    shown = f"{libc} {version[0]}.{version[1]}"
    for tag in tags:
        if tag.startswith("linux_"):
            return True, f"{tag} claims any Linux"
        need = _policy.libc_requirement(tag)
        if need is not None and need[0] == libc and need[1] <= version:
            return True, f"{shown} satisfies {tag}"
    return False, f"no tag of the wheel names {shown} ({', '.join(tags)})"


def _commands(wheel: _wheelfile.Wheel, executables: Sequence[str]) -> tuple[list[str], list[str]]:
    """(commands to run after install, what was skipped): scripts and console entry points."""
    names, skipped = list(executables), []
    data_scripts = f"{wheel.name}-{wheel.version}.data/scripts/"
    entry = f"{wheel.dist_info}/entry_points.txt"
    for member in wheel.members:
        rest = member[len(data_scripts):]
        if member.startswith(data_scripts) and rest and "/" not in rest:
            names.append(rest)
    if entry in wheel.members:
        parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        try:
            parser.read_string(_wheelfile.read_member(wheel, entry).decode("utf-8", "replace"))
            if parser.has_section("console_scripts"):
                names.extend(parser["console_scripts"])
        except configparser.Error as exc:
            skipped.append(f"entry_points.txt unreadable: {str(exc).splitlines()[0]}")
    unsafe = [n for n in names if not _SAFE_COMMAND.fullmatch(n)]
    skipped += [f"command name {n!r} is not a plain file name: not run" for n in unsafe]
    return list(dict.fromkeys(n for n in names if n not in unsafe)), skipped


def _direct(engine: Engine, image: _images.Image, name: str, binary: Binary, bin_dir: Path,
            opts: Options) -> list[Probe]:  # fmt: skip
    """Run one executable from the wheel with the probes until one exits 0 or it fails to load."""
    path = f"{_probe.BIN_DIR}/{name}"
    mounts = {} if image.empty else {str(bin_dir): _probe.BIN_DIR}
    probes = []
    for args in opts.probes:
        run = engine.run(image.ref, [path, *args], platform=image.platform, mounts=mounts,
                         timeout=opts.timeout, keep=opts.keep)
        verdict = classify_run(run.exit_code, run.output, path, binary, opts.timeout)
        probes.append(Probe("direct", name, args, verdict, run.container if opts.keep else None))
        if verdict.outcome is not Outcome.EXITS_NONZERO:
            break
    return probes


def _installed(engine: Engine, image: _images.Image, python: str, wheel_file: str,
               commands: Sequence[str], binaries: dict[str, Binary], mount: Path,
               opts: Options) -> tuple[Verdict, list[Probe]]:  # fmt: skip
    token = _probe.new_token()
    script = _probe.install_script(token, python, f"{_probe.WHEEL_DIR}/{wheel_file}", commands,
                                   opts.probes)
    run = engine.run(image.ref, ["/bin/sh", "-c", script], platform=image.platform,
                     mounts={str(mount): _probe.WHEEL_DIR}, env=_probe.PIP_ENV,
                     timeout=opts.timeout * (1 + len(commands)), keep=opts.keep)
    out = _probe.install_output(_probe.sections(run.output, token))
    install = classify_install(out.pip_exit, out.pip_output)
    if run.timed_out and out.pip_exit is None:
        install = Verdict(Outcome.TIMEOUT, f"pip gave no answer within {opts.timeout:.0f} s")
    probes = []
    for r in out.runs:
        if not r.found:
            verdict = Verdict(Outcome.NOT_FOUND, f"{r.command} is not on the image after install")
        else:
            verdict = classify_run(r.exit_code, r.output, r.command, binaries.get(r.command),
                                   opts.timeout)
        probes.append(Probe("installed", r.command, r.args, verdict,
                            run.container if opts.keep else None))
    return install, probes


def _works(probes: Sequence[Probe], where: str, names: Sequence[str]) -> list[str]:
    """The NAMES that no probe made run (`where` the probes ran)."""
    ran = {p.command for p in probes if p.where == where and p.verdict.outcome.works}
    return [n for n in names if n not in ran]


def _judge(target: bool, install: Verdict | None, probes: Sequence[Probe],
           executables: Sequence[str], commands: Sequence[str]) -> tuple[str, str | None]:
    broken = _works(probes, "direct", executables)
    if install is not None and install.outcome.works:
        broken += [f"{n} (installed)" for n in _works(probes, "installed", commands)]
    if not target:
        note = None
        if install is not None and install.outcome is Outcome.REFUSED and not broken:
            note = ("the binaries run here, but the tags keep installers away: "
                    "`retag` adds the manylinux tags a static wheel deserves")
        elif install is not None and install.outcome.works:
            note = "the image's pip installed it although no tag names this platform"
        return "not-target", note
    if install is not None and not install.outcome.works:
        return "fail", f"the image's pip did not install it: {install.evidence}"
    if broken:
        return "fail", f"did not run: {', '.join(broken)}"
    return "pass", None


Progress = Callable[[str], None]


def validate(path: Path, engine: Engine, opts: Options, progress: Progress) -> WheelResult:
    from ._jobs import read_and_analyse

    wheel, binaries = read_and_analyse(path)
    arches = {a for t in wheel.platform_tags if (a := wheel_arch_of_platform_tag(t))}
    arch = next(iter(arches)) if len(arches) == 1 else None
    elf = [b for b in binaries if b.format == "elf" and b.kind in EXECUTABLE_KINDS]
    findings = [f"{b.member} is {b.arch} code, but the wheel's tags say {arch}"
                for b in binaries if b.format == "elf" and arch and b.arch != arch]
    linux = any(t.startswith(("manylinux", "musllinux", "linux_")) for t in wheel.platform_tags)
    if arch is None or not linux or not _platforms.known(arch):
        # pure-Python, macOS or Windows wheels beside the Linux ones in dist/: not a defect
        why = f"not a Linux wheel of one known architecture ({', '.join(wheel.platform_tags)})"
        return WheelResult(str(path), arch, wheel.platform_tags, (), (), (),
                           (f"{why}: nothing to run in Linux containers",), tuple(findings),
                           1 if findings else 0)
    names: dict[str, Binary] = {}
    for b in elf:
        base = b.member.rsplit("/", 1)[-1]
        names.setdefault(base if _SAFE_COMMAND.fullmatch(base) else f"exe{len(names)}", b)
    commands, skipped = _commands(wheel, list(names))
    static = all(b.static or b.kind == "static-pie" for b in names.values()) and bool(names)
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="releasenet-validate-") as tmp:
        bin_dir, wheel_dir = Path(tmp, "bin"), Path(tmp, "wheels")
        bin_dir.mkdir()
        wheel_dir.mkdir()
        contents = {n: _wheelfile.read_member(wheel, b.member) for n, b in names.items()}
        for n, data in contents.items():
            (bin_dir / n).write_bytes(data)
            (bin_dir / n).chmod(0o755)
        shutil.copyfile(path, wheel_dir / path.name)
        head = next(iter(contents.values()), b"")[:64]
        emulation = _binfmt.emulation(arch, head)
        images: list[_images.Image] = []
        if names and opts.empty:
            progress(f"{path.name}: building the empty image")
            images.append(_images.build_empty(engine, arch, contents))
        refs = [(r, "given") for r in opts.images] or [(r, "default")
                                                         for r in _images.default_refs(arch)]
        for ref, origin in refs:
            progress(f"{path.name}: resolving {ref}")
            images.append(_images.resolve(engine, ref, origin, arch))
        try:
            for image in images:
                if image.arch is not None and image.arch != arch:
                    skipped.append(f"{image.ref}: {image.problem}")
                    continue
                progress(f"{path.name}: in {image.ref}")
                cells.append(_cell(engine, image, emulation, wheel, names, commands, static,
                                   bin_dir, wheel_dir, opts))
        finally:
            if not opts.keep:
                for image in images:
                    if image.empty:
                        engine.remove_image(image.ref)
    return WheelResult(str(path), arch, wheel.platform_tags, tuple(names), tuple(commands),
                       tuple(cells), tuple(skipped), tuple(findings),
                       _exit_code(cells, findings))


def _cell(engine: Engine, image: _images.Image, emulation: _binfmt.Emulation,
          wheel: _wheelfile.Wheel, names: dict[str, Binary], commands: Sequence[str],
          static: bool, bin_dir: Path, wheel_dir: Path, opts: Options) -> Cell:  # fmt: skip
    if image.arch is None:
        return Cell(image.ref, image.origin, "unchecked", True, image.problem or "unavailable")
    if not emulation.ok:
        return Cell(image.ref, image.origin, "unchecked", True, emulation.problem or "",
                    fix=emulation.fix)
    if image.empty:
        target, reason = True, "the proof of static linkage: nothing but the executables"
        shown = "no libc, no files"
        facts = _probe.ImageFacts(None, None, None, None, None)
    else:
        facts = _images.facts(engine, image, opts.timeout)
        target, reason = is_target(wheel.platform_tags, facts.libc, facts.version, static)
        shown = f"{facts.libc} {facts.version[0]}.{facts.version[1]}" if facts.libc and \
            facts.version else "no libc"
    probes: list[Probe] = []
    for name, binary in names.items():
        probes += _direct(engine, image, name, binary, bin_dir, opts)
    install = None
    if facts.python is not None:
        data_binaries = {n: b for n, b in names.items() if n in commands}
        install, more = _installed(engine, image, facts.python, Path(wheel.path).name,
                                   commands, data_binaries, wheel_dir, opts)
        probes += more
    status, note = _judge(target, install, probes, list(names), commands)
    return Cell(image.ref, image.origin, status, target, reason, shown, install, tuple(probes),
                note)
