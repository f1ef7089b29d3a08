"""hatchling's custom build hook (`[tool.hatch.build.hooks.custom]`, `hatch_build.py` unless
`path` says otherwise): the setup script it runs to compile extensions.

The common form (pymongo) keeps a setuptools script beside the hook and runs it from
`initialize`: `subprocess.run([sys.executable, "_setup.py", "build_ext", "-i"], check=True)`.
That script is then what compiles, and is analysed as a setup.py.  Only a run the hook makes
unconditionally in its function (not under an `if`, a loop or an `except`) is followed: one
under a condition may be the branch a default build never takes.
"""

from __future__ import annotations

import ast
import posixpath

from .buildcommands import build_commands
from .pyexpr import Constants

DEFAULT_PATH = "hatch_build.py"


def setup_scripts(module: ast.Module, constants: Constants, base: str) -> list[tuple[str, int]]:
    """The setup scripts (sdist paths) MODULE, a hook in folder BASE, runs unconditionally,
    with the line that runs each."""
    always = _unconditional_lines(module)
    out = []
    for command in build_commands(module, constants):
        if command.tool != "python" or command.line not in always:
            continue
        if "\x00" in command.script or "\x00" in command.directory:
            continue
        path = posixpath.normpath(posixpath.join(base, command.directory, command.script))
        if not path.startswith("../"):
            out.append((path, command.line))
    return out


def other_runs(module: ast.Module, constants: Constants) -> list[tuple[int, str]]:
    """What else the hook runs (cargo, CMake, make, a script that is no setup script), by line
    and in words: what it builds is not followed from the hook."""
    out = []
    for command in build_commands(module, constants):
        if command.tool == "python":
            continue
        what = command.script if command.script not in ("", "\x00") else command.tool
        place = f" in {command.directory}" if command.directory else ""
        if "\x00" in command.directory:
            place = " in a directory the checker cannot know"
        out.append((command.line, f"{what}{place}"))
    return out


def _unconditional_lines(module: ast.Module) -> set[int]:
    """Lines of the statements that run whenever their function (or the module) does: its
    body, `with` and `try` bodies, never `if`/loop/`except` blocks."""
    lines: set[int] = set()
    scopes: list[list[ast.stmt]] = [module.body]
    scopes += [n.body for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
    for body in scopes:
        stack = list(body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.With, ast.Try)):
                stack.extend(node.body)
            elif not isinstance(node, (ast.If, ast.For, ast.While, ast.FunctionDef, ast.ClassDef)):
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines
