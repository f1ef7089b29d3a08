"""What setup.py's syntax says, read with `ast` and never run: which calls open a file for
reading and which write one, what a helper function's parameter flows into, where the build
adds include directories at run time, which `try` blocks tolerate a missing file, the CMake
`sourcedir` defaults of Extension subclasses, and how guards combine."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable

from .._model import Scope, weakest
from .pybranches import catches as catches
from .pyexpr import HERE, Constants, dotted

# What CMakeExtension-style classes call the directory CMake runs on (pybind11's example says
# sourcedir, dm-tree's source_dir)
SOURCEDIR_KEYWORDS = ("sourcedir", "source_dir", "cmake_lists_dir", "cmake_source_dir")
FILE_ERRORS = {
    "OSError",
    "IOError",
    "FileNotFoundError",
    "EnvironmentError",
    "Exception",
    "BaseException",
}
# x.pyx listed and x.c shipped, or the reverse: either satisfies the reference
_GENERATED_SOURCES = {".c": (".pyx", ".py"), ".cpp": (".pyx", ".py"), ".cc": (".pyx",)}
_CYTHON_SOURCES = {".pyx": (".c", ".cpp")}


def sourcedir_defaults(module: ast.Module, text: str) -> dict[str, str]:
    """Extension classes that run CMake on a `sourcedir`, with its default: {name: ""}.

    class CMakeExtension(Extension): def __init__(self, name, sourcedir=""), or any other name
    (lief's `Module`) when the setup.py invokes cmake at all.
    """
    out: dict[str, str] = {}
    runs_cmake = "cmake" in text.lower()
    for node in ast.walk(module):
        if isinstance(node, ast.ClassDef) and (node.name.endswith("CMakeExtension") or runs_cmake):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    args, defaults = item.args.args, item.args.defaults
                    for arg, default in zip(
                        args[len(args) - len(defaults) :], defaults, strict=True
                    ):
                        if (
                            arg.arg in SOURCEDIR_KEYWORDS
                            and isinstance(default, ast.Constant)
                            and isinstance(default.value, str)
                        ):
                            out[node.name] = default.value
    return out


def writes(call: ast.Call) -> bool:
    """`open(name, "w")` and the like: the function writes its argument, it does not read it."""
    mode = call.args[1] if len(call.args) > 1 else None
    mode = next((k.value for k in call.keywords if k.arg == "mode"), mode)
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and any(c in mode.value for c in "wax")
    )


def derived_from(params: dict[str | None, int], func: ast.FunctionDef) -> dict[str, int]:
    """Names in FUNC that hold a parameter or a value computed from one (`filename =
    os.path.join(here, name)`), with the parameter's index."""
    origin = {name: i for name, i in params.items() if name is not None}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            sources = [n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)]
            found = [origin[s] for s in sources if s in origin]
            if isinstance(target, ast.Name) and found and target.id not in origin:
                origin[target.id] = found[0]
    return origin


def runtime_include_dirs(module: ast.Module, source: str) -> str | None:
    """Where setup.py adds include directories while it builds ("setup.py:172"): a build_ext
    that appends to `self.include_dirs`, `ext.include_dirs` or the compiler's, calls
    `add_include_dir`, or fills an `include_dirs` list inside a function (from pkg-config,
    mysql_config, numpy.get_include() ...).  None when every include path is in Extension()."""
    parents = {c: p for p in ast.walk(module) for c in ast.iter_child_nodes(p)}
    for node in ast.walk(module):
        if isinstance(node, (ast.Attribute, ast.Call)) and _adds(node, parents):
            return f"set at run time at {source}:{node.lineno}"
    for func in ast.walk(module):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            followed = _followed_lists(func) | _reemitted(func)
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Name)
                    and node.id == "include_dirs"
                    and (isinstance(node.ctx, ast.Store) or _appended(node, func))
                    and node not in followed
                ):
                    return f"set at run time at {source}:{node.lineno}"
                if (  # compiler flags made while building: '-I' + path (sentencepiece)
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and (node.value in ("-I", "/I", "--cflags") or node.value.startswith("-I{"))
                    and node not in followed
                ):
                    return f"set at run time at {source}:{node.lineno}"
    return None


# Include directories whose headers are never the sdist's (c.system_headers): numpy's,
# pybind11's, Python's.
_SYSTEM_INCLUDE_MODULES = ("numpy", "np", "pybind11")
_PYTHON_INCLUDE_CALLS = ("get_python_inc", "get_path", "get_config_var")


