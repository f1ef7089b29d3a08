"""Go modules inside an sdist (Python packages that build a Go binary): what `go build` reads.

`//go:embed` patterns must match files (`go build` fails: "no matching files found"); `go.sum`
must exist when go.mod requires modules; `replace` directives to local directories must point
at a module.  Build constraints decide the scope: `//go:build windows` or a `_windows.go` suffix
is a platform, `_test.go` files are tests, `//go:build ignore` is never built.
"""

from __future__ import annotations

import posixpath
import re

from .._model import LEAVES_SDIST, Reference, Scope
from ..archive.tree import SdistTree, is_glob, normalize

_EMBED = re.compile(r"^//go:embed\s+(.+)$", re.MULTILINE)
_BUILD = re.compile(r"^//go:build\s+(.+)$", re.MULTILINE)
_REPLACE = re.compile(r"=>\s*(\.{1,2}/\S*)")
_GOOS = {
    "windows",
    "linux",
    "darwin",
    "freebsd",
    "netbsd",
    "openbsd",
    "android",
    "ios",
    "js",
    "wasip1",
    "aix",
    "solaris",
    "illumos",
    "plan9",
    "dragonfly",
    "unix",
}
_GOARCH = {
    "amd64",
    "386",
    "arm",
    "arm64",
    "ppc64",
    "ppc64le",
    "s390x",
    "riscv64",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "wasm",
}


def _scope(path: str, text: str) -> tuple[Scope | None, str | None]:
    """None scope: never built (`//go:build ignore`)."""
    if path.endswith("_test.go"):
        return Scope.TEST, "a _test.go file"
    m = _BUILD.search(text)
    if m is not None:
        expr = m.group(1).strip()
        words = set(re.findall(r"[A-Za-z0-9_.]+", expr))
        if "ignore" in words:
            return None, None
        if words and words <= _GOOS | _GOARCH:
            return Scope.PLATFORM, f"//go:build {expr}"
        return Scope.OPTION, f"//go:build {expr}"
    # GOOS/GOARCH file name suffixes: x_windows.go, x_linux_arm64.go
    stem_parts = posixpath.splitext(posixpath.basename(path))[0].split("_")[1:]
    suffix = [p for p in stem_parts[-2:] if p in _GOOS | _GOARCH]
    if suffix:
        return Scope.PLATFORM, f"file name suffix _{'_'.join(suffix)}"
    return Scope.ALWAYS, None


def analyse(tree: SdistTree) -> list[Reference]:
    refs: list[Reference] = []
    modules = [p for p in tree.files if posixpath.basename(p) == "go.mod"]
    for mod in sorted(modules):
        root = posixpath.dirname(mod)
        text = tree.read_text(mod) or ""
        if re.search(r"^require\b", text, re.MULTILINE):
            refs.append(
                Reference(
                    posixpath.join(root, "go.sum"),
                    mod,
                    0,
                    "",
                    "go-sum",
                    note="go build needs the checksums of required modules",
                )
            )
        for number, line in enumerate(text.splitlines(), 1):
            for target in _REPLACE.findall(line):
                local = normalize(posixpath.join(root, target, "go.mod"))
                refs.append(
                    Reference(
                        local or target,
                        mod,
                        number,
                        line.strip(),
                        "go-replace",
                        note=None if local else LEAVES_SDIST,
                    )
                )
        for path in tree.glob("**/*.go", root):
            refs.extend(_embeds(tree, path))
    return refs


def _embeds(tree: SdistTree, path: str) -> list[Reference]:
    text = tree.read_text(path)
    if not text or "//go:embed" not in text:
        return []
    scope, condition = _scope(path, text)
    if scope is None:
        return []
    here = posixpath.dirname(path)
    out = []
    for m in _EMBED.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        for pattern in re.findall(r'"([^"]+)"|`([^`]+)`|(\S+)', m.group(1)):
            raw = next(p for p in pattern if p).removeprefix("all:")
            target = normalize(posixpath.join(here, raw))
            if target is None:
                continue
            out.append(
                Reference(
                    target,
                    path,
                    line,
                    m.group(0),
                    "go-embed",
                    condition,
                    scope,
                    is_glob=is_glob(raw) or tree.is_dir(target),
                    platforms=condition if scope is Scope.PLATFORM else None,
                    note="go build fails when an embed pattern matches nothing",
                )
            )
    return out
