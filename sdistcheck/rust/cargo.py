"""Cargo manifests: workspaces, targets, path dependencies and features, as cargo resolves them.

Cargo loads every workspace member's manifest and every path dependency's manifest (optional and
platform-specific ones too: Cargo.lock covers all platforms), and infers each package's targets at
load time, so a missing explicit `[[bench]]` file breaks every build.  Sources are only compiled
for the packages a build actually uses; that part is `rust.crates`'s job.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from .. import _toml
from ..archive.tree import SdistTree, normalize
from . import cfg as _cfg
from .cfg import Cfg

_DEP_TABLES = (
    ("dependencies", "normal"),
    ("build-dependencies", "build"),
    ("dev-dependencies", "dev"),
)
_TARGET_DIRS = {"bin": "src/bin", "example": "examples", "test": "tests", "bench": "benches"}


@dataclass(frozen=True)
class Target:
    """A target of a crate (lib, bin, build script...)."""

    kind: str  # lib, bin, build, example, test, bench
    name: str
    path: str | None  # sdist-relative; None when it cannot exist (outside the sdist)
    candidates: tuple[str, ...]  # where cargo looks when no path is given
    explicit: bool  # declared in the manifest (cargo then requires it)
    line: int
    text: str


@dataclass(frozen=True)
class Dependency:
    """A path dependency of a crate."""

    key: str  # the name used in features (the rename, if any)
    path: str | None  # sdist-relative directory; None if outside the sdist
    raw_path: str
    kind: str  # normal, build, dev
    optional: bool
    platform: Cfg | None  # from [target.'cfg(..)'.dependencies]
    features: tuple[str, ...]
    default_features: bool
    line: int
    text: str
    declared_in: str = ""  # the manifest whose line holds the path (the workspace's, inherited)


@dataclass
class Crate:
    """A crate's manifest, read."""

    dir: str
    manifest: str
    name: str
    doc: dict[str, Any]
    text: str
    workspace_root: str | None = None  # directory of the workspace manifest, if any
    targets: list[Target] = field(default_factory=list)
    deps: list[Dependency] = field(default_factory=list)
    features: dict[str, list[str]] = field(default_factory=dict)

    def enabled_features(self, requested: frozenset[str], default: bool) -> frozenset[str]:
        """The closure of features (and `dep:` activations) that `requested` turns on."""
        todo = [*requested, *(["default"] if default else [])]
        enabled: set[str] = set()
        while todo:
            feature = todo.pop()
            if feature in enabled:
                continue
            enabled.add(feature)
            for item in self.features.get(feature, []):
                if "/" in item:
                    dep = item.split("/", 1)[0].rstrip("?")
                    if not item.split("/", 1)[0].endswith("?"):
                        todo.append(f"dep:{dep}")
                else:
                    todo.append(item)
        # An optional dependency without `dep:` references is also an implicit feature.
        optional = {d.key for d in self.deps if d.optional}
        return frozenset(enabled | {f"dep:{f}" for f in enabled if f in optional})

    def dependency_features(self, dep: str, enabled: frozenset[str]) -> frozenset[str]:
        """Features of dependency `dep` turned on by this crate's enabled features."""
        out = set()
        for feature in enabled:
            for item in self.features.get(feature, []):
                head, _, tail = item.partition("/")
                if tail and head.rstrip("?") == dep:
                    out.add(tail)
        return frozenset(out)


def _path_dep(crate_dir: str, raw: str) -> str | None:
    return normalize(posixpath.join(crate_dir, raw))


def _workspace_root(tree: SdistTree, crate_dir: str, doc: dict[str, Any]) -> str | None:
    explicit = _toml.table(doc.get("package")).get("workspace")
    if isinstance(explicit, str):
        return _path_dep(crate_dir, explicit)
    if "workspace" in doc:
        return crate_dir
    parent = crate_dir
    while parent:
        parent = posixpath.dirname(parent)
        manifest = posixpath.join(parent, "Cargo.toml") if parent else "Cargo.toml"
        parsed = _toml.load_cargo(tree.read_text(manifest))
        if parsed is not None and "workspace" in parsed:
            return parent
    return None