def include_settings(module: ast.Module, texts: Iterable[str]) -> bool:
    """Whether setup.py or TEXTS (setup.cfg, pyproject.toml) may add include directories to an
    Extension's other than by include_dirs: a string in setup.py that is an `-I` flag (but one
    passing an Extension's own dirs on), `CFLAGS`/`CPATH`, or an `include_dirs` option or
    `setattr`; an include-dirs setting in TEXTS."""
    reemitted = {
        c for f in ast.walk(module) if isinstance(f, ast.FunctionDef) for c in _reemitted(f)
    }
    strings = (
        n.value
        for n in ast.walk(module)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n not in reemitted
    )
    if any(_INCLUDE_SETTING.search(v) for v in strings):
        return True
    return any("include_dirs" in t or "include-dirs" in t for t in texts)


_INCLUDE_SETTING = re.compile(r"(?:^|\s)[-/]I|CFLAGS|CPPFLAGS|CPATH|INCLUDE_PATH|include[-_]dirs")


def _reemitted(func: ast.AST) -> set[ast.AST]:
    """The `"-I"` flags in FUNC that pass an Extension's own include_dirs on, one by one
    (`for d in ext.include_dirs: cmd.extend(["-I", d])`, stringzilla 5.3.2's nvcc step)."""
    out: set[ast.AST] = set()
    for loop in ast.walk(func):
        if not (
            isinstance(loop, ast.For)
            and isinstance(loop.target, ast.Name)
            and isinstance(loop.iter, ast.Attribute)
            and loop.iter.attr == "include_dirs"
        ):
            continue
        for node in (n for stmt in loop.body for n in ast.walk(stmt)):
            items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else []
            items = node.args if isinstance(node, ast.Call) else items
            if any(isinstance(i, ast.Name) and i.id == loop.target.id for i in items):
                out.update(i for i in items if isinstance(i, ast.Constant))
    return out


def _adds(node: ast.Attribute | ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether NODE adds a directory to an include path while building: a use of
    `x.include_dirs` other than passing it on, looping over it, testing `in` it, or appending
    numpy's, pybind11's or Python's (stringzilla 5.3.2's build_ext); `add_include_dir`,
    `set_include_dirs` and `setattr(x, "include_dirs", ...)`."""
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if name == "setattr":
            return any(isinstance(a, ast.Constant) and a.value == "include_dirs" for a in node.args)
        if name.endswith(("add_include_dir", "set_include_dirs")):
            return not all(_system_include(a, node, parents) for a in node.args[-1:])
        return False
    if node.attr != "include_dirs":
        return False
    parent = parents.get(node)
    if isinstance(parent, ast.keyword) or (isinstance(parent, ast.Call) and node in parent.args):
        return False  # passed on as it is
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
        return False
    if isinstance(parent, ast.Compare) and all(
        isinstance(o, (ast.In, ast.NotIn)) for o in parent.ops
    ):
        return node is parent.left  # tested for membership: adds nothing
    grows = isinstance(parent, ast.Attribute) and parent.attr in _GROWS
    call = parents.get(parent) if grows and parent is not None else None
    if isinstance(call, ast.Call) and call.func is parent:
        return not all(_system_include(a, call, parents) for a in call.args[-1:])
    return True


_GROWS = ("append", "extend", "insert")


def _system_include(node: ast.expr, at: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """numpy's, pybind11's or Python's include directory (a list of them), or a name the
    function holding AT binds to one."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_system_include(e, at, parents) for e in node.elts)
    if isinstance(node, ast.Name):
        scope: ast.AST | None = at
        while scope is not None and not isinstance(scope, ast.FunctionDef):
            scope = parents.get(scope)
        bound = [
            n.value
            for n in ast.walk(scope if scope is not None else at)
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
        ]
        return bool(bound) and all(_system_include(v, at, parents) for v in bound)
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node.func)
    if name.split(".")[0] in _SYSTEM_INCLUDE_MODULES and name.endswith("get_include"):
        return True
    first = node.args[0] if node.args else None
    asked = first.value if isinstance(first, ast.Constant) else None
    return name.endswith("get_python_inc") or (
        name.endswith(("get_path", "get_config_var")) and asked in _PYTHON_INCLUDE_NAMES
    )


_PYTHON_INCLUDE_NAMES = ("include", "platinclude", "INCLUDEPY")


def static_dict(constants: Constants, node: ast.expr | None) -> dict[str, str]:
    """A dict literal (or a name bound to one) whose keys and values are static strings."""
    if isinstance(node, ast.Name):
        node = constants.nodes.get(node.id)
    if not isinstance(node, ast.Dict):
        return {}
    out = {}
    for key, value in zip(node.keys, node.values, strict=True):
        k, v = (constants.eval(key) if key is not None else None), constants.eval(value)
        if isinstance(k, str) and isinstance(v, str):
            out[k] = v.replace(HERE, "").lstrip("/") if v.startswith(HERE) else v
    return out


