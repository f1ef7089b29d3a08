"""Follow Cython's `cimport`s, `include`s and `cdef extern from` headers from compiled sources.

Comments are blanked and strings reduced to their opening quote (positions kept), so neither a
commented-out `cimport` nor one in a docstring is a reference; the statements are then found
with C-speed searches, and string operands read from the original text.  Resolution follows
Cython: an `include` next to the file holding it, then the include path; a `.pxd` relative to
the file's package (`from . cimport x`), else in the include path, the directory above the
file's top-level package, and the source roots (the sdist root, `src/`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from ._c import LEAVES, MAX_BYTES, RANK, SCOPES, Cond, is_generated, template_outputs
from ._model import Reference, Scope
from ._native import CompileUnit
from ._tree import SdistTree, is_glob, normalize

CYTHON_SUFFIXES = (".pyx", ".py")  # units Cython compiles; `.pxd`/`.pxi` are reached from them
# Modules Cython itself ships (Cython/Includes): never the sdist's, whatever its layout.
_BUILTIN = frozenset(["libc", "libcpp", "cpython", "posix", "openmp", "cython"])
# Installed packages whose .pxd files other projects cimport by their bare name: not the sdist's
# unless it is that package.  (A dotted cimport of an unknown package is taken as installed.)
_INSTALLED = frozenset(
    [
        "numpy",
        "gmpy2",
        "mpi4py",
        "scipy",
        "cysignals",
        "cypari2",
        "pysam",
        "h5py",
        "pyarrow",
        "cymem",
        "preshed",
        "murmurhash",
        "thinc",
        "blis",
        "cupy",
        "petsc4py",
        "slepc4py",
        "sage",
        "lxml",
        "zmq",
        "fastrlock",
    ]
)

# Cython 3 prefers a versioned `x.cython-30.pxd` to `x.pxd` (numpy ships both).
_PXD = (".cython-32.pxd", ".cython-31.pxd", ".cython-30.pxd", ".cython-3.pxd", ".pxd")

# --- masking --------------------------------------------------------------------------------

_MASKABLE = re.compile(
    r"\#[^\n]*"  # comment
    r"|\"\"\"|'''"  # triple-quoted string: its end is found with str.find
    r"|\"[^\"\\\n]*(?:\\(?s:.)[^\"\\\n]*)*\"?"  # string; unterminated: to the end of the line
    r"|'[^'\\\n]*(?:\\(?s:.)[^'\\\n]*)*'?"
)


def mask(text: str) -> str:
    """`text` with comments blanked and strings blanked but for their opening quote.

    The quote is kept so that a line starting with a string still ends an indented block.
    """
    pieces: list[str] = []
    last = pos = 0
    search = _MASKABLE.search
    while (m := search(text, pos)) is not None:
        start, end, token = m.start(), m.end(), m.group()
        keep = "" if token[0] == "#" else token[0]
        if token in ('"""', "'''"):
            end = _triple_end(text, end, token)
        pieces.append(text[last:start])
        pieces.append(keep + " " * (end - start - len(keep)))
        last = pos = end
    pieces.append(text[last:])
    return "".join(pieces)


def _triple_end(text: str, pos: int, quote: str) -> int:
    while (close := text.find(quote, pos)) >= 0:
        escapes = close
        while escapes > pos and text[escapes - 1] == "\\":
            escapes -= 1
        if (close - escapes) % 2 == 0:
            return close + 3
        pos = close + 1
    return len(text)


# --- statements -----------------------------------------------------------------------------

# All searched on masked code prefixed with a newline, so that each starts with a literal.
_FROM = re.compile(
    r"\n[ \t]*from[ \t]+(?P<mod>\.*[\w.]*)[ \t]+(?P<kw>cimport|import)(?![\w])[ \t]*"
    r"(?P<names>\([^)]*\)|[^\n;]*)"
)
_CIMPORT = re.compile(r"\n[ \t]*cimport[ \t]+(?P<mods>[^\n;]*)")
_INCLUDE = re.compile(r"\n[ \t]*include(?=[ \t\"'])")
_EXTERN = re.compile(r"extern[ \t]+from(?=[ \t\"'*])")
_IF = re.compile(r"\n(?P<indent>[ \t]*)(?P<kw>IF|ELIF|ELSE)(?![\w])(?P<rest>[^\n]*)")
_OPERAND = re.compile(
    r"[ \t]*(?:[rRbBuU]{0,2}(?:\"(?P<d>[^\"\n]*)\"|'(?P<s>[^'\n]*)')|(?P<star>\*))"
)
_STRING_LITERAL = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
_CIMPORTS_PREFIX = "cython.cimports."  # pure-Python mode: `from cython.cimports.x import y`


