"""What meson build statements reference and compile: references to sdist files (with the
reason a path leaves the sdist), subdir(), include directories, targets to compile units,
project options and their defaults, find_program scripts, fs.* checks and generated outputs."""

from __future__ import annotations

import posixpath

from .._model import LEAVES_SDIST
from ..archive.tree import SdistTree, normalize
from ..native.guards import (
    FALSE,
    OPTION,
    OPTION_OFF,
    TEST,
    TRUE,
    UNKNOWN_FILE,
    Guard,
    Referrer,
    is_test_name,
    missing,
)
from ..native.model import COMPILED, BuildAnalysis, CompileUnit, generated_names
from ..native.paths import locate
from .interpreter import Evaluator
from .lexer import _Call, _Expr, _Lit, parse
from .values import (
    _BUILTIN_OPTION,
    _BUILTIN_OPTIONS,
    _NONE,
    _V,
    _Bool,
    _Dirs,
    _File,
    _Frame,
    _known,
    _leaves,
    _Obj,
    _Str,
    _Unknown,
)


class Recorder(Evaluator, Referrer):
    """The evaluator, recording references, compile units, options and generated files."""

    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        super().__init__(tree, out, root)
        self.refs = []
        self.units: list[CompileUnit] = []
        self.option_use: tuple[Guard, _Frame, int] | None = None  # the least guarded use
        self.defaults: dict[str, tuple[str, str | int | bool | None]] = {}  # option: type, value
        self.unresolved = 0
        self.generated: list[str] = []

    # -- references ----------------------------------------------------------------------------

    def paths(
        self,
        value: _V,
        frame: _Frame,
        line: int,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
    ) -> list[tuple[str, Guard, bool]]:
        """The sdist files a value names: (path, guard, referenced here); strings are referenced
        here (meson checks that they exist), `files()` objects were when they were made."""
        out: list[tuple[str, Guard, bool]] = []
        for leaf, g in _leaves(value, guard):
            g = guard.and_(g)
            if not g.reachable:
                continue
            if isinstance(leaf, _File):
                if leaf.path is not None:
                    out.append((leaf.path, g, False))
            elif isinstance(leaf, _Str):
                where, path = locate(leaf.s, frame.dir)
                if where in ("src", "climb"):
                    why = LEAVES_SDIST if where == "climb" else note
                    self.ref(frame, line, path, kind, g, is_dir=is_dir, note=why)
                    if where == "src":
                        out.append((path, g, True))
            elif isinstance(leaf, _Unknown):
                self.unresolved += 1
        return out

    def subdir(
        self, args: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> _V:
        name = _known(args[0]) if args else None
        if not isinstance(name, str):
            self.unresolved += 1
            return _NONE
        if "if_found" in kwargs:
            guard = guard.and_(OPTION.label("subdir(if_found: ...)"))
        joined = posixpath.join(frame.dir, name)
        directory = normalize(joined)
        if directory is None:
            self.ref(
                frame,
                line,
                posixpath.normpath(joined) + "/meson.build",
                "meson-subdir",
                guard,
                note=LEAVES_SDIST,
            )
            return _NONE
        target = posixpath.join(directory, "meson.build") if directory else "meson.build"
        self.ref(frame, line, target, "meson-subdir", guard, note="meson runs this file")
        if guard.reachable:
            self.run_file(directory, guard)
        return _NONE

    def include_dirs(
        self, kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> tuple[str, ...]:
        dirs: list[str] = []
        for leaf, _ in _leaves(kwargs.get("include_directories", _NONE)):
            if isinstance(leaf, _Dirs):
                dirs += leaf.dirs
            elif isinstance(leaf, _Str):
                dirs += [
                    p
                    for p, _, _ in self.paths(
                        leaf, frame, line, "meson-include-directories", guard, is_dir=True
                    )
                ]
        for leaf, _ in _leaves(kwargs.get("dependencies", _NONE)):
            if isinstance(leaf, _Dirs):
                dirs += leaf.dirs
        return tuple(dirs)

    def target(
        self, sources: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> _V:
        implicit = self.truth(kwargs.get("implicit_include_directories", _Bool(cond=TRUE)))
        dirs = ((frame.dir,) if implicit is not FALSE else ()) + self.include_dirs(
            kwargs, frame, guard, line
        )
        dirs = tuple(dict.fromkeys(dirs))
        values = [*sources, kwargs.get("sources", _NONE)]
        for value in values:
            for path, g, _ in self.paths(value, frame, line, "meson-source", guard):
                if posixpath.splitext(path)[1] in COMPILED:
                    self.units.append(
                        CompileUnit(path, dirs, g.scope, g.condition, frame.file, line)
                    )
        self.paths(kwargs.get("extra_files", _NONE), frame, line, "meson-extra-files", guard)
        return _Obj(kind="target")

    def option(self, args: list[_V], frame: _Frame, guard: Guard, line: int) -> _V:
        name = _known(args[0]) if args else None
        if not isinstance(name, str):
            return _Unknown()
        if name not in _BUILTIN_OPTIONS and not _BUILTIN_OPTION.fullmatch(name):
            best = self.option_use
            if guard.reachable and (best is None or guard.true_in < best[0].true_in):
                self.option_use = (guard, frame, line)
        kind, default = self.defaults.get(name, ("", None))
        if is_test_name(name):
            return _Bool(cond=TEST) if kind == "boolean" else _Unknown(atom=TEST)
        if kind == "boolean":  # off by default: its other side is the ordinary build
            return _Bool(cond=OPTION_OFF if default is False else OPTION)
        if kind == "feature":
            return _Unknown(feature=default if isinstance(default, str) else "auto")
        return _Unknown()

    def find_program(
        self, args: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard, line: int
    ) -> _V:
        # A name with a slash is a script in the source tree; a bare name is searched on PATH.
        required = self.truth(kwargs.get("required", _Bool(cond=TRUE)))
        g = guard if required is TRUE else guard.and_(Guard(4, 0))
        for value in args:
            for leaf, _ in _leaves(value):
                if isinstance(leaf, _Str) and "/" in leaf.s:
                    self.paths(leaf, frame, line, "meson-find-program", g)
        return _Obj(kind="program")

    def fs(self, name: str, args: list[_V], frame: _Frame, guard: Guard, line: int) -> _V:
        target = args[0] if args else _NONE
        if name in ("exists", "is_file", "is_dir"):
            text = _known(target)
            if not isinstance(text, str):
                return _Bool(cond=UNKNOWN_FILE)
            where, path = locate(text, frame.dir)
            if where != "src":
                return _Bool(cond=UNKNOWN_FILE if where != "climb" else missing(path))
            test = {"exists": self.tree.exists, "is_file": self.tree.is_file}.get(
                name, self.tree.is_dir
            )
            return _Bool(cond=TRUE if test(path) else missing(path))
        if name in ("read", "copyfile", "hash", "size"):
            self.paths(target, frame, line, f"meson-fs-{name}", guard)
        return _Unknown()

    def outputs(self, value: _V, frame: _Frame) -> None:
        """Record the files a build step writes (into the build directory's mirror of this one)."""
        for leaf, _ in _leaves(value):
            name = _known(leaf)
            if isinstance(name, str) and "@" not in name and not name.startswith("\x00"):
                self.generated.append(posixpath.normpath(posixpath.join(frame.dir, name)))

    def read_options(self) -> None:
        """Types and defaults of the project's options, from meson.options/meson_options.txt."""
        for name in ("meson.options", "meson_options.txt"):
            text = self.tree.read_text(posixpath.join(self.root, name) if self.root else name)
            if text is None:
                continue
            statements, _, _ = parse(text)
            for node in statements:
                call = node.value if isinstance(node, _Expr) else None
                if not isinstance(call, _Call) or call.name != "option" or not call.args:
                    continue
                first, kwargs = call.args[0], dict(call.kwargs)
                kind, value = kwargs.get("type"), kwargs.get("value")
                if isinstance(first, _Lit) and isinstance(first.value, str):
                    self.defaults[first.value] = (
                        kind.value
                        if isinstance(kind, _Lit) and isinstance(kind.value, str)
                        else "",
                        value.value if isinstance(value, _Lit) else None,
                    )
            return

    def finish(self) -> None:
        self.out.generated.extend(generated_names(self.generated))
        if self.option_use is not None:
            guard, frame, line = self.option_use
            options = posixpath.join(self.root, "meson.options") if self.root else "meson.options"
            legacy = (
                posixpath.join(self.root, "meson_options.txt")
                if self.root
                else ("meson_options.txt")
            )
            self.ref(
                frame,
                line,
                options,
                "meson-options",
                guard,
                alternatives=(legacy,),
                note="get_option() of a project option needs the options file",
            )
        self.out.references.extend(dict.fromkeys(self.refs))
        self.out.units.extend(dict.fromkeys(self.units))
        if self.unresolved:
            self.out.notes.append(
                f"{self.unresolved} meson path(s) computed at configure time ('@0@'.format(), "
                "f-strings, options) were skipped"
            )
