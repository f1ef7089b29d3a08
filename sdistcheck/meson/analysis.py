"""meson build files, read statically (never run): what a meson-python build needs from the sdist,
and what each target compiles with which include path.

meson's language is tokenized and parsed (strings, triple-quoted strings, f-strings, arrays,
dicts, method calls, `if`/`elif`/`else`, `foreach`, `?:`) and a small evaluator follows it from
the root `meson.build` through `subdir()`, with meson's global variables, each value keeping the
guard it was assigned under (two branches of one if-chain exclude each other, as for CMake).

References (kinds): `meson-subdir` (`x/meson.build`), `meson-files` (files() checks existence),
`meson-source` (string sources of executable/library/static_library/shared_library/
shared_module/both_libraries/build_target/py.extension_module, `sources:` and
declare_dependency), `meson-include-directories` (must exist), `meson-configure-file`,
`meson-custom-target-input` (`input:`, `depend_files:`), `meson-generator-input`,
`meson-vcs-tag`, `meson-install(-sources|-subdir)`, `meson-extra-files`, `meson-find-program` (a
script path), `meson-fs-*`, `meson-license-files`, `meson-subproject`, `meson-exists-required`
(`if not fs.exists(p)` + `error()`, or `assert(fs.exists(p))`) and `meson-options` (the options
file, when a project option is read with get_option(); built-in options need none).

Guards use the shared algebra (`native.guards.Guard`): `host_machine.*()`, compiler queries
(`cc.get_id() == 'msvc'`, `cc.has_header()`) and variables assigned from them are platform tests;
get_option() is an option (a boolean or feature off by default is false in the ordinary build,
so its other side is `always`), or a test switch when its name has a test/bench/doc/example word;
`fs.exists()`/`is_file()`/`is_dir()` are decided against the sdist (missing: `guarded`);
`subdir_done()` ends the file, or guards the rest of it when conditional.  A string from
`'@0@'.format()`, an f-string or anything else not known statically is skipped (counted).
Compile units get the target's own directory (meson's implicit include), its
`include_directories:` and its dependencies' include directories.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from ..archive.tree import SdistTree, normalize
from ..native.guards import FALSE, OPTION, OPTION_OFF, PLATFORM, TRUE, Guard
from ..native.model import BuildAnalysis
from .lexer import _Call
from .references import Recorder
from .values import (
    _NONE,
    _PLATFORM_METHODS,
    _TARGETS,
    _V,
    _Arr,
    _atom,
    _Bool,
    _Budget,
    _Dict,
    _Dirs,
    _File,
    _Frame,
    _known,
    _leaves,
    _Num,
    _Obj,
    _Str,
    _tag,
    _Unknown,
)


class _Meson(Recorder):
    """The analyser: what meson's functions and object methods do."""

    def function(
        self, node: _Call, args: list[_V], kwargs: dict[str, _V], frame: _Frame, guard: Guard
    ) -> _V:
        name, line = node.name, node.line
        if name == "subdir":
            return self.subdir(args, kwargs, frame, guard, line)
        if name == "files":
            return _Arr(
                items=tuple(
                    _File(path=p, g=g)
                    for arg in args
                    for p, g, _ in self.paths(arg, frame, line, "meson-files", guard)
                )
            )
        if name == "include_directories":
            dirs = []
            for arg in args:
                dirs += [
                    p
                    for p, _, _ in self.paths(
                        arg, frame, line, "meson-include-directories", guard, is_dir=True
                    )
                ]
            return _Dirs(dirs=tuple(dirs))
        if name in _TARGETS:
            return self.target(args[1:], kwargs, frame, guard, line)
        if name == "declare_dependency":
            self.paths(kwargs.get("sources", _NONE), frame, line, "meson-source", guard)
            return _Dirs(dirs=self.include_dirs(kwargs, frame, guard, line))
        if name in ("configure_file", "vcs_tag"):
            self.paths(
                kwargs.get("input", _NONE), frame, line, f"meson-{name.replace('_', '-')}", guard
            )
            self.outputs(kwargs.get("output", _NONE), frame)
            return _File(path=None)
        if name == "generator":
            templates = [_known(v) for v, _ in _leaves(kwargs.get("output", _NONE))]
            return _Obj(kind="generator", outputs=tuple(t for t in templates if isinstance(t, str)))
        if name == "custom_target":
            self.outputs(kwargs.get("output", _NONE), frame)
            self.paths(kwargs.get("input", _NONE), frame, line, "meson-custom-target-input", guard)
            self.paths(
                kwargs.get("depend_files", _NONE), frame, line, "meson-custom-target-input", guard
            )
            return _Obj(kind="generated")
        if name in ("install_data", "install_headers", "install_man"):
            for value in [*args, kwargs.get("sources", _NONE)]:
                self.paths(value, frame, line, "meson-install", guard)
            return _NONE
        if name == "install_subdir" and args:
            # meson only warns that installing a missing directory is deprecated, then goes on.
            note = "meson installs nothing for a missing directory (a deprecation warning)"
            tolerated = guard.and_(Guard(4, 0))
            self.paths(
                args[0], frame, line, "meson-install-subdir", tolerated, is_dir=True, note=note
            )
            return _NONE
        if name == "get_option":
            return self.option(args, frame, guard, line)
        if name == "import":
            kind = _known(args[0]) if args else None
            return _Obj(kind=f"module:{kind}")
        if name == "join_paths":
            parts = [_known(a) for a in args]
            if parts and all(isinstance(p, str) for p in parts):
                return _Str(s=posixpath.join(*[str(p) for p in parts]))
            return _Unknown()
        if name == "find_program":
            return self.find_program(args, kwargs, frame, guard, line)
        if name == "subproject" and args:
            sub = _known(args[0])
            if isinstance(sub, str) and "/" not in sub:
                g = (
                    guard
                    if self.truth(kwargs.get("required", _Bool(cond=TRUE))) is TRUE
                    else (guard.and_(Guard(4, 0)))
                )
                self.ref(
                    frame,
                    line,
                    f"subprojects/{sub}/meson.build",
                    "meson-subproject",
                    g,
                    alternatives=(f"subprojects/{sub}.wrap",),
                )
            return _Obj(kind="subproject")
        if name in ("error", "assert"):
            absent = guard.absent_true
            if name == "assert" and args:
                absent += self.truth(args[0]).absent_false
            for path in dict.fromkeys(absent):
                self.ref(
                    frame,
                    line,
                    path,
                    "meson-exists-required",
                    guard,
                    note=f"the build stops with {name}() when it is missing",
                )
            return _NONE
        if name == "set_variable" and len(args) > 1 and isinstance(_known(args[0]), str):
            self.vars[str(_known(args[0]))] = _tag(args[1], guard)
            return _NONE
        if name == "get_variable" and args:
            key = _known(args[0])
            found = self.vars.get(key) if isinstance(key, str) else None
            return found or (args[1] if len(args) > 1 else _Unknown())
        if name == "is_variable" and args:
            return _Bool(cond=TRUE if _known(args[0]) in self.vars else FALSE)
        if name in (
            "dependency",
            "find_library",
            "run_command",
            "environment",
            "disabler",
            "configuration_data",
            "structured_sources",
        ):
            if name == "structured_sources":
                return _Arr(items=tuple(args))
            if name == "dependency" and _feature_off(kwargs.get("required")):
                return _Obj(kind="dependency:off")
            return _Obj(kind=name)
        if name == "range":
            numbers = [_known(a) for a in args]
            if numbers and all(isinstance(n, int) for n in numbers):
                bounds = [int(n) for n in numbers if isinstance(n, int)]
                if bounds[2:3] != [0]:  # a zero step is meson's error: not known statically
                    return _Arr(items=tuple(_Num(n=n) for n in range(*bounds[:3])[:512]))
            return _Unknown()
        if name == "project":
            self.paths(
                kwargs.get("license_files", _NONE), frame, line, "meson-license-files", guard
            )
        return _NONE

    def method(
        self,
        obj: _V,
        node: _Call,
        args: list[_V],
        kwargs: dict[str, _V],
        frame: _Frame,
        guard: Guard,
    ) -> _V:
        name, line = node.name, node.line
        if isinstance(obj, _Obj):
            kind = obj.kind
            if kind == "module:python" and name in ("find_installation", "find_python"):
                return _Obj(kind="python")
            if kind == "python":
                if name == "extension_module":
                    return self.target(args[1:], kwargs, frame, guard, line)
                if name == "install_sources":
                    for value in [*args, kwargs.get("sources", _NONE)]:
                        self.paths(value, frame, line, "meson-install-sources", guard)
                    return _NONE
                if name == "dependency":
                    return _Obj(kind="dependency")
                return _Unknown(atom=OPTION)
            if kind == "module:fs":
                return self.fs(name, args, frame, guard, line)
            if kind == "meson":
                return self.meson_method(name, frame)
            if kind == "generator" and name == "process":
                for value in args:
                    inputs = self.paths(value, frame, line, "meson-generator-input", guard)
                    for path, _, _ in inputs:
                        outputs = _expand_template(obj.outputs, path.rpartition("/")[2])
                        self.outputs(_Arr(items=tuple(_Str(s=o) for o in outputs)), frame)
                return _Obj(kind="generated")
            if kind.startswith("module:") and name == "multi_targets" and args:
                self.outputs(args[0], frame)  # numpy's `features` module: a dispatch header
                return _Obj(kind="generated")
            if kind == "generated":
                return obj
            if kind == "dependency:off" and name == "found":
                # `required:` a feature disabled by default: meson returns a not-found
                # dependency without looking, so only a build that enables it finds one
                return _Bool(cond=OPTION_OFF)
            if kind in _PLATFORM_METHODS or (kind == "dependency" and name == "found"):
                atom = PLATFORM if kind in _PLATFORM_METHODS else OPTION
                return _Unknown(atom=atom) if name != "found" else _Bool(cond=atom)
            return _Unknown()
        if isinstance(obj, _Str):
            return self.string_method(obj, name, args)
        if isinstance(obj, _Arr):
            if name == "length":
                return _Num(n=len(obj.items))
            if name == "contains" and args:
                return self.binary("in", args[0], obj)
            if name == "get" and args:
                value = self.index(obj, args[0])
                return value if not isinstance(value, _Unknown) or len(args) < 2 else args[1]
        if isinstance(obj, _Dict):
            if name == "get" and args:
                value = self.index(obj, args[0])
                return value if not isinstance(value, _Unknown) or len(args) < 2 else args[1]
            if name == "has_key" and args:
                return _Bool(cond=TRUE if _known(args[0]) in dict(obj.items) else FALSE)
        if isinstance(obj, _Unknown):
            if name not in ("enabled", "disabled", "allowed", "auto"):
                return _Unknown(atom=obj.atom, feature=obj.feature)
            if obj.feature is None:
                return _Bool(cond=obj.atom)
            default = {"allowed": obj.feature != "disabled"}.get(name, obj.feature == name)
            return _Bool(cond=OPTION if default else OPTION_OFF)
        return _Unknown(atom=_atom(obj))


def _feature_off(value: _V | None) -> bool:
    """Whether VALUE is a feature option that is disabled by default."""
    return isinstance(value, _Unknown) and value.feature == "disabled"


def _expand_template(templates: Sequence[str], name: str) -> list[str]:
    """A generator's outputs for one input file: `@BASENAME@.c` for `x.pyx` is `x.c`."""
    base = name.rpartition(".")[0] or name
    return [t.replace("@PLAINNAME@", name).replace("@BASENAME@", base) for t in templates]


def analyse(tree: SdistTree, root: str = "") -> BuildAnalysis:
    """Everything the meson project at `root` (sdist-relative) needs from the sdist."""
    out = BuildAnalysis()
    top = normalize(root)
    if top is None:
        out.notes.append(f"meson project directory {root!r} leaves the sdist: not analysed")
        return out
    meson = _Meson(tree, out, top)
    meson.read_options()
    try:
        meson.run_file(top, TRUE)
    except _Budget:
        out.notes.append("meson analysis stopped early: the build files loop too much to follow")
    except RecursionError:
        out.notes.append("meson files nested too deeply to analyse fully")
    meson.finish()
    return out
