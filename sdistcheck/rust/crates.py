"""From a package's root manifest to every file cargo needs: manifests, targets, modules, includes.

The walk follows what cargo does: load the workspace and every path dependency's manifest (always
needed), then compile the sources of the packages the build uses, with the scope under which each
is used (an optional dependency only with its feature, a `[target.'cfg(windows)']` one only there).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import _toml
from .._model import LEAVES_SDIST, Reference, Scope, Unchecked, weakest
from .._model import SCOPE_RANK as _RANK
from ..archive.tree import SdistTree, normalize
from . import cargo as _cargo
from . import cfg as _cfg
from . import source as _rust
from .cfg import Cfg
from .targets import needed_implicit


@dataclass
class _Use:
    """How the build uses one package."""

    scope: Scope
    platform: tuple[Cfg, ...]
    features: frozenset[str]
    default: bool
    via: str | None  # why it is conditional, e.g. "optional dependency `x` of `y`"


@dataclass
class CargoAnalysis:
    """What the Cargo crates of an sdist reference."""

    references: list[Reference] = field(default_factory=list)
    crates: dict[str, _cargo.Crate] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unchecked: list[Unchecked] = field(default_factory=list)
    generated_includes: int = 0


class _Walker:
    def __init__(self, tree: SdistTree, out: CargoAnalysis) -> None:
        self.tree = tree
        self.out = out
        self.scans: dict[str, _rust.ScanResult] = {}
        self.visited: dict[str, Scope] = {}

    def ref(self, **kwargs: object) -> None:
        self.out.references.append(Reference(**kwargs))  # type: ignore[arg-type]

    # -- manifests ---------------------------------------------------------------------------

    def load(
        self,
        crate_dir: str,
        source: str,
        line: int,
        text: str,
        kind: str,
        scope: Scope = Scope.ALWAYS,
        note: str | None = None,
    ) -> _cargo.Crate | None:
        manifest = posixpath.join(crate_dir, "Cargo.toml") if crate_dir else "Cargo.toml"
        self.ref(
            target=manifest, source=source, line=line, text=text, kind=kind, scope=scope, note=note
        )
        if crate_dir in self.out.crates:
            return self.out.crates[crate_dir]
        crate = _cargo.load_crate(self.tree, manifest)
        if crate is None:
            content = self.tree.read_text(manifest)
            if content is not None:
                why = _toml.cargo_error(content) or "not a manifest"
                self.out.unchecked.append(
                    Unchecked(
                        manifest,
                        0,
                        f"not valid TOML ({why}): what cargo builds from it is not followed",
                    )
                )
            return None
        self.out.crates[crate_dir] = crate
        self.check_manifest(crate)
        return crate

    def check_manifest(self, crate: _cargo.Crate) -> None:
        """What cargo needs to load this manifest: targets, workspace, path dependencies."""
        for key in ("readme", "license-file"):
            found = _cargo.inherited_field(self.tree, crate, key)
            if found is not None:
                line, text = _toml.line_of(crate.text, key)
                self.ref(
                    target=found[0],
                    source=crate.manifest,
                    line=line,
                    text=text,
                    kind=f"cargo-{key}",
                    scope=Scope.GUARDED,
                    note="cargo builds without it; `cargo package` would refuse",
                )
        for t in crate.targets:
            if t.explicit:
                target = t.path or (t.candidates[0] if t.candidates else "")
                alternatives = t.candidates[1:] if t.path is None else ()
                self.ref(
                    target=target,
                    source=crate.manifest,
                    line=t.line,
                    text=t.text,
                    kind=f"cargo-{t.kind}-target",
                    alternatives=alternatives,
                    note="cargo resolves declared targets when it loads the manifest",
                )
        if "package" in crate.doc and not any(t.kind in ("lib", "bin") for t in crate.targets):
            self.ref(
                target=posixpath.join(crate.dir, "src/lib.rs"),
                source=crate.manifest,
                line=0,
                text="",
                kind="cargo-implicit-target",
                alternatives=(posixpath.join(crate.dir, "src/main.rs"),),
                note="a package needs a library or binary target",
            )
        if crate.workspace_root == crate.dir:
            for member, from_glob, line, text in _cargo.workspace_members(self.tree, crate.dir):
                if not from_glob or member not in self.out.crates:
                    self.load(member, crate.manifest, line, text, "cargo-workspace-member")
        for dep in crate.deps:
            if dep.kind == "dev":
                continue  # only compiled for tests; see the note in check_dev_deps
            source = dep.declared_in or crate.manifest
            inherited = f" (inherited by {crate.manifest})" if source != crate.manifest else ""
            if dep.path is None:
                self.ref(
                    target=dep.raw_path,
                    source=source,
                    line=dep.line,
                    text=dep.text,
                    kind="cargo-path-dependency",
                    note=LEAVES_SDIST,
                )
                continue
            self.load(
                dep.path,
                source,
                dep.line,
                dep.text,
                "cargo-path-dependency",
                note="cargo reads every path dependency's manifest, optional or not" + inherited,
            )
        for dep in crate.deps:
            if dep.kind == "dev" and dep.path is not None and dep.path not in self.out.crates:
                manifest = posixpath.join(dep.path, "Cargo.toml")
                self.ref(
                    target=manifest,
                    source=crate.manifest,
                    line=dep.line,
                    text=dep.text,
                    kind="cargo-dev-dependency",
                    scope=Scope.TEST,
                    note="only `cargo test` needs dev-dependencies",
                )

    # -- the packages the build compiles -----------------------------------------------------

    def uses(
        self,
        root: _cargo.Crate,
        features: frozenset[str],
        default: bool,
        all_features: bool = False,
    ) -> dict[str, _Use]:
        if all_features:  # maturin's all-features = true
            features = features | frozenset(root.features)
        uses = {root.dir: _Use(Scope.ALWAYS, (), features, default, None)}
        queue = [root.dir]
        while queue:
            crate = self.out.crates.get(queue.pop())
            if crate is None:
                continue
            use = uses[crate.dir]
            enabled = crate.enabled_features(use.features, use.default)
            for dep in crate.deps:
                if dep.kind == "dev" or dep.path is None or dep.path not in self.out.crates:
                    continue
                scope, via = use.scope, use.via
                if dep.optional and f"dep:{dep.key}" not in enabled and dep.key not in enabled:
                    scope = weakest(scope, Scope.OPTION)
                    via = f"optional dependency `{dep.key}` of `{crate.name}`"
                platform = use.platform + ((dep.platform,) if dep.platform else ())
                if dep.platform is not None:
                    scope = weakest(scope, _cfg.scope_of(dep.platform, frozenset()))
                feats = frozenset(dep.features) | crate.dependency_features(dep.key, enabled)
                old = uses.get(dep.path)
                new = _Use(scope, platform, feats, dep.default_features, via)
                if old is None:
                    uses[dep.path] = new
                elif _RANK[scope] < _RANK[old.scope] or not feats <= old.features:
                    better = _RANK[scope] < _RANK[old.scope]
                    uses[dep.path] = _Use(
                        scope if better else old.scope,
                        platform if better else old.platform,
                        old.features | feats,
                        old.default or dep.default_features,
                        via if better else old.via,
                    )
                else:
                    continue
                queue.append(dep.path)
        return uses

    # -- sources -------------------------------------------------------------------------------

    def walk_sources(self, crate: _cargo.Crate, use: _Use, is_root: bool) -> None:
        enabled = crate.enabled_features(use.features, use.default)
        kinds = ("lib", "bin", "build") if is_root else ("lib", "build")
        for t in crate.targets:
            if t.kind in kinds and t.path is not None:
                self.visit(t.path, True, (), crate, use, enabled)
        prefix = crate.dir + "/" if crate.dir else ""
        sources = [p for p in self.visited if p.startswith(prefix)]
        for path, why in needed_implicit(self.tree, crate, is_root, sources):
            self.ref(
                target=path,
                source=crate.manifest,
                line=0,
                text="",
                kind="cargo-discovered-target",
                condition=use.via,
                scope=use.scope,
                note=f"cargo finds it by its place; {why}",
            )

    def visit(
        self,
        path: str,
        mod_rs: bool,
        conds: tuple[Cfg, ...],
        crate: _cargo.Crate,
        use: _Use,
        enabled: frozenset[str],
    ) -> None:
        scope = self.scope(conds, use, enabled)
        if path in self.visited and _RANK[self.visited[path]] <= _RANK[scope]:
            return
        self.visited[path] = scope
        if path not in self.scans:
            data = self.tree.read_bytes(path)
            if data is None:
                return
            # most files reference nothing: they are not decoded
            text = self.tree.read_text(path) if _rust.may_reference(data) else None
            self.scans[path] = _rust.scan(text) if text is not None else _rust.ScanResult()
        result = self.scans[path]
        if not result.includes and not result.mods:
            return
        conds = conds + tuple(result.file_conditions)
        lines = result.line_texts
        for inc in result.includes:
            if inc.generated or inc.path is None:
                self.out.generated_includes += inc.generated
                continue
            base = crate.dir if inc.manifest_relative else posixpath.dirname(path)
            self.reference(
                posixpath.join(base, inc.path),
                path,
                inc.line,
                lines,
                inc.macro,
                conds + inc.conditions,
                use,
                enabled,
            )
        for mod in result.mods:
            self.module(path, mod_rs, mod, conds, lines, crate, use, enabled)

    def module(
        self,
        path: str,
        mod_rs: bool,
        mod: _rust.ModDecl,
        conds: tuple[Cfg, ...],
        lines: dict[int, str],  # line number -> its stripped text
        crate: _cargo.Crate,
        use: _Use,
        enabled: frozenset[str],
    ) -> None:
        here = posixpath.dirname(path)
        stem = posixpath.splitext(posixpath.basename(path))[0]
        base = posixpath.join(here if mod_rs else posixpath.join(here, stem), *mod.inline_mods)
        mod_conds = conds + mod.conditions
        choices: list[tuple[list[str], tuple[Cfg, ...], bool]] = []
        if mod.path_attr is not None:
            anchor = base if mod.inline_mods else here
            choices.append(([posixpath.join(anchor, mod.path_attr)], mod_conds, True))
        else:
            for p, cond in mod.cfg_paths:
                anchor = base if mod.inline_mods else here
                choices.append(([posixpath.join(anchor, p)], (*mod_conds, cond), True))
            default_conds = mod_conds + tuple(_cfg.Cfg("not", (cond,)) for _, cond in mod.cfg_paths)
            candidates = [
                posixpath.join(base, f"{mod.name}.rs"),
                posixpath.join(base, mod.name, "mod.rs"),
            ]
            choices.append((candidates, default_conds, False))
        for candidates, c, by_path in choices:
            if c and not _cfg.satisfiable(_cfg.conjoin([*use.platform, *c])):
                continue  # e.g. the default path when cfg_attr paths cover every case
            resolved = [normalize(x) for x in candidates]
            found = next((r for r in resolved if r and self.tree.is_file(r)), None)
            self.reference(
                candidates[0],
                path,
                mod.line,
                lines,
                "mod",
                c,
                use,
                enabled,
                alternatives=tuple(candidates[1:]),
            )
            if found is not None:
                child_mod_rs = by_path or found.endswith("/mod.rs")
                self.visit(found, child_mod_rs, c, crate, use, enabled)

    def scope(self, conds: Iterable[Cfg], use: _Use, enabled: frozenset[str]) -> Scope:
        all_conds = [*use.platform, *conds]
        if not all_conds:
            return use.scope
        return weakest(use.scope, _cfg.scope_of(_cfg.conjoin(all_conds), enabled))

    def reference(
        self,
        target: str,
        source: str,
        line: int,
        lines: dict[int, str],  # line number -> its stripped text
        kind: str,
        conds: tuple[Cfg, ...],
        use: _Use,
        enabled: frozenset[str],
        alternatives: tuple[str, ...] = (),
    ) -> None:
        all_conds = [*use.platform, *conds]
        if all_conds and not _cfg.satisfiable(_cfg.conjoin(all_conds)):
            return  # never compiled: no build can make its guard true
        condition = f"cfg({_cfg.conjoin(all_conds)})" if all_conds else None
        if use.via:
            condition = f"{condition}, {use.via}" if condition else use.via
        norm = normalize(target)
        text = lines.get(line, "")
        scope = self.scope(conds, use, enabled)
        platforms = None
        if scope is Scope.PLATFORM and all_conds:
            platforms = _cfg.describe_platforms(_cfg.conjoin(all_conds)) or None
        self.ref(
            target=norm if norm is not None else posixpath.normpath(target),
            source=source,
            line=line,
            text=text,
            kind=kind,
            condition=condition,
            scope=scope,
            alternatives=alternatives,
            platforms=platforms,
            note=None if norm is not None else LEAVES_SDIST,
        )


def analyse(
    tree: SdistTree,
    manifest: str,
    source: str,
    line: int,
    text: str,
    features: Iterable[str] = (),
    default_features: bool = True,
    readme_required: bool = False,
    all_features: bool = False,
) -> CargoAnalysis:
    """Every reference reachable from the Rust package whose manifest is `manifest`.

    `readme_required`: the Python backend takes the package description from Cargo's readme
    (maturin does when pyproject.toml has no readme).
    """
    out = CargoAnalysis()
    walker = _Walker(tree, out)
    root = walker.load(posixpath.dirname(manifest), source, line, text, "cargo-manifest")
    if root is None:
        return out
    readme = _cargo.inherited_field(tree, root, "readme")
    if readme_required and readme is not None:
        line_no, line_text = _toml.line_of(root.text, "readme")
        walker.ref(
            target=readme[0],
            source=root.manifest,
            line=line_no,
            text=line_text,
            kind="maturin-readme",
            note="maturin reads it for the package description",
        )
    if root.workspace_root is not None and root.workspace_root != root.dir:
        ws_manifest = posixpath.join(root.workspace_root, "Cargo.toml").lstrip("/")
        walker.load(root.workspace_root, root.manifest, 0, "", "cargo-workspace-root")
        if root.workspace_root not in walker.out.crates:
            out.notes.append(f"{ws_manifest}: workspace manifest could not be read")
    uses = walker.uses(root, frozenset(features), default_features, all_features)
    for crate_dir, use in uses.items():
        walker.walk_sources(out.crates[crate_dir], use, crate_dir == root.dir)
    return out
