#!/usr/bin/env python3
"""Build testdata/corpus/popular.tsv: popular PyPI sdists with native build inputs, chosen by rule.

    python scripts/make_popular_corpus.py [--count 330] [--cache-dir DIR] [--out TSV]

The rule: walk the 15,000 most-downloaded PyPI projects in rank order (the rank column of
/work/.library/env/packages/pypi.tsv, or --ranks), take the sdist of each project's latest release
from PyPI's JSON API, download it (sha256 verified, at most 60 MiB) and LIST it, without
extracting or running anything.  It has native build inputs when it contains, outside obvious
test/doc/example folders, a Cargo.toml; a top-level CMakeLists.txt (or, with the scikit-build-core
backend, one at its cmake.source-dir); a top-level meson.build; or C/C++/Cython sources
(.c .cc .cpp .cxx .pyx .pxd) beside a top-level setup.py or pyproject.toml.  Stop at --count such
sdists, then split them once at random (fixed seed, stratified by build backend) into a `dev` and
a `heldout` half.

Deterministic: each project's PyPI answer is cached in DIR/_json/ and reused (--refresh asks
again), the sdists in DIR by file name, so a re-run writes the same manifest.  Also writes the
log of every examined project (DIR/examined.tsv) and the corpus README beside the manifest.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import random
import re
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # the project supports 3.10, where tomli is its dependency
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RANKS = Path("/work/.library/env/packages/pypi.tsv")
DEFAULT_CACHE = Path("/tmp/popcorpus/cache")
DEFAULT_OUT = ROOT / "testdata" / "corpus" / "popular.tsv"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
USER_AGENT = "releasenet-make-popular-corpus/1 (sdistcheck test corpus; 4 connections at most)"
SEED = 20261205
JOBS = 4

_MiB = 1024**2
MAX_SDIST = 60 * _MiB  # compressed size, as PyPI states it: larger sdists are skipped
MAX_MEMBERS = 200_000  # listing bounds: an archive past either is "unreadable"
MAX_UNPACKED = 1024**3  # sum of member sizes, read through while listing a compressed tar
MAX_PYPROJECT = 1 * _MiB
TIMEOUT = 60
ATTEMPTS = 4

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
COLUMNS = ("rank", "name", "version", "filename", "sha256", "size", "backend", "languages")
COLUMNS += ("split", "url")
# why a ranked project is not in the corpus; "native" means it is
NATIVE, NO_SDIST, TOO_BIG, NOT_NATIVE, UNREADABLE = (
    "native",
    "no-sdist",
    "too-big",
    "no-native-inputs",
    "unreadable",
)
NOT_FOUND, ERROR = "not-on-pypi", "error"

_print_lock = threading.Lock()


def log(message: str) -> None:
    with _print_lock:
        print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------- PyPI


@dataclass(frozen=True)
class SdistFile:
    filename: str
    sha256: str
    size: int
    url: str


@dataclass(frozen=True)
class Release:
    status: int  # HTTP status of the JSON API: 200, or 404 for a project PyPI no longer has
    version: str
    sdists: tuple[SdistFile, ...]
    fetched: str  # ISO date of the JSON API answer


class FetchFailed(Exception):
    pass


def _open(url: str) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return urllib.request.urlopen(request, timeout=TIMEOUT)


def _with_retries(what: str, action: Any) -> Any:
    """Run ACTION(); retry transient failures (network, 429, 5xx) with backoff."""
    for attempt in range(ATTEMPTS):
        try:
            return action()
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 500, 502, 503, 504) or attempt == ATTEMPTS - 1:
                raise
            reason = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            if attempt == ATTEMPTS - 1:
                raise FetchFailed(f"{what}: {exc}") from exc
            reason = str(exc)
        log(f"  retry {attempt + 1} of {what}: {reason}")
        time.sleep(2 ** (attempt + 1))
    raise AssertionError("unreachable")


def release(name: str, cache_dir: Path, refresh: bool) -> Release:
    """The files of NAME's latest release: PyPI's JSON API, or the cache of an earlier answer."""
    cached = cache_dir / "_json" / f"{name}.json"
    if cached.is_file() and not refresh:
        raw = json.loads(cached.read_text())
    else:
        url = PYPI_JSON.format(name=urllib.parse.quote(name))

        def ask() -> dict[str, Any]:
            try:
                with _open(url) as response:
                    data = json.load(response)
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return {"status": 404, "version": "", "sdists": []}
                raise
            files = [
                {
                    "filename": f["filename"],
                    "sha256": f["digests"]["sha256"],
                    "size": f["size"],
                    "url": urllib.parse.urljoin(url, f["url"]),
                }
                for f in data.get("urls", [])
                if f.get("packagetype") == "sdist" and not f.get("yanked")
            ]
            return {"status": 200, "version": data["info"]["version"], "sdists": files}

        raw = _with_retries(f"{name} JSON", ask)
        raw["fetched"] = dt.datetime.now(dt.timezone.utc).date().isoformat()
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw, indent=1, sort_keys=True) + "\n")
        tmp.replace(cached)
    sdists = tuple(SdistFile(**{**f, "url": canonical_url(f["url"])}) for f in raw["sdists"])
    return Release(raw["status"], raw["version"], sdists, raw["fetched"])


def canonical_url(url: str) -> str:
    """PyPI's public file URL: this workplace's PyPI answers some files with relative URLs that
    resolve to pypi.org/packages/packages/..., the same file as files.pythonhosted.org/packages/...
    """
    parts = urllib.parse.urlsplit(url)
    if parts.netloc == "pypi.org" and parts.path.startswith("/packages/packages/"):
        return f"https://files.pythonhosted.org{parts.path.removeprefix('/packages')}"
    return url


def pick_sdist(rel: Release) -> SdistFile | None:
    """The release's sdist; of several (old releases had .zip and .tar.gz), the .tar.gz."""
    if not rel.sdists:
        return None
    return min(rel.sdists, key=lambda f: (not f.filename.endswith(".tar.gz"), f.filename))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_MiB):
            digest.update(chunk)
    return digest.hexdigest()


