"""Fetch sdists and wheels from a simple index (PEP 503 HTML or PEP 691 JSON), sha256-verified.

Downloads are cached by content at `cache/<sha256>/<filename>`: a pinned file already in the
cache is used without touching the network.  Every network failure becomes one `FetchError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any, Protocol

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from .._errors import FetchError

DEFAULT_INDEX = "https://pypi.org/simple/"
TIMEOUT = 30.0  # seconds per socket operation
_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
_JSON_TYPES = ("application/vnd.pypi.simple.v1+json", "application/json")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def cache_dir() -> Path:
    """$SDISTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/sdistcheck, else ~/.cache/sdistcheck."""
    if explicit := os.environ.get("SDISTCHECK_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sdistcheck"


@dataclass(frozen=True)
class IndexFile:
    """One file listed on a project page of a simple index."""

    filename: str
    url: str  # absolute, without the #sha256= fragment
    sha256: str | None  # lower-case hex, when the index gives one
    yanked: bool
    requires_python: str | None = None  # the index's Requires-Python for the file, if given


class _NotFoundError(FetchError):
    """HTTP 404 (or a missing file under a file:// index)."""


@contextlib.contextmanager
def _network(url: str) -> Iterator[None]:
    """Turn every kind of network failure inside the block into one FetchError line."""
    try:
        yield
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _NotFoundError(f"{url}: not found (HTTP 404)") from None
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FileNotFoundError):
            raise _NotFoundError(f"{url}: not found") from None
        raise FetchError(_unreachable(url, exc.reason)) from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise FetchError(_unreachable(url, exc)) from None


def _unreachable(url: str, reason: object) -> str:
    text = str(reason) or type(reason).__name__
    return f"cannot reach {url}: {text} (offline? use a local path or --index-url)"


class _Response(Protocol):
    headers: Message

    def read(self, amt: int | None = None, /) -> bytes: ...
    def geturl(self) -> str: ...
    def __enter__(self) -> _Response: ...
    def __exit__(self, *args: object) -> None: ...


def _open(url: str, timeout: float, accept: str = "*/*") -> _Response:
    if url.startswith("file:") and url.endswith("/"):
        url += "index.html"  # a directory index: <project>/index.html
    try:
        request = urllib.request.Request(url, headers={"Accept": accept})
    except ValueError as exc:
        raise FetchError(f"bad index URL {url!r}: {exc}") from None
    with _network(url):
        response: _Response = urllib.request.urlopen(request, timeout=timeout)
    return response


def _project_url(project: str, index_url: str) -> str:
    try:
        name = canonicalize_name(project, validate=True)
    except ValueError:  # InvalidName
        raise FetchError(f"invalid project name {project!r}") from None
    base = index_url if index_url.endswith("/") else index_url + "/"
    return urllib.parse.urljoin(base, name + "/")


def list_files(
    project: str, index_url: str = DEFAULT_INDEX, timeout: float = 30
) -> list[IndexFile]:
    """All files on the project's page, in index order."""
    url = _project_url(project, index_url)
    try:
        with _open(url, timeout, _ACCEPT) as response, _network(url):
            body, base = response.read(), response.geturl()
            ctype = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except _NotFoundError:
        raise FetchError(f"project {project} not found on {index_url}") from None
    text = body.decode(charset or "utf-8", errors="replace")
    if ctype in _JSON_TYPES:
        return _parse_json(text, base, url)
    return _parse_html(text, base)


