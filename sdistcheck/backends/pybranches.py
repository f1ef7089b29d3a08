"""Which builds take a branch of setup.py: the default build (a plain `pip install` of the
sdist: no environment variables set, CPython, default options) decides.

`if os.getenv("X"):` is false there, so its body is an option and its `else:` is what every
build runs; `if not os.environ.get("X"):` the other way round.  A test only CPython or only
PyPy passes, or one on the OS or machine, is a platform either way; an `exists()` test guards
both sides; anything else is an option on both sides.  Names bound from the environment
(`USE_X = bool_from_environ("X")`) are followed to the expression they were bound to.  The
string operations on static values that setup.py files use (`str.replace`, `str.format`, `%`,
`endswith` tests) are evaluated here too.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TypeGuard

from .._model import Scope

Guard = tuple[Scope, "str | None"]
ALWAYS: Guard = (Scope.ALWAYS, None)

_PLATFORM_NAMES = (
    "sys.platform",
    "os.name",
    "platform.system",
    "platform.machine",
    "sysconfig.get_platform",
    "IS_WINDOWS",
    "WINDOWS",
    "is_windows",
)
_IMPLEMENTATION = ("python_implementation", "pypy", "PyPy", "implementation.name")
_GUARD_CALLS = ("exists", "isfile", "is_file", "isdir", "is_dir")
_ENV_CALLS = ("getenv", "environ.get", "os.getenv", "os.environ.get")


# The fact naming the folder the default build runs setup.py in: the unpacked sdist's own.
CWD_NAME = "\x00cwd"


class _Unknown:
    """A value the default build's evaluator cannot know."""


UNKNOWN = _Unknown()


def branch_guards(
    test: ast.expr,
    env_names: Mapping[str, ast.expr],
    bindings: Mapping[str, ast.expr] | None = None,
    facts: Mapping[str, ast.expr] | None = None,
    per_platform: Collection[str] = (),
) -> tuple[Guard, Guard]:
    """(the guard of the `if` body, the guard of its `else`).

    A name in the test is judged by what it was bound to (`IS_PYPY = '__pypy__' in
    sys.builtin_module_names`, then `if not IS_PYPY:`): `bindings` maps names to expressions.
    `facts` are the constants names hold in the default build (`use_cython = False` in the
    `except ImportError:` the default build takes): a test of them is decided, unless one is
    rebound on some platforms (`per_platform`), which makes both sides platform branches.
    """
    text = ast.unparse(test)
    bound = [
        ast.unparse(bindings[n.id])
        for n in ast.walk(test)
        if isinstance(n, ast.Name) and bindings and n.id in bindings
    ]
    judged = " ".join([text, *bound])
    names = {dotted(n) for n in ast.walk(test) if isinstance(n, (ast.Call, ast.Attribute))}
    if any(
        isinstance(n, ast.Call) and dotted(n.func).endswith(_GUARD_CALLS) for n in ast.walk(test)
    ):
        return (Scope.GUARDED, f"if {text}"), (Scope.GUARDED, f"if not ({text})")
    if any(p in judged for p in _IMPLEMENTATION) or "__pypy__" in judged:
        return (Scope.PLATFORM, f"if {text}"), (Scope.PLATFORM, f"if not ({text})")
    if any(p in judged for p in _PLATFORM_NAMES):
        return (Scope.PLATFORM, f"if {text}"), (Scope.PLATFORM, f"if not ({text})")
    if "version_info" in text or text in ("True", "__name__ == '__main__'"):
        return ALWAYS, ALWAYS
    tested = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    if tested & set(per_platform):  # can_use_cython = False on iOS and Android only
        return (Scope.PLATFORM, f"if {text}"), (Scope.PLATFORM, f"if not ({text})")
    if (
        facts
        and CWD_NAME in facts
        and any(isinstance(n, ast.Call) and _cwd_name(n) for n in ast.walk(test))
    ):  # chroma-hnswlib 0.7.6: `if "python_bindings" in os.path.basename(os.getcwd()):`
        value = default_value(test, {**env_names, **facts})
        if not isinstance(value, _Unknown):
            why = "(not the default build, which runs in the sdist's folder)"
            if value:
                return ALWAYS, (Scope.OPTION, f"if not ({text}) {why}")
            return (Scope.OPTION, f"if {text} {why}"), ALWAYS
    if facts and tested & set(facts):
        value = default_value(test, {**env_names, **facts})
        if not isinstance(value, _Unknown):
            if value:
                return ALWAYS, (Scope.OPTION, f"if not ({text}) (not the default build)")
            return (Scope.OPTION, f"if {text} (not the default build)"), ALWAYS
    if _reads_environment(test, env_names) or names & set(_ENV_CALLS):
        value = default_value(test, env_names)
        if not isinstance(value, _Unknown):
            if value:
                return ALWAYS, (Scope.OPTION, f"if not ({text}) (an environment variable set)")
            return (Scope.OPTION, f"if {text} (an environment variable set)"), ALWAYS
    return (Scope.OPTION, f"if {text}"), (Scope.OPTION, f"if not ({text})")