def download(sdist: SdistFile, cache_dir: Path) -> Path:
    """The sdist in CACHE_DIR, downloaded first unless a copy with the right sha256 is there."""
    if "/" in sdist.filename or sdist.filename.startswith("."):
        raise FetchFailed(f"odd file name {sdist.filename!r}")
    path = cache_dir / sdist.filename
    if path.is_file() and _sha256(path) == sdist.sha256:
        return path
    tmp = path.with_name(f".{sdist.filename}.part")

    def fetch() -> None:
        digest, size = hashlib.sha256(), 0
        with _open(sdist.url) as response, tmp.open("wb") as out:
            while chunk := response.read(_MiB):
                size += len(chunk)
                if size > MAX_SDIST:
                    raise FetchFailed(f"{sdist.filename}: larger than PyPI said")
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sdist.sha256:
            raise FetchFailed(f"{sdist.filename}: sha256 {digest.hexdigest()} != {sdist.sha256}")
        tmp.replace(path)

    try:
        _with_retries(sdist.filename, fetch)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"{sdist.filename}: HTTP {exc.code}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path


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


# ---------------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class Outcome:
    rank: int
    name: str
    status: str  # NATIVE or why not
    detail: str = ""
    version: str = ""
    sdist: SdistFile | None = None
    native: Native | None = None
    fetched: str = ""


def examine(rank: int, name: str, cache_dir: Path, refresh: bool) -> Outcome:
    try:
        rel = release(name, cache_dir, refresh)
    except (FetchFailed, urllib.error.URLError, TimeoutError, OSError, KeyError) as exc:
        return Outcome(rank, name, ERROR, f"JSON API: {exc}")
    if rel.status == 404:
        return Outcome(rank, name, NOT_FOUND, fetched=rel.fetched)
    base = Outcome(rank, name, NO_SDIST, version=rel.version, fetched=rel.fetched)
    sdist = pick_sdist(rel)
    if sdist is None:
        return base
    base = Outcome(
        rank, name, TOO_BIG, f"{sdist.size} bytes", rel.version, sdist, None, rel.fetched
    )
    if sdist.size > MAX_SDIST:
        return base
    try:
        path = download(sdist, cache_dir)
    except (FetchFailed, urllib.error.URLError, TimeoutError, OSError) as exc:
        return Outcome(rank, name, ERROR, str(exc), rel.version, sdist, None, rel.fetched)
    try:
        native = classify(list_archive(path))
    except Unreadable as exc:
        return Outcome(rank, name, UNREADABLE, str(exc), rel.version, sdist, None, rel.fetched)
    if native is None:
        return Outcome(rank, name, NOT_NATIVE, "", rel.version, sdist, None, rel.fetched)
    detail = ", ".join(native.reasons)
    return Outcome(rank, name, NATIVE, detail, rel.version, sdist, native, rel.fetched)


