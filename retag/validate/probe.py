"""What runs inside the containers: the image-platform probe and the install-and-run script,
written for any POSIX sh (dash, bash, busybox), and the parsing of what they print.

Sections of the output start with a marker line carrying a random token, so nothing a program
prints can forge one.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

MOUNT = "/releasenet"  # where a wheel's files appear in every container, read-only
BIN_DIR = f"{MOUNT}/bin"  # its executables
WHEEL_DIR = f"{MOUNT}/wheels"
DEFAULT_PROBES: tuple[tuple[str, ...], ...] = (("--version",), ("--help",))
PYTHONS = (
    "python3",
    "python3.14",
    "python3.13",
    "python3.12",
    "python3.11",
    "python3.10",
    "python3.9",
    "python3.8",
    "python",
)  # manylinux images have python3.X, not python3
PIP_ENV = {
    "PIP_BREAK_SYSTEM_PACKAGES": "1",  # Debian's python is EXTERNALLY-MANAGED (PEP 668)
    "PIP_ROOT_USER_ACTION": "ignore",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_NO_CACHE_DIR": "1",
    "PIP_NO_INPUT": "1",
}
OUTPUT_LIMIT = 4000  # characters of a program's output kept as evidence


def new_token() -> str:
    return f"@@releasenet-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Section:
    kind: str  # "glibc" | "musl" | "python" | "pip" | "run" | "rc" | "end"
    args: tuple[str, ...]
    text: str  # the lines up to the next marker


def sections(output: str, token: str) -> list[Section]:
    found: list[Section] = []
    kind, lines = "", list[str]()
    args: tuple[str, ...] = ()
    for line in output.splitlines():
        if line.startswith(token + " "):
            if kind:
                found.append(Section(kind, args, "\n".join(lines)[:OUTPUT_LIMIT]))
            head = line[len(token) + 1 :].split(" ")
            kind, args, lines = head[0], tuple(head[1:]), []
        elif kind:
            lines.append(line)
    if kind:
        found.append(Section(kind, args, "\n".join(lines)[:OUTPUT_LIMIT]))
    return found


def _marker(token: str, *words: str) -> str:
    # on a line of its own even after output without a final newline
    return f"printf '\\n%s\\n' {shlex.quote(' '.join((token, *words)))}"


def platform_script(token: str, glibc_loader: str, musl_loader: str) -> str:
    """Which libc (by its loader, which prints its version) and every python with pip."""
    pythons = " ".join(PYTHONS)
    version = "import sys; print('%d.%d' % sys.version_info[:2])"
    return f"""
if [ -e {glibc_loader} ]; then {_marker(token, "glibc")}; {glibc_loader} --version 2>&1; fi
if [ -e {musl_loader} ]; then {_marker(token, "musl")}; {musl_loader} 2>&1; fi
for p in {pythons}; do
  if command -v "$p" >/dev/null 2>&1 && v=$("$p" -c "{version}" 2>/dev/null) \\
      && w=$("$p" -m pip --version 2>/dev/null); then
    printf '\\n%s python %s %s\\n%s\\n' "{token}" "$p" "$v" "$w"
  fi