def reached_return(
    body: list[ast.stmt],
    decide: Callable[[ast.expr], object],
    run: Callable[[ast.stmt], None],
    has_file: Callable[[ast.expr], bool],
) -> ast.expr | _Unknown | None:
    """The value of the `return` the default build reaches in BODY (a helper function's): its
    `if`s decided by DECIDE, each other statement (and each `with`) handed to RUN to bind names.
    None when it falls off the end; UNKNOWN when a test on the way is not decided, or the flow is
    more than `if`s, `with` blocks and `try` bodies that surely raise nothing (`raises_nothing`;
    HAS_FILE tells whether a path expression names a file of the sdist).  stringzilla 5.3.2's
    `sz_target_name()` returns $SZ_TARGET if set, else SZ_TARGET.env's text, else "stringzilla".
    """
    for node in body:
        found: ast.expr | _Unknown | None = None
        if isinstance(node, ast.Return):
            return node.value if node.value is not None else UNKNOWN
        if isinstance(node, ast.If):
            taken = decide(node.test)
            if isinstance(taken, _Unknown):
                return UNKNOWN
            found = reached_return(node.body if taken else node.orelse, decide, run, has_file)
        elif isinstance(node, ast.With):
            run(node)
            found = reached_return(node.body, decide, run, has_file)
        elif isinstance(node, ast.Try):
            if not raises_nothing(node.body, has_file):
                return UNKNOWN  # a handler may be what runs
            found = reached_return(node.body, decide, run, has_file)
            if found is None:
                found = reached_return(node.orelse + node.finalbody, decide, run, has_file)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Pass)):
            run(node)
        else:  # loops, raise, nested definitions: not followed
            return UNKNOWN
        if found is not None:
            return found
    return None


# Calls a helper's `try` body may make and still surely raise nothing: str methods and path joins.
_SAFE_CALLS = ("read", "strip", "rstrip", "lstrip", "lower", "upper", "splitlines", "split", "join")


def raises_nothing(body: list[ast.stmt], has_file: Callable[[ast.expr], bool]) -> bool:
    """Whether BODY surely raises nothing in the default build: its calls only open, as text,
    files the sdist has, and call str methods or join paths; no import, subscript or raise."""
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Subscript, ast.Raise, ast.Assert)):
            return False
        if not isinstance(node, ast.Call):
            continue
        if opens_text(node):
            if not has_file(node.args[0]):
                return False
        elif not (isinstance(node.func, ast.Attribute) and node.func.attr in _SAFE_CALLS):
            return False
    return True


def plain_string(value: object) -> TypeGuard[str]:
    """A static string with no marker in it: a value the default build certainly has."""
    return isinstance(value, str) and "\x00" not in value


def opens_text(call: ast.Call) -> bool:
    """`open(path)`, `io.open` or `codecs.open` of a file read as text (no "b" in its mode)."""
    if dotted(call.func) not in ("open", "io.open", "codecs.open") or not call.args:
        return False
    mode = call.args[1] if len(call.args) > 1 else None
    mode = next((k.value for k in call.keywords if k.arg == "mode"), mode)
    return mode is None or (isinstance(mode, ast.Constant) and "b" not in str(mode.value))