def load_crate(tree: SdistTree, manifest: str) -> Crate | None:
    """Parse one package manifest; None when absent or unparseable (the caller reports it)."""
    text = tree.read_text(manifest)
    doc = _toml.load_cargo(text)
    if doc is None or text is None:
        return None
    crate_dir = posixpath.dirname(manifest)
    package = _toml.table(doc.get("package"))
    name = package.get("name") if isinstance(package.get("name"), str) else crate_dir
    crate = Crate(crate_dir, manifest, str(name), doc, text)
    crate.workspace_root = _workspace_root(tree, crate_dir, doc)
    crate.features = {k: _toml.str_list(v) for k, v in _toml.table(doc.get("features")).items()}
    if package:
        crate.targets = _targets(tree, crate, package)
    crate.deps = list(_dependencies(tree, crate))
    return crate


def _auto(package: dict[str, Any], kind: str) -> bool:
    value = package.get("autobins" if kind == "bin" else f"auto{kind}s", True)
    return value is not False


def _targets(tree: SdistTree, crate: Crate, package: dict[str, Any]) -> list[Target]:
    d, doc, text = crate.dir, crate.doc, crate.text
    join = posixpath.join
    targets: list[Target] = []

    def add(kind: str, name: str, spec: dict[str, Any], candidates: list[str], header: str) -> None:
        raw = spec.get("path")
        line, line_text = _toml.line_of(text, header)
        if isinstance(raw, str):
            path = _path_dep(d, raw)
            cands: tuple[str, ...] = (path,) if path else ()
            if _toml.line_of(text, "path", raw)[0]:
                line, line_text = _toml.line_of(text, "path", raw)
        else:
            cands = tuple(join(d, c) for c in candidates)
            path = next((c for c in cands if tree.is_file(c)), None)
        targets.append(Target(kind, name, path, cands, True, line, line_text))

    lib = _toml.table(doc.get("lib"))
    if "lib" in doc:
        add("lib", str(lib.get("name", crate.name)), lib, ["src/lib.rs"], "[lib]")
    elif tree.is_file(join(d, "src/lib.rs")):
        targets.append(Target("lib", crate.name, join(d, "src/lib.rs"), (), False, 0, ""))
    for kind in ("bin", "example", "test", "bench"):
        for spec in doc.get(kind, []) if isinstance(doc.get(kind), list) else []:
            spec = _toml.table(spec)
            name = str(spec.get("name", crate.name))
            base = _TARGET_DIRS[kind]
            cands = [f"{base}/{name}.rs", f"{base}/{name}/main.rs"]
            if kind == "bin":
                cands = ["src/main.rs", *cands] if name == crate.name else cands
            add(kind, name, spec, cands, f"[[{kind}]]")
    if _auto(package, "bin"):
        explicit = {t.path for t in targets if t.kind == "bin"}
        found = [join(d, "src/main.rs"), *tree.glob("src/bin/*.rs", d)]
        found += tree.glob("src/bin/*/main.rs", d)
        for path in found:
            if path not in explicit and tree.is_file(path):
                targets.append(Target("bin", crate.name, path, (), False, 0, ""))
    build = package.get("build")
    if isinstance(build, str):
        line, line_text = _toml.line_of(text, "build", build)
        targets.append(
            Target("build", "build-script", _path_dep(d, build), (), True, line, line_text)
        )
    elif build is not False and tree.is_file(join(d, "build.rs")):
        targets.append(Target("build", "build-script", join(d, "build.rs"), (), False, 0, ""))
    return targets


def _dependencies(tree: SdistTree, crate: Crate) -> list[Dependency]:
    doc = crate.doc
    tables: list[tuple[dict[str, Any], str, Cfg | None]] = []
    for key, kind in _DEP_TABLES:
        tables.append((_toml.table(doc.get(key)), kind, None))
    for spec, body in _toml.table(doc.get("target")).items():
        platform = _target_cfg(spec)
        for key, kind in _DEP_TABLES:
            tables.append((_toml.table(_toml.table(body).get(key)), kind, platform))
    ws_deps = _toml.table(_workspace_table(tree, crate).get("dependencies", {}))
    root = crate.workspace_root or ""
    ws_manifest = posixpath.join(root, "Cargo.toml") if root else "Cargo.toml"
    # Read once for every dependency that inherits from it (uv's crates have 336 of them).
    workspace = (ws_manifest, tree.read_text(ws_manifest) or "")
    out: list[Dependency] = []
    for table, kind, guard in tables:
        for key, spec in table.items():
            dep = _dependency(crate, key, spec, kind, guard, ws_deps, workspace)
            if dep is not None:
                out.append(dep)
    return out


