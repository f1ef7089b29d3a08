"""Helper functions a setup.py defines that open the file named by one of their arguments.

`def read(*parts): return open(os.path.join(here, *parts)).read()`, called `read("VERSION")`,
reads VERSION; so does `def requirements(name): return read(name).splitlines()`, called
`requirements("requirements.txt")`: found to a fixed point, each with the index of the argument
it opens.
"""

from __future__ import annotations

import ast

from .pyexpr import Constants, dotted
from .setupsyntax import derived_from, is_open, writes


def find_readers(module: ast.Module) -> dict[str, int]:
    """Function name -> the index of the parameter it opens (directly, or through a reader)."""
    readers = _direct_readers(module)
    functions = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
    changed = True
    while changed:
        changed = False
        for func in functions:
            if func.name in readers:
                continue
            params = [a.arg for a in func.args.args]
            for call in ast.walk(func):
                index = _reads_param(readers, call, params)
                if index is not None:
                    readers[func.name] = index
                    changed = True
                    break
    return readers


def _reads_param(readers: dict[str, int], call: ast.AST, params: list[str]) -> int | None:
    """The index of the parameter of the enclosing function that CALL hands to a reader."""
    if not isinstance(call, ast.Call):
        return None
    name = dotted(call.func).rsplit(".", 1)[-1]
    at = readers.get(name)
    if at is None or len(call.args) <= at:
        return None
    arg = call.args[at]
    if isinstance(arg, ast.Name) and arg.id in params:
        return params.index(arg.id)
    return None


def _direct_readers(module: ast.Module) -> dict[str, int]:
    readers: dict[str, int] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in node.args.args]
            vararg = node.args.vararg.arg if node.args.vararg else None
            origin = derived_from({**{p: i for i, p in enumerate(params)}, vararg: 0}, node)
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and is_open(call) and not writes(call):
                    used = {n.id for n in ast.walk(call) if isinstance(n, ast.Name)}
                    for name in sorted(used & set(origin)):
                        readers[node.name] = origin[name]
    return readers


def read_path(constants: Constants, name: str, call: ast.Call, index: int) -> object:
    """The path a call of the reader helper NAME reads: the helper's own `open()` evaluated with
    its parameters bound (keeping the folder it joins), else the argument it hands on."""
    func = constants.functions.get(name)
    opener = None
    if func is not None:
        opens = (n for n in ast.walk(func) if isinstance(n, ast.Call) and is_open(n))
        opener = next((n for n in opens if n.args and not writes(n)), None)
    if func is not None and opener is not None:
        found = constants.opened(func, call, opener.args[0])
        if isinstance(found, (str, list)) and found:
            return found
    return constants.eval(call.args[index])