def catches(node: ast.Try, exceptions: Iterable[str]) -> bool:
    wanted = set(exceptions)
    return any(handles(handler, wanted) for handler in node.handlers)


def handles(handler: ast.ExceptHandler, exceptions: Iterable[str]) -> bool:
    """Whether HANDLER catches one of EXCEPTIONS (a bare `except:` catches them all)."""
    if handler.type is None:
        return True
    names = [handler.type] if not isinstance(handler.type, ast.Tuple) else handler.type.elts
    wanted = set(exceptions)
    return any(dotted(n).rsplit(".", 1)[-1] in wanted for n in names)


def reads_environment(node: ast.expr) -> bool:
    """Whether an expression reads the environment (os.environ, os.getenv, *environ* helpers)."""
    return _reads_environment(node, {})


def _reads_environment(node: ast.expr, env_names: Mapping[str, ast.expr]) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and (n.id in env_names or "environ" in n.id.lower()):
            return True
        if isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv"):
            return True
        if isinstance(n, ast.Call) and "env" in dotted(n.func).lower():
            return True
    return False


def default_value(node: ast.expr, env_names: Mapping[str, ast.expr], depth: int = 0) -> object:
    """The value of NODE in the default build (no environment variable set), or UNKNOWN."""
    if depth > 20:
        return UNKNOWN
    return _value(node, env_names, depth + 1)


def _value(node: ast.expr, env: Mapping[str, ast.expr], depth: int) -> object:
    def v(n: ast.expr) -> object:
        return default_value(n, env, depth)

    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return v(env[node.id])
        return {"True": True, "False": False, "None": None}.get(node.id, UNKNOWN)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = v(node.operand)
        return UNKNOWN if isinstance(inner, _Unknown) else not inner
    if isinstance(node, ast.BoolOp):
        values = [v(x) for x in node.values]
        if isinstance(node.op, ast.And):
            for x in values:
                if isinstance(x, _Unknown) or not x:
                    return x
            return values[-1]
        for x in values:
            if isinstance(x, _Unknown) or x:
                return x
        return values[-1]
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compare(node, v)
    if isinstance(node, ast.Subscript) and dotted(node.value).endswith("environ"):
        return UNKNOWN  # os.environ["X"] raises when unset: not a default to reason about
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [v(e) for e in node.elts]
        return UNKNOWN if any(isinstance(i, _Unknown) for i in items) else tuple(items)
    if isinstance(node, ast.Call) and _cwd_name(node):
        return v(env[CWD_NAME]) if CWD_NAME in env else UNKNOWN
    if isinstance(node, ast.Call):
        return _call(node, v)
    return UNKNOWN


def _cwd_name(node: ast.Call) -> bool:
    """`os.path.basename(os.getcwd())`: the name of the folder the build runs in."""
    inner = node.args[0] if len(node.args) == 1 else None
    return (
        dotted(node.func).endswith("basename")
        and isinstance(inner, ast.Call)
        and dotted(inner.func).endswith("getcwd")
    )


