"""Read an `strace -f -y` log: which files under a source tree the traced processes read.

The oracle behind `trace_build.py`: a real build's file accesses are the truth for the host
platform, whatever language or build tool did them.  Only successful opens count (a failed
probe is no need), only regular-file opens (a directory listing is no need either), and a file
the build wrote before reading it is its own output, not an input of the sdist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# `1234 openat(AT_FDCWD</src>, "a.c", O_RDONLY) = 3</src/a.c>`; with -f a call may be split
# into `... <unfinished ...>` and `1234 <... openat resumed>) = 3</src/a.c>`.
_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<rest>.*)$")
_CALL = re.compile(r"^(?P<name>[a-z0-9_]+)\((?P<args>.*)$")
_RESUMED = re.compile(r"^<\.\.\. (?P<name>[a-z0-9_]+) resumed>(?P<args>.*)$")
_RESULT_PATH = re.compile(r"\)\s+=\s+\d+<(?P<path>(?:[^>\\]|\\.)*)>\s*$")
_RESULT_OK = re.compile(r"\)\s+=\s+0\s*$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_FD_PATH = re.compile(r"^(?:-?\d+|AT_FDCWD)<(?P<path>(?:[^>\\]|\\.)*)>")

OPENS = ("open", "openat", "openat2", "creat")
RENAMES = ("rename", "renameat", "renameat2", "link", "linkat")
FORKS = ("clone", "clone3", "fork", "vfork")
_RESULT_PID = re.compile(r"\)\s+=\s+(\d+)\s*$")
_WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC")

# Processes that compile or drive compilation; what they read is a compile input.
COMPILERS = frozenset(
    {
        "cc1",
        "cc1plus",
        "cc1obj",
        "f951",
        "as",
        "cpp",
        "gcc",
        "g++",
        "cc",
        "c++",
        "clang",
        "clang++",
        "gfortran",
        "nvcc",
        "rustc",
        "cargo",
        "cmake",
        "ninja",
        "make",
        "gmake",
        "swig",
        "cython",
        "meson",
        "ld",
        "collect2",
    }
)


def _unescape(text: str) -> str:
    """strace's C escapes (`\\x..`, `\\"`, `\\\\`) back to the bytes they stand for."""
    raw = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "x" and i + 3 < len(text) + 1:
                raw.append(int(text[i + 2 : i + 4], 16))
                i += 4
                continue
            if n.isdigit():
                j = i + 1
                while j < len(text) and j < i + 4 and text[j].isdigit():
                    j += 1
                raw.append(int(text[i + 1 : j], 8) & 0xFF)
                i = j
                continue
            raw.extend({"n": b"\n", "t": b"\t", "r": b"\r"}.get(n, n.encode()))
            i += 2
            continue
        raw.extend(c.encode())
        i += 1
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Access:
    """One file access: `path` is absolute; `op` is "read", "write" or "exec"."""

    pid: int
    program: str
    path: str
    op: str


def _program(exe: str, argv: list[str]) -> str:
    """A process's name for classification: a Python process by the script or module it runs."""
    base = exe.rsplit("/", 1)[-1]
    if not base.startswith("python"):
        return base
    args = argv[1:]
    while args and args[0].startswith("-") and args[0] not in ("-m", "-c"):
        args = args[1:]
    if len(args) >= 2 and args[0] == "-m":
        return args[1].split(".")[0]
    if args and args[0] != "-c":
        return args[0].rsplit("/", 1)[-1].removesuffix(".py")
    return "python"


def accesses(lines: Iterable[str]) -> list[Access]:
    """Every successful file open, exec and rename target of an `strace -f -y` log, in order."""
    pending: dict[int, tuple[str, str]] = {}
    programs: dict[int, str] = {}
    out: list[Access] = []
    for raw in lines:
        m = _LINE.match(raw.rstrip("\n"))
        if m is None:
            continue
        pid, rest = int(m["pid"]), m["rest"]
        if rest.endswith("<unfinished ...>"):
            call = _CALL.match(rest)
            if call is not None:
                pending[pid] = (call["name"], call["args"].removesuffix("<unfinished ...>"))
            continue
        resumed = _RESUMED.match(rest)
        if resumed is not None:
            name, head = pending.pop(pid, (resumed["name"], ""))
            name, args = name, head + resumed["args"]
        else:
            call = _CALL.match(rest)
            if call is None:
                continue
            name, args = call["name"], call["args"]
        out.extend(_access(pid, name, "(" + args, programs))
    return out


def _access(pid: int, name: str, call: str, programs: dict[int, str]) -> list[Access]:
    program = programs.get(pid, "python")
    if name in OPENS:
        result = _RESULT_PATH.search(call)
        if result is None:
            return []
        path = _unescape(result["path"])
        flags = call.rsplit(")", 1)[0]
        writes = name == "creat" or any(f in flags for f in _WRITE_FLAGS)
        if "O_DIRECTORY" in flags:
            return []
        return [Access(pid, program, path, "write" if writes else "read")]
    if name == "execve" and _RESULT_OK.search(call):
        strings = [_unescape(s) for s in _STRING.findall(call)]
        if not strings:
            return []
        exe = strings[0]
        programs[pid] = _program(exe, strings[1:])
        return [Access(pid, programs[pid], exe, "exec")]
    if name in RENAMES and _RESULT_OK.search(call):
        return _rename_target(pid, program, call)
    if name in FORKS:
        child = _RESULT_PID.search(call)
        if child is not None:  # until it execs, a child runs its parent's program
            programs[int(child[1])] = program
    return []


def _rename_target(pid: int, program: str, call: str) -> list[Access]:
    """The destination of a rename or link, which the build wrote: `renameat(3</d>, "a", 4</d>,
    "b")` names it relative to its directory descriptor."""
    strings = _STRING.findall(call)
    if len(strings) < 2:
        return []
    target = _unescape(strings[1])
    if not target.startswith("/"):
        # the directory descriptor just before the target's string, else the cwd is unknown
        before = call[: call.rfind('"' + strings[1] + '"')]
        dirs = re.findall(r"(?:-?\d+|AT_FDCWD)<((?:[^>\\]|\\.)*)>", before)
        if not dirs:
            return []
        target = _unescape(dirs[-1]).rstrip("/") + "/" + target
    return [Access(pid, program, target, "write")]


@dataclass(frozen=True)
class TracedRead:
    """A file of the source tree that the build read before (or without) writing it."""

    path: str  # relative to the source tree
    program: str  # the compiler or build tool that read it, else the first process that did


def reads_under(root: str, events: Iterable[Access]) -> list[TracedRead]:
    """The files under ROOT that were read (or executed) and not written by the build first."""
    prefix = root.rstrip("/") + "/"
    written: set[str] = set()
    seen: dict[str, TracedRead] = {}
    for event in events:
        if not event.path.startswith(prefix):
            continue
        rel = event.path[len(prefix) :]
        if event.op == "write":
            written.add(rel)
        elif rel not in written and (
            rel not in seen or (event.program in COMPILERS and seen[rel].program not in COMPILERS)
        ):
            # a file both copied and compiled (pdm ships sources in the wheel) is compiled
            seen[rel] = TracedRead(rel, event.program)
    return sorted(seen.values(), key=lambda r: r.path)
