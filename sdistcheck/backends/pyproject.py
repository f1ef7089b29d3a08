"""pyproject.toml: which backend builds the sdist, and the files its configuration names."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import _toml
from .._model import Reference, Scope, Unchecked
from ..archive.tree import SdistTree, is_glob, normalize
from . import intree

if TYPE_CHECKING:
    from ..native.model import CompileUnit

# build-backend value -> backend: the modules an in-tree wrapper may re-export, and the legacy
# spelling of setuptools'
BACKENDS = {**intree.KNOWN_BACKENDS, "setuptools.build_meta:__legacy__": "setuptools"}


_OTHER_BACKENDS = frozenset(b for b in BACKENDS.values() if b != "setuptools")
_README_NOTE = (
    "setuptools only warns when the readme is missing (seen in real builds): the wheel's "
    "long description would be empty"
)


@dataclass(frozen=True)
class RustRoot:
    """A Cargo package that the Python build compiles (maturin, setuptools-rust)."""

    manifest: str
    source: str
    line: int
    text: str
    features: tuple[str, ...] = ()
    default_features: bool = True
    all_features: bool = False


@dataclass
class PyprojectAnalysis:
    """What pyproject.toml declares and references."""

    backend: str | None = None
    name: str | None = None
    version: str | None = None
    references: list[Reference] = field(default_factory=list)
    rust_roots: list[RustRoot] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)  # [tool.sdistcheck]
    notes: list[str] = field(default_factory=list)
    has_readme: bool = False
    cmake_source_dir: str | None = None  # scikit-build-core: where CMake runs
    cmake_defines: tuple[tuple[str, str], ...] = ()  # ... and the -D values it always passes
    setup_scripts: list[str] = field(default_factory=list)  # run by a build hook: setup.py-like
    unchecked: list[Unchecked] = field(default_factory=list)
    units: list[CompileUnit] = field(default_factory=list)  # [tool.setuptools] ext-modules

    @property
    def runs_setuptools(self) -> bool:
        """Whether the build runs setuptools (so setup.py and setup.cfg): no other known
        backend does; an unknown one may."""
        return self.backend not in _OTHER_BACKENDS


class _Refs:
    """Builds references from one config file, finding each value's line."""

    def __init__(self, out: list[Reference], source: str, text: str | None) -> None:
        self.out, self.source, self.text = out, source, text

    def add(
        self,
        target: str,
        kind: str,
        *needles: str,
        scope: Scope = Scope.ALWAYS,
        is_dir: bool = False,
        note: str | None = None,
        base: str = "",
        tolerated: bool = False,
    ) -> None:
        if not target or target.startswith("/"):
            return
        line, text = _toml.line_of(self.text, *(needles or (target,)))
        path = posixpath.normpath(posixpath.join(base, target)) if base else target
        self.out.append(
            Reference(
                target=path,
                source=self.source,
                line=line,
                text=text,
                kind=kind,
                scope=scope,
                is_dir=is_dir,
                tolerated=tolerated,
                is_glob=is_glob(target),
                note=note,
            )
        )


