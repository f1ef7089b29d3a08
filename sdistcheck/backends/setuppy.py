"""setup.py (parsed with `ast`, never run) and setup.cfg: the files a setuptools build reads.

Only values the checker can know without running code are followed: literals, module-level
constants, `os.path.join`/`Path` of those, and a `here = os.path.dirname(__file__)` base.  A
reference under `if sys.platform == ...` bites on that platform; under any other `if` it is an
option; inside `try:` or behind an `exists()` test the script tolerates its absence.
"""

from __future__ import annotations

import ast
import dataclasses
import posixpath
from dataclasses import dataclass, field

from .._model import Reference, Scope, Unchecked, weakest
from ..archive.tree import SdistTree, is_glob
from ..native.model import CMakeRoot, CompileUnit
from .buildcommands import build_commands, cmake_defines, custom_commands
from .buildenv import (
    isolation_units,
    local_imports,
    optional_imports,
    try_guards,
    without_isolation,
)
from .fallback import tolerate_fallbacks, tolerate_optional_build
from .pybranches import ALWAYS, branch_guards
from .pyexpr import HERE, Constants, dotted
from .pyproject import RustRoot
from .readers import find_readers, read_path
from .replaced import extension_replacement, weakened
from .setupsyntax import (
    SOURCEDIR_KEYWORDS,
    catches,
    catches_file_errors,
    combine,
    dynamic_include_dirs,
    empty_globs,
    fills,
    imports_skbuild_setup,
    include_settings,
    is_open,
    keywords,
    package_path,
    parse_python,
    runtime_include_dirs,
    sdist_paths,
    shared_utility_modules,
    source_alternatives,
    sourcedir_defaults,
    static_dict,
    string_literals,
    writes,
)

_CFFI_NOTE = "cffi's setuptools plugin runs this build script (setup.py's cffi_modules)"
_SCRIPT_NOTE = "setup.py runs this script with Python (a missing script fails that step)"
_RUN_NOTE = "setup.py runs this tool itself (through subprocess)"
_SETTINGS_FILES = ("setup.cfg", "pyproject.toml")  # where distutils reads build_ext options


