"""CMake targets: add_library/add_executable and the pybind11/nanobind/Python/Cython variants,
target_sources, aux_source_directory, include_directories, target_include_directories and
target_link_libraries: which sources each target compiles, with which include directories and
linked usage requirements (turned into compile units by `cmake.analysis.Recorder.finish`)."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from .._model import Scope
from ..native.guards import Guard, word_set
from ..native.model import COMPILED
from ..native.paths import _BIN, _UNRESOLVED, _UNRESOLVED_NAME, _abs, _restore, locate
from .lexer import Command
from .set_commands import _sections
from .variables import _Ctx, _Item, _Pair, _Target

if TYPE_CHECKING:
    from .recorder import Recorder


_TARGET_FLAGS = word_set(
    """STATIC SHARED MODULE OBJECT INTERFACE UNKNOWN EXCLUDE_FROM_ALL WIN32 MACOSX_BUNDLE GLOBAL
    PRIVATE PUBLIC WITH_SOABI NO_EXTRAS THIN_LTO OPT_SIZE STABLE_ABI FREE_THREADED NB_STATIC
    NB_SHARED PROTECT_STACK LTO NOMINSIZE NOSTRIP MUSL_DYNAMIC_LIBCPP NB_SUPPRESS_WARNINGS
    SYSTEM EMBED_MAIN C CXX PY2 PY3"""
)
_TARGET_VALUE_KEYWORDS = frozenset(["USE_SABI", "NB_DOMAIN"])
_VISIBILITY = frozenset(["PRIVATE", "PUBLIC", "INTERFACE"])


def _named(self: Recorder, c: Command, ctx: _Ctx) -> tuple[list[str], list[_Pair]]:
    """A target command's target names (a variable set in several branches gives several) and
    its other arguments."""
    if not c.args:
        return [], []
    names = [_restore(i.text) for i in self.expand(c.args[0], ctx)]
    return list(dict.fromkeys(n for n in names if _UNRESOLVED not in n)), self.expand_all(
        c.args[1:], ctx
    )


def _add_target(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    words = [_restore(p[0].text) for p in pairs]
    if "ALIAS" in words:
        if words.index("ALIAS") + 1 < len(words):
            for name in names:
                self.aliases[name] = words[words.index("ALIAS") + 1]
        return
    sources: list[_Pair] = []
    skip = False
    for pair, word in zip(pairs, words, strict=True):
        if skip:
            skip = False
        elif word in _TARGET_VALUE_KEYWORDS:
            skip = True
        elif word not in _TARGET_FLAGS:
            sources.append(pair)
    for name in names:
        t = self.target(name, ctx.dir)
        t.imported = t.imported or "IMPORTED" in words
        if "IMPORTED" not in words:
            self.sources(t, sources, ctx, guard)


def _h_target_sources(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    for name in names:
        _target_sources(self, self.target(name), pairs, ctx, guard)


def _target_sources(
    self: Recorder, t: _Target, pairs: list[_Pair], ctx: _Ctx, guard: Guard
) -> None:
    mode, sources = "src", []
    for pair in pairs:
        word = _restore(pair[0].text)
        if mode in ("name", "type"):
            mode = "fileset"
        elif word in _VISIBILITY or word == "FILES":
            mode = "src"
        elif word in ("FILE_SET", "TYPE"):
            mode = "name" if word == "FILE_SET" else "type"
        elif word == "BASE_DIRS":
            mode = "base"
        elif mode == "base":
            d = self.include_dir(pair[0], ctx)
            if d is not None:
                t.includes.append((d, "PUBLIC", False))
        elif mode == "src":
            sources.append(pair)
    self.sources(t, sources, ctx, guard)


def _cython_target(
    self: Recorder, ctx: _Ctx, guard: Guard, pyx: _Pair, var: str, language: str
) -> None:
    path = self.path_ref(ctx, pyx, "cmake-cython-source", guard)
    if path is None:
        return
    out = f"{_BIN}/{posixpath.splitext(path)[0]}.{'cxx' if language == 'CXX' else 'c'}"
    self.cython[out] = path
    if var:
        self.assign(ctx.vars, var, [_Item(out, pyx[0].guard)], ctx, guard)


_CYTHON_TOOLS = frozenset(["cython", "cython3", "cython.exe"])
_C_OUTPUTS = (".c", ".cpp", ".cxx", ".cc")


def cython_command(self: Recorder, sections: dict[str, list[_Pair]], ctx: _Ctx) -> None:
    """`add_custom_command(OUTPUT x.c COMMAND Python::Interpreter -m cython x.pyx ...)`
    (h3 4.5.0): the .pyx is what a target listing x.c compiles, so Cython's cimports are
    followed from it."""
    words = [_restore(item.text) for item, _ in sections.get("COMMAND", [])]
    runs = any(
        posixpath.basename(w).lower() in _CYTHON_TOOLS
        or (w == "-m" and i + 1 < len(words) and words[i + 1] in ("cython", "Cython"))
        for i, w in enumerate(words)
    )
    if not runs:
        return
    inputs = sections.get("COMMAND", []) + sections.get("MAIN_DEPENDENCY", [])
    inputs += sections.get("DEPENDS", [])
    pyx = next(
        (path for item, _ in inputs if (path := _source_path(item, ctx)).endswith(".pyx")), ""
    )
    if not pyx:
        return
    for item, _ in sections.get("OUTPUT", []):
        where, text = locate(item.text, ctx.dir.source)
        mirrored = text[len(_BIN) + 1 :] if where == "bin" else text if where == "src" else ""
        if mirrored.endswith(_C_OUTPUTS):
            self.cython[f"{_BIN}/{mirrored}"] = pyx


def _source_path(item: _Item, ctx: _Ctx) -> str:
    where, path = locate(item.text, ctx.dir.source)
    return path if where == "src" else ""


def _h_add_cython_target(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # scikit-build's UseCython: add_cython_target(<Name> [<pyx>] [C|CXX] [OUTPUT_VAR <var>] ...)
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    name = _restore(pairs[0][0].text)
    sections = _sections(pairs[1:], ("OUTPUT_VAR",))
    rest = [p for p in sections[""] if _restore(p[0].text) not in _TARGET_FLAGS]
    pyx = rest[0] if rest else (_Item(name + ".pyx"), pairs[0][1])
    out = sections.get("OUTPUT_VAR", [])
    language = "CXX" if any(_restore(p[0].text) == "CXX" for p in sections[""]) else "C"
    _cython_target(self, ctx, guard, pyx, _restore(out[0][0].text) if out else name, language)


def _h_cython_transpile(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    # cython-cmake: cython_transpile(<pyx> [LANGUAGE C|CXX] [CYTHON_ARGS ...] [OUTPUT_VARIABLE v])
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    sections = _sections(pairs[1:], ("LANGUAGE", "CYTHON_ARGS", "OUTPUT", "OUTPUT_VARIABLE"))
    var = sections.get("OUTPUT_VARIABLE", [])
    language = sections.get("LANGUAGE", [])
    _cython_target(
        self,
        ctx,
        guard,
        pairs[0],
        _restore(var[0][0].text) if var else "",
        _restore(language[0][0].text) if language else "C",
    )


def _h_include_directories(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    words = [p for p in self.expand_all(c.args, ctx)]
    before = any(_restore(p[0].text) == "BEFORE" for p in words)
    for item, _ in words:
        if _restore(item.text) in ("BEFORE", "AFTER", "SYSTEM"):
            continue
        d = self.include_dir(item, ctx)
        if d is not None and d not in ctx.dir.includes:
            if before:
                ctx.dir.includes.insert(0, d)
            else:
                ctx.dir.includes.append(d)


def _h_target_include_directories(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    visibility, before = "PRIVATE", False
    for item, _ in pairs:
        word = _restore(item.text)
        if word in _VISIBILITY:
            visibility = word
        elif word in ("BEFORE", "AFTER", "SYSTEM"):
            before = before or word == "BEFORE"
        else:
            d = self.include_dir(item, ctx)
            if d is not None:
                for name in names:
                    self.target(name).includes.append((d, visibility, before))
            elif _UNRESOLVED in item.text and "$<" not in item.text and visibility != "INTERFACE":
                for name in names:  # ${Datadog_INCLUDE_DIRS}: a directory the checker cannot see
                    shown = _UNRESOLVED_NAME.sub(r"${\1}", _restore(item.text))
                    self.target(name).unknown_include = shown


def _h_target_link_libraries(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    names, pairs = _named(self, c, ctx)
    visibility = "PUBLIC"  # the plain signature is transitive
    for item, _ in pairs:
        word = _restore(item.text)
        if word in _VISIBILITY or word in (
            "LINK_PUBLIC",
            "LINK_PRIVATE",
            "LINK_INTERFACE_LIBRARIES",
        ):
            visibility = {"LINK_PUBLIC": "PUBLIC", "LINK_PRIVATE": "PRIVATE"}.get(word, word)
            visibility = "INTERFACE" if visibility == "LINK_INTERFACE_LIBRARIES" else visibility
        elif word not in ("debug", "optimized", "general"):
            for name in names:
                self.target(name).links.append((word, visibility))
                if guard.scope in (Scope.ALWAYS, Scope.PLATFORM):
                    self.target(name).default_links.add(word)


def _h_aux_source_directory(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    if len(pairs) < 2:
        return
    where, d = locate(pairs[0][0].text, ctx.dir.source)
    if where != "src":
        return
    found = [
        _Item(_abs(p), guard, globbed=True)
        for p in self.tree.glob(posixpath.join(d, "*") if d else "*")
        if posixpath.splitext(p)[1] in COMPILED
    ]
    self.assign(ctx.vars, _restore(pairs[1][0].text), found, ctx, guard)
