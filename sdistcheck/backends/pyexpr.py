"""Static evaluation of setup.py expressions, never running them: literals, module constants,
`os.path.join`/`Path` arithmetic, `here = os.path.dirname(__file__)`, list comprehensions over
static lists, and `glob()` answered from the sdist's own listing."""

from __future__ import annotations

import ast
import posixpath

from ..archive.tree import SdistTree

HERE = "\x00HERE\x00"  # the directory of setup.py


class Constants:
    """Names bound once to values the checker can evaluate, per scope."""

    def __init__(self, tree: ast.Module, sdist: SdistTree | None = None, base: str = "") -> None:
        self.sdist, self.base = sdist, base  # glob() is answered from the sdist's listing
        self.values: dict[str, object] = {}
        counts: dict[str, int] = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name):
                        counts[t.id] = counts.get(t.id, 0) + 1
        for node in tree.body:  # module level, in order, so later names can use earlier ones
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and counts[node.targets[0].id] == 1
            ):
                value = self.eval(node.value)
                if value is not None:
                    self.values[node.targets[0].id] = value

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
        if isinstance(node, ast.ListComp):
            return self._comprehension(node)
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

    def _comprehension(self, node: ast.ListComp) -> object:
        """[src_dir + x for x in sources]: one generator over a static list, no filters."""
        if len(node.generators) != 1 or node.generators[0].ifs:
            return None
        gen = node.generators[0]
        items = self.eval(gen.iter)
        if not isinstance(gen.target, ast.Name) or not isinstance(items, list):
            return None
        saved = self.values.get(gen.target.id)
        out = []
        for item in items:
            self.values[gen.target.id] = item
            value = self.eval(node.elt)
            if isinstance(value, str):
                out.append(value)
        if saved is None:
            self.values.pop(gen.target.id, None)
        else:
            self.values[gen.target.id] = saved
        return out

    def _glob(self, pattern: str) -> list[str]:
        # glob.glob() at build time lists the unpacked sdist: the listing answers it statically.
        if self.sdist is None:
            return []
        relative = pattern.replace(HERE, "").lstrip("/")
        found = self.sdist.glob(relative, self.base)
        prefix = f"{self.base}/" if self.base else ""
        return [p.removeprefix(prefix) for p in found]

    def _call(self, node: ast.Call) -> object:
        name = dotted(node.func)
        args = [self.eval(a) for a in node.args]
        if (
            name in ("glob", "glob.glob", "glob.iglob", "iglob")
            and args
            and isinstance(args[0], str)
        ):
            return self._glob(args[0])
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in ("glob", "rglob")
            and args
            and isinstance(args[0], str)
        ):
            base = self.eval(node.func.value)
            if isinstance(base, str):
                pattern = args[0] if node.func.attr == "glob" else f"**/{args[0]}"
                return self._glob(posixpath.join(base, pattern))
        if name.endswith(("path.dirname", "dirname")) and node.args and is_file_var(node.args[0]):
            return HERE
        if name.endswith(("abspath", "realpath", "resolve", "absolute", "normpath")):
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
        if name in ("str", "os.fspath") and len(args) == 1:
            return args[0]
        return None


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


def is_file_var(node: ast.expr) -> bool:
    if isinstance(node, ast.Name) and node.id == "__file__":
        return True
    if isinstance(node, ast.Call) and node.args:  # Path(__file__), abspath(__file__), ...
        return is_file_var(node.args[0])
    if isinstance(node, ast.Attribute) and node.attr in ("resolve", "absolute"):
        return is_file_var(node.value)
    return False