@dataclass
class SetupAnalysis:
    references: list[Reference] = field(default_factory=list)
    rust_roots: list[RustRoot] = field(default_factory=list)
    units: list[CompileUnit] = field(default_factory=list)  # what Extension()s compile
    # Directories CMake runs on (skbuild also installs; a CMakeExtension's build_ext only builds)
    cmake_roots: list[CMakeRoot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchecked: list[Unchecked] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # build scripts it has run (cffi_modules)


class _Visitor:
    def __init__(
        self,
        tree: SdistTree,
        source: str,
        text: str,
        constants: Constants,
        out: SetupAnalysis,
        base: str | None = None,
    ):
        self.tree = tree
        self.source, self.lines, self.c, self.out = source, text.splitlines(), constants, out
        self.text = text
        self.base = posixpath.dirname(source) if base is None else base
        self.readers: dict[str, int] = {}  # helper functions that open their Nth argument
        self.skbuild = False
        self.defaults: dict[str, str] = {}
        self.defines: tuple[tuple[str, str], ...] = ()  # -D words of setup.py's cmake runs
        self.cythonizes_extensions = False
        self.open_dirs: str | None = None
        self.include_settings = True  # until run() has looked
        self.strings: list[str] = []  # every string literal of setup.py
        self.setup_dirs: list[str] = []  # setup(include_dirs=...)

    def add(
        self,
        value: object,
        node: ast.AST,
        kind: str,
        scope: Scope,
        condition: str | None,
        note: str | None = None,
        alternatives: tuple[str, ...] = (),
    ) -> None:
        values = value if isinstance(value, list) else [value]
        outer = scope, condition
        for v in values:
            if not isinstance(v, str) or not v or "\x00" in v.replace(HERE, ""):
                continue
            scope, condition = combine([outer, self.c.guard_of(v)])
            path = v.replace(HERE, "").lstrip("/") if v.startswith(HERE) else v
            if posixpath.isabs(path) or "$" in path or "{" in path:
                continue
            # a path from `__file__` is the script's folder's; any other, the working dir's
            folder = posixpath.dirname(self.source) if v.startswith(HERE) else self.base
            target = posixpath.normpath(posixpath.join(folder, path))
            line = getattr(node, "lineno", 0)
            platforms = condition if scope is Scope.PLATFORM else None
            others = alternatives or source_alternatives(target)
            where = (self.source, line, self.line_text(line))
            ref = Reference(target, *where, kind, condition, scope, is_glob=is_glob(path))
            self.out.references.append(
                dataclasses.replace(ref, note=note, platforms=platforms, alternatives=others)
            )

    def line_text(self, line: int) -> str:
        """Line LINE of setup.py, stripped ("" when there is none)."""
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    def units_for(
        self,
        sources: object,
        dirs: object,
        node: ast.AST,
        scope: Scope,
        condition: str | None,
        relative: bool = True,
        libraries: object = (),
    ) -> None:
        """Compile units of an Extension: its sources with its literal include_dirs (and the
        libraries it links by name)."""
        base = self.base if relative else None
        include_dirs = tuple(sdist_paths(dirs, base))
        linked = libraries if isinstance(libraries, (list, tuple)) else ()
        line = getattr(node, "lineno", 0)
        open_dirs = self.open_dirs
        if isinstance(node, ast.Call) and open_dirs is None:
            given = next((k.value for k in node.keywords if k.arg == "include_dirs"), None)
            if given is not None and dynamic_include_dirs(given, self.c):
                open_dirs = f"include_dirs at {self.source}:{line} is not static"
        for d in include_dirs:
            if open_dirs is None and not self.tree.is_dir(d) and fills(self.strings, d, self.base):
                open_dirs = f"{d} is not in the sdist: setup.py's own steps fill it"
        exact = open_dirs is None and not self.include_settings and isinstance(node, ast.Call)
        exact = exact and all(k.arg for k in getattr(node, "keywords", ()))  # no **kwargs
        libs = tuple(v for v in linked if isinstance(v, str))
        for item in sources if isinstance(sources, list) else [sources]:
            if not isinstance(item, str):
                continue
            item_scope, item_condition = combine([(scope, condition), self.c.guard_of(item)])
            for source in sdist_paths(item, base):
                unit = (source, include_dirs, item_scope, item_condition, self.source, line)
                self.out.units.append(CompileUnit(*unit, open_dirs, libs, exact_dirs=exact))

    def run(self, module: ast.Module) -> None:
        self.readers = find_readers(module)
        self.shared = shared_utility_modules(module)
        self.skbuild = imports_skbuild_setup(module)
        self.defaults = sourcedir_defaults(module, self.text)
        self.defines = cmake_defines(module, self.c)
        self.strings = string_literals(module)
        self.open_dirs = runtime_include_dirs(module, self.source)
        texts = [self.tree.read_text(posixpath.join(self.base, n)) for n in _SETTINGS_FILES]
        self.include_settings = include_settings(module, [t for t in texts if t])
        self.visit(module, [])
        # modules setup.py imports that can only be the sdist's own (backends.buildenv)
        environment = self.c.environment
        for node, path in local_imports(module, environment) if environment else []:
            note = "setup.py imports it, and no build requirement provides it"
            alternatives = (f"{path}/__init__.py",)
            self.add(f"{path}.py", node, "setup.py-import", Scope.ALWAYS, None, note, alternatives)
        self.subprocess_builds(module)
        for i, unit in enumerate(self.out.units):
            dirs = (*unit.include_dirs, *self.setup_dirs)
            self.out.units[i] = dataclasses.replace(unit, include_dirs=dirs)
        self.out.references, self.out.units = weakened(
            self.out.references,
            self.out.units,
            extension_replacement(module, self.source, self.tree),
        )
        if self.cythonizes_extensions:
            self.out.references = [
                dataclasses.replace(r, alternatives=())
                if r.kind == "setuptools-ext-source" and r.target.endswith((".pyx", ".py"))
                else r
                for r in self.out.references
            ]

    def visit(self, node: ast.AST, guards: list[tuple[Scope, str | None]]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef):  # `sources = [...]; Extension(sources=sources)`
                with self.c.local_scope(child):
                    self.visit(child, guards)
                continue
            if isinstance(child, ast.If):  # each side under its own guard: see pybranches
                body_guard, else_guard = branch_guards(
                    child.test, self.c.env_names, self.c.nodes, self.c.facts, self.c.per_platform
                )
                self.visit(ast.Expr(child.test), guards)
                for side, guard in ((child.body, body_guard), (child.orelse, else_guard)):
                    self.visit(ast.Module(body=side, type_ignores=[]), [*guards, guard])
                continue
            if isinstance(child, (ast.ListComp, ast.GeneratorExp)) and self.each(child, guards):
                continue
            child_guards = guards
            if isinstance(child, ast.IfExp):
                test = branch_guards(
                    child.test, self.c.env_names, self.c.nodes, self.c.facts, self.c.per_platform
                )
                child_guards = [*guards, test[0]]
            elif isinstance(child, ast.Try) and catches_file_errors(child):
                child_guards = [*guards, (Scope.GUARDED, "inside try/except")]
            elif isinstance(child, ast.Try) and catches(
                child, ("ImportError", "ModuleNotFoundError")
            ):
                # An optional build dependency (Cython, numpy): the default build's environment
                # decides which side runs (buildenv.try_guards).
                body_guard, handler_guard = try_guards(child, self.c.environment)
                for side, guard in (
                    (child.body + child.orelse, body_guard),
                    ([s for h in child.handlers for s in h.body], handler_guard),
                    (child.finalbody, ALWAYS),
                ):
                    self.visit(ast.Module(body=side, type_ignores=[]), [*guards, guard])
                continue
            if isinstance(child, ast.Call):
                self.call(child, child_guards)
            self.visit(child, child_guards)

    def each(
        self, comp: ast.ListComp | ast.GeneratorExp, guards: list[tuple[Scope, str | None]]
    ) -> bool:
        """`[Extension(...) for name in mods]` over a static list: the element visited once per
        item, the loop variable bound (ffpyplayer 4.2.0).  False when it is not one of those."""
        if len(comp.generators) != 1 or comp.generators[0].ifs:
            return False
        gen = comp.generators[0]
        items = self.c.eval(gen.iter)
        if not isinstance(gen.target, ast.Name) or not isinstance(items, list) or not items:
            return False
        name = gen.target.id
        saved = self.c.values.get(name)
        for item in items[:256]:
            self.c.values[name] = item
            self.visit(ast.Expr(comp.elt), guards)
        if saved is None:
            self.c.values.pop(name, None)
        else:
            self.c.values[name] = saved
        return True

    def call(self, node: ast.Call, guards: list[tuple[Scope, str | None]]) -> None:
        scope, condition = combine(guards)
        name = dotted(node.func).rsplit(".", 1)[-1]
        kw = keywords(node, self.c.nodes)
        if is_open(node) and not writes(node):
            target = node.args[0] if node.args else kw.get("file")
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ("read_text", "read_bytes", "open")
                and not node.args
            ):
                target = node.func.value
            if target is not None:
                self.add(self.c.eval(target), node, "setup.py-open", scope, condition)
        elif name in self.readers and len(node.args) > self.readers[name]:
            read = read_path(self.c, name, node, self.readers[name])
            self.add(read, node, "setup.py-open", scope, condition, note=f"read by {name}()")
        elif (
            name.endswith("Extension")
            and not name.endswith(("RustExtension", "CMakeExtension"))
            and name not in self.defaults
        ):
            sources = kw.get("sources", node.args[1] if len(node.args) > 1 else None)
            if node.args and ast.unparse(node.args[0]) in self.shared:
                sources = None  # Cython writes a shared utility module's C (cython 3.3.1)
            listed = self.c.eval(sources) if sources is not None else None
            literal = isinstance(sources, (ast.List, ast.Tuple)) and not sources.elts
            if sources is not None and not listed and not literal:  # freesasa: map(lambda ..)
                why = f"Extension sources {ast.unparse(sources)[:60]!r} are not static"
                if (unknown := Unchecked(self.source, node.lineno, why)) not in self.out.unchecked:
                    self.out.unchecked.append(unknown)
            if sources is not None:
                self.add(listed, node, "setuptools-ext-source", scope, condition)
                # a glob of sources matching nothing: no sources, a failed build (MulensModel)
                for empty in empty_globs(self.c, sources):
                    note = "the glob lists the extension's sources and matches no file"
                    self.add(empty, node, "setuptools-ext-source", scope, condition, note, ())
                dirs = self.c.eval(kw["include_dirs"]) if "include_dirs" in kw else []
                libraries = self.c.eval(kw["libraries"]) if "libraries" in kw else ()
                self.units_for(
                    self.c.eval(sources), dirs, node, scope, condition, libraries=libraries
                )
            if "depends" in kw:
                self.add(
                    self.c.eval(kw["depends"]),
                    node,
                    "setuptools-ext-depends",
                    weakest(scope, Scope.OPTION),
                    condition,
                    note="setuptools ignores a missing `depends` file, but it usually "
                    "names a header the compiler needs",
                )
        elif name in ("RustExtension", "RustBin"):
            manifest = kw.get("path", node.args[1] if len(node.args) > 1 else None)
            value = self.c.eval(manifest) if manifest is not None else "Cargo.toml"
            if isinstance(value, str):
                line = node.lineno
                text = self.line_text(line)
                features = self.c.eval(kw["features"]) if "features" in kw else []
                path = posixpath.normpath(posixpath.join(self.base, value.replace(HERE, "")))
                self.out.rust_roots.append(
                    RustRoot(
                        path.lstrip("/"),
                        self.source,
                        line,
                        text,
                        tuple(features) if isinstance(features, list) else (),
                    )
                )
        elif name == "setup":
            self.setup_call(kw, node, scope, condition)
        elif name.endswith("CMakeExtension") or name in self.defaults:
            # pybind11's cmake_example pattern: CMakeExtension(name, sourcedir="") runs cmake there
            given = next(
                (kw[k] for k in SOURCEDIR_KEYWORDS if k in kw),
                node.args[1] if len(node.args) > 1 else None,
            )
            sourcedir = self.c.eval(given) if given is not None else self.defaults.get(name, "")
            if isinstance(sourcedir, str):
                self.cmake_root(
                    sourcedir, node, "setup.py-cmake-extension", scope, condition, installs=False
                )
        elif name == "cythonize" and node.args:
            # cythonize("pkg/*.pyx") or a list of patterns; Extension arguments are seen above.
            if scope is Scope.ALWAYS and not isinstance(node.args[0], ast.Constant):
                self.cythonizes_extensions = True  # the .pyx must exist: no .c stands in
            patterns = self.c.eval(node.args[0])
            first = node.args[0]
            written = first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
            literal = all(isinstance(w, ast.Constant) for w in written)  # not Extension objects
            for pattern in patterns if isinstance(patterns, list) else [patterns]:
                if isinstance(pattern, str) and not pattern.startswith(HERE):
                    if literal:
                        # Cython fails on a pattern that matches nothing ("doesn't match any
                        # files"): the pattern is a reference no shipped .c stands in for
                        exact = (posixpath.normpath(posixpath.join(self.base, pattern)),)
                        note = "cythonize fails when a pattern matches no file"
                        self.add(pattern, node, "cythonize-pattern", scope, condition, note, exact)
                    found = self.tree.glob(pattern, self.base)
                    self.units_for(found, [], node, scope, condition, relative=False)

    def subprocess_builds(self, module: ast.Module) -> None:
        """cargo, CMake and make run by setup.py itself: what they read is needed too."""
        for cls in custom_commands(module):
            why = f"custom {cls.name}: its build steps are not followed"
            self.out.unchecked.append(Unchecked(self.source, cls.lineno, why))
        for command in build_commands(module, self.c):
            if command.directory == "\x00":
                why = f"runs {command.tool} in a directory the checker cannot know"
                self.out.unchecked.append(Unchecked(self.source, command.line, why))
                continue
            root = posixpath.normpath(posixpath.join(self.base, command.directory))
            root = "" if root == "." else root
            line = command.line
            text = self.line_text(line)
            node = ast.Expr(ast.Constant(""), lineno=line)
            if command.tool == "cargo":
                manifest = posixpath.join(root, "Cargo.toml") if root else "Cargo.toml"
                self.out.rust_roots.append(RustRoot(manifest, self.source, line, text))
            elif command.tool == "cmake":
                self.cmake_root(
                    root, node, "setup.py-cmake-run", Scope.ALWAYS, None, installs=False
                )
            elif command.tool == "python-script" and command.script != "\x00":
                # llvmlite 0.2.0: spawn([sys.executable, "ffi/build.py"]) with no ffi/build.py
                script = posixpath.join(root, command.script) if root else command.script
                scope = Scope.ALWAYS if command.checked else Scope.OPTION
                self.add(script, node, "setup.py-script-run", scope, None, note=_SCRIPT_NOTE)
            elif command.tool == "make":
                makefile = posixpath.join(root, "Makefile") if root else "Makefile"
                self.add(makefile, node, "setup.py-make-run", Scope.ALWAYS, None, note=_RUN_NOTE)

    def cmake_root(
        self,
        sourcedir: str,
        node: ast.AST,
        kind: str,
        scope: Scope,
        condition: str | None,
        installs: bool,
    ) -> None:
        root = sourcedir.replace(HERE, "").strip("/")
        if root in ("", "."):
            root = self.base
        else:
            root = posixpath.normpath(posixpath.join(self.base, root))
        target = posixpath.join(root, "CMakeLists.txt") if root else "CMakeLists.txt"
        self.add(target, node, kind, scope, condition, note="CMake is run on this directory")
        self.out.cmake_roots.append(CMakeRoot(root, installs, self.defines))

    def setup_call(
        self, kw: dict[str, ast.expr], node: ast.Call, scope: Scope, condition: str | None
    ) -> None:
        if self.skbuild:  # scikit-build's setup(): CMake on cmake_source_dir (default ".")
            given = self.c.eval(kw["cmake_source_dir"]) if "cmake_source_dir" in kw else "."
            if isinstance(given, str):
                self.cmake_root(
                    given, node, "scikit-build-cmakelists", scope, condition, installs=True
                )
        if "include_dirs" in kw:  # distutils adds them to every Extension's
            self.setup_dirs += sdist_paths(self.c.eval(kw["include_dirs"]), self.base)
        cffi = self.c.eval(kw["cffi_modules"]) if "cffi_modules" in kw else None
        for spec in cffi if isinstance(cffi, list) else [cffi] if isinstance(cffi, str) else []:
            script = spec.partition(":")[0]  # "pkg/build.py:ffi": cffi runs it from setup.py's dir
            self.add(script, node, "setup.py-cffi-module", scope, condition, note=_CFFI_NOTE)
            self.out.scripts.append(posixpath.normpath(posixpath.join(self.base, script)))
        data_files = self.c.eval(kw["data_files"]) if "data_files" in kw else None
        if "data_files" in kw and isinstance(kw["data_files"], (ast.List, ast.Tuple)):
            for item in kw["data_files"].elts:
                if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                    self.add(
                        self.c.eval(item.elts[1]),
                        item,
                        "setuptools-data-files",
                        scope,
                        condition,
                        note="setuptools fails when a data_files entry is missing",
                    )
        del data_files
        package_data = kw.get("package_data")
        package_dir = static_dict(self.c, kw.get("package_dir"))
        if isinstance(package_data, ast.Dict):
            for key, value in zip(package_data.keys, package_data.values, strict=True):
                pkg = self.c.eval(key) if key is not None else None
                if not isinstance(pkg, str) or not pkg:
                    continue
                base = package_path(pkg, package_dir)
                patterns = self.c.eval(value)
                for pattern in patterns if isinstance(patterns, list) else []:
                    self.add(
                        posixpath.join(base, pattern),
                        value,
                        "setuptools-package-data",
                        weakest(scope, Scope.OPTION),
                        condition,
                        note="setuptools skips a package_data pattern that matches nothing",
                    )