@dataclass(frozen=True)
class Statement:
    """One `cimport`, `include` or `cdef extern from` in a Cython file."""

    kind: str  # "cimport" | "include" | "extern"
    target: str  # the dotted module (leading dots kept) or the quoted file name
    names: tuple[str, ...]  # `from M cimport a, b`: ("a", "b"); () for `cimport M`
    line: int
    text: str  # the statement's line, stripped
    conds: tuple[Cond, ...]  # compile-time IF/ELIF/ELSE blocks around it


def _names(raw: str) -> tuple[str, ...]:
    """`(a, b as c, *)` -> ('a', 'b', '*')."""
    words = (p.split() for p in raw.strip().strip("()").replace("\\", " ").split(","))
    return tuple(w[0] for w in words if w and w[0] != "as")


def scan(text: str) -> tuple[Statement, ...]:
    """Every cimport, include and extern header in one Cython file, with its IF blocks."""
    if "import" not in text and "include" not in text and "extern" not in text:
        return ()
    text = "\n" + text
    code = mask(text).replace("\\\r\n", "   ").replace("\\\n", "  ")
    found: list[tuple[int, str, str, tuple[str, ...]]] = []  # position, kind, target, names
    for m in _FROM.finditer(code):
        mod, names = m.group("mod"), _names(m.group("names"))
        if m.group("kw") == "import":
            if not mod.startswith(_CIMPORTS_PREFIX):
                continue  # a Python import
            mod = mod[len(_CIMPORTS_PREFIX) :]
        if mod and names:
            found.append((m.start() + 1, "cimport", mod, names))
    for m in _CIMPORT.finditer(code):
        for mod in _names(m.group("mods")):
            found.append((m.start() + 1, "cimport", mod, ()))
    for m in _INCLUDE.finditer(code):
        op = _OPERAND.match(text, m.end())
        if op is not None and (name := op.group("d") or op.group("s")):
            found.append((m.start() + 1, "include", name, ()))
    for m in _EXTERN.finditer(code):
        before = code[m.start() - 1]
        if before.isalnum() or before == "_":
            continue
        op = _OPERAND.match(text, m.end())
        if op is not None and (name := op.group("d") or op.group("s")):
            found.append((m.start(), "extern", name, ()))
    if not found:
        return ()
    found.sort()
    blocks = _if_blocks(text, code)
    out: list[Statement] = []
    line, line_pos = 0, 0
    for pos, kind, target, names in found:
        line += text.count("\n", line_pos, pos)
        line_pos = pos
        conds: list[Cond] = []
        dead = False
        for start, end, cond in blocks:
            if start <= pos < end:
                dead = dead or cond is None
                if cond is not None:
                    conds.append(cond)
        if not dead:
            out.append(Statement(kind, target, names, line, _line_text(text, pos), tuple(conds)))
    return tuple(out)


