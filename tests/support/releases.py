"""Real releases for the coverage tests: their recorded file lists (testdata/releases/, written
by scripts/record_release.py) and their sdists pinned by sha256, and a local simple index built
from both, so that `sdistcheck NAME==VERSION` runs end to end without the network once the
sdist is cached."""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

from paths import TESTDATA

from sdistcheck.coverage.release import Release, from_record

RELEASES = TESTDATA / "releases"

# sdists of the recorded releases: file name -> sha256 (PyPI's)
SDISTS = {
    "uv-0.5.2.tar.gz": "89e60ad9601f35f187326de84f35e7517c6eb1438359da42ec85cfd9c1895957",
    "uv-0.1.40.tar.gz": "0379e14dcff2df6dbabb60e5819f2674f65c8f17e75976f5cb768fee6e5ffbfb",
    "uv-0.5.8.tar.gz": "2ee40bc9c08fea0e71092838c0fc36df83f741807d8be9acf2fd4c4757b3171e",
    "pandas-2.2.1.tar.gz": "0ab90f87093c13f3e8fa45b48ba9f39181046e8f3317d3aadb2fffbb1b978572",
}


def recorded(name: str, version: str) -> Release:
    """The recorded release NAME==VERSION."""
    return from_record(json.loads((RELEASES / f"{name}-{version}.json").read_text("utf-8")))


def write_index(root: Path, name: str, version: str, sdist: Path) -> str:
    """A PEP 503 index under ROOT holding the recorded release (its sdist the real, cached
    SDIST; its wheels links that are never followed), the previous release's files, and one
    stand-in wheel (version 0.0.0) per tag other releases had.  Returns the index URL."""
    doc = json.loads((RELEASES / f"{name}-{version}.json").read_text("utf-8"))
    requires = html.escape(doc["requires_python"] or "", quote=True)
    sha = hashlib.sha256(sdist.read_bytes()).hexdigest()
    links = []
    for f in doc["files"]:
        href = f"{sdist.as_uri()}#sha256={sha}" if f == sdist.name else f"https://invalid/{f}"
        links.append((f, href))
    if doc["previous"]:
        links += [(f, f"https://invalid/{f}") for f in doc["previous"]["files"]]
    stem = doc["files"][0].split("-", 1)[0]
    links += [
        (f"{stem}-0.0.0-{tag}.whl", f"https://invalid/{i}.whl")
        for i, tag in enumerate(doc["history"])
    ]
    page = root / name
    page.mkdir(parents=True, exist_ok=True)
    body = "".join(
        f'<a href="{html.escape(href)}" data-requires-python="{requires}">{html.escape(f)}</a>\n'
        for f, href in links
    )
    (page / "index.html").write_text(f"<html><body>\n{body}</body></html>\n", "utf-8")
    return root.as_uri() + "/"