def analyse_setup_py(
    tree: SdistTree, path: str = "setup.py", cwd: str | None = None
) -> SetupAnalysis:
    """What setup.py at PATH (or a module it runs, analysed in setup.py's folder CWD) reads and
    builds."""
    out = SetupAnalysis()
    text = tree.read_text(path)
    if text is None:
        return out
    try:
        module, python2 = parse_python(text, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        out.notes.append(f"{path} is not parseable Python 3 ({type(exc).__name__}): not analysed")
        why = f"not Python 3 ({type(exc).__name__}): its references are unknown"
        out.unchecked.append(Unchecked(path, getattr(exc, "lineno", 0) or 0, why))
        return out
    if python2:
        out.notes.append(f"{path} is Python 2 (a Python 3 build fails on it): read as Python 3")
    base = posixpath.dirname(path) if cwd is None else cwd
    try:
        constants = Constants(module, tree, base)
        _Visitor(tree, path, text, constants, out, base).run(module)
        out.references = tolerate_fallbacks(module, path, out.references)
        out.references, out.units = tolerate_optional_build(module, path, out.references, out.units)
        environment = constants.environment
        modules = optional_imports(module, environment) if environment is not None else []
        if modules:  # what a build without isolation reads, where they import
            world = SetupAnalysis()
            assumed = Constants(module, tree, base, modules)
            _Visitor(tree, path, text, assumed, world, base).run(module)
            found = tolerate_fallbacks(module, path, world.references)
            out.references += without_isolation(out.references, found, modules)
            out.units += isolation_units(out.units, world.units, modules)
    except RecursionError:
        out.notes.append(f"{path} is nested too deeply to analyse: its references were skipped")
    return out
