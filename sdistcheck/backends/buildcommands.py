"""Build tools setup.py (or a build hook) runs itself, through `subprocess` or `os.system`:
`cargo build`, `cmake <dir>` / `cmake -S <dir>`, `make -C <dir>`, and a setup script run with
a setuptools command (`[sys.executable, "_setup.py", "build_ext", "-i"]`, pymongo's hatch
hook).  The directory comes from the command or its `cwd=`; what the tool then reads is that
directory's Cargo.toml, CMakeLists.txt or Makefile (and, for cargo and CMake, the trees the
analysers walk from there), or the setup script.  `cmake_defines` gives the `-DNAME=VALUE`
words every CMake configure of setup.py passes, which decide the CMake files' `if()`s."""

from __future__ import annotations

import ast
import contextlib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from .._model import Scope
from ..native.model import cmake_define
from .pyexpr import HERE, Constants, dotted

UNKNOWN = "\x00unknown"  # a word of the command the checker cannot know
_RUNNERS = ("Popen", "call", "check_call", "run", "check_output", "system", "spawn")


@dataclass(frozen=True)
class BuildCommand:
    tool: str  # "cargo", "cmake", "make", "python" (a setup script) or "python-script"
    directory: str  # setup.py-relative; "" is setup.py's own
    line: int
    script: str = ""  # python, python-script: the script run, as written (from DIRECTORY)
    checked: bool = True  # a failure stops the build (check_call, spawn, run(check=True))


def build_commands(module: ast.Module, constants: Constants) -> list[BuildCommand]:
    """Every `cargo build`, `cmake` and `make` that setup.py runs, in module code and in its
    functions (each evaluated with its own local names)."""
    out: list[BuildCommand] = []
    scopes: list[ast.AST] = [module] + [
        n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)
    ]
    for scope in scopes:
        calls = [
            n
            for n in _own_nodes(scope)
            if isinstance(n, ast.Call) and dotted(n.func).rsplit(".", 1)[-1] in _RUNNERS
        ]
        if not calls:
            continue
        if isinstance(scope, ast.FunctionDef):
            with constants.local_scope(scope):
                out += [c for call in calls if (c := _command(call, constants)) is not None]
        else:
            out += [c for call in calls if (c := _command(call, constants)) is not None]
    return out


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of SCOPE, not those of functions nested in it."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _command(call: ast.Call, constants: Constants) -> BuildCommand | None:
    if not call.args:
        return None
    given = call.args[0]
    if isinstance(given, ast.Name) and given.id in constants.nodes:
        bound = constants.nodes[given.id]  # cmd = [sys.executable, "./waf", ...]; run(cmd)
        given = bound if isinstance(bound, (ast.List, ast.Tuple)) else given
    argv = _argv(given, constants)
    first = given.elts[0] if isinstance(given, (ast.List, ast.Tuple)) and given.elts else None
    if argv and first is not None and dotted(first) == "sys.executable":
        argv[0] = "python"
    if not argv or argv[0] is None:
        return None
    tool = posixpath.basename(argv[0])
    cwd_node = next((k.value for k in call.keywords if k.arg == "cwd"), None)
    cwd = constants.eval(cwd_node) if cwd_node is not None else ""
    if not isinstance(cwd, str):
        cwd = "\x00"  # run somewhere the checker cannot know
    base = _relative(cwd) if cwd != "\x00" else "\x00"
    rest = [UNKNOWN if a is None else a for a in argv[1:]]
    if tool == "cargo" and rest[:1] == ["build"]:
        manifest = _option(rest, "--manifest-path")
        directory = posixpath.dirname(_relative(manifest)) if manifest else ""
        return BuildCommand("cargo", _join(base, directory), call.lineno)
    if tool == "cmake" and rest and "--build" not in rest and "--install" not in rest:
        source = _option(rest, "-S") or next((a for a in rest if not a.startswith("-")), None)
        if source is not None:
            where = "\x00" if source == UNKNOWN else _join(base, _relative(source))
            return BuildCommand("cmake", where, call.lineno)
    if tool == "make":
        directory = _option(rest, "-C") or ""
        where = "\x00" if directory == UNKNOWN else _join(base, _relative(directory))
        return BuildCommand("make", where, call.lineno)
    if tool in ("python", "python3") and rest[:1] and not rest[0].startswith("-"):
        script = _relative(rest[0]) if rest[0] != UNKNOWN else "\x00"
        # a setup script is run with a setuptools command; any other script is some other
        # helper (pyinstaller's `./waf configure all`), whose steps are not followed
        setup = rest[0].endswith(".py") and bool(set(rest) & set(COMMANDS))
        runner = dotted(call.func).rsplit(".", 1)[-1]
        checked = runner in ("check_call", "check_output", "spawn") or any(
            k.arg == "check" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in call.keywords
        )
        tool = "python" if setup else "python-script"
        return BuildCommand(tool, base, call.lineno, script, checked)
    return None


