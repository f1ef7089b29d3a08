"""The CMake analyser's record of a project: references with their guards, generated files,
targets and what each compiles with which include path.  The command handlers (`commands`,
`targets`) write into it; `analysis.Analyser` dispatches to them."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterable, Iterator

from .._model import Reference
from ..archive.tree import SdistTree, normalize
from ..native.guards import Guard, Referrer
from ..native.model import COMPILED, BuildAnalysis, CompileUnit, generated_names
from ..native.paths import _BIN, _LEAVES, _SRC, _UNRESOLVED, _is_absolute, _restore, locate
from .interpreter import Interp
from .variables import _Ctx, _Dir, _Item, _Pair, _Target, covered

# Imported targets of CMake's and Python's own packages: their include directories are the
# toolchain's or Python's, never where a project's own header could be (lightgbm links OpenMP).
_TOOLCHAIN = frozenset(["OpenMP", "Threads", "Python", "Python2", "Python3", "pybind11"])


class Recorder(Interp, Referrer):
    """The interpreter, recording what the commands reference and which targets compile what.
    The commands themselves are dispatched by `analysis.Analyser`."""

    def __init__(self, tree: SdistTree, out: BuildAnalysis, root: str) -> None:
        super().__init__(tree, out, root)
        self.refs = []
        self.pending: list[tuple[str, Reference]] = []  # DEPENDS: a file unless a target
        self.generated: set[str] = set()  # sdist-relative mirrors of build outputs
        self.cython: dict[str, str] = {}  # generated C file (anchored text) -> its .pyx
        self.unresolved = self.genex = 0

    # -- references ----------------------------------------------------------------------------

    def path_ref(
        self,
        ctx: _Ctx,
        pair: _Pair,
        kind: str,
        guard: Guard,
        *,
        is_dir: bool = False,
        note: str | None = None,
    ) -> str | None:
        """Reference the file an argument names; its sdist path, or None when it is not one."""
        item, line = pair
        guard = guard.and_(item.guard)
        if not guard.reachable:
            return None
        where, path = locate(item.text, ctx.dir.source)
        if where == "src":
            if not item.globbed:
                alternatives: tuple[str, ...] = ()
                if not is_dir and kind == "cmake-source" and "." not in path.rpartition("/")[2]:
                    # CMake tries the known extensions on a source named without one.
                    alternatives = tuple(path + e for e in (".c", ".cpp", ".cxx", ".cc", ".h"))
                self.ref(
                    ctx,
                    line,
                    path,
                    kind,
                    guard,
                    is_dir=is_dir,
                    note=note,
                    alternatives=alternatives,
                )
            return path
        if where == "climb":
            self.ref(ctx, line, path, kind, guard, is_dir=is_dir, note=_LEAVES)
        elif where == "unresolved":
            self.unresolved += 1
        elif where == "genex":
            self.genex += 1
        return None

    def generated_path(self, item: _Item, ctx: _Ctx) -> None:
        """Record a build output; the build tree mirrors the source tree."""
        text = _restore(item.text)
        if _UNRESOLVED in text or "$<" in text:
            return
        for anchor in (_BIN, _SRC):
            if text.startswith(anchor):
                path = normalize(text[len(anchor) :])
                break
        else:
            path = None if _is_absolute(text) else normalize(posixpath.join(ctx.dir.source, text))
        if path:
            self.generated.add(path)

    # -- targets -------------------------------------------------------------------------------

    def target(self, name: str, d: _Dir | None = None) -> _Target:
        name = self.aliases.get(name, name)
        t = self.targets.get(name)
        if t is None:
            t = self.targets[name] = _Target(name)
        if d is not None and t.dir is None:
            t.dir = d
        return t

    def sources(self, t: _Target, pairs: Iterable[_Pair], ctx: _Ctx, guard: Guard) -> None:
        # A quoted "${srcs}" is one argument holding a list: a target's sources are a list
        # property, so CMake splits it at ';' (optree's pybind11_add_module(_C "${csrc}")).
        split = [
            (dataclasses.replace(item, text=part), line)
            for item, line in pairs
            for part in (item.text.split(";") if ";" in item.text else [item.text])
            if part
        ]
        for item, line in split:
            g = guard.and_(item.guard)
            path = self.path_ref(ctx, (item, line), "cmake-source", guard)
            if path is not None:
                t.sources.append((path, g, ctx.file, line))
            else:
                pyx = self.cython.get(_restore(item.text))
                if pyx is not None and g.reachable:
                    t.sources.append((pyx, g, ctx.file, line))

    def include_dir(self, item: _Item, ctx: _Ctx) -> str | None:
        text = _restore(item.text)
        m = re.fullmatch(r"\$<BUILD(?:_LOCAL)?_INTERFACE:(.*)>", text, re.DOTALL)
        if m is not None:
            text = m.group(1)
        if "$<" in text:
            return None
        where, path = locate(text, ctx.dir.source)
        return path if where == "src" else None

    def finish(self) -> None:
        for t in self.targets.values():
            self.merge_branches(t)
        outputs = [*sorted(self.generated), *(p[len(_BIN) + 1 :] for p in self.cython)]
        self.out.generated.extend(generated_names(outputs))
        names = set(self.targets) | set(self.aliases)
        for raw, ref in self.pending:
            if raw not in names and not self.tree.is_dir(ref.target):
                self.refs.append(ref)
        generatable = (
            "cmake-source",
            "cmake-custom-command",
            "cmake-custom-command-depends",
            "cmake-install",
            "cmake-execute-process",
        )
        self.out.references.extend(
            dict.fromkeys(
                r for r in self.refs if not (r.kind in generatable and r.target in self.generated)
            )
        )
        units: list[CompileUnit] = []
        for t in self.targets.values():
            if not t.sources:
                continue
            dirs = self.include_path(t)
            external = self.external_link(t)
            libraries = self.external_libraries(t)
            for source, guard, file, line in t.sources:
                path = self.cython.get(f"{_BIN}/{source}", source)  # x.c that Cython writes
                ext = posixpath.splitext(path)[1]
                if ext in COMPILED and path not in self.generated:
                    units.append(
                        CompileUnit(
                            path,
                            dirs,
                            guard.scope,
                            guard.condition,
                            file,
                            line,
                            open_dirs=external,
                            libraries=libraries,
                        )
                    )
        self.out.units.extend(dict.fromkeys(units))
        if self.unresolved:
            self.out.notes.append(
                f"{self.unresolved} CMake path(s) built from variables the checker cannot know "
                "were skipped"
            )
        if self.genex:
            self.out.notes.append(
                f"{self.genex} CMake path(s) given as generator expressions ($<...>) are "
                "evaluated at build time and were skipped"
            )

    def merge_branches(self, t: _Target) -> None:
        """A source T compiles in every branch of an if-chain is compiled whichever is taken:
        add it under the guard around the chain (levenshtein's rf_add_library)."""
        by_path: dict[str, list[tuple[str, Guard, str, int]]] = {}
        for entry in t.sources:
            by_path.setdefault(entry[0], []).append(entry)
        for path, entries in by_path.items():
            if len(entries) < 2:
                continue
            merged = covered((e[1] for e in entries), self.complete)
            if merged is None or merged.true_in >= min(e[1].true_in for e in entries):
                continue
            t.sources.append((path, merged, entries[0][2], entries[0][3]))
            for ref in [r for r in self.refs if r.kind == "cmake-source" and r.target == path]:
                self.refs.append(
                    dataclasses.replace(ref, scope=merged.scope, condition=merged.condition)
                )
                break

    def linked(self, t: _Target, default: bool = False) -> Iterator[str]:
        """Every target T links, once each, transitively through the linked targets' non-PRIVATE
        links (how CMake passes usage requirements on); names the sdist does not define are
        yielded but not followed.  With `default`, only links the default build makes."""
        seen = {t.name}
        queue = [name for name, _ in t.links if not default or name in t.default_links]
        while queue:
            name = self.aliases.get(queue[0], queue[0])
            queue.pop(0)
            if name in seen:
                continue
            seen.add(name)
            yield name
            if name in self.targets:
                linked = self.targets[name]
                queue += [
                    n
                    for n, vis in linked.links
                    if vis != "PRIVATE" and (not default or n in linked.default_links)
                ]

    def external_link(self, t: _Target) -> str | None:
        """An imported target T links that the sdist does not define (`absl::strings` from
        FetchContent or find_package): its include directories come with it, unseen here.  Only
        the default build's links count: NCCL linked `if(USE_CUDA)` adds nothing to it."""
        external = (
            n
            for n in self.linked(t, default=True)
            if (n in self.targets and self.targets[n].imported)
            or (n not in self.targets and "::" in n and n.partition("::")[0] not in _TOOLCHAIN)
        )
        name = next(external, None)
        if name is None and t.unknown_include is not None:
            return f"include directory {t.unknown_include}"
        return f"from the linked {name}" if name is not None else None

    def external_libraries(self, t: _Target) -> tuple[str, ...]:
        """The names of the libraries T links that the sdist does not build (`Arrow::arrow_shared`
        is arrow, `PkgConfig::Blosc2` blosc2): their headers are installed ones."""
        out = []
        for name in self.linked(t):
            if name in self.targets or "$<" in name or "/" in name:
                continue
            for part in name.split("::"):
                base = part.lower().removeprefix("lib")
                for suffix in ("_shared", "_static", "-shared", "-static"):
                    base = base.removesuffix(suffix)
                if base and base not in out:
                    out.append(base)
        return tuple(out)

    def include_path(self, t: _Target) -> tuple[str, ...]:
        own = [(d, before) for d, vis, before in t.includes if vis != "INTERFACE"]
        dirs = [d for d, before in own if before]
        dirs += t.dir.includes if t.dir else []
        dirs += [d for d, before in own if not before]
        for name in self.linked(t):  # usage requirements of the linked targets
            if name in self.targets:
                dirs += [d for d, vis, _ in self.targets[name].includes if vis != "PRIVATE"]
        return tuple(dict.fromkeys(dirs))
