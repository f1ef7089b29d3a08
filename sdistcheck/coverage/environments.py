"""The target environments of a coverage matrix and the tags an installer accepts in each.

Rows are platforms (an OS, an architecture and, on Linux, a C library and its version); columns
are Python interpreters.  An environment's tags are listed as pip and uv rank them: computed with
`packaging.tags` from the platform list the installer would compute on such a machine (manylinux
from the glibc version down with the legacy aliases, musllinux likewise, macOS from
`packaging.tags.mac_platforms`), most specific first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags, generic_tags, mac_platforms

LINUX_ARCHS = ("x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64")
GLIBC = ((2, 17), (2, 28), (2, 34))
MUSL = ((1, 1), (1, 2))
MACOS = ((11, 0), (14, 0))
MACOS_ARCHS = ("x86_64", "arm64")
CPYTHON = ((3, 9), (3, 10), (3, 11), (3, 12), (3, 13), (3, 14))
FREE_THREADED = ((3, 13), (3, 14))
_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
# The architecture family each platform-tag architecture belongs to (Rust's target_arch names),
# which is what build-file conditions test.
ARCH_FAMILY = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "i686": "x86",
    "win32": "x86",
    "aarch64": "aarch64",
    "arm64": "aarch64",
    "armv7l": "arm",
    "ppc64le": "powerpc64",
    "s390x": "s390x",
    "riscv64": "riscv64",
}


@dataclass(frozen=True)
class Environment:
    """One platform row: `key` is its most specific platform tag (e.g. `win_arm64`)."""

    key: str
    os: str  # "linux" | "macos" | "windows"
    arch: str  # the family: x86_64, x86, aarch64, arm, powerpc64, s390x, riscv64
    label: str  # e.g. "Linux aarch64 glibc 2.17", "Windows ARM64 (win_arm64)"
    platforms: tuple[str, ...]  # platform tags an installer accepts there, best first
    libc: str | None = None  # "glibc" | "musl" on Linux
    libc_version: tuple[int, int] | None = None
    os_version: tuple[int, int] | None = None  # macOS

    @property
    def machine(self) -> str:
        """The architecture as platform tags spell it: x86_64, aarch64, arm64, amd64, win32."""
        if self.os == "windows":
            return self.key.removeprefix("win_")
        return self.key.rsplit("_", 1)[-1] if self.os == "macos" else self.key.split("_", 3)[3]


@dataclass(frozen=True)
class Python:
    """One interpreter column."""

    label: str  # "3.12", "3.13t", "PyPy 3.10"
    version: tuple[int, int]
    interpreter: str  # "cp312", "pp310"
    abi: str  # "cp312", "cp313t", "pypy310_pp73"

    @property
    def implementation(self) -> str:
        return self.interpreter[:2]


def manylinux_platforms(arch: str, glibc: tuple[int, int]) -> tuple[str, ...]:
    """As packaging does on a glibc machine: manylinux_2_N from the running glibc down to the
    oldest the architecture has (2.5 on x86, 2.17 elsewhere), each legacy alias (manylinux2014,
    2010, 1) right after its equivalent, then `linux_<arch>`."""
    oldest = 5 if arch in ("x86_64", "i686") else 17
    out = []
    for minor in range(glibc[1], oldest - 1, -1):
        out.append(f"manylinux_{glibc[0]}_{minor}_{arch}")
        if (legacy := _LEGACY_MANYLINUX.get((glibc[0], minor))) is not None:
            out.append(f"{legacy}_{arch}")
    return (*out, f"linux_{arch}")


def musllinux_platforms(arch: str, musl: tuple[int, int]) -> tuple[str, ...]:
    """As packaging does on a musl machine: musllinux_1_N from the running musl down, then
    `linux_<arch>`."""
    found = [f"musllinux_{musl[0]}_{minor}_{arch}" for minor in range(musl[1], -1, -1)]
    return (*found, f"linux_{arch}")


def _linux() -> list[Environment]:
    out = []
    for arch in LINUX_ARCHS:
        for glibc in GLIBC:
            plats = manylinux_platforms(arch, glibc)
            label = f"Linux {arch} glibc {glibc[0]}.{glibc[1]}"
            out.append(
                Environment(plats[0], "linux", ARCH_FAMILY[arch], label, plats, "glibc", glibc)
            )
        for musl in MUSL:
            plats = musllinux_platforms(arch, musl)
            label = f"Linux {arch} musl {musl[0]}.{musl[1]}"
            out.append(
                Environment(plats[0], "linux", ARCH_FAMILY[arch], label, plats, "musl", musl)
            )
    return out


def _macos() -> list[Environment]:
    out = []
    for arch in MACOS_ARCHS:
        for version in MACOS:
            plats = tuple(mac_platforms(version, arch))
            label = f"macOS {version[0]} {arch}"
            env = Environment(
                plats[0], "macos", ARCH_FAMILY[arch], label, plats, os_version=version
            )
            out.append(env)
    return out


_WINDOWS = (
    ("win_amd64", "amd64", "Windows x64 (win_amd64)"),
    ("win32", "win32", "Windows x86 (win32)"),
    ("win_arm64", "arm64", "Windows ARM64 (win_arm64)"),
)


@lru_cache(maxsize=1)
def environments() -> tuple[Environment, ...]:
    """Every platform row: Linux (glibc, musl), macOS, Windows."""
    windows = [Environment(k, "windows", ARCH_FAMILY[a], lab, (k,)) for k, a, lab in _WINDOWS]
    return (*_linux(), *_macos(), *windows)


def admitted(requires_python: str | None, version: tuple[int, int]) -> bool:
    """Whether Requires-Python admits VERSION (anything unreadable admits everything)."""
    if not requires_python:
        return True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True
    return spec.contains(f"{version[0]}.{version[1]}", prereleases=True)


def pythons(
    requires_python: str | None, pypy: Iterable[tuple[str, str]] = ()
) -> tuple[Python, ...]:
    """The interpreter columns: CPython 3.9-3.14, then free-threaded 3.13t/3.14t, where
    Requires-Python admits them; then PyPY for each (interpreter, abi) of PyPy wheels given
    (e.g. ("pp310", "pypy310_pp73"))."""
    out = []
    for v in CPYTHON:
        if admitted(requires_python, v):
            out.append(Python(f"{v[0]}.{v[1]}", v, f"cp{v[0]}{v[1]}", f"cp{v[0]}{v[1]}"))
    for v in FREE_THREADED:
        if admitted(requires_python, v):
            out.append(Python(f"{v[0]}.{v[1]}t", v, f"cp{v[0]}{v[1]}", f"cp{v[0]}{v[1]}t"))
    for interpreter, abi in sorted(set(pypy), key=lambda p: _pypy_version(p[0]) or (0, 0)):
        pv = _pypy_version(interpreter)
        if pv is not None and admitted(requires_python, pv):
            out.append(Python(f"PyPy {pv[0]}.{pv[1]}", pv, interpreter, abi))
    return tuple(out)


def _pypy_version(interpreter: str) -> tuple[int, int] | None:
    """`pp310` -> (3, 10); None for anything else."""
    digits = interpreter[2:]
    if not interpreter.startswith("pp") or len(digits) < 2 or not digits.isdigit():
        return None
    return int(digits[0]), int(digits[1:])


@lru_cache(maxsize=4096)
def ranks(env: Environment, py: Python) -> dict[Tag, int]:
    """Every tag PY accepts on ENV, with its rank (0 is the most preferred), as pip's
    `--platform ... --python-version ... --implementation ... --abi ...` computes them."""
    plats = list(env.platforms)
    if py.implementation == "cp":
        tags = list(cpython_tags(py.version, [py.abi], plats))
    else:
        tags = list(generic_tags(py.interpreter, [py.abi], plats))
    tags += compatible_tags(py.version, py.interpreter, plats)
    out: dict[Tag, int] = {}
    for tag in tags:
        out.setdefault(tag, len(out))
    return out