def analyse(tree: SdistTree, path: str = "pyproject.toml") -> PyprojectAnalysis:
    out = PyprojectAnalysis()
    text = tree.read_text(path)
    doc = _toml.load(text)
    if text is not None and doc is None:
        out.notes.append(f"{path} is not valid TOML: a build would fail on it")
        out.references.append(
            Reference(path, path, 0, "", "pyproject-invalid", note="pyproject.toml does not parse")
        )
    doc = doc or {}
    refs = _Refs(out.references, path, text)
    build = _toml.table(doc.get("build-system"))
    backend = build.get("build-backend")
    out.backend = BACKENDS.get(backend, backend) if isinstance(backend, str) else None
    for d in _toml.str_list(build.get("backend-path")):
        refs.add(d, "backend-path", is_dir=True, note="the in-tree build backend")
    if isinstance(backend, str) and backend not in BACKENDS:
        out.backend = _unknown_backend(tree, backend, build, refs, out.unchecked)
    project = _toml.table(doc.get("project"))
    out.name = project.get("name") if isinstance(project.get("name"), str) else None
    out.version = project.get("version") if isinstance(project.get("version"), str) else None
    _project_files(project, refs, out)
    tool = _toml.table(doc.get("tool"))
    out.config = _toml.table(tool.get("sdistcheck"))
    # [tool.setuptools] and setuptools-rust are read by setuptools only: by a maturin, hatch,
    # meson-python ... build they are configuration nobody follows (in-tree backends usually
    # wrap setuptools, so they are followed there)
    setuptools = out.runs_setuptools
    if setuptools:
        _setuptools_dynamic(_toml.table(tool.get("setuptools")), refs)
        out.units.extend(_ext_module_units(_toml.table(tool.get("setuptools")), path))
    if out.backend == "maturin":
        _maturin(tree, _toml.table(tool.get("maturin")), refs, out)
    rust = _toml.table(tool.get("setuptools-rust")) if setuptools else {}
    for ext in rust.get("ext-modules", []) + rust.get("bins", []):
        ext = _toml.table(ext)
        manifest = str(ext.get("path", "Cargo.toml"))
        line, ltext = _toml.line_of(text, "path", manifest)
        out.rust_roots.append(
            RustRoot(manifest, path, line, ltext, tuple(_toml.str_list(ext.get("features"))))
        )
    if out.backend == "hatch":
        hatch_build = _toml.table(_toml.table(tool.get("hatch")).get("build"))
        _hatch(hatch_build, refs)
        _hatch_hooks(tree, hatch_build, refs, out)
    if out.backend == "pdm":
        # pdm-backend copies these into the wheel/sdist; a pattern that matches nothing adds
        # nothing (like maturin's include): worth knowing, not a failure.
        build_table = _toml.table(_toml.table(tool.get("pdm")).get("build"))
        _pdm_setuptools(tree, build_table, out)
        for key in ("includes", "source-includes"):
            for pattern in _toml.str_list(build_table.get(key)):
                refs.add(
                    pattern,
                    f"pdm-{key}",
                    pattern,
                    scope=Scope.GUARDED,
                    note="listed for the build, but it matches nothing in the sdist",
                )
    if out.backend == "scikit-build-core":
        skb = _toml.table(tool.get("scikit-build"))
        source_dir = _toml.table(skb.get("cmake")).get(
            "source-dir", skb.get("cmake.source-dir", ".")
        )
        if isinstance(source_dir, str):
            out.cmake_source_dir = "" if source_dir in (".", "") else source_dir.strip("/")
        out.cmake_defines = _skbuild_defines(skb)
        refs.add(
            posixpath.join(str(source_dir), "CMakeLists.txt").removeprefix("./"),
            "scikit-build-cmakelists",
            "source-dir" if source_dir != "." else "build-backend",
            note="scikit-build-core runs CMake on this file",
        )
    if out.backend == "py-build-cmake":
        _py_build_cmake(_toml.table(tool.get("py-build-cmake")), refs, out)
    if out.backend == "meson-python":
        refs.add(
            "meson.build",
            "meson-python-root",
            "build-backend",
            note="meson-python configures the project from it",
        )
    return out


