"""Listing an sdist without extracting it, and saying whether it has native build inputs.

list_archive() reads the file names of a .tar.gz or .zip sdist (and its top-level
pyproject.toml) in one bounded pass; classify() turns that listing into the build backend and
the native languages, or None when nothing native is built.
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # the project supports 3.10, where tomli is its dependency
    import tomli as tomllib

_MiB = 1024**2
MAX_MEMBERS = 200_000  # listing bounds: an archive past either is "unreadable"
MAX_UNPACKED = 1024**3  # sum of member sizes, read through while listing a compressed tar
MAX_PYPROJECT = 1 * _MiB

SOURCE_SUFFIXES = {
    ".c": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".pyx": "cython",
    ".pxd": "cython",
}
# a folder is left out when a word of its name (split at anything not a letter or digit) is one
# of these: tests/, test cases/, manual tests/, c_ffi_tests/, docs/, examples/, benchmarks/ ...
EXCLUDED_WORDS = frozenset(
    {"test", "tests", "testing", "testdata", "testsuite", "doc", "docs", "documentation"}
    | {"example", "examples", "demo", "demos", "sample", "samples"}
    | {"bench", "benchmark", "benchmarks", "benchmarking"}
)
BACKENDS = (  # (module prefix of build-backend, backend name), first match wins
    ("maturin", "maturin"),
    ("setuptools", "setuptools"),
    ("scikit_build_core", "scikit-build-core"),
    ("mesonpy", "mesonpy"),
    ("hatchling", "hatchling"),
    ("pdm", "pdm"),
    ("poetry", "poetry"),
)


# --------------------------------------------------------------------------------- the archive


class Unreadable(Exception):
    pass


@dataclass(frozen=True)
class Listing:
    files: frozenset[str]  # regular files, relative to the sdist's top folder
    pyproject: bytes | None  # the top-level pyproject.toml, when there is one of sane size


def _clean(name: str) -> str:
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    return "/".join(parts)


def _members(path: Path) -> Iterator[tuple[str, int, Any]]:
    """(name, size, read) of each regular file, READ(limit) giving its first bytes; bounded."""
    count = unpacked = 0
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                count += 1
                if count > MAX_MEMBERS:
                    raise Unreadable(f"more than {MAX_MEMBERS} members")
                if info.is_dir():
                    continue

                def read_zip(limit: int, info: zipfile.ZipInfo = info) -> bytes:
                    with zf.open(info) as fh:
                        return fh.read(limit)

                yield info.filename, info.file_size, read_zip
        return
    with tarfile.open(path, mode="r|*") as tf:  # stream: one pass, member data skipped by reading
        for member in tf:
            count += 1
            unpacked += max(member.size, 0)
            if count > MAX_MEMBERS:
                raise Unreadable(f"more than {MAX_MEMBERS} members")
            if unpacked > MAX_UNPACKED:
                raise Unreadable(f"more than {MAX_UNPACKED // _MiB} MiB unpacked")
            if not member.isfile():
                continue

            def read_tar(limit: int, member: tarfile.TarInfo = member) -> bytes:
                fh = tf.extractfile(member)
                return fh.read(limit) if fh is not None else b""

            yield member.name, member.size, read_tar


def list_archive(path: Path) -> Listing:
    """The file names in the sdist at PATH, and its pyproject.toml; nothing is extracted."""
    names: list[str] = []
    pyprojects: dict[str, bytes] = {}
    try:
        for raw_name, size, read in _members(path):
            name = _clean(raw_name)
            if not name:
                continue
            names.append(name)
            top_level = name.count("/") <= 1
            if top_level and name.rsplit("/", 1)[-1] == "pyproject.toml" and size <= MAX_PYPROJECT:
                pyprojects[name] = read(MAX_PYPROJECT + 1)[:MAX_PYPROJECT]
    except Unreadable:
        raise
    except Exception as exc:  # untrusted input: any failure to read it means "unreadable"
        raise Unreadable(f"{type(exc).__name__}: {exc}") from exc
    if not names:
        raise Unreadable("no files")
    tops = {n.split("/", 1)[0] for n in names}
    strip = len(tops) == 1 and all("/" in n for n in names)
    files = frozenset(n.split("/", 1)[1] if strip else n for n in names)
    top = f"{next(iter(tops))}/pyproject.toml" if strip else "pyproject.toml"
    return Listing(files, pyprojects.get(top))


# ------------------------------------------------------------------------------ classification


@dataclass(frozen=True)
class Native:
    backend: str
    languages: str
    reasons: tuple[str, ...]


def _pyproject(data: bytes | None) -> tuple[dict[str, Any], str | None]:
    """The parsed pyproject.toml (empty when absent or broken) and its build-backend."""
    if data is None:
        return {}, None
    text = data.decode("utf-8", errors="replace")
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        found = re.search(r"""^\s*build-backend\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
        return {}, found.group(1).strip() if found else None
    system = parsed.get("build-system")
    backend = system.get("build-backend") if isinstance(system, dict) else None
    return parsed, backend.strip() if isinstance(backend, str) else None