def empty_globs(constants: Constants, node: ast.expr) -> list[str]:
    """The static glob patterns in `node` that match no file of the sdist."""
    found = (constants.glob_pattern(c) for c in ast.walk(node) if isinstance(c, ast.Call))
    return [p for p in found if p is not None and not constants.glob_files(p)]


def dynamic_include_dirs(node: ast.expr, constants: Constants) -> bool:
    """Whether an Extension's `include_dirs=` holds a directory the checker cannot know
    (`pysam.get_include()`, a helper's result), other than numpy's, pybind11's or Python's."""
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    for item in items:
        if isinstance(item, ast.Starred):
            item = item.value
        if constants.eval(item) is not None:
            continue
        name = dotted(item)
        if isinstance(item, ast.Call) and (
            name.split(".")[0] in _SYSTEM_INCLUDE_MODULES or name.endswith(_PYTHON_INCLUDE_CALLS)
        ):
            continue
        return True
    return False


_PRINT = re.compile(r"^(\s*)print\b(?!\s*\()\s*(.*?)\s*$")
_EXCEPT_COMMA = re.compile(r"^(\s*except\s+[\w.()\s,]+?)\s*,\s*(\w+)\s*:")
_OCTAL = re.compile(r"\b0([0-7]+)\b")
_LONG = re.compile(r"\b(\d+)[lL]\b")


def parse_python(text: str, filename: str) -> tuple[ast.Module, bool]:
    """setup.py's module, and whether Python 2 syntax had to be read as Python 3 on the way:
    `print x` statements, `except E, e:`, `0777` and `10L`, `<>`, rewritten only on the lines
    the parser rejects (CodeTalker 1.0).  SyntaxError when that does not make it parse."""
    lines = text.splitlines()
    fixed = False
    for _ in range(200):
        try:
            return ast.parse("\n".join(lines) if fixed else text, filename=filename), fixed
        except SyntaxError as exc:
            at = (exc.lineno or 0) - 1
            if not 0 <= at < len(lines) or (new := _as_python3(lines[at])) == lines[at]:
                raise
            lines[at], fixed = new, True
    raise SyntaxError("too many Python 2 lines", (filename, 0, 0, ""))


def _as_python3(line: str) -> str:
    printed = _PRINT.match(line)
    if printed:
        rest = printed.group(2).rstrip(",")
        return f"{printed.group(1)}print({rest[2:] if rest.startswith('>>') else rest})"
    line = _EXCEPT_COMMA.sub(r"\1 as \2:", line)
    line = _LONG.sub(r"\1", _OCTAL.sub(r"0o\1", line))
    return line.replace("<>", "!=")


def sdist_paths(value: object, base: str | None) -> list[str]:
    """The sdist paths in an evaluated value (a str or a list of them): `__file__`-relative
    ones made relative, absolute and unknown ones dropped, joined to BASE unless it is None."""
    out = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str) and "\x00" not in v.replace(HERE, ""):
            v = v.replace(HERE, "").lstrip("/") if v.startswith(HERE) else v
            if not posixpath.isabs(v):
                out.append(posixpath.normpath(posixpath.join(base, v)) if base is not None else v)
    return out


def imports_skbuild_setup(module: ast.Module) -> bool:
    """`from skbuild import setup`: scikit-build's setup() runs CMake."""
    return any(
        isinstance(n, ast.ImportFrom)
        and n.module == "skbuild"
        and any(a.name == "setup" for a in n.names)
        for n in ast.walk(module)
    )


def string_literals(module: ast.Module) -> list[str]:
    return [
        n.value
        for n in ast.walk(module)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def shared_utility_modules(module: ast.Module) -> set[str]:
    """The expressions setup.py names Cython's shared utility module by
    (`ext.shared_utility_qualified_name = name`, or cythonize's keyword): Cython writes that
    module's C file while it compiles the others, so an Extension of it lists a generated file."""
    name = "shared_utility_qualified_name"
    out = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Attribute) and t.attr == name for t in node.targets):
                out.add(ast.unparse(node.value))
        elif isinstance(node, ast.keyword) and node.arg == name:
            out.add(ast.unparse(node.value))
    return out


def fills(strings: Iterable[str], folder: str, base: str) -> bool:
    """Whether setup.py names `folder` in a string beyond its include_dirs entry (bblfsh
    2.9.3: `runc("cp -a libuast/src bblfsh/libuast")`): its own steps put files there."""
    relative = posixpath.relpath(folder, base or ".") if folder else ""
    if not relative or relative.startswith(".."):
        return False
    token = re.compile(rf"(?<![\w./-]){re.escape(relative)}(?![\w.-])")
    return sum(1 for text in strings if token.search(text)) > 1