def _target_cfg(spec: str) -> Cfg:
    if spec.startswith("cfg(") and spec.endswith(")"):
        try:
            return _cfg.parse(spec[4:-1])
        except _cfg.CfgSyntaxError:
            pass
    return _cfg.Cfg("atom", key="target", value=spec)


def _workspace_table(tree: SdistTree, crate: Crate) -> dict[str, Any]:
    if crate.workspace_root is None:
        return {}
    root = (
        posixpath.join(crate.workspace_root, "Cargo.toml") if crate.workspace_root else "Cargo.toml"
    )
    return _toml.table((_toml.load_cargo(tree.read_text(root)) or {}).get("workspace"))


def _dependency(
    crate: Crate,
    key: str,
    spec: object,
    kind: str,
    platform: Cfg | None,
    ws_deps: dict[str, Any],
    workspace: tuple[str, str],  # the workspace manifest's path and text
) -> Dependency | None:
    if not isinstance(spec, dict):
        return None
    base_dir, raw = crate.dir, spec.get("path")
    features = _toml.str_list(spec.get("features"))
    default = spec.get("default-features", spec.get("default_features", True)) is not False
    if spec.get("workspace") is True:
        inherited = _toml.table(ws_deps.get(key))
        raw = inherited.get("path")
        base_dir = crate.workspace_root or ""
        features += _toml.str_list(inherited.get("features"))
        default = inherited.get("default-features", True) is not False
    if not isinstance(raw, str):
        return None
    declared_in, manifest_text = crate.manifest, crate.text
    if spec.get("workspace") is True:  # point at the line that holds the path
        declared_in, manifest_text = workspace
    line, text = _toml.line_of(manifest_text, key, "path")
    if not line:
        line, text = _toml.line_of(manifest_text, key)
    return Dependency(
        key,
        _path_dep(base_dir, raw),
        raw,
        kind,
        spec.get("optional") is True,
        platform,
        tuple(features),
        default,
        line,
        text,
        declared_in,
    )


def workspace_members(tree: SdistTree, root: str) -> list[tuple[str, bool, int, str]]:
    """(member dir, from a glob?, line, text) for a workspace manifest at directory `root`."""
    manifest = posixpath.join(root, "Cargo.toml") if root else "Cargo.toml"
    text = tree.read_text(manifest)
    ws = _toml.table((_toml.load_cargo(text) or {}).get("workspace"))
    excluded = {normalize(posixpath.join(root, e)) for e in _toml.str_list(ws.get("exclude"))}
    out: list[tuple[str, bool, int, str]] = []
    for pattern in _toml.str_list(ws.get("members")):
        line, line_text = _toml.line_of(text, f'"{pattern}"')
        if any(ch in pattern for ch in "*?["):
            for d in tree.glob_dirs(pattern, root):
                # A glob member must hold a manifest to count, as cargo skips other matches.
                if d not in excluded and tree.is_file(posixpath.join(d, "Cargo.toml")):
                    out.append((d, True, line, line_text))
        else:
            member = normalize(posixpath.join(root, pattern))
            if member is not None and member not in excluded:
                out.append((member, False, line, line_text))
    return out


def inherited_field(tree: SdistTree, crate: Crate, key: str) -> tuple[str, str] | None:
    """(sdist-relative path, raw value) of a package file field such as readme/license-file."""
    package = _toml.table(crate.doc.get("package"))
    value = package.get(key)
    base = crate.dir
    if isinstance(value, dict) and value.get("workspace") is True:
        value = _toml.table(_workspace_table(tree, crate).get("package")).get(key)
        base = crate.workspace_root or ""
    if not isinstance(value, str):
        return None
    path = _path_dep(base, value)
    return (path, value) if path is not None else None