def _skbuild_defines(skb: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """scikit-build-core's `cmake.define` values that are plain (a string, a bool, a list of
    strings, the default of an environment variable) and the `-D` words of `cmake.args`,
    unless an `[[tool.scikit-build.overrides]]` entry changes them on some platform."""
    cmake = _toml.table(skb.get("cmake"))
    args = _toml.str_list(cmake.get("args", skb.get("cmake.args")))
    from ..native.model import cmake_define

    out = dict(filter(None, map(cmake_define, args)))
    table = {**_toml.table(skb.get("cmake.define")), **_toml.table(cmake.get("define"))}
    for name, value in table.items():
        if isinstance(value, dict) and "env" in value:  # unset in a plain build: the default
            value = value.get("default")
        if isinstance(value, bool):
            out[name] = "TRUE" if value else "FALSE"
        elif isinstance(value, str):
            out[name] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = ";".join(value)
    overridden = set(_nested_keys(skb.get("overrides")))
    return tuple(sorted((k, v) for k, v in out.items() if k not in overridden))


def _nested_keys(value: object) -> list[str]:
    """Every key of every table nested in VALUE (TOML tables and arrays of them)."""
    if isinstance(value, dict):
        return [k for k, v in value.items() for k in [k, *_nested_keys(v)]]
    if isinstance(value, list):
        return [k for v in value for k in _nested_keys(v)]
    return []


def _py_build_cmake(table: dict[str, Any], refs: _Refs, out: PyprojectAnalysis) -> None:
    """py-build-cmake runs CMake only when `[tool.py-build-cmake.cmake]` is there, in its
    `source_path` (the project directory by default)."""
    if "cmake" not in table:
        return
    source_dir = _toml.table(table.get("cmake")).get("source_path", ".")
    if not isinstance(source_dir, str):
        return
    source_dir = source_dir.strip("/").removeprefix("./")
    out.cmake_source_dir = "" if source_dir in (".", "") else source_dir
    refs.add(
        posixpath.join(source_dir, "CMakeLists.txt").removeprefix("./"),
        "py-build-cmake-cmakelists",
        "source_path" if out.cmake_source_dir else "build-backend",
        note="py-build-cmake runs CMake on this file",
    )


def _unknown_backend(
    tree: SdistTree, backend: str, build: dict[str, Any], refs: _Refs, out: list[Unchecked]
) -> str:
    """The backend to analyse a build as whose `build-backend` is no known one: the backend an
    in-tree wrapper re-exports, else itself; what is not followed is added to OUT."""
    line, _ = _toml.line_of(refs.text, "build-backend")
    paths = _toml.str_list(build.get("backend-path"))
    if not paths:
        out.append(Unchecked(refs.source, line, f"build backend {backend!r}: not one it models"))
        return backend
    found = intree.resolve(tree, backend, paths)
    # a setuptools wrapper is analysed as setuptools even when its build_wheel works first:
    # setup.py and setup.cfg are what setuptools reads whatever runs before it
    if found.path is not None and found.wraps is not None:
        if found.delegates or found.wraps == "setuptools":
            out.append(
                Unchecked(
                    found.path,
                    found.line,
                    f"in-tree build backend {backend!r} wraps {found.wraps}: analysed as "
                    f"{found.wraps}, what the wrapper itself changes is not followed",
                )
            )
            return found.wraps
        out.append(
            Unchecked(
                found.path,
                found.line,
                f"in-tree build backend {backend!r} runs its own build_wheel before "
                f"{found.wraps}'s: what it builds is not followed",
            )
        )
        return backend
    where = found.path or refs.source
    out.append(
        Unchecked(
            where,
            0 if found.path else line,
            f"in-tree build backend {backend!r} wraps no backend the checker knows: "
            "what it builds is not followed",
        )
    )
    return backend


def _pdm_setuptools(tree: SdistTree, build: dict[str, Any], out: PyprojectAnalysis) -> None:
    """pdm-backend's `run-setuptools = true`: setuptools builds with the keywords the custom
    hook's `pdm_build_update_setup_kwargs` sets (editdistance's `ext_modules=cythonize(..)`),
    so the hook is analysed like a setup.py.  pdm skips a hook file that is not there."""
    if build.get("run-setuptools") is not True:
        return
    hook = build.get("custom-hook", "pdm_build.py")
    text = tree.read_text(hook) if isinstance(hook, str) else None
    if text is not None and "def pdm_build_update_setup_kwargs" in text:
        out.setup_scripts.append(str(hook))


def _hatch_hooks(
    tree: SdistTree, build: dict[str, Any], refs: _Refs, out: PyprojectAnalysis
) -> None:
    targets = _toml.table(build.get("targets"))
    seen: set[object] = set()
    for prefix, section in (
        ("tool.hatch.build.", build),
        ("tool.hatch.build.targets.wheel.", _toml.table(targets.get("wheel"))),
    ):
        for hook, config in _toml.table(section.get("hooks")).items():
            line = (
                _toml.line_of(refs.text, f"{prefix}hooks.{hook}")[0]
                or (_toml.line_of(refs.text, "hooks", hook)[0])
            )
            config = _toml.table(config)
            if hook == "custom":
                path = config.get("path", "hatch_build.py")
                if path in seen:  # one hook declared for every target and for the wheel
                    continue
                seen.add(path)
                if _custom_hook(tree, config, line, refs, out):
                    continue
            what = f"hatch build hook {hook!r}: what it builds is not followed"
            out.unchecked.append(Unchecked(refs.source, line, what))


def _custom_hook(
    tree: SdistTree, config: dict[str, Any], line: int, refs: _Refs, out: PyprojectAnalysis
) -> bool:
    """hatchling's custom hook (declared at LINE): its file is needed (hatchling fails without
    it); whether the setup scripts it runs are all it builds (then they are analysed like
    setup.py)."""
    import ast  # here: most projects have no hook

    from . import hatchhooks
    from .pyexpr import Constants

    hook = config.get("path", hatchhooks.DEFAULT_PATH)
    if not isinstance(hook, str) or not hook or hook.startswith("/"):
        return False
    declared = (refs.text or "").splitlines()[line - 1].strip() if line else ""
    note = "hatchling fails when the custom build hook's file is missing"
    refs.out.append(Reference(hook, refs.source, line, declared, "hatch-custom-hook", note=note))
    text = tree.read_text(hook)
    try:
        module = ast.parse(text or "")
        base = posixpath.dirname(hook)
        constants = Constants(module, tree, base)
        scripts = hatchhooks.setup_scripts(module, constants, base)
        runs = hatchhooks.other_runs(module, constants)
    except (SyntaxError, ValueError, RecursionError):
        return False
    for at, what in runs:  # named where they run: more telling than the hook's declaration
        out.unchecked.append(
            Unchecked(hook, at, f"the hatch build hook runs {what}: what it builds is not followed")
        )
    lines = (text or "").splitlines()
    for script, at in scripts:
        refs.out.append(
            Reference(
                script,
                hook,
                at,
                lines[at - 1].strip(),
                "hatch-hook-setup-script",
                note="the build hook runs this setup script",
            )
        )
        out.setup_scripts.append(script)
    return bool(scripts)


def _project_files(project: dict[str, Any], refs: _Refs, out: PyprojectAnalysis) -> None:
    readme = project.get("readme")
    if isinstance(readme, dict):
        readme = readme.get("file")
    if isinstance(readme, str):
        out.has_readme = True
        if out.backend in _OTHER_BACKENDS:  # hatchling, flit, pdm, maturin: the build fails
            refs.add(readme, "project-readme", "readme")
        else:
            refs.add(readme, "project-readme", "readme", tolerated=True, note=_README_NOTE)
    license_ = project.get("license")
    if isinstance(license_, dict) and isinstance(license_.get("file"), str):
        refs.add(license_["file"], "project-license-file", "file", license_["file"])
    files = project.get("license-files")
    if isinstance(files, dict):  # the pre-PEP 639 draft form, still read by hatchling
        for p in _toml.str_list(files.get("paths")) + _toml.str_list(files.get("globs")):
            refs.add(p, "project-license-files", p)
    else:
        for p in _toml.str_list(files):
            refs.add(
                p,
                "project-license-files",
                p,
                note="PEP 639: a license-files pattern that matches nothing is an error",
            )


def _setuptools_dynamic(setuptools: dict[str, Any], refs: _Refs) -> None:
    note = "setuptools skips a missing file silently: the wheel's metadata would lack it"
    dynamic = _toml.table(setuptools.get("dynamic"))
    for key in ("readme", "version", "dependencies"):
        for p in _toml.str_list(_toml.table(dynamic.get(key)).get("file")):
            if key == "readme":
                refs.add(p, "setuptools-dynamic-readme", p, tolerated=True, note=_README_NOTE)
            else:
                refs.add(p, f"setuptools-dynamic-{key}", p, note=note)
    for group in _toml.table(dynamic.get("optional-dependencies")).values():
        for p in _toml.str_list(_toml.table(group).get("file")):
            refs.add(p, "setuptools-dynamic-optional-dependencies", p, note=note)
    for ext in (
        setuptools.get("ext-modules", []) if isinstance(setuptools.get("ext-modules"), list) else []
    ):
        for src in _toml.str_list(_toml.table(ext).get("sources")):
            refs.add(src, "setuptools-ext-source", src)


def _ext_module_units(setuptools: dict[str, Any], source: str) -> list[CompileUnit]:
    """What `[tool.setuptools] ext-modules` compiles (mmh3 5.3.1), with its include-dirs."""
    from ..native.model import CompileUnit  # a dataclass module few sdists need

    units = []
    modules = setuptools.get("ext-modules")
    for ext in modules if isinstance(modules, list) else []:
        table = _toml.table(ext)
        dirs = tuple(
            d for d in (normalize(x) for x in _toml.str_list(table.get("include-dirs"))) if d
        )
        for src in _toml.str_list(table.get("sources")):
            path = normalize(src)
            if path:
                units.append(CompileUnit(path, dirs, declared_in=source))
    return units


def _maturin(tree: SdistTree, maturin: dict[str, Any], refs: _Refs, out: PyprojectAnalysis) -> None:
    manifest = maturin.get("manifest-path")
    python_source = maturin.get("python-source")
    if isinstance(python_source, str):
        refs.add(python_source, "maturin-python-source", "python-source", is_dir=True)
    if not isinstance(manifest, str):
        # maturin's default: Cargo.toml beside pyproject.toml, else in the python-source layout.
        manifest = (
            "Cargo.toml"
            if tree.is_file("Cargo.toml") or not tree.is_file("rust/Cargo.toml")
            else "rust/Cargo.toml"
        )
        line, text = _toml.line_of(refs.text, "build-backend")
    else:
        line, text = _toml.line_of(refs.text, "manifest-path")
    features = tuple(_toml.str_list(maturin.get("features")))
    out.rust_roots.append(
        RustRoot(
            manifest,
            refs.source,
            line,
            text,
            features,
            default_features=maturin.get("no-default-features") is not True,
            all_features=maturin.get("all-features") is True,
        )
    )
    data = maturin.get("data")
    if isinstance(data, str):
        refs.add(data, "maturin-data", "data", is_dir=True)
    for entry in maturin.get("include", []) if isinstance(maturin.get("include"), list) else []:
        pattern = entry.get("path") if isinstance(entry, dict) else entry
        if isinstance(pattern, str):
            refs.add(
                pattern,
                "maturin-include",
                pattern,
                scope=Scope.GUARDED,
                note="declared for the sdist, but it matches nothing in it",
            )


def _hatch(build: dict[str, Any], refs: _Refs) -> None:
    targets = _toml.table(build.get("targets"))
    # targets.sdist says what goes into an sdist made from the repository: building a wheel
    # from the sdist never reads it
    for section in (build, _toml.table(targets.get("wheel"))):
        for src in _toml.table(section.get("force-include")):
            refs.add(
                src,
                "hatch-force-include",
                src,
                note="hatchling fails when a force-include source is missing",
            )
        for key in ("shared-data", "shared-scripts"):
            for src in _toml.table(section.get(key)):
                refs.add(src, f"hatch-{key}", src)