def _compare(node: ast.Compare, v: Callable[[ast.expr], object]) -> object:
    op, right_node = node.ops[0], node.comparators[0]
    if isinstance(op, (ast.In, ast.NotIn)) and dotted(right_node).endswith("environ"):
        return isinstance(op, ast.NotIn)  # no variable is in the default build's environment
    left, right = v(node.left), v(right_node)
    if isinstance(left, _Unknown) or isinstance(right, _Unknown):
        return UNKNOWN
    try:
        if isinstance(op, ast.Eq):
            return left == right
        if isinstance(op, ast.NotEq):
            return left != right
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (str, tuple)):
            return (left in right) != isinstance(op, ast.NotIn)
        if isinstance(op, ast.Is):
            return left is right
        if isinstance(op, ast.IsNot):
            return left is not right
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _call(node: ast.Call, v: Callable[[ast.expr], object]) -> object:
    name = dotted(node.func)
    if name in _ENV_CALLS or name.endswith(("environ.get", ".getenv")):
        return v(node.args[1]) if len(node.args) > 1 else None
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("lower", "upper", "strip"):
        inner = v(node.func.value)
        if isinstance(inner, str):
            return getattr(inner, node.func.attr)()
        return inner if inner is None else UNKNOWN
    if name in ("bool", "int", "str") and len(node.args) == 1:
        inner = v(node.args[0])
        if isinstance(inner, _Unknown):
            return UNKNOWN
        try:
            return {"bool": bool, "int": int, "str": str}[name](inner)
        except (TypeError, ValueError):
            return UNKNOWN
    if "env" in name.lower() and not any(dotted(a) for a in node.args[1:]):
        # bool_from_environ("X"), env_flag("X"): unset means off unless a default says on
        defaults = [v(a) for a in node.args[1:]] + [v(k.value) for k in node.keywords]
        truthy = [d for d in defaults if not isinstance(d, _Unknown) and d]
        return UNKNOWN if truthy else None
    return UNKNOWN


def dotted(node: ast.AST) -> str:
    """`os.path.join` for that attribute chain (or call of one); "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


def string_test(test: ast.expr, name: str, item: object) -> bool | None:
    """A comprehension filter on the loop variable: `x.endswith(".c")`, `not x.startswith("_")`,
    `x != "a.c"`; None when it is not one the checker can decide."""
    negate = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    inner = test.operand if isinstance(test, ast.UnaryOp) else test
    result: bool | None = None
    if (
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and isinstance(inner.func.value, ast.Name)
        and inner.func.value.id == name
        and inner.func.attr in ("endswith", "startswith")
        and isinstance(item, str)
    ):
        wanted = [a.value for a in inner.args if isinstance(a, ast.Constant)]
        if isinstance(inner.args[0], ast.Tuple):
            wanted = [e.value for e in inner.args[0].elts if isinstance(e, ast.Constant)]
        if wanted and all(isinstance(w, str) for w in wanted):
            result = getattr(item, inner.func.attr)(tuple(wanted))
    elif (
        isinstance(inner, ast.Compare)
        and isinstance(inner.left, ast.Name)
        and inner.left.id == name
        and len(inner.ops) == 1
        and isinstance(inner.comparators[0], ast.Constant)
    ):
        other = inner.comparators[0].value
        if isinstance(inner.ops[0], ast.Eq):
            result = item == other
        elif isinstance(inner.ops[0], ast.NotEq):
            result = item != other
    if result is None:
        return None
    return not result if negate else result


def formatted(template: str, values: tuple[str, ...]) -> str | None:
    """`template % values`, or None where that raises."""
    try:
        return template % values
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def string_method(
    base: object, method: str, args: list[object], keywords: list[ast.keyword]
) -> str | None:
    """`name.replace(".", "/")` and `"{}/a.c".format(name)` of static strings (spaCy's
    `mod_path = name.replace(".", "/") + ".pyx"`, caio's `'{}/aio.c'.format(module_name)`)."""
    if not isinstance(base, str) or keywords or not all(isinstance(a, str) for a in args):
        return None
    strings = [str(a) for a in args]
    if method == "replace" and len(strings) == 2:
        return base.replace(strings[0], strings[1])
    if method == "format":
        try:
            return base.format(*strings)
        except (ValueError, KeyError, IndexError):
            return None
    if method in ("strip", "rstrip", "lstrip") and len(strings) <= 1:
        return str(getattr(base, method)(*strings))
    return None


def is_file_var(node: ast.expr) -> bool:
    if isinstance(node, ast.Name) and node.id == "__file__":
        return True
    if isinstance(node, ast.Call) and node.args:  # Path(__file__), abspath(__file__), ...
        return is_file_var(node.args[0])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("resolve", "absolute") and is_file_var(node.func.value)
    if isinstance(node, ast.Attribute) and node.attr in ("resolve", "absolute"):
        return is_file_var(node.value)
    return False
