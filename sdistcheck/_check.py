"""Check one sdist: collect every reference, resolve it against the sdist, judge what is missing."""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import _toml
from ._config import Options
from ._errors import AnalysisError
from ._model import LEAVES_SDIST, Finding, Reference, Report, Scope, Severity, Unchecked
from .archive.pkginfo import name_version
from .archive.tree import SdistTree, glob_to_regex, normalize
from .backends import fixes as _fixes
from .backends import generated as _generated
from .backends import pyproject as _pyproject
from .go import modules as _go
from .rust import crates as _crates

if TYPE_CHECKING:  # the native model is imported with the native analysers, when needed
    from .native.model import CompileUnit

_RANK = [Scope.ALWAYS, Scope.PLATFORM, Scope.OPTION, Scope.TEST, Scope.GUARDED]


def severity_of(scope: Scope, options: Options) -> Severity:
    if scope in (options.fail_on or ()):
        return Severity.ERROR
    if scope is Scope.GUARDED:
        return Severity.INFO
    return Severity.ERROR if options.strict else Severity.WARNING


def _normalized(ref: Reference) -> Reference:
    """The reference with `./src/a.c` as `src/a.c` and `.` as the root: every analyser's
    targets compared, reported and fixed in one spelling."""
    target = normalize(ref.target)
    if ref.note == LEAVES_SDIST or target is None or target == ref.target:
        return ref
    return dataclasses.replace(ref, target=target)


def satisfied(tree: SdistTree, ref: Reference) -> bool:
    if ref.note == LEAVES_SDIST:
        return False
    if ref.is_glob:
        return tree.matches_any(ref.target)
    if ref.is_dir:
        return tree.is_dir(ref.target)
    return tree.is_file(ref.target) or any(tree.is_file(a) for a in ref.alternatives)


def _metadata(tree: SdistTree) -> tuple[str | None, str | None]:
    return name_version(tree.read_text("PKG-INFO"))


def _blockers(tree: SdistTree) -> tuple[str, ...]:
    """What makes every build of the sdist fail, or the file no sdist at all, whatever else
    it holds: a pyproject.toml that is not TOML (pip stops before the backend), no PKG-INFO."""
    out = []
    text = tree.read_text("pyproject.toml")
    if tree.is_file("pyproject.toml") and (text is None or _toml.load(text) is None):
        why = _toml.error(text) if text is not None else "not UTF-8 text"
        out.append(f"pyproject.toml is not valid TOML ({why}): pip fails before building")
    if not tree.is_file("PKG-INFO"):
        out.append(
            "no PKG-INFO at its top: not an sdist by the format's rules (PyPI refuses the upload)"
        )
    return tuple(out)


def collect(
    tree: SdistTree,
) -> tuple[_pyproject.PyprojectAnalysis, list[Reference], list[str], list[Unchecked]]:
    """Every reference the sdist's build configuration makes, notes worth telling, and what
    the analysis could not follow."""
    py = _pyproject.analyse(tree)
    refs = list(py.references)
    notes = list(py.notes)
    unchecked = list(py.unchecked)
    if not tree.is_file("pyproject.toml") and not tree.is_file("setup.py"):
        refs.append(
            Reference(
                "pyproject.toml",
                "PKG-INFO",
                0,
                "",
                "build-entry-point",
                alternatives=("setup.py",),
                note="a build frontend needs pyproject.toml or setup.py",
            )
        )
    roots = list(py.rust_roots)
    units: list[CompileUnit] = list(py.units)
    cmake_roots = []
    if py.cmake_source_dir is not None:
        from .native.model import CMakeRoot

        cmake_roots.append(CMakeRoot(py.cmake_source_dir, True, py.cmake_defines))
    legacy = tree.is_file("setup.py") or tree.is_file("setup.cfg")
    runs_setup_py = py.runs_setuptools or "setup.py" in py.setup_scripts
    if legacy and not runs_setup_py:
        # pypugjs 5.9.8: poetry-core builds it, and what its setup.py reads is read by no build
        notes.append(f"setup.py and setup.cfg are not read: the {py.backend} backend builds")
    if (legacy and runs_setup_py) or py.setup_scripts:
        from .backends import setupcfg as _setupcfg
        from .backends import setuppy as _setuppy  # ast, configparser: only when there is something
        from .backends.buildenv import imported_extension_modules

        scripts = list(dict.fromkeys([*(["setup.py"] if runs_setup_py else []), *py.setup_scripts]))
        hooked = [_setuppy.analyse_setup_py(tree, script) for script in scripts]
        if runs_setup_py:
            hooked += [  # modules of the sdist that setup.py imports and that declare extensions
                _setuppy.analyse_setup_py(tree, imported, cwd="")
                for imported in imported_extension_modules(tree)
            ]
            hooked.append(_setupcfg.analyse(tree))
        ran = {s for a in hooked for s in a.scripts}  # cffi build scripts, run from setup.py's dir
        hooked += [_setuppy.analyse_setup_py(tree, script, cwd="") for script in sorted(ran)]
        for analysis in hooked:
            refs.extend(analysis.references)
            roots.extend(analysis.rust_roots)
            notes.extend(analysis.notes)
            unchecked.extend(analysis.unchecked)
            units.extend(analysis.units)
            cmake_roots.extend(analysis.cmake_roots)
    if units or cmake_roots or py.backend == "meson-python":
        from . import _compiled  # the C/C++/Cython/CMake/meson analysers: only for native code

        compiled = _compiled.analyse(tree, py.backend, cmake_roots, units)
        refs.extend(compiled.references)
        notes.extend(compiled.notes)
    refs.extend(_go.analyse(tree))
    seen: set[str] = set()
    for root in roots:
        if root.manifest in seen:
            continue
        seen.add(root.manifest)
        cargo = _crates.analyse(
            tree,
            root.manifest,
            root.source,
            root.line,
            root.text,
            root.features,
            root.default_features,
            readme_required=py.backend == "maturin" and not py.has_readme,
            all_features=root.all_features,
        )
        refs.extend(cargo.references)
        notes.extend(cargo.notes)
        unchecked.extend(cargo.unchecked)
        if cargo.generated_includes:
            notes.append(
                f"{cargo.generated_includes} include(s) of build-script output "
                "(OUT_DIR) are generated at build time, not expected in the sdist"
            )
    if not refs:
        unchecked.append(Unchecked("", 0, "no build file the checker follows: nothing was checked"))
    return py, refs, notes, unchecked


