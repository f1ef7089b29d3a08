"""The meson evaluator: follows statements, if-chains (each branch under its guard), foreach
loops, operators and string methods over guarded values (`meson.values`), with nesting and the
statements run per sdist capped.  What meson's functions and object methods do is
the analyser's part (`meson.analysis.function`/`method`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..archive.tree import SdistTree
from ..native.guards import FALSE, OPTION, PLATFORM, TRUE, Guard
from ..native.model import BuildAnalysis
from ..native.paths import anchor
from .lexer import (
    _COMPARE,
    _Assign,
    _Call,
    _Chain,
    _Expr,
    _Foreach,
    _Id,
    _If,
    _Jump,
    _List,
    _Lit,
    _Map,
    _Node,
    _Op,
    parse,
)
from .values import (
    _BUDGET,
    _MAX_DEPTH,
    _MAX_LEAVES,
    _MAX_TEXT,
    _V,
    _Alt,
    _Arr,
    _atom,
    _Bool,
    _Budget,
    _Dict,
    _Done,
    _Frame,
    _known,
    _Num,
    _Obj,
    _Str,
    _tag,
    _Unknown,
)

_MAX_BITS = 256  # numbers grown past this (x = x * x in a loop) are not known statically


def _options(value: _V, guard: Guard = TRUE) -> tuple[_V, ...]:
    """`value`'s alternatives, each under `guard` and its own; a nested `_Alt`'s flattened into
    them, so that alternatives stay one level deep and work on them never compounds."""
    if not isinstance(value, _Alt):
        return (_tag(value, guard),)
    guard = guard.and_(value.g)
    return tuple(leaf for option in value.options for leaf in _options(option, guard))


class Evaluator:
    """Meson statements and expressions run over guarded values."""

    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        self.tree, self.out, self.root = tree, out, root
        self.vars: dict[str, _V] = {}
        self.visited: set[str] = set()
        self.budget = self.depth = self.chains = 0

    # What meson's functions and object methods do is the analyser's part (`meson.analysis._Meson`):
    # function(node, args, kwargs, frame, guard) and method(obj, node, args, kwargs, frame, guard).

    def function(self, *args: Any, **kwargs: Any) -> _V:
        raise NotImplementedError

    def method(self, *args: Any, **kwargs: Any) -> _V:
        raise NotImplementedError

    # -- running -------------------------------------------------------------------------------

    def run_file(self, directory: str, guard: Guard) -> None:
        path = posixpath.join(directory, "meson.build") if directory else "meson.build"
        text = self.tree.read_text(path)
        if text is None or path in self.visited:
            return
        if self.depth >= _MAX_DEPTH:
            self.out.notes.append(
                f"{path}: subdir() nesting deeper than {_MAX_DEPTH}: not followed"
            )
            return
        self.visited.add(path)
        statements, lines, problem = parse(text)
        if problem:
            self.out.notes.append(f"{path}: {problem}; analysed up to there")
        self.depth += 1
        try:
            self.block(statements, _Frame(directory, path, lines), guard, TRUE)
        except _Done:
            pass
        finally:
            self.depth -= 1

    def block(self, body: Sequence[_Node], frame: _Frame, base: Guard, rel: Guard) -> str | None:
        """Run statements; "break"/"continue" when one is reached unconditionally."""
        for node in body:
            guard = base.and_(frame.cut).and_(rel)
            if not guard.reachable:
                return None
            self.budget += 1
            if self.budget > _BUDGET:
                raise _Budget
            if isinstance(node, _If):
                signal = self.conditional(node, frame, base, rel)
                if signal:
                    return signal
            elif isinstance(node, _Foreach):
                self.loop(node, frame, base, rel)
            elif isinstance(node, _Jump):
                if rel.certain:
                    return node.kind
            elif isinstance(node, _Assign):
                # Certain within this file: a file run under a guarded subdir() still replaces
                # the values its statements assign (the value keeps that guard, though).
                self.assign(node, frame, guard, rel.certain and frame.cut.certain)
            elif isinstance(node, _Expr):
                value = node.value
                if isinstance(value, _Call) and value.obj is None and value.name == "subdir_done":
                    if rel.certain:
                        raise _Done
                    frame.cut = frame.cut.and_(
                        rel.not_().label(f"no subdir_done() under {rel.condition}")
                    )
                    continue
                self.eval(value, frame, guard)
        return None

    def conditional(self, node: _If, frame: _Frame, base: Guard, rel: Guard) -> str | None:
        taken = FALSE
        first = node.branches[0][2]
        self.chains += 1  # one number per if-chain run: its branches exclude each other
        for index, (cond_node, body, text) in enumerate(node.branches):
            position = (self.chains, index)
            if cond_node is None:
                branch = taken.not_().label(f"else of {first}", position)
            else:
                reach = base.and_(frame.cut).and_(rel).and_(taken.not_()).reachable
                cond = self.truth(self.eval(cond_node, frame, base.and_(rel))) if reach else FALSE
                label = text if cond_node is node.branches[0][0] else f"{text} after {first}"
                branch = taken.not_().and_(cond).label(label, position)
                taken = taken.or_(cond)
            inner = rel.and_(branch)
            if inner.reachable:
                signal = self.block(body, frame, base, inner)
                if signal:
                    return signal
        return None

    def loop(self, node: _Foreach, frame: _Frame, base: Guard, rel: Guard) -> None:
        guard = base.and_(frame.cut).and_(rel)
        iterable = self.eval(node.iterable, frame, guard)
        if self.depth >= _MAX_DEPTH:
            return
        pairs: list[tuple[_V, ...]]
        if isinstance(iterable, _Dict):
            pairs = [(_Str(s=k), v) for k, v in iterable.items]
        elif isinstance(iterable, _Arr):
            pairs = [(item,) for item in iterable.items]
        elif isinstance(iterable, _Alt):  # an array assigned in branches: each one's items
            pairs = [
                (_tag(item, option.g),)
                for option in iterable.options
                for item in (option.items if isinstance(option, _Arr) else (option,))
            ]
        else:
            pairs = [(_Unknown(atom=_atom(iterable)),) * 2]
        self.depth += 1
        try:
            for values in pairs[:512]:
                item_guard = TRUE
                for name, value in zip(node.names, values, strict=False):
                    self.vars[name] = value
                    item_guard = item_guard.and_(value.g)
                signal = self.block(node.body, frame, base, rel.and_(item_guard))
                if signal == "break":
                    break
        finally:
            self.depth -= 1

    def assign(self, node: _Assign, frame: _Frame, guard: Guard, certain: bool) -> None:
        value = self.eval(node.value, frame, guard)
        old = self.vars.get(node.name)
        if node.op == "+=" and old is not None:
            if isinstance(old, _Arr):
                extra = value.items if isinstance(value, _Arr) else (value,)
                self.vars[node.name] = replace(
                    old, items=(old.items + tuple(_tag(v, guard) for v in extra))[:_MAX_LEAVES]
                )
                return
            value = self.binary("+", old, value)
        value = _tag(value, guard)
        if certain or old is None or old.g == value.g:
            self.vars[node.name] = value
        else:  # assigned in one branch: the earlier value remains in the other builds
            self.vars[node.name] = _Alt(options=(*_options(old), *_options(value))[-8:])

    def truth(self, value: _V) -> Guard:
        if isinstance(value, _Alt):
            guard = FALSE
            for option in value.options:
                guard = guard.or_(option.g.and_(self.truth(option)))
            return guard
        if isinstance(value, _Bool):
            return value.cond
        if isinstance(value, _Unknown):
            return value.atom
        if isinstance(value, _Arr | _Str | _Dict):
            return TRUE if (value.items if not isinstance(value, _Str) else value.s) else FALSE
        return TRUE if not (isinstance(value, _Obj) and value.kind == "none") else FALSE

    def eval(self, node: _Node, frame: _Frame, guard: Guard) -> _V:
        if isinstance(node, _Lit):
            if node.fstring:
                return _Unknown()
            if isinstance(node.value, bool):
                return _Bool(cond=TRUE if node.value else FALSE)
            if isinstance(node.value, int):
                return _Num(n=node.value)
            return _Str(s=node.value)
        if isinstance(node, _Id):
            if node.name in self.vars:
                return self.vars[node.name]
            if node.name in ("host_machine", "build_machine", "target_machine"):
                return _Obj(kind="machine")
            return _Obj(kind="meson") if node.name == "meson" else _Unknown()
        if isinstance(node, _List):
            return _Arr(items=tuple(self.eval(n, frame, guard) for n in node.items))
        if isinstance(node, _Map):
            items = []
            for k, v in node.pairs:
                key = _known(self.eval(k, frame, guard))
                if isinstance(key, str):
                    items.append((key, self.eval(v, frame, guard)))
            return _Dict(items=tuple(items))
        if isinstance(node, _Chain):
            return self.chain(node, frame, guard)
        if isinstance(node, _Call | _Op) and (
            node.obj if isinstance(node, _Call) else node.op == "index"
        ):
            return self.postfix(node, frame, guard)
        if isinstance(node, _Op):
            return self.operation(node, frame, guard)
        if isinstance(node, _Call):
            args = [self.eval(a, frame, guard) for a in node.args]
            kwargs = {k: self.eval(v, frame, guard) for k, v in node.kwargs}
            return self.function(node, args, kwargs, frame, guard)
        return _Unknown()

    def postfix(self, node: _Call | _Op, frame: _Frame, guard: Guard) -> _V:
        """`a.b().c()[0]`: the links unrolled, so a long chain costs no recursion."""
        links: list[_Call | _Op] = []
        base: _Node = node
        while (isinstance(base, _Call) and base.obj is not None) or (
            isinstance(base, _Op) and base.op == "index"
        ):
            links.append(base)
            base = base.obj if isinstance(base, _Call) and base.obj else base.operands[0]  # type: ignore[union-attr]
        value = self.eval(base, frame, guard)
        for link in reversed(links):
            if isinstance(link, _Op):
                value = self.index(value, self.eval(link.operands[1], frame, guard))
            else:
                args = [self.eval(a, frame, guard) for a in link.args]
                kwargs = {k: self.eval(v, frame, guard) for k, v in link.kwargs}
                value = self.method(value, link, args, kwargs, frame, guard)
        return value

    def chain(self, node: _Chain, frame: _Frame, guard: Guard) -> _V:
        if node.rest[0][0] in ("and", "or"):
            cond = self.truth(self.eval(node.first, frame, guard))
            for op, operand in node.rest:
                if cond is (FALSE if op == "and" else TRUE):
                    break  # short-circuit: the rest is not evaluated
                right = self.truth(self.eval(operand, frame, guard))
                cond = cond.and_(right) if op == "and" else cond.or_(right)
            return _Bool(cond=cond)
        value = self.eval(node.first, frame, guard)
        for op, operand in node.rest:
            value = self.binary(op, value, self.eval(operand, frame, guard))
        return value

    def operation(self, node: _Op, frame: _Frame, guard: Guard) -> _V:
        values = [self.eval(n, frame, guard) for n in node.operands]
        if node.op == "not":
            return _Bool(cond=self.truth(values[0]).not_())
        if node.op == "neg":
            return _Num(n=-values[0].n) if isinstance(values[0], _Num) else _Unknown()
        if node.op == "?:":
            cond = self.truth(values[0])
            if cond in (TRUE, FALSE):
                return values[1] if cond is TRUE else values[2]
            return _Alt(options=(*_options(values[1], cond), *_options(values[2], cond.not_())))
        if node.op == "index":
            return self.index(values[0], values[1])
        return self.binary(node.op, values[0], values[1])

    def index(self, obj: _V, key: _V) -> _V:
        k = _known(key)
        if isinstance(obj, _Arr) and isinstance(k, int) and -len(obj.items) <= k < len(obj.items):
            return obj.items[k]
        if isinstance(obj, _Dict) and isinstance(k, str):
            return next((v for name, v in obj.items if name == k), _Unknown())
        if isinstance(obj, _Obj) and obj.kind == "generated":
            return obj
        return _Unknown(atom=_atom(obj))

    def binary(self, op: str, a: _V, b: _V) -> _V:
        if isinstance(a, _Alt) or (isinstance(b, _Alt) and not isinstance(a, _Arr)):
            # `name + '.c'` with name set in two branches: one value per branch.
            left, right = _options(a), _options(b)
            options = [self.binary(op, x, y) for x in left for y in right][:8]
            return _Alt(options=tuple(_tag(o, a.g.and_(b.g)) for o in options))
        g = a.g.and_(b.g)
        if op == "+" and isinstance(a, _Arr):
            extra = b.items if isinstance(b, _Arr) else (b,)
            return _Arr(items=(a.items + extra)[:_MAX_LEAVES], g=a.g)
        if op == "+" and isinstance(a, _Dict) and isinstance(b, _Dict):
            return _Dict(items=a.items + b.items, g=g)
        ka, kb = _known(a), _known(b)
        if op in _COMPARE or op in ("in", "not in"):
            if op in ("in", "not in") and isinstance(b, _Arr) and ka is not None:
                members = [_known(i) for i in b.items]
                if None not in members:
                    return _Bool(cond=TRUE if (ka in members) == (op == "in") else FALSE)
            if ka is None or kb is None or op in ("in", "not in"):
                unknown = [_atom(v) for v, k in ((a, ka), (b, kb)) if k is None] or [OPTION]
                return _Bool(cond=min(unknown, key=lambda u: u.true_in))
            result = _compare(op, ka, kb)
            return _Bool(cond=TRUE if result else FALSE)
        if isinstance(ka, str) and isinstance(kb, str) and op in ("+", "/"):
            if len(ka) + len(kb) > _MAX_TEXT:  # runaway doubling: not a path anyone wrote
                return _Unknown()
            if op == "+":
                return _Str(s=ka + kb, g=g)
            return _Str(s=kb if kb.startswith(("/", "\x00")) else posixpath.join(ka, kb), g=g)
        if isinstance(a, _Num) and isinstance(b, _Num) and op in ("+", "-", "*"):
            x, y = a.n, b.n
            if x.bit_length() + y.bit_length() > _MAX_BITS:
                return _Unknown()
            return _Num(n=x + y if op == "+" else x - y if op == "-" else x * y, g=g)
        return _Unknown(atom=min(_atom(a), _atom(b), key=lambda u: u.true_in))

    def meson_method(self, name: str, frame: _Frame) -> _V:
        if name == "current_source_dir":
            return _Str(s=anchor(frame.dir))
        if name in ("project_source_root", "source_root", "global_source_root"):
            return _Str(s=anchor(self.root))
        if name == "current_build_dir":
            return _Str(s=anchor(frame.dir, build=True))
        if name in ("project_build_root", "build_root", "global_build_root"):
            return _Str(s=anchor(self.root, build=True))
        if name == "get_compiler":
            return _Obj(kind="compiler")
        if name == "is_subproject":
            return _Bool(cond=FALSE)
        if name in ("is_cross_build", "can_run_host_binaries", "has_exe_wrapper"):
            return _Bool(cond=PLATFORM)
        return _Unknown()

    @staticmethod
    def string_method(obj: _Str, name: str, args: list[_V]) -> _V:
        s = obj.s
        texts = [_known(a) for a in args]
        if name in ("strip", "to_lower", "to_upper", "underscorify") and not args:
            result = {"strip": s.strip(), "to_lower": s.lower(), "to_upper": s.upper()}.get(
                name, re.sub(r"[^A-Za-z0-9]", "_", s)
            )
            return _Str(s=result, g=obj.g)
        if name == "join" and args and isinstance(args[0], _Arr):
            parts = [_known(i) for i in args[0].items]
            if all(isinstance(p, str) for p in parts):
                return _Str(s=s.join(str(p) for p in parts), g=obj.g)
        if name in ("startswith", "endswith", "contains") and texts and isinstance(texts[0], str):
            test = {"startswith": s.startswith, "endswith": s.endswith}.get(name, s.__contains__)
            return _Bool(cond=TRUE if test(texts[0]) else FALSE)
        if name == "split" and all(isinstance(t, str) for t in texts):
            sep = str(texts[0]) if texts else None
            return _Arr(items=tuple(_Str(s=p) for p in s.split(sep)[:512] if sep or p), g=obj.g)
        return _Unknown()  # format(), version_compare(), ...: not known statically


def _compare(op: str, a: str | int | bool, b: str | int | bool) -> bool:
    if op in ("==", "!="):
        return (a == b) == (op == "==")
    if isinstance(a, str) and isinstance(b, str):
        return {"<": a < b, ">": a > b, "<=": a <= b}.get(op, a >= b)
    if isinstance(a, int) and isinstance(b, int):
        return {"<": a < b, ">": a > b, "<=": a <= b}.get(op, a >= b)
    return False  # meson refuses to order a string against a number