def _parse_json(text: str, base: str, url: str) -> list[IndexFile]:
    try:
        entries: list[dict[str, Any]] = json.loads(text)["files"]
        return [
            _index_file(
                entry["filename"],
                urllib.parse.urljoin(base, entry["url"]),
                (entry.get("hashes") or {}).get("sha256"),
                bool(entry.get("yanked", False)),
                entry.get("requires-python"),
            )
            for entry in entries
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FetchError(f"{url}: malformed simple-API JSON ({exc})") from None


class _LinkParser(HTMLParser):
    """Collects (attributes, text) of every <a>, honouring <base href>."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.links: list[tuple[dict[str, str | None], list[str]]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and (href := dict(attrs).get("href")):
            self.base = urllib.parse.urljoin(self.base, href)
        elif tag == "a":
            self.links.append((dict(attrs), []))
            self._inside = True

    def handle_endtag(self, tag: str) -> None:
        self._inside = self._inside and tag != "a"

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.links[-1][1].append(data)


def _parse_html(text: str, base: str) -> list[IndexFile]:
    parser = _LinkParser(base)
    parser.feed(text)
    parser.close()
    files = []
    for attrs, texts in parser.links:
        if not (href := attrs.get("href")):
            continue
        url, fragment = urllib.parse.urldefrag(urllib.parse.urljoin(parser.base, href))
        path_name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        hash_name, _, value = fragment.partition("=")
        sha = value if hash_name == "sha256" else None
        name = "".join(texts).strip() or path_name
        requires = attrs.get("data-requires-python")
        files.append(_index_file(name, url, sha, "data-yanked" in attrs, requires))
    return files


def _index_file(
    filename: str, url: str, sha256: object, yanked: bool, requires_python: object = None
) -> IndexFile:
    sha = sha256.lower() if isinstance(sha256, str) else None
    requires = requires_python.strip() if isinstance(requires_python, str) else None
    return IndexFile(
        str(filename),
        url,
        sha if sha and _SHA256.fullmatch(sha) else None,
        yanked,
        requires or None,
    )


_Key = tuple[str, str, Version]


def dist_key(filename: str) -> _Key | None:
    """("sdist" or "wheel", canonical name, version); None for any other file."""
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
            return "wheel", name, version
        name, version = parse_sdist_filename(filename)
        return "sdist", name, version
    except ValueError:  # InvalidSdistFilename, InvalidWheelFilename, InvalidVersion
        return None


def fetch_sdist(
    project: str,
    version: str,
    index_url: str = DEFAULT_INDEX,
    cache: Path | None = None,
    files: list[IndexFile] | None = None,
) -> Path:
    """Download (or reuse from the cache) the sdist of PROJECT==VERSION; return its path.
    FILES: the project's page, when the caller has listed it already."""
    try:
        wanted: _Key = ("sdist", canonicalize_name(project), Version(version))
    except ValueError:  # InvalidVersion
        raise FetchError(f"invalid version {version!r} for {project}") from None
    if files is None:
        files = list_files(project, index_url)
    matches = [f for f in files if dist_key(f.filename) == wanted]
    if not matches:
        raise FetchError(_no_sdist(project, version, index_url, files, wanted))
    best = min(matches, key=lambda f: (f.yanked, not f.filename.endswith(".tar.gz")))
    return _download(best, best.sha256, cache)


def _no_sdist(
    project: str, version: str, index_url: str, files: list[IndexFile], wanted: _Key
) -> str:
    message = f"no sdist of {project} {version} on {index_url}"
    keys = [dist_key(f.filename) for f in files]
    if ("wheel", wanted[1], wanted[2]) in keys:
        return f"{message} (only wheels for that version)"
    versions = sorted({k[2] for k in keys if k and k[:2] == wanted[:2]}, reverse=True)
    if not versions:
        return f"{message} (the project has no sdists, only wheels)" if files else message
    shown = ", ".join(str(v) for v in versions[:5])
    more = f" and {len(versions) - 5} more" if len(versions) > 5 else ""
    return f"{message} (versions with an sdist: {shown}{more})"


def fetch_file(
    project: str,
    filename: str,
    sha256: str | None = None,
    index_url: str = DEFAULT_INDEX,
    cache: Path | None = None,
) -> Path:
    """Download (or reuse from the cache) one named file of PROJECT; verify SHA256 if given."""
    expected = sha256.lower() if sha256 else None
    if expected is not None and not _SHA256.fullmatch(expected):
        raise FetchError(f"{filename}: {sha256!r} is not a sha256 hex digest")
    if expected and (hit := _cached(cache or cache_dir(), expected, filename)):
        return hit  # pinned and cached: no network at all
    found = [f for f in list_files(project, index_url) if f.filename == filename]
    if not found:
        raise FetchError(f"no file {filename} of {project} on {index_url}")
    entry = found[0]
    if expected and entry.sha256 and entry.sha256 != expected:
        raise FetchError(
            f"{filename}: sha256 mismatch: expected {expected}, index lists {entry.sha256}"
        )
    return _download(entry, expected or entry.sha256, cache)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_name(filename: str) -> None:
    if filename in ("", ".", "..") or any(c in filename for c in "/\\\0"):
        raise FetchError(f"refusing unsafe file name {filename!r}")


def _cache_path(cache: Path, sha256: str, filename: str) -> Path:
    _check_name(filename)
    return cache / sha256 / filename  # sha256 is always a checked hex digest


def _cached(cache: Path, sha256: str, filename: str) -> Path | None:
    path = _cache_path(cache, sha256, filename)
    if path.is_file() and _sha256_of(path) == sha256:
        return path
    return None


def _download(entry: IndexFile, expected: str | None, cache: Path | None) -> Path:
    name, cache = entry.filename, cache or cache_dir()
    _check_name(name)
    if expected and (hit := _cached(cache, expected, name)):
        return hit
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=cache, prefix=".tmp-", suffix=".part")
    except OSError as exc:
        raise FetchError(f"cannot write to cache {cache}: {exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            actual = _stream(entry.url, out)
            out.flush()
            os.fsync(out.fileno())
        if expected and actual != expected:
            raise FetchError(
                f"{name}: sha256 mismatch: expected {expected}, got {actual} (download deleted)"
            )
        final = _cache_path(cache, actual, name)
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)  # atomic: readers see the whole file or none
    except OSError as exc:  # network failures were already turned into FetchError
        raise FetchError(f"cannot write {name} to cache {cache}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return final


def _stream(url: str, out: IO[bytes]) -> str:
    """Copy URL into OUT; return the sha256 of what was written."""
    digest, total = hashlib.sha256(), 0
    with _open(url, TIMEOUT) as response:
        length = response.headers.get("Content-Length", "")
        while True:
            with _network(url):
                chunk = response.read(_CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            total += len(chunk)
    if length.isdigit() and total != int(length):
        raise FetchError(f"{url}: download cut short ({total} of {length} bytes)")
    return digest.hexdigest()


def parse_requirement_target(text: str) -> tuple[str, str] | None:
    """`NAME==VERSION` (no extras, markers, URL or wildcard) -> (NAME, VERSION); else None."""
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    specs = list(req.specifier)
    if req.extras or req.marker or req.url or len(specs) != 1:
        return None
    (spec,) = specs
    if spec.operator != "==" or spec.version.endswith(".*"):
        return None
    return req.name, spec.version