def _platforms(refs: Iterable[Reference]) -> str | None:
    phrases = [r.platforms for r in refs if r.scope is Scope.PLATFORM and r.platforms]
    return ", ".join(dict.fromkeys(p for p in phrases if p)) or None


def check(tree: SdistTree, options: Options | None = None) -> Report:
    started = time.perf_counter()
    try:
        py, refs, notes, unchecked = collect(tree)
        refs = [_normalized(r) for r in refs]
    except RecursionError:
        raise AnalysisError(f"{tree.artifact}: build files nested too deeply to analyse") from None
    options = (options or Options()).resolve(py.config)
    ignore = [glob_to_regex(g) for g in options.ignore]
    missing: dict[str, list[Reference]] = defaultdict(list)
    for ref in refs:
        if not satisfied(tree, ref) and not any(rx.match(ref.target) for rx in ignore):
            missing[ref.target].append(ref)
    findings: list[Finding] = []
    builders = _generated.writers(tree) if missing else []
    for path, path_refs in missing.items():
        unique = list(dict.fromkeys(path_refs))
        scope = min((r.scope for r in unique), key=_RANK.index)
        in_source, severity = None, severity_of(scope, options)
        if severity is Severity.ERROR and all(r.tolerated for r in unique) and not options.strict:
            severity = Severity.WARNING  # the build goes on without it: evidence, not failure
        writer = _generated.written_by(path, builders)
        if writer is not None:  # the build writes it: generated, not left out
            severity = Severity.INFO
            notes.append(f"{path} is written during the build by {writer.source}:{writer.line}")
        if options.source_files is not None:
            candidates = {path, *(a for r in unique for a in r.alternatives)}
            in_source = bool(candidates & options.source_files)
            if not in_source:
                severity = Severity.INFO  # in neither: most likely generated at build time
        findings.append(
            Finding(
                path=path,
                severity=severity,
                in_source=in_source,
                scope=scope,
                references=tuple(
                    sorted(unique, key=lambda r: (_RANK.index(r.scope), r.source, r.line))
                ),
                platforms=_platforms(unique) if scope is Scope.PLATFORM else None,
            )
        )
    order = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    findings.sort(key=lambda f: (order.index(f.severity), f.path))
    fixable = [f for f in findings if f.severity is not Severity.INFO]
    name, version = _metadata(tree)
    return Report(
        blockers=_blockers(tree),
        unchecked=tuple(unchecked),
        fail_unchecked=bool(options.fail_unchecked),
        artifact=tree.artifact,
        name=name or py.name,
        version=version or py.version,
        backend=py.backend or ("setuptools" if tree.is_file("setup.py") else None),
        findings=tuple(findings),
        fixes=_fixes.suggest(py.backend, fixable),
        references_checked=len(refs),
        references=tuple(refs),
        files_in_sdist=len(tree),
        notes=tuple(notes),
        stats={"analysis_seconds": round(time.perf_counter() - started, 4)},
    )