def ranked_projects(path: Path) -> list[tuple[int, str]]:
    """(rank, name) of every ranked project in the package list, rank 1 first."""
    ranked: list[tuple[int, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        column = header.index("rank_among_15000_most_downloaded")
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > column and fields[column].strip():
                ranked.append((int(fields[column]), fields[0]))
    return sorted(ranked)


def walk(
    ranked: list[tuple[int, str]], count: int, cache_dir: Path, refresh: bool
) -> list[Outcome]:
    """Examine projects in rank order until COUNT have native build inputs.

    JOBS threads work a little ahead of the rank being decided; results are taken strictly in
    rank order, so the outcome is the same as a one-at-a-time walk.
    """
    outcomes: list[Outcome] = []
    found = 0
    todo = iter(ranked)
    pending: collections.deque[Future[Outcome]] = collections.deque()
    pool = ThreadPoolExecutor(max_workers=JOBS, thread_name_prefix="corpus")
    try:

        def fill() -> None:
            while len(pending) < 2 * JOBS:
                nxt = next(todo, None)
                if nxt is None:
                    return
                pending.append(pool.submit(examine, nxt[0], nxt[1], cache_dir, refresh))

        fill()
        while pending and found < count:
            outcome = pending.popleft().result()
            fill()
            outcomes.append(outcome)
            if outcome.status == NATIVE:
                found += 1
                assert outcome.native is not None
                what = f"{outcome.native.backend} {outcome.native.languages}: {outcome.detail}"
            else:
                what = f"{outcome.status} {outcome.detail}".rstrip()
            mark = (
                f"[{found}/{count}]"
                if outcome.status == NATIVE
                else " " * len(f"[{found}/{count}]")
            )
            log(f"{mark} #{outcome.rank} {outcome.name} {outcome.version}: {what}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


# --------------------------------------------------------------------------------- the split


def stratum(backend: str) -> str:
    return "other" if backend.startswith("other:") else backend


def split(natives: list[Outcome], seed: int) -> dict[str, str]:
    """name -> dev or heldout: each backend's projects shuffled once, half to each side.

    Backends are taken in sorted order from one seeded generator; an odd one out goes to the
    side that is smaller so far (dev on a tie), so the halves differ by at most one.
    """
    rng = random.Random(seed)
    groups: dict[str, list[Outcome]] = collections.defaultdict(list)
    for outcome in natives:
        assert outcome.native is not None
        groups[stratum(outcome.native.backend)].append(outcome)
    sides: dict[str, str] = {}
    dev = held = 0
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda o: o.rank)
        rng.shuffle(members)
        n_dev = len(members) // 2 + (len(members) % 2 if dev <= held else 0)
        for i, outcome in enumerate(members):
            sides[outcome.name] = "dev" if i < n_dev else "heldout"
        dev += n_dev
        held += len(members) - n_dev
    return sides


# ------------------------------------------------------------------------------------ output


def _row(values: Iterable[object]) -> str:
    cells = [str(v) for v in values]
    if any("\t" in c or "\n" in c for c in cells):
        raise ValueError(f"tab or newline in {cells}")
    return "\t".join(cells) + "\n"


def write_manifest(path: Path, natives: list[Outcome], sides: dict[str, str]) -> None:
    lines = [_row(COLUMNS)]
    for o in sorted(natives, key=lambda o: o.rank):
        assert o.sdist is not None and o.native is not None
        s, n = o.sdist, o.native
        values = (o.rank, o.name, o.version, s.filename, s.sha256, s.size, n.backend, n.languages)
        lines.append(_row((*values, sides[o.name], s.url)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def write_log(path: Path, outcomes: list[Outcome]) -> None:
    lines = [_row(("rank", "name", "version", "status", "filename", "detail"))]
    for o in outcomes:
        filename = o.sdist.filename if o.sdist else ""
        lines.append(_row((o.rank, o.name, o.version, o.status, filename, o.detail)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def _table(counter: collections.Counter[str], head: tuple[str, str]) -> list[str]:
    lines = [f"| {head[0]} | {head[1]} |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines


def readme(outcomes: list[Outcome], sides: dict[str, str], out: Path, count: int) -> str:
    natives = [o for o in outcomes if o.status == NATIVE]
    made = max((o.fetched for o in outcomes if o.fetched), default="")
    backends = collections.Counter(o.native.backend for o in natives if o.native)
    langs = collections.Counter(o.native.languages for o in natives if o.native)
    per_split = collections.Counter(sides.values())
    by_pair = collections.Counter((o.native.backend, sides[o.name]) for o in natives if o.native)
    skipped = collections.Counter(o.status for o in outcomes if o.status != NATIVE)
    last = outcomes[-1].rank if outcomes else 0
    try:
        shown = out.resolve().relative_to(ROOT)
    except ValueError:
        shown = out
    lines = [
        "# Popular native sdists",
        "",
        f"`{shown.name}`: {len(natives)} sdists of the most-downloaded PyPI projects whose latest",
        "sdist has native build inputs, pinned by sha256 and split once at random into `dev`",
        "(tune against these) and `heldout` (measure on these only).",
        "",
        "## The rule",
        "",
        "Projects are walked in download rank order (`rank_among_15000_most_downloaded` in the",
        "workplace's PyPI package list, rank 1 = most downloaded). For each, PyPI's JSON API names",
        "the latest release; its sdist (the `.tar.gz` if it has several; skipped when it has none",
        f"or when it is over {MAX_SDIST // _MiB} MiB) is downloaded, its sha256 checked, and the",
        "archive *listed*, never extracted or run. It counts when it contains, outside",
        "test/doc/example/benchmark folders (a folder whose name has a word such as `test`,",
        "`tests`, `docs`, `examples`, `benchmarks`: `test cases/` and `c_ffi_tests/` too), a",
        "`Cargo.toml`; a top-level `CMakeLists.txt` (or one at",
        "`tool.scikit-build.cmake.source-dir` with the scikit-build-core backend); a top-level",
        "`meson.build`; or `.c .cc .cpp .cxx .pyx .pxd` sources beside a top-level `setup.py` or",
        f"`pyproject.toml`. The walk stops at {count} such sdists.",
        "",
        "`backend` is `[build-system] build-backend` of the top-level `pyproject.toml`, by module:",
        "`maturin`, `setuptools` (also with no pyproject.toml or no build-backend),",
        "`scikit-build-core`, `mesonpy`, `hatchling`, `pdm`, `poetry`, else `other:<backend>`.",
        "`languages` is `rust`, `c`, `cpp`, `cython`, `mixed:<a>+<b>` or `other` (native build",
        "files but none of those sources, e.g. Fortran); C/C++ files beside a same-named `.pyx`",
        "count as Cython output, not as C.",
        "",
        f"The split: `random.Random({SEED})`, one shuffle per backend (all `other:*` together),",
        "half of each to `dev`; a group's odd one out goes to the half that is smaller so far.",
        "So both halves have each backend that has two or more sdists; a backend with one sdist",
        "is in one half only.",
        "",
        "## Regenerate",
        "",
        "```bash",
        "python3 scripts/make_popular_corpus.py --count "
        f"{count} --cache-dir /tmp/popcorpus/cache --out {shown}",
        "```",
        "",
        "PyPI's answers are cached (`<cache-dir>/_json/`), so a re-run writes the same file;",
        "`--refresh` asks PyPI again (the latest releases will have moved on). Every examined",
        "project and why it was or was not taken is logged in `<cache-dir>/examined.tsv`.",
        "",
        f"Made {made}, examining ranks 1 to {last} ({len(outcomes)} projects).",
        "",
        "## Counts",
        "",
        f"{len(natives)} sdists: {per_split['dev']} `dev`, {per_split['heldout']} `heldout`.",
        "",
        "| backend | dev | heldout | total |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, total in sorted(backends.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {name} | {by_pair[name, 'dev']} | {by_pair[name, 'heldout']} | {total} |")
    lines += ["", *_table(langs, ("languages", "sdists")), "", "## Skipped", ""]
    lines += _table(skipped, ("why", "projects"))
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=330, help="native sdists to collect")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the manifest (TSV)")
    parser.add_argument("--ranks", type=Path, default=DEFAULT_RANKS, help="package list with ranks")
    parser.add_argument("--readme", type=Path, help="default: README.md beside --out")
    parser.add_argument("--refresh", action="store_true", help="ask PyPI again, ignore its cache")
    args = parser.parse_args()
    cache_dir: Path = args.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()

    ranked = ranked_projects(args.ranks)
    log(f"{len(ranked)} ranked projects; collecting {args.count} native sdists in {cache_dir}")
    outcomes = walk(ranked, args.count, cache_dir, args.refresh)
    natives = [o for o in outcomes if o.status == NATIVE]
    sides = split(natives, SEED)

    write_manifest(args.out, natives, sides)
    write_log(cache_dir / "examined.tsv", outcomes)
    readme_path: Path = args.readme or args.out.with_name("README.md")
    readme_path.write_text(readme(outcomes, sides, args.out, args.count), encoding="utf-8")

    statuses = collections.Counter(o.status for o in outcomes)
    errors = [o for o in outcomes if o.status == ERROR]
    log(f"\nexamined {len(outcomes)} projects in {time.monotonic() - start:.0f} s: {statuses}")
    log(f"wrote {args.out} ({len(natives)} sdists) and {readme_path}")
    for o in errors:
        log(f"  ERROR #{o.rank} {o.name}: {o.detail}  (re-run to retry)")
    if len(natives) < args.count:
        log(f"only {len(natives)} of {args.count}: the ranked list ran out")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
