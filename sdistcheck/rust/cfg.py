"""Rust `cfg(...)` predicates: parse, render, and judge when a guarded reference is compiled.

A reference under `cfg(all(windows, target_arch = "aarch64"))` is compiled by some release builds
(PLATFORM: it must be in the sdist), one under `cfg(test)` never is (TEST), one under a non-default
feature only when someone asks for it (OPTION).  Three-valued logic keeps platform atoms unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .._model import Scope

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<ident>r#[A-Za-z_]\w*|[A-Za-z_]\w*)|(?P<p>[(),=]))'
)

# Atoms decided by the target, not by the person building: unknown until a platform is chosen.
_PLATFORM_KEYS = frozenset(
    {
        "target_os",
        "target_family",
        "target_arch",
        "target_env",
        "target_vendor",
        "target_abi",
        "target_pointer_width",
        "target_endian",
        "target_feature",
        "target_has_atomic",
        "panic",
        "relocation_model",
        "target_has_atomic_load_store",
        "target_thread_local",
    }
)
_PLATFORM_NAMES = frozenset({"windows", "unix", "wasm"})
_TEST_NAMES = frozenset({"test", "doctest", "doc", "docsrs", "miri", "fuzzing", "coverage", "loom"})


@dataclass(frozen=True)
class Cfg:
    """A cfg predicate: op is 'all', 'any', 'not' or 'atom' (key, value)."""

    op: str
    args: tuple[Cfg, ...] = ()
    key: str = ""
    value: str | None = None

    def __str__(self) -> str:
        if self.op == "atom":
            return self.key if self.value is None else f'{self.key} = "{self.value}"'
        return f"{self.op}({', '.join(str(a) for a in self.args)})"

    def atoms(self) -> Iterable[Cfg]:
        if self.op == "atom":
            yield self
        for a in self.args:
            yield from a.atoms()


class CfgSyntaxError(ValueError):
    pass


def parse(text: str) -> Cfg:
    """Parse the inside of `cfg(...)`, e.g. `all(windows, target_arch = "x86")`."""
    tokens = [(m.lastgroup, m.group(m.lastgroup or "p")) for m in _TOKEN.finditer(text)]
    pos = 0

    def expect(value: str) -> None:
        nonlocal pos
        if pos >= len(tokens) or tokens[pos][1] != value:
            raise CfgSyntaxError(f"expected {value!r} in cfg({text})")
        pos += 1

    def predicate() -> Cfg:
        nonlocal pos
        if pos >= len(tokens) or tokens[pos][0] != "ident":
            raise CfgSyntaxError(f"expected a predicate in cfg({text})")
        name = tokens[pos][1].removeprefix("r#")
        pos += 1
        if name in ("all", "any", "not") and pos < len(tokens) and tokens[pos][1] == "(":
            pos += 1
            args: list[Cfg] = []
            while pos < len(tokens) and tokens[pos][1] != ")":
                args.append(predicate())
                if pos < len(tokens) and tokens[pos][1] == ",":
                    pos += 1
            expect(")")
            if name == "not" and len(args) != 1:
                raise CfgSyntaxError(f"not() takes one predicate in cfg({text})")
            return Cfg(name, tuple(args))
        if pos < len(tokens) and tokens[pos][1] == "=":
            pos += 1
            if pos >= len(tokens) or tokens[pos][0] != "str":
                raise CfgSyntaxError(f"expected a string in cfg({text})")
            value = tokens[pos][1][1:-1]
            pos += 1
            return Cfg("atom", key=name, value=value)
        return Cfg("atom", key=name)

    try:
        result = predicate()
    except RecursionError:
        raise CfgSyntaxError(f"cfg nested too deeply ({len(text)} characters)") from None
    if pos != len(tokens):
        raise CfgSyntaxError(f"trailing tokens in cfg({text})")
    return result


def conjoin(conditions: Iterable[Cfg]) -> Cfg:
    """all() of several predicates, flattened, without duplicates."""
    flat: list[Cfg] = []
    for c in conditions:
        for part in c.args if c.op == "all" else (c,):
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else Cfg("all", tuple(flat))


Truth = bool | None  # None: unknown


def evaluate(cfg: Cfg, atom: Callable[[Cfg], Truth]) -> Truth:
    if cfg.op == "atom":
        return atom(cfg)
    values = [evaluate(a, atom) for a in cfg.args]
    if cfg.op == "not":
        return None if values[0] is None else not values[0]
    if cfg.op == "all":
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)  # any


# Keys that hold one value per build: `target_os = "linux"` and `target_os = "windows"` exclude
# each other.  `windows`/`unix` are shorthands for target_family.
_SINGLE_VALUED = frozenset(
    {
        "target_os",
        "target_family",
        "target_arch",
        "target_env",
        "target_vendor",
        "target_pointer_width",
        "target_endian",
        "panic",
    }
)
_MAX_ATOMS = 12  # 4096 assignments: larger predicates are assumed satisfiable


def _canonical(a: Cfg) -> Cfg:
    if a.value is None and a.key in ("windows", "unix"):
        return Cfg("atom", key="target_family", value=a.key)
    return a


def satisfiable(cfg: Cfg) -> bool:
    """False when no build can make `cfg` true, e.g. `all(not(PyPy), PyPy)` or `all(windows, unix)`.

    Code under such a guard is never compiled, so what it references is no reference.
    """
    atoms = sorted({_canonical(a) for a in cfg.atoms()}, key=str)
    if len(atoms) > _MAX_ATOMS:
        return True
    for bits in range(1 << len(atoms)):
        truth = {a: bool(bits >> i & 1) for i, a in enumerate(atoms)}
        chosen: dict[str, str | None] = {}
        if any(
            truth[a] and chosen.setdefault(a.key, a.value) != a.value
            for a in atoms
            if a.key in _SINGLE_VALUED
        ):
            continue
        if evaluate(cfg, lambda a, t=truth: t[_canonical(a)]):  # type: ignore[misc]
            return True
    return False


def is_platform_atom(a: Cfg) -> bool:
    return a.key in _PLATFORM_KEYS or (a.value is None and a.key in _PLATFORM_NAMES)


def scope_of(cfg: Cfg, enabled_features: frozenset[str] | None = None) -> Scope:
    """When a release build compiles code under `cfg`.

    Release build: no test/doc cfgs, no debug assertions, default (+requested) features on, any
    platform.  `enabled_features=None` means the crate's features are not known: treat as unknown.
    """

    def release(a: Cfg) -> Truth:
        if is_platform_atom(a):
            return None
        if a.key == "feature":
            if enabled_features is None:
                return None
            return a.value in enabled_features
        return False  # test, doc, debug_assertions, custom --cfg flags: off in a release build

    value = evaluate(cfg, release)
    if value is True:
        return Scope.ALWAYS
    if value is None:
        return Scope.PLATFORM if any(is_platform_atom(a) for a in cfg.atoms()) else Scope.OPTION
    # Never in a default release build: say whether tests or options would compile it.
    testing = evaluate(cfg, lambda a: None if a.key in _TEST_NAMES else release(a))
    return Scope.TEST if testing is not False else Scope.OPTION


_OS_LABEL = {"windows": "Windows", "macos": "macOS", "linux": "Linux", "ios": "iOS"}


def describe_platforms(cfg: Cfg) -> str:
    """A short human phrase for where a platform predicate holds, e.g. 'Windows aarch64'."""
    if cfg.op == "atom":
        if cfg.value is None:
            return _OS_LABEL.get(cfg.key, cfg.key)
        if cfg.key in ("target_os", "target_family"):
            return _OS_LABEL.get(cfg.value, cfg.value)
        if cfg.key in ("target_arch", "target_env", "target_pointer_width"):
            return cfg.value + ("-bit" if cfg.key == "target_pointer_width" else "")
        return f"{cfg.key}={cfg.value}"
    parts = [describe_platforms(a) for a in cfg.args if any(map(is_platform_atom, a.atoms()))]
    if cfg.op == "not":
        return f"not {parts[0]}" if parts else ""
    return (" " if cfg.op == "all" else " or ").join(p for p in parts if p)