def _if_blocks(text: str, code: str) -> list[tuple[int, int, Cond | None]]:
    """(start, end, condition) of every compile-time IF/ELIF/ELSE body; None: never compiled."""
    blocks: list[tuple[int, int, Cond | None]] = []
    chains: dict[str, list[Cond]] = {}  # indentation -> the IF/ELIF branches so far
    for m in _IF.finditer(code):
        if not m.group("rest").rstrip().endswith(":"):
            continue  # not a block header (`IF = {...}`)
        indent = m.group("indent")
        header = text[m.start("kw") : m.end()]
        expr = header[len(m.group("kw")) : header.rfind(":")].strip()
        kw = m.group("kw")
        prior = [] if kw == "IF" else chains.get(indent, [])
        cond: Cond | None
        if kw == "ELSE":
            after = " / ".join(c.text for c in prior)
            scope = max((c.scope for c in prior), key=RANK.__getitem__, default=Scope.OPTION)
            cond = Cond(f"ELSE (after {after})" if after else "ELSE", scope)
        elif expr in ("0", "False"):
            cond = None
        else:
            idents = re.findall(r"[A-Za-z_]\w*", _STRING_LITERAL.sub(" ", expr))
            platform = all(i.startswith("UNAME_") or i in ("and", "or", "not") for i in idents)
            scope = Scope.PLATFORM if platform and idents else Scope.OPTION
            scope = max([scope, *(c.scope for c in prior)], key=RANK.__getitem__)
            shown = f"{kw} {expr}"
            cond = Cond(shown, scope, platforms=shown if scope is Scope.PLATFORM else None)
        if kw != "ELSE" and cond is not None:
            chains[indent] = [*prior, cond]
        end = re.compile(rf"\n[ \t]{{0,{len(indent)}}}\S").search(code, m.end())
        blocks.append((m.end(), end.start() if end else len(code), cond))
    return blocks


