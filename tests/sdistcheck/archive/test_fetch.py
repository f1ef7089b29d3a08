"""sdistcheck.archive.fetch against a fake simple index on 127.0.0.1 (and once on real PyPI)."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from real_artifacts import REAL_SDISTS, RealSdist

from sdistcheck._errors import FetchError
from sdistcheck.archive.fetch import (
    cache_dir,
    fetch_file,
    fetch_sdist,
    list_files,
    parse_requirement_target,
)

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
FILES = {
    "demo-1.0.tar.gz": b"the 1.0 sdist",
    "demo-1.0.zip": b"the 1.0 zip sdist",
    "demo-1.0-py3-none-any.whl": b"the 1.0 wheel",
    "demo-2.0-py3-none-any.whl": b"the 2.0 wheel",
    "demo-0.9.tar.gz": b"a yanked sdist",
    "bad-1.0.tar.gz": b"not what the index promised",
    "../evil-1.0.tar.gz": b"escape attempt",
}
SHA = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
WRONG = "0" * 64
PAGES = {  # project -> its files, in page order
    "demo": [
        "demo-1.0.zip",
        "demo-1.0.tar.gz",
        "demo-1.0-py3-none-any.whl",
        "demo-2.0-py3-none-any.whl",
        "demo-0.9.tar.gz",
        "../evil-1.0.tar.gz",
    ],
    "bad": ["bad-1.0.tar.gz"],
}


def listed_sha(name: str) -> str:
    return WRONG if name.startswith("bad-") else SHA[name]


def html_page(project: str) -> bytes:
    links = []
    for name in PAGES[project]:
        yanked = ' data-yanked=""' if name == "demo-0.9.tar.gz" else ""
        href = f"../../files/{name.replace('../', '')}#sha256={listed_sha(name)}"
        links.append(f'<a href="{href}" data-requires-python="&gt;=3.8"{yanked}>{name}</a><br/>')
    return f"<!DOCTYPE html><html><body>{''.join(links)}</body></html>".encode()


def json_page(project: str) -> bytes:
    files = [
        {
            "filename": name,
            "url": f"../../files/{name.replace('../', '')}",
            "hashes": {"sha256": listed_sha(name)},
            "yanked": name == "demo-0.9.tar.gz",
        }
        for name in PAGES[project]
    ]
    return json.dumps({"meta": {"api-version": "1.0"}, "name": project, "files": files}).encode()


class FakeIndex:
    """http://127.0.0.1:PORT/simple/ in a thread; answers JSON only when asked and allowed."""

    def __init__(self, json_api: bool) -> None:
        self.json_api = json_api
        self.accept_headers: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                index.accept_headers.append(self.headers.get("Accept", ""))
                parts = self.path.strip("/").split("/")
                if parts[0] == "simple" and len(parts) == 2 and parts[1] in PAGES:
                    self.page(parts[1])
                elif parts[0] == "files" and parts[-1] == "cut-1.0.tar.gz":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b"only ten b")
                elif parts[0] == "files" and parts[-1] in FILES:
                    self.reply("application/octet-stream", FILES[parts[-1]])
                elif parts == ["simple", "broken"]:
                    self.send_error(500)
                else:
                    self.send_error(404)

            def page(self, project: str) -> None:
                if index.json_api and JSON_TYPE in self.headers.get("Accept", ""):
                    self.reply(JSON_TYPE, json_page(project))
                else:
                    self.reply("text/html; charset=utf-8", html_page(project))

            def reply(self, ctype: str, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture(params=["html", "json"])
def index(request: pytest.FixtureRequest) -> Iterator[FakeIndex]:
    server = FakeIndex(json_api=request.param == "json")
    yield server
    server.stop()


@pytest.fixture
def html_index() -> Iterator[FakeIndex]:
    server = FakeIndex(json_api=False)
    yield server
    server.stop()


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple/"


def test_list_files_resolves_hashes_and_yanked(index: FakeIndex) -> None:
    files = {f.filename: f for f in list_files("Demo", index.url)}
    assert list(files) == PAGES["demo"]
    sdist = files["demo-1.0.tar.gz"]
    assert sdist.url == index.url.replace("/simple/", "/files/demo-1.0.tar.gz")
    assert sdist.sha256 == SHA["demo-1.0.tar.gz"]
    assert not sdist.yanked
    assert files["demo-0.9.tar.gz"].yanked
    assert "application/vnd.pypi.simple.v1+json" in index.accept_headers[0]


def test_fetch_sdist_prefers_tar_gz_and_caches_by_hash(index: FakeIndex, tmp_path: Path) -> None:
    path = fetch_sdist("demo", "1.0", index.url, cache=tmp_path)
    assert path == tmp_path / SHA["demo-1.0.tar.gz"] / "demo-1.0.tar.gz"
    assert path.read_bytes() == FILES["demo-1.0.tar.gz"]
    assert files_under(tmp_path) == [path]  # no temporary file left behind


def test_fetch_sdist_equal_version_spelling(index: FakeIndex, tmp_path: Path) -> None:
    assert fetch_sdist("DEMO", "1.0.0", index.url, cache=tmp_path).name == "demo-1.0.tar.gz"


def test_fetch_sdist_takes_a_yanked_exact_pin(index: FakeIndex, tmp_path: Path) -> None:
    assert fetch_sdist("demo", "0.9", index.url, cache=tmp_path).name == "demo-0.9.tar.gz"


def test_sha_mismatch_deletes_download(index: FakeIndex, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_sdist("bad", "1.0", index.url, cache=tmp_path)
    message = str(caught.value)
    assert "bad-1.0.tar.gz" in message
    assert WRONG in message and SHA["bad-1.0.tar.gz"] in message
    assert files_under(tmp_path) == []


def test_project_not_found(index: FakeIndex, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"^project nope not found on http://127\.0\.0\.1:"):
        fetch_sdist("nope", "1.0", index.url, cache=tmp_path)


def test_version_with_only_wheels(index: FakeIndex, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"no sdist of demo 2\.0 on .*only wheels"):
        fetch_sdist("demo", "2.0", index.url, cache=tmp_path)


def test_unknown_version_lists_versions_with_sdists(index: FakeIndex, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"no sdist of demo 3\.0 .*sdist: 1\.0, 0\.9\)$"):
        fetch_sdist("demo", "3.0", index.url, cache=tmp_path)


def test_bad_version_and_name(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="invalid version"):
        fetch_sdist("demo", "not a version", closed_port_url(), cache=tmp_path)
    with pytest.raises(FetchError, match="invalid project name"):
        fetch_sdist("../demo", "1.0", closed_port_url(), cache=tmp_path)


def test_unsafe_filename_from_index_is_refused(html_index: FakeIndex, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="unsafe file name"):
        fetch_file("demo", "../evil-1.0.tar.gz", None, html_index.url, cache=tmp_path / "c")
    assert files_under(tmp_path) == []


def test_http_error_is_one_line(html_index: FakeIndex) -> None:
    with pytest.raises(FetchError, match=r"/simple/broken/: HTTP 500"):
        list_files("broken", html_index.url)


def test_truncated_download_is_an_error(html_index: FakeIndex, tmp_path: Path) -> None:
    from sdistcheck.archive import fetch as _fetch

    entry = _fetch.IndexFile(
        "cut-1.0.tar.gz", html_index.url.replace("/simple/", "/files/cut-1.0.tar.gz"), None, False
    )
    with pytest.raises(FetchError, match=r"cut short \(10 of 1000 bytes\)"):
        _fetch._download(entry, None, tmp_path)
    assert files_under(tmp_path) == []


def test_unreachable_index(tmp_path: Path) -> None:
    url = closed_port_url()
    with pytest.raises(FetchError) as caught:
        fetch_sdist("demo", "1.0", url, cache=tmp_path)
    message = str(caught.value)
    assert message.startswith(f"cannot reach {url}demo/: ")
    assert "refused" in message and "--index-url" in message and "\n" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_silent_index_times_out() -> None:
    with socket.socket() as sock:  # listens, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/simple/"
        with pytest.raises(FetchError, match=r"cannot reach .*timed out"):
            list_files("demo", url, timeout=0.3)


def test_cached_pin_needs_no_network(tmp_path: Path) -> None:
    server = FakeIndex(json_api=False)
    name, sha = "demo-1.0.tar.gz", SHA["demo-1.0.tar.gz"]
    first = fetch_file("demo", name, sha, server.url, cache=tmp_path)
    server.stop()
    assert fetch_file("demo", name, sha.upper(), server.url, cache=tmp_path) == first
    with pytest.raises(FetchError, match="cannot reach"):  # an unpinned lookup needs the index
        fetch_sdist("demo", "1.0", server.url, cache=tmp_path)


def test_corrupt_cache_entry_is_replaced(html_index: FakeIndex, tmp_path: Path) -> None:
    name, sha = "demo-1.0.tar.gz", SHA["demo-1.0.tar.gz"]
    path = fetch_file("demo", name, sha, html_index.url, cache=tmp_path)
    path.write_bytes(b"bit rot")
    assert fetch_file("demo", name, sha, html_index.url, cache=tmp_path) == path
    assert path.read_bytes() == FILES[name]


def test_fetch_file_pin_differs_from_index(html_index: FakeIndex, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"demo-1\.0\.tar\.gz: sha256 mismatch: expected 1{64}"):
        fetch_file("demo", "demo-1.0.tar.gz", "1" * 64, html_index.url, cache=tmp_path)
    with pytest.raises(FetchError, match="not a sha256"):
        fetch_file("demo", "demo-1.0.tar.gz", "abc", html_index.url, cache=tmp_path)
    with pytest.raises(FetchError, match=r"no file demo-9\.tar\.gz of demo"):
        fetch_file("demo", "demo-9.tar.gz", None, html_index.url, cache=tmp_path)


def test_file_index(tmp_path: Path) -> None:
    root = tmp_path / "index"
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "index.html").write_bytes(html_page("demo"))
    (tmp_path / "files").mkdir()
    for name, data in FILES.items():
        if "/" not in name:
            (tmp_path / "files" / name).write_bytes(data)
    url = root.as_uri()  # file:///.../index, no trailing slash
    path = fetch_sdist("demo", "1.0", url, cache=tmp_path / "cache")
    assert path.read_bytes() == FILES["demo-1.0.tar.gz"]
    with pytest.raises(FetchError, match="project other not found"):
        fetch_sdist("other", "1.0", url, cache=tmp_path / "cache")


def test_html_edge_cases() -> None:
    from sdistcheck.archive.fetch import _parse_html

    page = """<html><head><base href="https://mirror.example/pkgs/"></head><body>
    <a href="x/demo-1.0.tar.gz#md5=abc">demo-1.0.tar.gz</a>
    <a href="demo-2.0.tar.gz#sha256=ABCDEF">demo-2.0.tar.gz</a>
    <a href="y/demo-3.0.tar.gz#sha256=%s" data-yanked="broken build"></a>
    <a name="no-href">nothing</a></body></html>""" % ("AB" * 32)
    files = _parse_html(page, "https://index.example/simple/demo/")
    assert [(f.filename, f.sha256, f.yanked) for f in files] == [
        ("demo-1.0.tar.gz", None, False),
        ("demo-2.0.tar.gz", None, False),  # not a sha256 digest: ignored
        ("demo-3.0.tar.gz", "ab" * 32, True),  # name from the URL when the text is empty
    ]
    assert files[0].url == "https://mirror.example/pkgs/x/demo-1.0.tar.gz"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uv==0.5.2", ("uv", "0.5.2")),
        (" PyYAML == 6.0.2 ", ("PyYAML", "6.0.2")),
        ("pydantic_core==2.27.1", ("pydantic_core", "2.27.1")),
        ("uv>=1", None),
        ("uv", None),
        ("uv==1.*", None),
        ("uv===0.5.2", None),
        ("uv==0.5.2,<1", None),
        ("uv[extra]==0.5.2", None),
        ("uv==0.5.2; python_version > '3'", None),
        ("dist/uv-0.5.2.tar.gz", None),
        ("./uv==0.5.2", None),
        ("uv-0.5.2.tar.gz", None),
        ("", None),
    ],
)
def test_parse_requirement_target(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_requirement_target(text) == expected


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SDISTCHECK_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_dir() == tmp_path / "home" / ".cache" / "sdistcheck"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "sdistcheck"
    monkeypatch.setenv("SDISTCHECK_CACHE_DIR", str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own"


@pytest.mark.network
def test_real_pypi_uv_sdist(tmp_path: Path) -> None:
    path = fetch_sdist("uv", "0.5.2", cache=tmp_path)
    sha = "89e60ad9601f35f187326de84f35e7517c6eb1438359da42ec85cfd9c1895957"
    assert path == tmp_path / sha / "uv-0.5.2.tar.gz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


def test_unwritable_cache_is_one_line(html_index: FakeIndex, tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file, not a directory")
    with pytest.raises(FetchError, match=r"^cannot write to cache .*cache: "):
        fetch_sdist("demo", "1.0", html_index.url, cache=tmp_path / "cache")


@pytest.mark.network
@pytest.mark.parametrize("sdist", REAL_SDISTS, ids=lambda s: s.filename)
def test_real_artifact_pins(sdist: RealSdist, pypi: Callable[[str, str], Path]) -> None:
    path = pypi(sdist.filename, sdist.sha256)
    assert path.name == sdist.filename and path.parent.name == sdist.sha256
