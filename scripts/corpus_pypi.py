"""PyPI's side of the corpus: a project's latest sdist, and that sdist on disk.

release() asks the JSON API (or its cached answer) for the latest release's sdists; download()
fetches one with its size bounded and its sha256 checked, retrying transient failures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PYPI_JSON = "https://pypi.org/pypi/{name}/json"
USER_AGENT = "releasenet-make-popular-corpus/1 (sdistcheck test corpus; 4 connections at most)"

_MiB = 1024**2
MAX_SDIST = 60 * _MiB  # compressed size, as PyPI states it: larger sdists are skipped
TIMEOUT = 60
ATTEMPTS = 4

_print_lock = threading.Lock()


def log(message: str) -> None:
    """Print to stderr; one lock for every thread, so lines from the walk's workers stay whole."""
    with _print_lock:
        print(message, file=sys.stderr, flush=True)


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


def with_retries(what: str, action: Any) -> Any:
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


def project_json(url: str) -> dict[str, Any] | None:
    """PyPI's JSON API answer at URL (one attempt; callers retry), None for a 404."""
    try:
        with _open(url) as response:
            data: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    return data


def release(name: str, cache_dir: Path, refresh: bool) -> Release:
    """The files of NAME's latest release: PyPI's JSON API, or the cache of an earlier answer."""
    cached = cache_dir / "_json" / f"{name}.json"
    if cached.is_file() and not refresh:
        raw = json.loads(cached.read_text())
    else:
        url = PYPI_JSON.format(name=urllib.parse.quote(name))

        def ask() -> dict[str, Any]:
            data = project_json(url)
            if data is None:
                return {"status": 404, "version": "", "sdists": []}
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

        raw = with_retries(f"{name} JSON", ask)
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
        with_retries(sdist.filename, fetch)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"{sdist.filename}: HTTP {exc.code}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path