def _line_text(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()


# --- the walk -------------------------------------------------------------------------------

_ViaT = tuple[tuple[str, str | None], ...]  # conditions on the way: text, platform phrase


@dataclass(frozen=True)
class _Item:
    path: str
    unit_dir: str  # where the generated C file is compiled: extern headers are found from there
    dirs: tuple[str, ...]
    rank: int
    via: _ViaT


class _Walker:
    def __init__(
        self, tree: SdistTree, notes: list[str] | None, generated: Collection[str]
    ) -> None:
        self.tree = tree
        self.notes = notes
        self.generated = generated
        self.templates: frozenset[str] | None = None
        self.generated_seen: set[str] = set()
        self.scans: dict[str, tuple[Statement, ...]] = {}
        self.visited: dict[tuple[str, str, tuple[str, ...]], int] = {}
        self.refs: dict[tuple[str, int, str], tuple[int, Reference]] = {}
        self.own: set[str] | None = None
        self.unfound_headers: set[str] = set()
        self.work: list[_Item] = []

    def file(self, path: str) -> tuple[Statement, ...]:
        found = self.scans.get(path)
        if found is None:
            found = ()
            data = self.tree.read_bytes(path)
            if data is not None and len(data) <= MAX_BYTES and b"\0" not in data[:8192]:
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                found = scan(data.decode("utf-8", errors="replace"))
            self.scans[path] = found
        return found

    def own_names(self) -> set[str]:
        """Top-level packages and modules of the sdist's own Python/Cython code."""
        if self.own is None:
            self.own = set()
            for path in self.tree.files:
                if not path.endswith((".py", ".pyx", ".pxd")):
                    continue
                parts = path.split("/")
                if parts[0] == "src" and len(parts) > 1:
                    parts = parts[1:]
                self.own.add(parts[0] if len(parts) > 1 else parts[0].rpartition(".")[0])
        return self.own

    def run(self, units: Sequence[CompileUnit]) -> None:
        for unit in reversed(units):
            source = normalize(unit.source)
            if not source or not source.endswith(CYTHON_SUFFIXES):
                continue
            normalized = (normalize(d) for d in unit.include_dirs)
            dirs = tuple(dict.fromkeys(d for d in normalized if d is not None))
            via: tuple[tuple[str, str | None], ...] = ()
            if unit.condition:
                where = f" ({unit.declared_in})" if unit.declared_in else ""
                phrase = unit.condition if unit.scope is Scope.PLATFORM else None
                via = ((unit.condition + where, phrase),)
            item = _Item(source, posixpath.dirname(source), dirs, RANK[unit.scope], via)
            # Cython reads the module's own .pxd (same name, same directory) when it exists.
            companion = posixpath.splitext(source)[0] + ".pxd"
            if self.tree.is_file(companion):
                self.work.append(_Item(companion, item.unit_dir, dirs, item.rank, via))
            self.work.append(item)
        while self.work:
            item = self.work.pop()
            key = (item.path, item.unit_dir, item.dirs)
            best = self.visited.get(key)
            if best is not None and best <= item.rank:
                continue
            self.visited[key] = item.rank
            for st in self.file(item.path):
                self.statement(item, st)
        if self.generated_seen and self.notes is not None:
            shown = ", ".join(sorted(self.generated_seen)[:3])
            self.notes.append(
                f"{len(self.generated_seen)} Cython file(s) are generated by the build "
                f"(declared, or from a shipped template), not expected in the sdist: {shown}"
            )
        if self.unfound_headers and self.notes is not None:
            shown = ", ".join(sorted(self.unfound_headers)[:3])
            self.notes.append(
                f"{len(self.unfound_headers)} `cdef extern from` header(s) are not in the sdist "
                f"(system or third-party headers, not checked): {shown}"
            )

    # -- one statement ---------------------------------------------------------------------

    def statement(self, item: _Item, st: Statement) -> None:
        rank = max([item.rank, *(RANK[c.scope] for c in st.conds)])
        via = item.via + tuple(
            (c.text, c.platforms or c.text if c.scope is Scope.PLATFORM else None) for c in st.conds
        )
        here = posixpath.dirname(item.path)
        if st.kind == "include":
            self.include(item, st, rank, via, here)
        elif st.kind == "extern":
            self.extern(item, st, rank, via, here)
        elif st.names:
            self.from_cimport(item, st, rank, via, here)
        else:
            self.cimport(item, st, rank, via, here)

    def include(self, item: _Item, st: Statement, rank: int, via: _ViaT, here: str) -> None:
        name = st.target.replace("\\", "/")
        found = self.first_file(
            posixpath.join(d, name) for d in (here, *item.dirs, *self.roots(item.path))
        )
        if found is not None:
            self.ref(item, st, found, rank, via, "cython-include")
            self.follow(item, found, rank, via, st)
            return
        if self.generated_by_build(name):
            return
        joined = normalize(posixpath.join(here, name))
        alternatives = self.candidates(name, item.dirs, joined)
        if joined is None:
            target = posixpath.normpath(posixpath.join(here, name))
            self.ref(item, st, target, rank, via, "cython-include", alternatives, LEAVES)
        else:
            self.ref(item, st, joined, rank, via, "cython-include", alternatives)

    def extern(self, item: _Item, st: Statement, rank: int, via: _ViaT, here: str) -> None:
        name = st.target.replace("\\", "/")
        if name.startswith("<") and name.endswith(">"):
            name, places = name[1:-1], item.dirs  # `<x.h>`: the include path only
        else:
            places = (item.unit_dir, here, *item.dirs)
        found = self.first_file(posixpath.join(d, name) for d in places)
        if found is not None:
            self.ref(item, st, found, rank, via, "cython-extern-header")
        elif name:
            self.unfound_headers.add(name)  # the system's or a library's, most likely

    def cimport(self, item: _Item, st: Statement, rank: int, via: _ViaT, here: str) -> None:
        module = st.target
        base, parts, search = self.locate(module, item, here)
        if parts is None:
            return
        found = self.find_module(parts, search)
        if found is not None:
            self.ref(item, st, found, rank, via, "cython-cimport")
            self.follow(item, found, rank, via, st)
        elif self.reportable(module):
            path = posixpath.join(base, *parts)
            self.missing(item, st, rank, via, path + ".pxd", (path + "/__init__.pxd",))
        elif self.implicit(module):
            self.missing_sibling(item, st, rank, via, here, module)

    def from_cimport(self, item: _Item, st: Statement, rank: int, via: _ViaT, here: str) -> None:
        module = st.target
        base, parts, search = self.locate(module, item, here)
        if parts is None:
            return
        package = self.find_module(parts, search) if parts else self.package_pxd(base)
        by_package = False
        unresolved: list[str] = []
        for name in st.names:
            sub = None if name == "*" else self.find_module([*parts, name], search)
            if sub is not None:  # `from pkg cimport mod`: a module of the package
                self.ref(item, st, sub, rank, via, "cython-cimport")
                self.follow(item, sub, rank, via, st)
            elif package is not None and (
                name == "*"
                or not posixpath.basename(package).startswith("__init__.")
                or _mentions(self.tree, package, name)
            ):
                by_package = True  # a name the module declares
            else:
                unresolved.append(name)
        if by_package and package is not None:
            self.ref(item, st, package, rank, via, "cython-cimport")
            self.follow(item, package, rank, via, st)
        if not unresolved:
            return
        path = posixpath.join(base, *parts)
        if self.reportable(module) and (package is not None or self.tree.is_dir(path)):
            for name in unresolved:  # the package is there: each name should be its module
                if name == "*":
                    self.missing(item, st, rank, via, f"{path}/__init__.pxd", ())
                else:
                    inits = (f"{path}/{name}/__init__.pxd",)
                    self.missing(item, st, rank, via, f"{path}/{name}.pxd", inits)
        elif self.reportable(module):  # one finding for the module, not one per name
            modules = (f"{path}/{n}.pxd" for n in unresolved if n != "*")
            self.missing(item, st, rank, via, path + ".pxd", (f"{path}/__init__.pxd", *modules))
        elif self.implicit(module):
            self.missing_sibling(item, st, rank, via, here, module)

    # -- resolution ------------------------------------------------------------------------

    def locate(
        self, module: str, item: _Item, here: str
    ) -> tuple[str, list[str] | None, tuple[str, ...]]:
        """(base directory, module path parts, directories to search); parts None: above root."""
        dots = len(module) - len(module.lstrip("."))
        parts = [p for p in module[dots:].split(".") if p]
        if dots:
            base: str | None = here
            for _ in range(dots - 1):
                base = None if not base else posixpath.dirname(base)
            if base is None:
                return "", None, ()
            return base, parts, (base,)
        search = (*self.roots(item.path), *item.dirs, "", here)
        if self.tree.is_dir("src"):
            search += ("src",)
        search = tuple(dict.fromkeys(search))
        top = parts[0] if parts else ""
        base = next((d for d in search if self.tree.is_dir(posixpath.join(d, top))), search[0])
        return base, parts, search

    def roots(self, path: str) -> tuple[str, ...]:
        """The directory above the file's top-level package (Cython's first place to look)."""
        d = posixpath.dirname(path)
        while d and any(self.tree.is_file(f"{d}/__init__{ext}") for ext in (".py", ".pyx", ".pxd")):
            d = posixpath.dirname(d)
        return (d,)

    def find_module(self, parts: list[str], search: Iterable[str]) -> str | None:
        if not parts:
            return None
        rel = "/".join(parts)
        stems = (rel, f"{rel}/__init__", ".".join(parts))  # a.b.pxd: Cython's dotted form
        for d in search:
            found = self.first_file(f"{d}/{stem}{suffix}" for stem in stems for suffix in _PXD)
            if found is not None:
                return found
        return None

    def package_pxd(self, base: str) -> str | None:
        return self.first_file(f"{base}/__init__{suffix}" for suffix in _PXD)

    def reportable(self, module: str) -> bool:
        """Relative cimports, and absolute ones of the sdist's own packages, must resolve."""
        if module.startswith("."):
            return True
        top = module.partition(".")[0]
        return top not in _BUILTIN and top in self.own_names()

    def implicit(self, module: str) -> bool:
        """A bare name found nowhere: Cython looks next to the file (implicit relative cimport,
        `cimport x_defs`) and in the source root; unless it is a known installed package."""
        return module.isidentifier() and module not in _BUILTIN and module not in _INSTALLED

    def missing_sibling(
        self, item: _Item, st: Statement, rank: int, via: _ViaT, here: str, module: str
    ) -> None:
        sibling = posixpath.join(here, module)
        alternatives = (f"{sibling}/__init__.pxd", f"{module}.pxd")
        self.missing(item, st, rank, via, sibling + ".pxd", alternatives)

    def generated_by_build(self, name: str) -> bool:
        if self.templates is None:
            self.templates = template_outputs(self.tree)
        if is_generated(name, self.generated, self.templates):
            self.generated_seen.add(name)
            return True
        return False

    def first_file(self, candidates: Iterable[str]) -> str | None:
        for candidate in candidates:
            path = normalize(candidate)
            if path is not None and self.tree.is_file(path):
                return path
        return None

    @staticmethod
    def candidates(name: str, dirs: tuple[str, ...], primary: str | None) -> tuple[str, ...]:
        paths = (normalize(posixpath.join(d, name)) for d in dirs)
        return tuple(dict.fromkeys(p for p in paths if p and p != primary))

    # -- output ----------------------------------------------------------------------------

    def follow(self, item: _Item, path: str, rank: int, via: _ViaT, st: Statement) -> None:
        if path.endswith((".pxd", ".pxi", ".pyx", ".py")):
            shown = tuple(
                (f"{text} ({item.path}:{st.line})", p) for text, p in via[len(item.via) :]
            )
            self.work.append(_Item(path, item.unit_dir, item.dirs, rank, item.via + shown))

    def missing(
        self,
        item: _Item,
        st: Statement,
        rank: int,
        via: _ViaT,
        target: str,
        alternatives: tuple[str, ...],
    ) -> None:
        if self.generated_by_build(target):
            return
        norm = normalize(target)
        if norm is None:
            self.ref(item, st, posixpath.normpath(target), rank, via, "cython-cimport", (), LEAVES)
            return
        alts = tuple(dict.fromkeys(a for a in map(normalize, alternatives) if a and a != norm))
        self.ref(item, st, norm, rank, via, "cython-cimport", alts)

    def ref(
        self,
        item: _Item,
        st: Statement,
        target: str,
        rank: int,
        via: _ViaT,
        kind: str,
        alternatives: tuple[str, ...] = (),
        note: str | None = None,
    ) -> None:
        key = (item.path, st.line, target)
        old = self.refs.get(key)
        if old is not None and old[0] <= rank:
            return
        scope = SCOPES[rank]
        platforms = None
        if scope is Scope.PLATFORM:
            platforms = ", ".join(dict.fromkeys(p for _, p in via if p)) or None
        self.refs[key] = (
            rank,
            Reference(
                target=target,
                source=item.path,
                line=st.line,
                text=st.text,
                kind=kind,
                condition="; ".join(text for text, _ in via) or None,
                scope=scope,
                alternatives=alternatives,
                note=note,
                platforms=platforms,
            ),
        )


def _mentions(tree: SdistTree, path: str, name: str) -> bool:
    text = tree.read_text(path)
    return text is not None and re.search(rf"\b{re.escape(name)}\b", text) is not None


def analyse(
    tree: SdistTree,
    units: Sequence[CompileUnit],
    notes: list[str] | None = None,
    generated: Collection[str] = (),
) -> list[Reference]:
    """Every `.pxd`, `.pxi` and extern header Cython reads for the `.pyx`/`.py` units.

    A missing `.pxi` is always a reference.  A missing `.pxd` is one for a relative cimport, a
    cimport of the sdist's own packages, or a bare name (`cimport x_defs`: Cython looks next to
    the file), but not for `libc`, `cpython`, `numpy` and other installed packages.  An extern
    header is a reference only when found in the sdist (else it is the system's: a note).
    Files the build generates (named in `generated`, or with a template such as `x.pxi.in`
    shipped) are no reference.  Notes are appended to `notes` when given.
    """
    walker = _Walker(tree, notes, generated)
    walker.run(units)
    return [ref for _, ref in walker.refs.values()]


def _expand_braces(pattern: str) -> list[str]:
    """`a/{b,c}/*.pyx` -> ['a/b/*.pyx', 'a/c/*.pyx'], as Cython's extended glob does."""
    m = re.search(r"\{([^{}]*)\}", pattern)
    if m is None:
        return [pattern]
    head, tail = pattern[: m.start()], pattern[m.end() :]
    return [p for alt in m.group(1).split(",") for p in _expand_braces(head + alt + tail)]


def cythonize_sources(tree: SdistTree, patterns: Sequence[str]) -> list[str]:
    """The files `cythonize(patterns)` compiles: globs (`*`, `**/`, `{a,b}`) matched against the
    sdist, literal paths kept as given (normalized) so the caller can check they exist."""
    out: dict[str, None] = {}
    for pattern in patterns:
        for expanded in _expand_braces(pattern):
            if is_glob(expanded):
                out.update(dict.fromkeys(tree.glob(expanded)))
            elif (path := normalize(expanded)) is not None:
                out[path] = None
    return list(out)