done
{_marker(token, "end")}
"""


@dataclass(frozen=True)
class ImageFacts:
    libc: str | None  # "glibc" | "musl" | None (no loader: an empty or static-only image)
    version: tuple[int, int] | None
    libc_line: str | None  # the loader's own words
    pythons: tuple[tuple[str, tuple[int, int], str], ...] = ()  # (command, version, pip line)


_GLIBC_VERSION = re.compile(r"version (\d+)\.(\d+)")
_MUSL_VERSION = re.compile(r"^Version (\d+)\.(\d+)", re.MULTILINE)


def image_facts(found: Sequence[Section]) -> ImageFacts:
    libc = version = line = None
    pythons: list[tuple[str, tuple[int, int], str]] = []
    for section in found:
        first = section.text.strip().splitlines()[0] if section.text.strip() else ""
        if section.kind == "glibc" and (m := _GLIBC_VERSION.search(first)):
            libc, version, line = "glibc", (int(m[1]), int(m[2])), first
        elif section.kind == "musl" and (m := _MUSL_VERSION.search(section.text)) and not libc:
            libc, version, line = "musl", (int(m[1]), int(m[2])), f"{first} {m[0]}".strip()
        elif section.kind == "python" and len(section.args) == 2:
            major, _, minor = section.args[1].partition(".")
            seen = {v for _, v, _ in pythons}  # python3 and python3.11: one interpreter
            if major.isdigit() and minor.isdigit() and (int(major), int(minor)) not in seen:
                pythons.append((section.args[0], (int(major), int(minor)), first))
    return ImageFacts(libc, version, line, tuple(pythons))


def facts_from_loaders(glibc_output: str | None, musl_output: str | None) -> ImageFacts:
    """The same facts from running the loaders directly (an image without a shell)."""
    found = []
    if glibc_output is not None:
        found.append(Section("glibc", (), glibc_output))
    if musl_output is not None:
        found.append(Section("musl", (), musl_output))
    return image_facts(found)


def install_script(
    token: str, python: str, wheel: str, commands: Sequence[str], probes: Sequence[Sequence[str]]
) -> str:
    """Install WHEEL with the image's own pip (it judges the tags), then run each installed
    command with the probes in turn, stopping at the first that exits 0.  COMMANDS are plain
    file names (the caller checks); the probes' arguments are quoted one by one."""
    q = shlex.quote
    runs = ""
    for command in commands:
        chain = ""
        for args in reversed(probes):  # nested: the next probe only if this one failed
            call = " ".join(q(a) for a in args)
            inner = f"\n    if [ $r -ne 0 ]; then{chain}\n    fi" if chain else ""
            chain = (
                f"\n    {_marker(token, 'run', command, *args)}"
                f'\n    "$x" {call} >/tmp/releasenet.out 2>&1; r=$?'
                f'\n    cat /tmp/releasenet.out; printf \'\\n%s rc %s\\n\' "{token}" "$r"'
                f"{inner}"
            )
        runs += f"""
  if [ -x "$S/{command}" ]; then x="$S/{command}"; else x=$(command -v {q(command)}); fi
  if [ -z "$x" ]; then {_marker(token, "missing", command)}; else{chain}
  fi"""
    return f"""
{q(python)} -m pip install --no-index --no-deps {q(wheel)} >/tmp/releasenet.pip 2>&1
rc=$?
printf '\\n%s pip %s\\n' "{token}" "$rc"; cat /tmp/releasenet.pip
if [ $rc -eq 0 ]; then
  S=$({q(python)} -c 'import sysconfig; print(sysconfig.get_path("scripts"))'){runs}
fi
{_marker(token, "end")}
"""


@dataclass(frozen=True)
class InstalledRun:
    command: str
    args: tuple[str, ...]
    exit_code: int | None
    output: str
    found: bool = True  # False: not on the image after the install


@dataclass(frozen=True)
class InstallOutput:
    pip_exit: int | None  # None: the script never got to report it
    pip_output: str
    runs: tuple[InstalledRun, ...]
    finished: bool


def install_output(found: Sequence[Section]) -> InstallOutput:
    pip_exit, pip_output, runs, finished = None, "", [], False
    pending: Section | None = None
    for section in found:
        if section.kind == "pip" and section.args:
            pip_exit, pip_output = _int(section.args[0]), section.text
        elif section.kind == "run" and section.args:
            pending = section
        elif section.kind == "rc" and pending is not None:
            runs.append(
                InstalledRun(
                    pending.args[0],
                    pending.args[1:],
                    _int(section.args[0]) if section.args else None,
                    pending.text,
                )
            )
            pending = None
        elif section.kind == "missing" and section.args:
            runs.append(InstalledRun(section.args[0], (), None, "", found=False))
        elif section.kind == "end":
            finished = True
    if pending is not None:  # the container died mid-run (timeout, OOM)
        runs.append(InstalledRun(pending.args[0], pending.args[1:], None, pending.text))
    return InstallOutput(pip_exit, pip_output, tuple(runs), finished)


def _int(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None