def backend_name(raw: str | None) -> str:
    """maturin, setuptools (also legacy: no build-backend), ..., or other:RAW."""
    if raw is None or not raw:
        return "setuptools"
    module = raw.split(":", 1)[0]
    for prefix, name in BACKENDS:
        if module == prefix or module.startswith(prefix + "."):
            return name
    return f"other:{raw}"


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _excluded(name: str) -> bool:
    """Whether NAME lies in a test, doc, example or benchmark folder."""
    return any(
        word in EXCLUDED_WORDS
        for folder in name.split("/")[:-1]
        for word in re.split(r"[^a-z0-9]+", folder.lower())
    )


def _cmake_source_dir(pyproject: dict[str, Any]) -> str:
    tool = pyproject.get("tool")
    skbuild = tool.get("scikit-build") if isinstance(tool, dict) else None
    cmake = skbuild.get("cmake") if isinstance(skbuild, dict) else None
    source_dir = cmake.get("source-dir") if isinstance(cmake, dict) else None
    return _clean(source_dir) if isinstance(source_dir, str) else ""


def languages(files: Iterable[str]) -> str:
    """rust, c, cpp, cython, mixed:A+B (sorted), or other (no source of these kinds)."""
    files = list(files)
    pyx = {f.rsplit(".", 1)[0] for f in files if _suffix(f) == ".pyx"}
    found: set[str] = set()
    for f in files:
        base = f.rsplit("/", 1)[-1]
        if base == "Cargo.toml" or f.endswith(".rs"):
            found.add("rust")
            continue
        family = SOURCE_SUFFIXES.get(_suffix(f))
        if family in ("c", "cpp") and f.rsplit(".", 1)[0] in pyx:
            continue  # Cython's output, shipped beside its .pyx
        if family:
            found.add(family)
    if not found:
        return "other"
    if len(found) == 1:
        return found.pop()
    return "mixed:" + "+".join(sorted(found))


def classify(listing: Listing) -> Native | None:
    """How the sdist builds native code, or None when it has no native build inputs."""
    parsed, raw_backend = _pyproject(listing.pyproject)
    backend = backend_name(raw_backend)
    files = listing.files
    kept = sorted(f for f in files if not _excluded(f))
    reasons: list[str] = []
    cargo = [f for f in kept if f.rsplit("/", 1)[-1] == "Cargo.toml"]
    if cargo:
        reasons.append(f"Cargo.toml ({cargo[0]})")
    if "CMakeLists.txt" in files:
        reasons.append("CMakeLists.txt")
    elif backend == "scikit-build-core":
        source_dir = _cmake_source_dir(parsed)
        if f"{source_dir}/CMakeLists.txt".lstrip("/") in files:
            reasons.append(f"{source_dir}/CMakeLists.txt")
    if "meson.build" in files:
        reasons.append("meson.build")
    sources = [f for f in kept if _suffix(f) in SOURCE_SUFFIXES]
    if sources and ("setup.py" in files or "pyproject.toml" in files):
        reasons.append(f"{len(sources)} C/C++/Cython sources ({sources[0]}, ...)")
    if not reasons:
        return None
    return Native(backend, languages(kept), tuple(reasons))
