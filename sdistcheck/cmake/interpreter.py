"""The CMake interpreter: runs a directory's commands from `CMakeLists.txt` through
`add_subdirectory`, `include`, if-chains (each branch under its guard), `foreach`, `while` (body
once), `return()`/`break()`, and functions and macros called with their arguments bound.  Nesting,
loop length and the commands run per sdist are capped.  What a command does is the `handle` of
the analyser built on it (`cmake.analysis.Analyser`)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from ..native.guards import FALSE, TRUE, Guard
from ..native.paths import _BIN, _SRC, _abs, _marker, _restore
from .conditions import Conditions
from .lexer import _BLOCK_END, UNQUOTED, Arg, Command, _block_ends, tokenize
from .variables import (
    _MAX_ALTS,
    _UNSET,
    _WHOLE_VAR,
    _Alt,
    _Budget,
    _Ctx,
    _Dir,
    _elements,
    _Function,
    _IfFrame,
    _Item,
    _joined,
    _Parsed,
    _value,
    _Vars,
)

_MAX_DEPTH = 48  # add_subdirectory/include/function/foreach nesting followed

_MAX_ITEMS = 512  # foreach iterations
_BUDGET = 50_000  # commands run for one sdist (a few seconds at worst)


class Interp(Conditions):
    """The interpreter's control layer: files, directories, blocks, branches and calls."""

    def handle(self, c: Command, ctx: _Ctx, guard: Guard) -> None:
        """Run one command that is not control flow nor a user function."""
        raise NotImplementedError

    # -- running -------------------------------------------------------------------------------

    def parse(self, path: str) -> _Parsed | None:
        if path in self.parsed:
            return self.parsed[path]
        text = self.tree.read_text(path)
        if text is None:
            return None
        commands, problems = tokenize(text)
        ends, unclosed = _block_ends(commands)
        for problem in problems:
            self.out.notes.append(f"{path}: {problem}; analysed up to there")
        if unclosed:
            self.out.notes.append(f"{path}: {unclosed} unclosed foreach/function/macro block(s)")
        parsed = _Parsed(commands, ends, text.replace("\x00", "").splitlines())
        self.parsed[path] = parsed
        return parsed

    def enter(self, ctx: _Ctx) -> bool:
        if self.depth >= _MAX_DEPTH:
            if not self.deep_note:
                self.deep_note = True
                self.out.notes.append(
                    f"{ctx.file}: add_subdirectory/include/function/foreach nesting deeper than "
                    f"{_MAX_DEPTH} levels was not followed"
                )
            return False
        self.depth += 1
        return True

    def directory(self, path: str, parent: _Ctx | None, guard: Guard) -> None:
        file = posixpath.join(path, "CMakeLists.txt") if path else "CMakeLists.txt"
        parsed = self.parse(file)
        if parsed is None or path in self.dirs:
            return
        self.dirs.add(path)
        vars_: _Vars = dict(parent.vars) if parent else {}
        here = _abs(path)
        vars_.update(
            CMAKE_CURRENT_SOURCE_DIR=_value(here),
            CMAKE_CURRENT_LIST_DIR=_value(here),
            CMAKE_CURRENT_LIST_FILE=_value(_abs(file)),
            CMAKE_CURRENT_BINARY_DIR=_value(_BIN + here[len(_SRC) :]),
        )
        if parent is None:
            top = _abs(self.root)
            for name in ("CMAKE_SOURCE_DIR", "PROJECT_SOURCE_DIR", "CMAKE_HOME_DIRECTORY"):
                vars_[name] = _value(top)
            for name in ("CMAKE_BINARY_DIR", "PROJECT_BINARY_DIR"):
                vars_[name] = _value(_BIN + top[len(_SRC) :])
        d = _Dir(path, list(parent.dir.includes) if parent else [])
        ctx = _Ctx(d, vars_, parent.vars if parent else None, file, parsed.lines)
        ctx.parent_certain = parent is None or parent.certain
        if parent is not None and not self.enter(ctx):
            return
        try:
            self.run(parsed, 0, len(parsed.commands), ctx, guard)
        finally:
            if parent is not None:
                self.depth -= 1

    def include_file(self, path: str, ctx: _Ctx, guard: Guard) -> None:
        parsed = self.parse(path)
        if parsed is None or not self.enter(ctx):
            return
        saved = {
            k: ctx.vars.get(k, _UNSET)
            for k in ("CMAKE_CURRENT_LIST_DIR", "CMAKE_CURRENT_LIST_FILE")
        }
        ctx.vars["CMAKE_CURRENT_LIST_DIR"] = _value(_abs(posixpath.dirname(path)))
        ctx.vars["CMAKE_CURRENT_LIST_FILE"] = _value(_abs(path))
        inner = _Ctx(ctx.dir, ctx.vars, ctx.parent, path, parsed.lines)
        inner.parent_certain = ctx.certain and ctx.parent_certain
        try:
            self.run(parsed, 0, len(parsed.commands), inner, guard, ctx.certain)
        finally:
            self.depth -= 1
            for k, v in saved.items():
                if v is _UNSET:
                    ctx.vars.pop(k, None)
                else:
                    ctx.vars[k] = v

    def run(
        self, parsed: _Parsed, start: int, end: int, ctx: _Ctx, base: Guard, outer: bool = True
    ) -> str | None:
        """Run commands[start:end]; "return"/"break"/"continue" when one ends the body early.
        `outer`: whether the body itself runs whenever the owner of `ctx.vars` runs."""
        commands = parsed.commands
        frames: list[_IfFrame] = []  # outer, taken so far, first label
        rel = TRUE  # the guard of the current branch within this body
        i = start
        while i < end:
            c = commands[i]
            name = c.name
            if name in ("if", "elseif", "else", "endif"):
                rel = self.branch(c, ctx, base, rel, frames)
                i += 1
                continue
            guard = base.and_(rel)
            if name in _BLOCK_END:
                stop = parsed.ends.get(i, end)
                if guard.reachable:
                    ctx.certain = rel.certain and outer
                    signal = self.block(c, parsed, i, min(stop, end), ctx, guard)
                    if signal == "return":
                        return signal
                i = stop + 1
                continue
            i += 1
            if not guard.reachable or name in _BLOCK_END.values():
                continue
            self.budget += 1
            if self.budget > _BUDGET:
                raise _Budget
            if name in ("return", "break", "continue"):
                if rel.certain:
                    return name
                if name == "return":  # the rest of the body runs only when it did not return
                    base = base.and_(rel.not_().label(f"no return() under {rel.condition}"))
                continue
            ctx.certain = rel.certain and outer
            if name in self.functions:
                self.call(self.functions[name], c, ctx, guard)
            else:
                self.handle(c, ctx, guard)
        return None

    def branch(
        self,
        c: Command,
        ctx: _Ctx,
        base: Guard,
        rel: Guard,
        frames: list[_IfFrame],
    ) -> Guard:
        raw = " ".join(a.raw for a in c.args)
        if c.name == "if":
            cond = self.condition(c.args, ctx) if base.and_(rel).reachable else FALSE
            self.chains += 1
            frames.append(_IfFrame(rel, cond, f"if({raw})", self.chains))
            return rel.and_(cond.label(f"if({raw})", (self.chains, 0)))
        if not frames:  # stray elseif/else/endif
            return rel
        f = frames[-1]
        if c.name == "endif":
            frames.pop()
            return f.outer
        f.index += 1
        if c.name == "else":
            self.complete[f.chain] = (f.index + 1, base.and_(f.outer))
            return f.outer.and_(f.taken.not_().label(f"else() of {f.label}", (f.chain, f.index)))
        cond = self.condition(c.args, ctx) if base.and_(f.outer).reachable else FALSE
        branch = f.taken.not_().and_(cond)
        f.taken = f.taken.or_(cond)
        return f.outer.and_(branch.label(f"elseif({raw}) after {f.label}", (f.chain, f.index)))

    def block(
        self, c: Command, parsed: _Parsed, i: int, stop: int, ctx: _Ctx, guard: Guard
    ) -> str | None:
        if c.name in ("function", "macro"):
            words = [self.word(a, ctx) for a in c.args]
            if words and words[0]:
                list_dir = self.lookup("CMAKE_CURRENT_LIST_DIR", ctx)
                self.functions[words[0].lower()] = _Function(
                    parsed,
                    i + 1,
                    stop,
                    ctx.file,
                    tuple(words[1:]),
                    c.name == "macro",
                    guard if not ctx.certain else TRUE,
                    _joined(list_dir[0])[0] if list_dir else _abs(ctx.dir.source),
                )
            return None
        if not self.enter(ctx):
            return None
        try:
            if c.name == "foreach":
                return self.foreach(c, parsed, i, stop, ctx, guard)
            if c.name == "while":
                guard = guard.and_(self.condition(c.args, ctx))
            certain = ctx.certain and c.name == "block"  # a while body may not run at all
            signal = self.run(parsed, i + 1, stop, ctx, guard, certain) if guard.reachable else None
            return "return" if signal == "return" else None
        finally:
            self.depth -= 1

    def foreach(
        self, c: Command, parsed: _Parsed, i: int, stop: int, ctx: _Ctx, guard: Guard
    ) -> str | None:
        if not c.args:
            return None
        var = self.word(c.args[0], ctx)
        items: list[_Item] = []
        pairs = self.expand_all(c.args[1:], ctx)
        words = [_restore(p[0].text) for p in pairs]
        if words[:1] == ["RANGE"]:
            numbers = [int(w) for w in words[1:4] if re.fullmatch(r"-?\d{1,18}", w)]  # int()able
            if numbers:
                start, stop_n = (0, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
                step = numbers[2] if len(numbers) > 2 and numbers[2] > 0 else 1
                items = [_Item(str(n)) for n in range(start, stop_n + 1, step)[:_MAX_ITEMS]]
        elif words[:1] == ["IN"]:
            mode = ""
            for (item, _), word in zip(pairs[1:], words[1:], strict=True):
                if word in ("LISTS", "ITEMS", "ZIP_LISTS"):
                    mode = word
                elif mode == "ITEMS":
                    items.append(item)
                elif mode == "LISTS":
                    value = self.lookup(word, ctx)
                    if value:
                        items.extend(
                            replace(it, guard=it.guard.and_(alt.guard))
                            for alt in value
                            for it in alt.items
                        )
                    elif value is None:
                        items.append(_Item(_marker(word)))
        else:
            items = [p[0] for p in pairs]
        saved = ctx.vars.get(var, _UNSET)
        certain = ctx.certain
        try:
            for item in items[:_MAX_ITEMS]:
                ctx.vars[var] = [_Alt((replace(item, guard=TRUE),), item.guard)]
                signal = self.run(
                    parsed, i + 1, stop, ctx, guard.and_(item.guard), certain and item.guard.certain
                )
                if signal in ("break", "return"):
                    return "return" if signal == "return" else None
        finally:
            if saved is _UNSET:
                ctx.vars.pop(var, None)
            else:
                ctx.vars[var] = saved
        return None

    def call(self, fn: _Function, c: Command, ctx: _Ctx, guard: Guard) -> None:
        # `f(${X})` with X set differently in two branches: one call per value, so that the
        # values do not become two arguments.
        combinations: list[list[_Item]] = [[]]
        for arg in c.args:
            options = self.alternatives(arg, ctx)
            combinations = [done + more for done in combinations for more in options][:_MAX_ALTS]
        for items in combinations:
            self.call_with(fn, _elements(items), ctx, guard)

    def alternatives(self, arg: Arg, ctx: _Ctx) -> list[list[_Item]]:
        whole = _WHOLE_VAR.fullmatch(arg.text) if arg.kind == UNQUOTED else None
        value = self.lookup(whole.group(1), ctx) if whole is not None else None
        if value is None or len(value) < 2:
            return [self.expand(arg, ctx)]
        return [[replace(i, guard=i.guard.and_(alt.guard)) for i in alt.items] for alt in value]

    def call_with(self, fn: _Function, items: list[_Item], ctx: _Ctx, guard: Guard) -> None:
        if not self.enter(ctx):
            return
        try:
            vars_ = ctx.vars if fn.macro else dict(ctx.vars)
            bound = {
                "ARGC": [_Alt((_Item(str(len(items))),))],
                "ARGV": [_Alt(tuple(items))],
                "ARGN": [_Alt(tuple(items[len(fn.params) :]))],
            }
            for n, item in enumerate(items[:32]):
                bound[f"ARGV{n}"] = [_Alt((item,))]
            for n, param in enumerate(fn.params):
                bound[param] = [_Alt((items[n],))] if n < len(items) else [_Alt(())]
            vars_.update(bound)
            if not fn.macro:
                vars_["CMAKE_CURRENT_FUNCTION_LIST_DIR"] = _value(fn.list_dir)
            inner = _Ctx(
                ctx.dir, vars_, ctx.parent if fn.macro else ctx.vars, fn.file, fn.parsed.lines
            )
            # A macro writes its caller's variables; a function its caller's with PARENT_SCOPE.
            inner.parent_certain = ctx.certain and (ctx.parent_certain if fn.macro else True)
            outer = ctx.certain if fn.macro else True
            self.run(fn.parsed, fn.start, fn.end, inner, guard.and_(fn.guard), outer)
        finally:
            self.depth -= 1
