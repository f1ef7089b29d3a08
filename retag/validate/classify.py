"""What a container run shows about a binary: it runs, its loader or a library is missing, the
kernel cannot execute its architecture, or the installer refused the wheel's tags.

Exit codes alone lie here: an engine reports "exec /x: no such file or directory" (a missing
loader) as a plain exit 1, and a program that runs may print "No such file or directory" itself.
So the output is read for the messages of the kernel, the engines, the shells and both libcs'
loaders, and cross-checked with the ELF analysis: a missing-loader verdict needs a binary that
has a PT_INTERP.  Pure functions: no engine is needed to test them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..binaries.analysis import Binary


class Outcome(str, enum.Enum):
    RUNS = "runs"
    INSTALLED = "installed"
    EXITS_NONZERO = "exits-nonzero"  # it loaded and ran, but no probe exited 0
    REFUSED = "installer-refused"  # the image's pip says the tags do not fit this platform
    INSTALL_FAILED = "install-failed"
    MISSING_LOADER = "missing-loader"
    MISSING_LIBRARY = "missing-library"
    MISSING_SYMBOL = "missing-symbol"  # a glibc symbol version or musl symbol the image lacks
    EXEC_FORMAT = "exec-format-error"
    NOT_FOUND = "not-found"  # an installed command that is nowhere on the image
    TIMEOUT = "timeout"
    ENGINE_ERROR = "engine-error"
    NO_EMULATION = "no-emulation"  # foreign arch with no binfmt handler: not checked
    UNAVAILABLE = "image-unavailable"  # not checked

    @property
    def works(self) -> bool:
        return self in (Outcome.RUNS, Outcome.INSTALLED)

    @property
    def unchecked(self) -> bool:
        return self in (Outcome.NO_EMULATION, Outcome.UNAVAILABLE)

    @property
    def load_failure(self) -> bool:
        return self in (
            Outcome.MISSING_LOADER,
            Outcome.MISSING_LIBRARY,
            Outcome.MISSING_SYMBOL,
            Outcome.EXEC_FORMAT,
        )


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    evidence: str  # one line: the program's first line, or the message that decided


_MISSING_LIB = (
    re.compile(r"error while loading shared libraries: ([^:\s]+): cannot open shared object"),
    re.compile(r"Error loading shared library ([^:\s]+): No such file"),  # musl's loader
)
_MISSING_SYMBOL = (
    re.compile(r"version `([^']+)' not found"),  # glibc: GLIBC_2.34 and friends
    re.compile(r"Error relocating [^:]+: ([^:\s]+): symbol not found"),  # musl
)
_EXEC_FORMAT = re.compile(r"exec format error|cannot execute binary file", re.IGNORECASE)
# the engine's own lines: podman "Error: ...", docker "docker: Error response from daemon: ..."
_ENGINE_LINE = re.compile(r"^(?:Error: |docker: )", re.MULTILINE)


def _exec_failure(path: str) -> re.Pattern[str]:
    """How an exec of PATH that the kernel answered with ENOENT (the file is there, its loader
    or #! interpreter is not) is told: by runc (podman and docker alike), dash, busybox, bash."""
    name = re.escape(path.rsplit("/", 1)[-1])
    return re.compile(
        rf"^(?:exec (?:\S*/)?{name}: no such file or directory"
        rf"|\S*sh: (?:line )?(?:\d+: )?(?:\S*/)?{name}: "
        r"(?:not found|cannot execute: required file not found|No such file or directory))\s*$",
        re.MULTILINE,
    )


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return "(no output)"


def _line_with(pattern: re.Pattern[str], text: str) -> str:
    for line in text.splitlines():
        if pattern.search(line):
            return line.strip()[:200]
    return first_line(text)


def classify_run(
    exit_code: int | None, output: str, path: str, binary: Binary | None, timeout: float = 0.0
) -> Verdict:
    """The verdict on running PATH (whose ELF analysis is BINARY, None for a script)."""
    if exit_code is None:
        return Verdict(Outcome.TIMEOUT, f"no answer within {timeout:.0f} s")
    if exit_code == 0:
        return Verdict(Outcome.RUNS, first_line(output))
    engine = _ENGINE_LINE.search(output) if exit_code in (125, 126, 127) else None
    if engine:
        line = output[engine.start() :].partition("\n")[0].strip()
        if "no such file or directory" in line.lower():
            return Verdict(Outcome.NOT_FOUND, f"not in the image: {line[:200]}")
        return Verdict(Outcome.ENGINE_ERROR, line[:200])
    for pattern in _MISSING_LIB:
        if m := pattern.search(output):
            return Verdict(
                Outcome.MISSING_LIBRARY,
                f"needs {m[1]}, which the image lacks: {_line_with(pattern, output)}",
            )
    for pattern in _MISSING_SYMBOL:
        if m := pattern.search(output):
            return Verdict(
                Outcome.MISSING_SYMBOL,
                f"needs {m[1]}, which the image's libc lacks: {_line_with(pattern, output)}",
            )
    named = [line for line in output.splitlines() if path.rsplit("/", 1)[-1] in line]
    if any(_EXEC_FORMAT.search(line) for line in named):
        arch = f"{binary.arch} code: " if binary else ""
        return Verdict(
            Outcome.EXEC_FORMAT,
            f"the kernel cannot execute it ({arch}{_line_with(_EXEC_FORMAT, chr(10).join(named))})",
        )
    if m := _exec_failure(path).search(output):
        evidence = m[0].strip()[:200]
        if binary is not None and binary.interpreter:
            return Verdict(
                Outcome.MISSING_LOADER,
                f"needs the loader {binary.interpreter}, which the image lacks: {evidence}",
            )
        if binary is not None:  # a static binary never needs a file to start
            return Verdict(
                Outcome.ENGINE_ERROR,
                f"a static binary reported missing, so the engine did not see the file: {evidence}",
            )
        return Verdict(Outcome.MISSING_LOADER, f"its interpreter (#! line) is missing: {evidence}")
    return Verdict(Outcome.EXITS_NONZERO, f"exit {exit_code}: {first_line(output)}")


_NOT_SUPPORTED = re.compile(r"is not a supported wheel on this platform")


def classify_install(pip_exit: int | None, pip_output: str) -> Verdict:
    """The verdict of the image's own pip on the wheel."""
    if pip_exit == 0:
        done = _line_with(re.compile(r"Successfully installed"), pip_output)
        return Verdict(Outcome.INSTALLED, done)
    if _NOT_SUPPORTED.search(pip_output):
        return Verdict(Outcome.REFUSED, _line_with(_NOT_SUPPORTED, pip_output))
    if pip_exit is None:
        return Verdict(Outcome.INSTALL_FAILED, "pip did not finish (timeout?)")
    last = [line.strip() for line in pip_output.splitlines() if line.strip()]
    return Verdict(
        Outcome.INSTALL_FAILED,
        f"pip exit {pip_exit}: {(last[-1] if last else '(no output)')[:200]}",
    )
