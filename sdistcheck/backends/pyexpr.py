"""Static evaluation of setup.py expressions, never running them: literals, module constants,
`os.path.join`/`Path` arithmetic, `here = os.path.dirname(__file__)`, list comprehensions over
static lists, and `glob()` answered from the sdist's own listing."""

from __future__ import annotations

import ast
import contextlib
import posixpath
from collections.abc import Collection, Iterator

from .._model import SCOPE_ORDER, Scope
from ..archive.tree import SdistTree
from .buildenv import BuildEnvironment, try_guards
from .pybranches import (
    ALWAYS,
    CWD_NAME,
    UNKNOWN,
    Guard,
    branch_guards,
    default_value,
    formatted,
    is_file_var,
    opens_text,
    plain_string,
    reached_return,
    reads_environment,
    string_method,
    string_test,
)
from .pybranches import dotted as dotted

_RANK = list(SCOPE_ORDER)
_MAX_STEPS = 20_000  # statements followed in one setup.py (loops included)
_MAX_LOOP = 256  # items of one `for` loop

HERE = "\x00HERE\x00"  # the directory of setup.py
_OPENED = "\x00OPEN\x00"  # before a path: a file object open on it
_STRING_METHODS = ("replace", "format", "strip", "rstrip", "lstrip")


class Constants:
    """What module-level names hold in the default build, and under which guard each path
    string entered them.

    setup.py is followed in order: assignments (in `if`/`else` branches too, under the guard
    `pybranches` gives each side), `+=`, `.append`/`.extend`/`.insert`, `for` loops over static
    lists, `try` bodies and `with` blocks.  A list assigned in a branch adds to what the name
    held (either side may run); at the top level an assignment replaces it.  Small helper
    functions that return a value are evaluated where they are called."""

    def __init__(
        self,
        tree: ast.Module,
        sdist: SdistTree | None = None,
        base: str = "",
        assumed: Collection[str] = (),
    ) -> None:
        self.sdist, self.base = sdist, base  # glob() is answered from the sdist's listing
        self.values: dict[str, object] = {}
        self.guards: dict[str, Guard] = {}  # path string -> the strongest guard it came under
        self.functions: dict[str, ast.FunctionDef] = {}
        self.env_names: dict[str, ast.expr] = {}  # names bound from the environment
        self.nodes: dict[str, ast.expr] = {}  # the expression each name was last bound to
        # constants names hold in the default build (`use_cython = False`), imported names
        # (truthy) included: what `if use_cython:` is decided by
        self.facts: dict[str, ast.expr] = {}
        self.per_platform: set[str] = set()  # facts some platforms' builds rebind
        if sdist is not None:  # pip and build run setup.py in the unpacked sdist's folder
            self.facts[CWD_NAME] = ast.Constant(sdist.root_prefix.rsplit("/", 1)[-1])
        self.environment = (
            BuildEnvironment(sdist, tree, base, assumed) if sdist is not None else None
        )
        self._steps = self._depth = 0
        self.redefined: set[str] = set()  # functions defined twice, in a branch, or imported
        self._returns: dict[tuple[object, ...], object] = {}
        self._run(tree.body, ALWAYS, top=True)

    def guard_of(self, item: str) -> Guard:
        return self.guards.get(item, ALWAYS)

    @contextlib.contextmanager
    def local_scope(self, func: ast.FunctionDef) -> Iterator[None]:
        """Evaluate inside FUNC: its assignments (to the first `return`) bound over the module's
        names, dropped again on leaving."""
        saved, guards = dict(self.values), dict(self.guards)
        try:
            self._run([n for n in func.body if not isinstance(n, ast.Return)], ALWAYS, top=True)
            yield
        finally:
            self.values, self.guards = saved, guards

    # -- the flow ----------------------------------------------------------------------------

    def _run(self, body: list[ast.stmt], guard: Guard, top: bool = False) -> None:
        for node in body:
            self._steps += 1
            if self._steps > _MAX_STEPS:
                return
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                # `a = b = value` binds both; `a: Final[str] = value` too
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if not isinstance(target, ast.Name):
                        continue
                    self.nodes[target.id] = node.value
                    if guard[0] is Scope.ALWAYS:
                        self._fact(target.id, node.value)
                    elif guard[0] is Scope.PLATFORM and target.id in self.facts:
                        self.per_platform.add(target.id)
                    if reads_environment(node.value):
                        self.env_names[target.id] = node.value
                    self._bind(target.id, self.eval(node.value), guard, replace=top)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                if isinstance(node.op, ast.Add):
                    self._extend(node.target.id, self.eval(node.value), guard)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                self._mutate(node.value, guard)
            elif isinstance(node, ast.If):
                known = self._exists_test(node.test)
                if known is not None:  # the sdist is the build's tree: the test is decided
                    self._run(node.body if known else node.orelse, guard)
                    continue
                body_guard, else_guard = branch_guards(
                    node.test, self.env_names, self.nodes, self.facts, self.per_platform
                )
                self._run(node.body, _and(guard, body_guard))
                self._run(node.orelse, _and(guard, else_guard))
            elif isinstance(node, ast.Try):
                body_guard, handler_guard = try_guards(node, self.environment)
                body_top, handler_top = body_guard is ALWAYS, handler_guard is ALWAYS
                self._run(node.body, _and(guard, body_guard), top and body_top)
                for handler in node.handlers:
                    self._run(handler.body, _and(guard, handler_guard), top and handler_top)
                self._run(node.orelse, _and(guard, body_guard), top and body_top)
                self._run(node.finalbody, guard, top)
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and guard[0] is Scope.ALWAYS:
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    self.facts[name] = ast.Constant(True)  # a module or function: truthy
                    self.redefined.add(name)
            elif isinstance(node, ast.With):
                self._run(node.body, guard, top)
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                items = self.eval(node.iter)
                if isinstance(items, list):
                    for item in items[:_MAX_LOOP]:
                        self.values[node.target.id] = item
                        self._run(node.body, guard)
                    self.values.pop(node.target.id, None)
            elif isinstance(node, ast.FunctionDef):
                if node.name in self.functions or guard[0] is not Scope.ALWAYS:
                    self.redefined.add(node.name)
                self.functions[node.name] = node

    def _fact(self, name: str, value: ast.expr) -> None:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args:
            func = self.functions.get(value.func.id)
            result = self.returned(func) if func is not None else None
            value = ast.Constant(result) if plain_string(result) else value
        if isinstance(value, ast.Constant):
            self.facts[name] = value
        else:
            self.facts.pop(name, None)

    def returned(self, func: ast.FunctionDef) -> object:
        """What a helper without parameters returns in the default build, when static (the
        `return` pybranches.reached_return finds); not when it is defined twice or imported."""
        if func.args.args or func.args.vararg or self._depth > 8 or func.name in self.redefined:
            return None
        used = {n.id for n in ast.walk(func) if isinstance(n, ast.Name)}
        known = [(k, v) for m in (self.facts, self.env_names, self.values) for k, v in m.items()]
        key = (id(func), repr([(k, _dumped(v)) for k, v in known if k in used]))
        if key in self._returns:  # asked again with what it reads unchanged
            return self._returns[key]
        saved = dict(self.values), dict(self.facts), dict(self.env_names), dict(self.nodes)
        guards, self._depth = dict(self.guards), self._depth + 1
        try:
            found = reached_return(func.body, self._default, self._run_local, self._has_file)
            value = self.eval(found) if isinstance(found, ast.expr) else None
        finally:
            self._depth -= 1
            self.values, self.facts, self.env_names, self.nodes = saved
            self.guards = guards
        self._returns[key] = value
        return value

    def _default(self, test: ast.expr) -> object:
        if any(isinstance(n, ast.Name) and n.id in self.per_platform for n in ast.walk(test)):
            return UNKNOWN  # some platforms' builds rebind it
        return default_value(test, {**self.env_names, **self.facts})

    def _has_file(self, path: ast.expr) -> bool:
        full = self._sdist_path(self.eval(path))
        return full is not None and self.sdist is not None and self.sdist.is_file(full)

    def _run_local(self, node: ast.stmt) -> None:
        """Bind what NODE binds in a helper being followed: a `with open(path) as f:` binds f
        to the file, an assignment of a static string is a fact its `if`s are decided by."""
        if isinstance(node, ast.With):
            for item in node.items:
                call, name = item.context_expr, item.optional_vars
                if isinstance(name, ast.Name) and isinstance(call, ast.Call) and opens_text(call):
                    path = self.eval(call.args[0])
                    self.values[name.id] = _OPENED + path if isinstance(path, str) else None
            return
        self._run([node], ALWAYS, top=True)
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets += [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        followed = all(isinstance(t, ast.Name) for t in targets)  # not `a, b = ...`
        if isinstance(node, ast.AugAssign) and not isinstance(self.eval(node.value), (str, list)):
            followed = False  # `name += unknown`
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                value = self.values.get(n.id) if followed else self.values.pop(n.id, None)
                if followed and plain_string(value):
                    self.facts[n.id] = ast.Constant(value)
                else:  # what it holds now is not known: no stale fact decides a test
                    self.facts.pop(n.id, None)

    def _content(self, file: ast.expr) -> str | None:
        """The text of the sdist file FILE (`open(path)`, or a name a `with` bound) reads."""
        path: object = None
        if isinstance(file, ast.Call) and opens_text(file):
            path = self.eval(file.args[0])
        elif isinstance(bound := self.eval(file), str) and bound.startswith(_OPENED):
            path = bound[len(_OPENED) :]
        full = self._sdist_path(path)
        data = self.sdist.read_bytes(full) if full is not None and self.sdist else None
        return data.decode("utf-8", "replace") if data is not None else None  # a BOM kept

    def _bind(self, name: str, value: object, guard: Guard, replace: bool) -> None:
        if value is None:
            if replace:
                self.values.pop(name, None)
            return
        self._note(value, guard)
        old = self.values.get(name)
        if not replace and isinstance(old, list) and isinstance(value, list):
            value = old + [v for v in value if v not in old]
        elif not replace and old is not None and guard[0] is not Scope.ALWAYS:
            return  # a string a branch may set: keep the one the default build has
        self.values[name] = value

    def _exists_test(self, test: ast.expr) -> bool | None:
        """`os.path.exists(p)` (`isfile`, `not ...`) of a path the sdist decides: what the build
        finds, for a path the sdist has or lacks (cython 3.3.1: `if not os.path.exists(src):
        src += "x"` makes `X.py` the `X.pyx` it ships); None for any other test."""
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        call = test.operand if isinstance(test, ast.UnaryOp) and negated else test
        if not (isinstance(call, ast.Call) and len(call.args) == 1 and self.sdist is not None):
            return None
        if dotted(call.func) not in ("os.path.exists", "os.path.isfile", "path.exists"):
            return None
        full = self._sdist_path(self.eval(call.args[0]))
        if full is None:
            return None
        found = self.sdist.is_file(full)
        return not found if negated else found

    def _sdist_path(self, value: object) -> str | None:
        """The sdist path a static path VALUE names at build time (setup.py's folder is the
        working directory), or None."""
        if not isinstance(value, str) or "\x00" in value.replace(HERE, ""):
            return None
        path = value.replace(HERE, "").lstrip("/") if value.startswith(HERE) else value
        if posixpath.isabs(path):
            return None
        return posixpath.normpath(posixpath.join(self.base, path))

    def _extend(self, name: str, value: object, guard: Guard) -> None:
        old = self.values.get(name)
        if isinstance(old, str) and isinstance(value, str) and guard[0] is Scope.ALWAYS:
            self.values[name] = old + value  # `src += "x"`
            return
        add = value if isinstance(value, list) else [value] if isinstance(value, str) else None
        if isinstance(old, list) and add is not None:
            self._note(add, guard)
            self.values[name] = old + [v for v in add if v not in old]

    def _mutate(self, call: ast.Call, guard: Guard) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        if (func.attr in ("append", "add") and len(call.args) == 1) or (
            func.attr == "extend" and len(call.args) == 1
        ):
            self._extend(func.value.id, self.eval(call.args[0]), guard)
        elif func.attr == "insert" and len(call.args) == 2:
            self._extend(func.value.id, self.eval(call.args[1]), guard)

    def _note(self, value: object, guard: Guard) -> None:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                old = self.guards.get(item)
                if old is None or _RANK.index(guard[0]) < _RANK.index(old[0]):
                    self.guards[item] = guard

    def eval(self, node: ast.expr) -> object:
        """A str, a list of str, HERE-prefixed paths, or None when not static."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.values.get(node.id)
        if isinstance(node, (ast.List, ast.Tuple)):
            # Keep the static items of a partly dynamic list: each is still a real reference
            # (hidapi: ['hid.pyx', hidapi_src('libusb')]).
            items = [self.eval(e) for e in node.elts]
            flat = [i for item in items for i in (item if isinstance(item, list) else [item])]
            return [i for i in flat if isinstance(i, str)]
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            return self._comprehension(node)
        if isinstance(node, ast.JoinedStr):
            parts = [
                self.eval(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values
            ]
            return "".join(parts) if all(isinstance(p, str) for p in parts) else None  # type: ignore[arg-type]
        if isinstance(node, ast.IfExp):
            taken = default_value(node.test, {**self.env_names, **self.facts})
            if not isinstance(taken, type(UNKNOWN)):  # the default build's arm
                return self.eval(node.body if taken else node.orelse)
            arms = [self.eval(node.body), self.eval(node.orelse)]  # either may be the build's
            flat = [i for arm in arms for i in (arm if isinstance(arm, list) else [arm])]
            strings = [i for i in flat if isinstance(i, str)]
            return strings if len(set(strings)) > 1 else (strings[0] if strings else None)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # 'pkg/%s.py' % m
            left, right = self.eval(node.left), self.eval(node.right)
            values = right if isinstance(right, list) else [right]
            operands = tuple(v for v in values if isinstance(v, str))
            whole = len(operands) == len(values)
            return formatted(left, operands) if whole and isinstance(left, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            left, right = self.eval(node.left), self.eval(node.right)
            if isinstance(node.op, ast.Div) and isinstance(left, str) and isinstance(right, str):
                return posixpath.join(left, right)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            return None
        if isinstance(node, ast.Attribute) and node.attr == "parent" and is_file_var(node.value):
            return HERE
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp) -> object:
        """[src_dir + x for x in sources if x.endswith(".c")]: one generator over a static
        list, filters of string tests the checker can decide."""
        if len(node.generators) != 1:
            return None
        gen = node.generators[0]
        items = self.eval(gen.iter)
        if not isinstance(gen.target, ast.Name) or not isinstance(items, list):
            return None
        out: list[str] = []
        for item in items:
            with self._bound(gen.target.id, item):
                keep = [string_test(f, gen.target.id, item) for f in gen.ifs]
                if None in keep:
                    return []
                value = self.eval(node.elt) if all(keep) else None
            if isinstance(value, str):
                out.append(value)
        return out

    @contextlib.contextmanager
    def _bound(self, name: str, value: object) -> Iterator[None]:
        """NAME bound to VALUE inside (a comprehension's or a lambda's variable), what it held
        before bound again after."""
        saved = self.values.pop(name, None)
        self.values[name] = value
        try:
            yield
        finally:
            del self.values[name]
            if saved is not None:
                self.values[name] = saved

    def glob_files(self, pattern: str) -> list[str]:
        # glob.glob() at build time lists the unpacked sdist: the listing answers it statically.
        if self.sdist is None:
            return []
        relative = pattern.replace(HERE, "").lstrip("/")
        found = self.sdist.glob(relative, self.base)
        prefix = f"{self.base}/" if self.base else ""
        return [p.removeprefix(prefix) for p in found]

    def glob_pattern(self, node: ast.Call) -> str | None:
        """The pattern of `glob.glob("src/*.c")` or `Path("src").glob("*.c")`, if static."""
        name = dotted(node.func)
        arg = self.eval(node.args[0]) if node.args else None
        if not isinstance(arg, str):
            return None
        if name in ("glob", "glob.glob", "glob.iglob", "iglob"):
            return arg
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("glob", "rglob"):
            base = self.eval(node.func.value)
            if isinstance(base, str):
                pattern = arg if node.func.attr == "glob" else f"**/{arg}"
                return posixpath.join(base, pattern)
        return None

    def _call(self, node: ast.Call) -> object:
        name = dotted(node.func)
        args: list[object] = []
        for a in node.args:
            if isinstance(a, ast.Starred):  # join(root, *(name + ".pyx").split("/"))
                parts = self.eval(a.value)
                args += parts if isinstance(parts, list) else [None]
            else:
                args.append(self.eval(a))
        pattern = self.glob_pattern(node)
        if pattern is not None:
            return self.glob_files(pattern)
        if name.endswith(("path.dirname", "dirname")) and node.args and is_file_var(node.args[0]):
            return HERE
        if name.endswith(("abspath", "realpath", "resolve", "absolute", "normpath", "normcase")):
            if name.endswith(("resolve", "absolute")) and isinstance(node.func, ast.Attribute):
                return self.eval(node.func.value)
            return args[0] if len(args) == 1 else None
        joins = name.endswith("path.join") or name in ("join", "Path", "pathlib.Path", "PurePath")
        if joins and args and all(isinstance(a, str) for a in args):
            return posixpath.join(*[str(a) for a in args])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("joinpath",):
            base = self.eval(node.func.value)
            if isinstance(base, str) and all(isinstance(a, str) for a in args):
                return posixpath.join(base, *[str(a) for a in args])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "read" and not args:
            return self._content(node.func.value)
        if isinstance(node.func, ast.Attribute) and node.func.attr in _STRING_METHODS:
            return string_method(self.eval(node.func.value), node.func.attr, args, node.keywords)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "split" and len(args) == 1:
            text, sep = self.eval(node.func.value), args[0]
            return text.split(sep) if isinstance(text, str) and isinstance(sep, str) else None
        if name in ("str", "os.fspath", "sorted", "list", "tuple", "set") and len(args) == 1:
            return args[0]
        if name == "map" and len(node.args) == 2 and isinstance(args[1], list):
            return self._map(node.args[0], args[1])
        if name in self.functions:
            return self._helper(self.functions[name], args)
        return None

    def opened(self, func: ast.FunctionDef, call: ast.Call, target: ast.expr) -> object:
        """What TARGET (the path a reader helper FUNC opens) is for CALL's arguments
        (gevent 26.9.0: `def read_source(name): open(os.path.join(thisdir, name))`)."""
        return self._helper(func, [self.eval(a) for a in call.args], target)

    def _map(self, func: ast.expr, items: list[object]) -> object:
        """`map(lambda f: os.path.join("lib", "src", f), [...])` (freesasa 2.2.0.post2), or
        map of a small helper: each item through it, when every result is static."""
        out: list[object] = []
        for item in items:
            if isinstance(func, ast.Lambda) and len(func.args.args) == 1:
                with self._bound(func.args.args[0].arg, item):
                    out.append(self.eval(func.body))
            elif isinstance(func, ast.Name) and func.id in self.functions:
                out.append(self._helper(self.functions[func.id], [item]))
            else:
                return None
        return out if all(isinstance(o, str) for o in out) else None

    def _helper(
        self, func: ast.FunctionDef, args: list[object], value: ast.expr | None = None
    ) -> object:
        """A small function that returns a value: `def sources(): return [...]`, or one that
        builds a list and returns it; its parameters bound to the call's static arguments.
        VALUE: an expression in it to evaluate instead (what a reader helper opens)."""
        if self._depth > 8 or len(func.body) > 40:
            return None
        params = [a.arg for a in func.args.args]
        saved = dict(self.values)
        self._depth += 1
        try:
            for param, arg in zip(params, args, strict=False):
                if arg is not None:
                    self.values[param] = arg
            rest = args[len(params) :]
            if func.args.vararg and all(isinstance(a, str) for a in rest):
                self.values[func.args.vararg.arg] = rest  # def read(*parts)
            returns = [n for n in func.body if isinstance(n, ast.Return) and n.value is not None]
            if value is None and len(returns) != 1:
                return None if params else self.returned(func)
            self._run([n for n in func.body if not isinstance(n, ast.Return)], ALWAYS, top=True)
            value = value if value is not None else returns[0].value
            assert value is not None
            return self.eval(value)
        finally:
            self._depth -= 1
            self.values = saved


def _dumped(value: object) -> object:
    return ast.dump(value) if isinstance(value, ast.AST) else value


def _and(a: Guard, b: Guard) -> Guard:
    scope = a[0] if _RANK.index(a[0]) >= _RANK.index(b[0]) else b[0]
    texts = [t for t in (a[1], b[1]) if t]
    return scope, " and ".join(texts) if texts else None