def _followed_lists(func: ast.AST) -> set[ast.AST]:
    """The `include_dirs = [...]` names in FUNC bound to a list of sdist paths (strings, and
    `os.path.join` of those and of names bound to the sdist's folder through `__file__`) and
    Python's or numpy's folder (murmurhash 1.0.16: `[get_path("include"),
    os.path.join(root, "murmurhash", "include")]`): what such a list holds is known where an
    Extension takes it, not set at run time.  A name of anything else (mysqlclient 2.3.2's
    `connector`, from the environment) is not."""
    grown = any(
        isinstance(n, ast.Name) and n.id == "include_dirs" and _appended(n, func)
        for n in ast.walk(func)
    )
    if grown:
        return set()
    here = {
        t.id
        for n in ast.walk(func)
        if isinstance(n, ast.Assign)
        and any(isinstance(m, ast.Name) and m.id == "__file__" for m in ast.walk(n.value))
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    out: set[ast.AST] = set()
    for node in ast.walk(func):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, (ast.List, ast.Tuple)):
            continue
        if all(_path_expression(e, here) for e in node.value.elts):
            out.update(t for t in node.targets if isinstance(t, ast.Name))
    return out


def _path_expression(node: ast.expr, here: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in here
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        return _path_expression(node.left, here) and _path_expression(node.right, here)
    if isinstance(node, ast.Call) and not node.keywords:
        name = dotted(node.func)
        if name.split(".")[0] in _SYSTEM_INCLUDE_MODULES or name.endswith(_PYTHON_INCLUDE_CALLS):
            return True
        joined = name.endswith(("path.join", "Path"))
        return joined and all(_path_expression(a, here) for a in node.args)
    return False


def _appended(name: ast.Name, func: ast.AST) -> bool:
    """`include_dirs.append(...)`/`.extend(...)` in FUNC."""
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Attribute)
            and node.value is name
            and node.attr in ("append", "extend", "insert")
        ):
            return True
    return False


def source_alternatives(target: str) -> tuple[str, ...]:
    # x.pyx listed but x.c shipped (setuptools uses the .c when Cython is absent), and the
    # reverse (Cython generates the .c at build time).
    stem, ext = posixpath.splitext(target)
    alternates = _GENERATED_SOURCES.get(ext, ()) + _CYTHON_SOURCES.get(ext, ())
    return tuple(stem + a for a in alternates)


def is_open(node: ast.Call) -> bool:
    name = dotted(node.func)
    if name in ("open", "io.open", "codecs.open", "builtins.open"):
        return True
    return (
        isinstance(node.func, ast.Attribute) and node.func.attr in ("read_text", "read_bytes")
    ) or (
        isinstance(node.func, ast.Attribute)
        and node.func.attr == "open"
        and not node.args
        and isinstance(node.func.value, ast.Call)
        and dotted(node.func.value).endswith("Path")
    )


def catches_file_errors(node: ast.Try) -> bool:
    return catches(node, FILE_ERRORS)


def combine(guards: list[tuple[Scope, str | None]]) -> tuple[Scope, str | None]:
    scope = Scope.ALWAYS
    for s, _ in guards:
        scope = weakest(scope, s)
    texts = [t for _, t in guards if t]
    return scope, " and ".join(texts) if texts else None


def package_path(package: str, package_dir: dict[str, str]) -> str:
    """Where setuptools looks for PACKAGE under `package_dir`: the package's own entry, else
    its nearest parent's with the rest appended, else the root entry ("" key)."""
    parts = package.split(".")
    for i in range(len(parts), -1, -1):
        key = ".".join(parts[:i])
        if key in package_dir:
            return posixpath.normpath(posixpath.join(package_dir[key], *parts[i:]))
    return "/".join(parts)


def keywords(call: ast.Call, nodes: dict[str, ast.expr]) -> dict[str, ast.expr]:
    """A call's keyword arguments, `**kwargs` included when the name is bound to a dict literal
    (pybcj 1.0.8: `kwargs = {"sources": sources, ...}; Extension(**kwargs)`)."""
    out: dict[str, ast.expr] = {}
    for k in call.keywords:
        if k.arg:
            out[k.arg] = k.value
            continue
        given = nodes.get(k.value.id) if isinstance(k.value, ast.Name) else k.value
        if isinstance(given, ast.Dict):
            for key, value in zip(given.keys, given.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    out.setdefault(key.value, value)
    return out
