"""CMake commands that compute variables: set/unset/option/project, list(), string(),
get_filename_component, cmake_path, cmake_parse_arguments, math and the probes and lookups whose
result the checker cannot know.  They reference no file; they feed the values that do."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..native.guards import TRUE, Guard
from ..native.paths import _BIN, _SRC, _UNRESOLVED, _abs, _canon, _is_absolute, _marker, _restore
from .interpreter import Interp
from .lexer import UNQUOTED, Arg, Command
from .variables import _MAX_LIST, _Alt, _Ctx, _elements, _Item, _joined, _Pair, _value


def _sections(
    pairs: Sequence[_Pair], keywords: Iterable[str], first: str = ""
) -> dict[str, list[_Pair]]:
    """Split arguments at keywords: {keyword: the arguments after it, all occurrences}."""
    words = frozenset(keywords)
    out: dict[str, list[_Pair]] = {first: []}
    current = first
    for pair in pairs:
        text = _restore(pair[0].text)
        if text in words:
            current = text
            out.setdefault(text, [])
        else:
            out[current].append(pair)
    return out


def _h_set(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if not c.args:
        return
    name = self.word(c.args[0], ctx)
    args = list(c.args[1:])
    parent = bool(args) and args[-1].kind == UNQUOTED and args[-1].text == "PARENT_SCOPE"
    if parent:
        args.pop()
    cache = next((n for n, a in enumerate(args) if a.kind == UNQUOTED and a.text == "CACHE"), -1)
    if cache >= 0:
        items = [p[0] for p in self.expand_all(args[:cache], ctx)]
        kind = args[cache + 1].text if cache + 1 < len(args) else ""
        force = any(a.kind == UNQUOTED and a.text == "FORCE" for a in args[cache + 2 :])
        if name not in self.cache or force:
            # FORCE overrides whatever -D the user gave: a fixed value, not an option
            self.cache[name] = ([_Alt(tuple(items), guard)], kind != "INTERNAL" and not force)
        return
    if name.startswith("ENV{"):
        return
    target = ctx.parent if parent else ctx.vars
    if target is None:
        return
    certain = ctx.certain and (ctx.parent_certain if parent else True)
    if not args:
        if certain:
            target.pop(name, None)
        return
    ends = [a.kind == UNQUOTED and a.text == f"${{{name}}}" for a in (args[0], args[-1])]
    if not certain and not parent and len(args) > 1 and any(ends):
        # `set(X ${X} more)` in a branch (or a loop of one) is list(APPEND): the earlier value
        # stays one alternative, not a copy of every earlier alternative (soxr's tests grew
        # `vectors` geometrically until the analysis gave up)
        rest = args[1:] if ends[0] else args[:-1]
        items = [p[0] for p in self.expand_all(rest, ctx)]
        _extend(self, ctx, name, items, guard, "APPEND" if ends[0] else "PREPEND")
        return
    self.assign(target, name, [p[0] for p in self.expand_all(args, ctx)], ctx, guard, certain)


def _h_unset(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if c.args and ctx.certain:
        words = [self.word(a, ctx) for a in c.args]
        if "CACHE" in words[1:]:
            self.cache.pop(words[0], None)
        elif "PARENT_SCOPE" in words[1:]:
            if ctx.parent is not None:
                ctx.parent.pop(words[0], None)
        else:
            ctx.vars.pop(words[0], None)


def _h_option(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    words = [self.word(a, ctx) for a in c.args]
    if words and words[0] not in ctx.vars and words[0] not in self.cache:
        default = words[2] if len(words) > 2 else "OFF"
        self.cache[words[0]] = (_value(default), True)


def _h_project(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if not c.args:
        return
    name = self.word(c.args[0], ctx)
    here = _abs(ctx.dir.source)
    build = _BIN + here[len(_SRC) :]
    top = self.project is None and ctx.dir.source == self.root
    if self.project is None:
        self.project = name
        ctx.vars["CMAKE_PROJECT_NAME"] = _value(name)
    flag = "ON" if top else "OFF"
    for key, value in (
        ("PROJECT_NAME", name),
        ("PROJECT_SOURCE_DIR", here),
        ("PROJECT_BINARY_DIR", build),
        (f"{name}_SOURCE_DIR", here),
        (f"{name}_BINARY_DIR", build),
        ("PROJECT_IS_TOP_LEVEL", flag),
        (f"{name}_IS_TOP_LEVEL", flag),
    ):
        ctx.vars[key] = _value(value)
    for key in (f"{name}_SOURCE_DIR", f"{name}_BINARY_DIR"):
        self.cache[key] = (_value(here if key.endswith("SOURCE_DIR") else build), False)


def _h_list(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 2:
        return
    sub, name = self.word(c.args[0], ctx).upper(), self.word(c.args[1], ctx)
    if sub in ("APPEND", "PREPEND", "INSERT"):
        args = c.args[3:] if sub == "INSERT" else c.args[2:]
        _extend(self, ctx, name, [p[0] for p in self.expand_all(args, ctx)], guard, sub)
    elif sub == "REMOVE_ITEM" and ctx.certain:
        drop = {p[0].text for p in self.expand_all(c.args[2:], ctx)}
        old = self.lookup(name, ctx)
        if old:
            ctx.vars[name] = [
                _Alt(tuple(i for i in a.items if i.text not in drop), a.guard) for a in old
            ]
    elif sub == "TRANSFORM":
        words = [self.word(a, ctx) for a in c.args]
        out = words[words.index("OUTPUT_VARIABLE") + 1] if "OUTPUT_VARIABLE" in words[:-1] else name
        old = self.lookup(name, ctx)
        selector = any(w in ("AT", "FOR", "REGEX") for w in words[4:])
        if len(words) > 3 and words[2] in ("APPEND", "PREPEND") and old and not selector:
            add = self.expand(c.args[3], ctx)
            text = add[0].text if add else ""
            front = words[2] == "PREPEND"
            ctx.vars[out] = [
                _Alt(
                    tuple(
                        replace(i, text=text + i.text if front else i.text + text) for i in a.items
                    ),
                    a.guard,
                )
                for a in old
            ]
        else:
            self.forget(ctx, out)
    elif sub in ("GET", "LENGTH", "REMOVE_AT") and _list_index_op(self, c, ctx, guard, sub, name):
        pass
    elif sub in ("GET", "LENGTH", "FIND", "JOIN", "SUBLIST"):
        self.forget(ctx, self.word(c.args[-1], ctx))
    elif sub == "REMOVE_AT":
        self.forget(ctx, name)
    elif sub in ("POP_BACK", "POP_FRONT"):
        self.forget(ctx, *(self.word(a, ctx) for a in c.args[2:]))


def _extend(self: Interp, ctx: _Ctx, name: str, items: list[_Item], guard: Guard, how: str) -> None:
    """list(APPEND|PREPEND|INSERT) of ITEMS, added under GUARD to each value NAME holds."""
    new = tuple(replace(i, guard=i.guard.and_(guard)) for i in items)
    old = self.lookup(name, ctx)
    if old is None:
        return
    if not old:
        ctx.vars[name] = [_Alt(new)]
    else:
        ctx.vars[name] = [
            _Alt((a.items + new if how != "PREPEND" else new + a.items)[:_MAX_LIST], a.guard)
            for a in old
        ]


def _list_index_op(self: Interp, c: Command, ctx: _Ctx, guard: Guard, sub: str, name: str) -> bool:
    """`list(GET|LENGTH|REMOVE_AT)` on a list known for certain (one value, resolved items), as
    pyarrow's `list(GET directories -1 module_name)` names its Cython targets; False when the
    list or an index is not known, for the caller to forget the result."""
    old = self.lookup(name, ctx)
    if not old or len(old) != 1 or any(_UNRESOLVED in i.text for i in old[0].items):
        return False
    elements = _elements(old[0].items)
    words = [self.word(a, ctx) for a in c.args[2:]]
    if sub == "LENGTH":
        if len(words) != 1:
            return False
        self.assign(ctx.vars, words[0], [_Item(str(len(elements)))], ctx, guard)
        return True
    indexes = words[:-1] if sub == "GET" else words
    if not indexes or not all(re.fullmatch(r"-?\d{1,9}", w) for w in indexes):
        return False
    picked = [int(w) + len(elements) if int(w) < 0 else int(w) for w in indexes]
    if not all(0 <= k < len(elements) for k in picked):
        return False  # CMake stops with an error: not this analysis's business
    if sub == "GET":
        self.assign(ctx.vars, words[-1], [elements[k] for k in picked], ctx, guard)
    else:
        kept = [e for k, e in enumerate(elements) if k not in set(picked)]
        self.assign(ctx.vars, name, kept, ctx, guard)
    return True


def _string_replace(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> bool:
    """`string(REPLACE <match> <with> <out> <input>...)` on inputs known for certain."""
    match, with_, out = (self.word(a, ctx) for a in c.args[1:4])
    items = [p[0] for p in self.expand_all(c.args[4:], ctx)]
    if not match or any(_UNRESOLVED in i.text for i in [*items, _Item(match), _Item(with_)]):
        return False
    g = TRUE
    for i in items:
        g = g.and_(i.guard)
    text = "".join(i.text for i in items).replace(match, with_)
    self.assign(ctx.vars, out, [_Item(text, g)], ctx, guard)
    return True


_STRING_OUT = {
    "REGEX": 3,
    "REPLACE": 3,
    "JOIN": 2,
    "TOLOWER": 2,
    "TOUPPER": 2,
    "LENGTH": 2,
    "SUBSTRING": 4,
    "STRIP": 2,
    "GENEX_STRIP": 2,
    "REPEAT": 3,
    "COMPARE": 4,
    "FIND": 3,
    "TIMESTAMP": 1,
    "MAKE_C_IDENTIFIER": 2,
    "UUID": 1,
    "CONFIGURE": 2,
    "HEX": 2,
    "JSON": 1,
    "MD5": 1,
    "SHA1": 1,
    "SHA224": 1,
    "SHA256": 1,
    "SHA384": 1,
    "SHA512": 1,
    "SHA3_224": 1,
    "SHA3_256": 1,
    "SHA3_384": 1,
    "SHA3_512": 1,
}


def _h_string(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 2:
        return
    sub = self.word(c.args[0], ctx).upper()
    if sub in ("APPEND", "PREPEND", "CONCAT"):
        name = self.word(c.args[1], ctx)
        items = [p[0] for p in self.expand_all(c.args[2:], ctx)]
        text = "".join(i.text for i in items)
        g = TRUE
        for i in items:
            g = g.and_(i.guard)
        old = self.lookup(name, ctx) if sub != "CONCAT" else [_Alt(())]
        if not old or len(old) != 1:
            self.forget(ctx, name)
            return
        base, og = _joined(old[0])
        joined = text + base if sub == "PREPEND" else base + text
        self.assign(ctx.vars, name, [_Item(joined, g.and_(og))], ctx, guard)
    elif sub in ("RANDOM", "ASCII"):
        self.forget(ctx, self.word(c.args[-1], ctx))
    elif sub == "REPLACE" and len(c.args) > 4 and _string_replace(self, c, ctx, guard):
        pass
    elif sub in _STRING_OUT and len(c.args) > _STRING_OUT[sub]:
        self.forget(ctx, self.word(c.args[_STRING_OUT[sub]], ctx))


def _path_op(text: str, mode: str, base: str) -> str | None:
    if _UNRESOLVED in text:
        return None
    name = text.rstrip("/").rpartition("/")[2]
    if mode in ("DIRECTORY", "PATH"):
        return text + "/.." if text in (_SRC, _BIN) else posixpath.dirname(text)
    if mode == "NAME":
        return name
    if mode in ("NAME_WE", "NAME_WLE"):
        return name.split(".")[0] if mode == "NAME_WE" else name.rpartition(".")[0] or name
    if mode in ("EXT", "LAST_EXT"):
        dot = name.find(".") if mode == "EXT" else name.rfind(".")
        return name[dot:] if dot >= 0 else ""
    if mode in ("ABSOLUTE", "REALPATH"):
        if text.startswith((_SRC, _BIN)) or _is_absolute(text):
            return _canon(text)
        return _canon(posixpath.join(base, text))
    return None


def _h_get_filename_component(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) < 3:
        return
    var = self.word(c.args[0], ctx)
    items = self.expand(c.args[1], ctx)
    words = [self.word(a, ctx) for a in c.args[2:]]
    base = _abs(ctx.dir.source)
    if "BASE_DIR" in words[:-1]:
        base = words[words.index("BASE_DIR") + 1]
    result = _path_op(items[0].text, words[0], base) if len(items) == 1 else None
    if result is None:
        self.forget(ctx, var)
    else:
        self.assign(ctx.vars, var, [_Item(result, items[0].guard)], ctx, guard)


def _h_cmake_path(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    words = [self.word(a, ctx) for a in c.args]
    if len(words) < 2:
        return
    sub, var = words[0], words[1]
    out = words[words.index("OUTPUT_VARIABLE") + 1] if "OUTPUT_VARIABLE" in words[:-1] else var
    current = self.lookup(var, ctx)
    value = _joined(current[0])[0] if current and len(current) == 1 else None
    result: str | None = None
    if sub == "SET" and len(c.args) > 2:
        items = self.expand(c.args[-1], ctx)
        result = _canon(items[0].text) if len(items) == 1 else None
        out = var
    elif sub == "APPEND" and value is not None:
        parts = [p[0].text for p in self.expand_all(c.args[2:], ctx)]
        parts = parts[: parts.index("OUTPUT_VARIABLE")] if "OUTPUT_VARIABLE" in parts else parts
        result = value
        for part in parts:
            result = (
                part
                if part.startswith((_SRC, _BIN)) or _is_absolute(part)
                else (posixpath.join(result, part) if result else part)
            )
    elif sub in ("NORMAL_PATH", "ABSOLUTE_PATH") and value is not None:
        base = _abs(ctx.dir.source)
        if "BASE_DIRECTORY" in words[:-1]:
            base = words[words.index("BASE_DIRECTORY") + 1]
        result = _path_op(value, "ABSOLUTE", base) if sub == "ABSOLUTE_PATH" else _canon(value)
    elif sub in (
        "GET",
        "HAS_ROOT_NAME",
        "HAS_ROOT_DIRECTORY",
        "HAS_ROOT_PATH",
        "HAS_FILENAME",
        "HAS_EXTENSION",
        "HAS_STEM",
        "HAS_RELATIVE_PART",
        "HAS_PARENT_PATH",
        "IS_ABSOLUTE",
        "IS_RELATIVE",
        "IS_PREFIX",
        "COMPARE",
        "HASH",
        "NATIVE_PATH",
        "CONVERT",
    ):
        out = words[-1] if words[-1] != "NORMALIZE" else words[-2]
    if result is None:
        self.forget(ctx, out)
    else:
        self.assign(ctx.vars, out, [_Item(result)], ctx, guard)


def _h_cmake_parse_arguments(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    args = list(c.args)
    parse_argv = bool(args) and args[0].text == "PARSE_ARGV"
    if parse_argv:
        args = args[2:]
    if len(args) < 4:
        return
    prefix = self.word(args[0], ctx)

    def names(arg: Arg) -> set[str]:
        return {_restore(p) for i in self.expand(arg, ctx) for p in i.text.split(";") if p}

    options, single, multi = names(args[1]), names(args[2]), names(args[3])
    if parse_argv:
        argn = self.lookup("ARGN", ctx)
        items = list(argn[0].items) if argn else []
    else:
        items = [p[0] for p in self.expand_all(args[4:], ctx)]
    found: dict[str, list[_Item]] = {}
    unparsed: list[_Item] = []
    current: str | None = None
    for item in items:
        word = _restore(item.text)
        if word in options:
            found[word], current = [_Item("TRUE")], None
        elif word in single or word in multi:
            found[word], current = [], word
        elif current is not None:
            found[current].append(item)
            if current in single:
                current = None
        else:
            unparsed.append(item)
    for name in options | single | multi:
        key = f"{prefix}_{name}"
        if name in found and (found[name] or name in options):
            ctx.vars[key] = [_Alt(tuple(found[name]))]
        elif name in options:
            ctx.vars[key] = _value("FALSE")
        else:
            ctx.vars.pop(key, None)
    if unparsed:
        ctx.vars[f"{prefix}_UNPARSED_ARGUMENTS"] = [_Alt(tuple(unparsed))]
    else:
        ctx.vars.pop(f"{prefix}_UNPARSED_ARGUMENTS", None)


# check_include_file(<header> <VAR>) and friends: the index of the result variable.
_PROBES = {
    "check_include_file": 1,
    "check_include_files": 1,
    "check_include_file_cxx": 1,
    "check_symbol_exists": 2,
    "check_cxx_symbol_exists": 2,
    "check_function_exists": 1,
    "check_library_exists": 3,
    "check_type_size": 1,
    "check_c_source_compiles": 1,
    "check_cxx_source_compiles": 1,
    "check_c_source_runs": 1,
    "check_cxx_source_runs": 1,
    "check_source_compiles": 2,
    "check_source_runs": 2,
    "check_c_compiler_flag": 1,
    "check_cxx_compiler_flag": 1,
    "check_compiler_flag": 2,
    "check_linker_flag": 2,
    "check_struct_has_member": 3,
    "check_variable_exists": 1,
    "check_prototype_definition": 4,
    "test_big_endian": 0,
}


def _h_probe(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # The result depends on the compiler and the target system: a platform test.
    index = _PROBES[c.name.removeprefix("_")]
    if index < len(c.args):
        name = self.word(c.args[index], ctx)
        self.assign(ctx.vars, name, [_Item(_marker("CMAKE_SYSTEM_NAME"))], ctx, guard)


def _h_output_first(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # find_path(VAR ...), get_target_property(VAR ...): values from outside the sdist.
    if c.args:
        self.forget(ctx, self.word(c.args[0], ctx))


def _h_math(self: Interp, c: Command, ctx: _Ctx, guard: Guard) -> None:
    if len(c.args) > 1:
        self.forget(ctx, self.word(c.args[1], ctx))