def cmake_defines(module: ast.Module, constants: Constants) -> tuple[tuple[str, str], ...]:
    """The `-DNAME=VALUE` words that every CMake configure setup.py runs passes in the default
    build: the static words of its command, and of the lists it splices in (`['cmake',
    ext.sourcedir] + cmake_args`, each word added outside any branch), and scikit-build's
    `setup(cmake_args=[...])`.  A name given different values by two commands is left out."""
    found: list[dict[str, str]] = []
    scopes: list[ast.AST] = [module] + [
        n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)
    ]
    for scope in scopes:
        nodes = _own_nodes(scope)
        branched = {
            id(inner)
            for n in nodes
            if isinstance(n, (ast.If, ast.IfExp, ast.While, ast.ExceptHandler))
            for inner in ast.walk(n)
        }
        calls = [n for n in nodes if isinstance(n, ast.Call) and id(n) not in branched]
        runs = [c for c in calls if dotted(c.func).rsplit(".", 1)[-1] in _RUNNERS and c.args]
        args = [c.args[0] for c in runs]
        skbuild = [
            k.value
            for c in calls
            if dotted(c.func).endswith("setup")
            for k in c.keywords
            if k.arg == "cmake_args"
        ]
        if not args and not skbuild:
            continue
        with constants.local_scope(scope) if isinstance(scope, ast.FunctionDef) else _module():
            for node in args:
                words = _words(node, constants)
                if _configures(node, words):
                    found.append(_defines(words, constants))
            found += [_defines(_words(node, constants), constants) for node in skbuild]
    if not found:
        return ()
    agreed = {k: v for k, v in found[0].items() if all(d.get(k) == v for d in found[1:])}
    return tuple(sorted(agreed.items()))


@contextlib.contextmanager
def _module() -> Iterator[None]:
    yield


def _words(node: ast.expr, constants: Constants) -> list[str]:
    """The static words of a command (its dynamic ones dropped): enough to find `-D` words,
    never to read positions."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return [w for e in node.elts for w in _words(e, constants)]
    if isinstance(node, ast.Starred):
        return _words(node.value, constants)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        value = constants.eval(node)
        if isinstance(value, str):  # "-DX=" + "ON"
            return [value]
        return _words(node.left, constants) + _words(node.right, constants)
    value = constants.eval(node)
    if isinstance(value, str):
        return value.split() if isinstance(node, ast.Name) or " " in value.strip() else [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _configures(node: ast.expr, words: list[str]) -> bool:
    """Whether the command configures a CMake project: `cmake` first (by name, or a variable
    named after it), no `--build`/`--install`/`-E`/`-P`/`--version` mode."""
    first = node.elts[0] if isinstance(node, (ast.List, ast.Tuple)) and node.elts else None
    if isinstance(node, ast.BinOp):
        left = node.left
        while isinstance(left, ast.BinOp):
            left = left.left
        first = left.elts[0] if isinstance(left, (ast.List, ast.Tuple)) and left.elts else left
    if first is not None and not isinstance(first, ast.Constant):
        named = "cmake" in dotted(first).lower()
    else:
        named = bool(words) and posixpath.basename(words[0]).lower() in ("cmake", "cmake.exe")
    modes = {"--build", "--install", "-E", "-P", "--version", "--help", "--system-information"}
    return named and not modes & set(words)


def _defines(words: list[str], constants: Constants) -> dict[str, str]:
    """NAME -> VALUE of the `-DNAME[:TYPE]=VALUE` (or `-D NAME=VALUE`) words that no branch
    added (a word setup.py appends only under some `if` is not every build's)."""
    out: dict[str, str] = {}
    for i, word in enumerate(words):
        if word == "-D" and i + 1 < len(words):
            word = "-D" + words[i + 1]
        define = cmake_define(word)
        if define is not None and constants.guard_of(word)[0] is Scope.ALWAYS:
            out[define[0]] = define[1]
    return out


COMMANDS = ("build_ext", "build_py", "build_clib", "build", "develop", "install", "egg_info")


def custom_commands(module: ast.Module) -> list[ast.ClassDef]:
    """Classes that subclass a setuptools build command and override what it does (`run`,
    `build_extension(s)`): the steps they add are code the checker does not follow."""
    out = []
    for node in ast.walk(module):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {dotted(b).rsplit(".", 1)[-1] for b in node.bases}
        methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        overrides = methods & {"run", "build_extension", "build_extensions", "finalize_options"}
        if bases & set(COMMANDS) and overrides:
            out.append(node)
    return out


def _argv(node: ast.expr, constants: Constants) -> list[str | None]:
    """The command's words, position by position: None where a word is not static (so that
    `["cmake", "-S", ext.source_dir]` never reads as `cmake -S <the next flag>`)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        words = [constants.eval(e) for e in node.elts]
        return [w if isinstance(w, str) else None for w in words]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _argv(node.left, constants) + _argv(node.right, constants)
    value = constants.eval(node)
    if isinstance(value, str):
        return list(value.split())  # os.system("cargo build --release")
    if isinstance(value, list) and isinstance(node, ast.Name) and value[:2] == ["cargo", "build"]:
        # a name keeps only the static words of its list: their positions are lost, which only
        # `cargo build` (no directory argument) can do without
        return [v if isinstance(v, str) else None for v in value]
    return [None]


def _option(args: list[str], flag: str) -> str | None:
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(flag) and len(a) > len(flag) and flag.startswith("-S"):
            return a[len(flag) :]  # cmake -Sdir
        if a.startswith(flag + "="):
            return a[len(flag) + 1 :]
    return None


def _relative(path: str) -> str:
    return path.replace(HERE, "").lstrip("/") if path.startswith(HERE) else path


def _join(base: str, path: str) -> str:
    if "\x00" in base or "\x00" in path or posixpath.isabs(path):
        return "\x00"  # the build machine's, not the sdist's
    return posixpath.normpath(posixpath.join(base, path)) if (base or path) else ""
