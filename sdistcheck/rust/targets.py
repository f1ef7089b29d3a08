"""Targets cargo discovers by their place (`src/lib.rs`, `build.rs`) that a build still needs.

Cargo requires a declared target's file; a discovered one it simply does without when it is
gone.  The build does not: a path dependency's library is what its dependents compile against
(cargo ignores a dependency "which is missing a lib target", and the dependents' `use` fails);
a package's binaries that name its library (`uv::main()` in `src/bin/uv.rs`) need it; code that
includes what the build script writes (`env!("OUT_DIR")`), or reads a variable the script sets
(`env!("X")` for its `cargo:rustc-env=X=..`), needs the script.  Only these certain cases are
references, whether the file is there or not; a discovered binary, or a build script nothing
reads, is not one.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from ..archive.tree import SdistTree
from .cargo import Crate

_ENV = re.compile(r"\benv!\s*\(\s*\"([A-Za-z_][A-Za-z0-9_]*)\"")
_RUSTC_ENV = re.compile(r"cargo:{1,2}rustc-env=([A-Za-z_][A-Za-z0-9_]*)=")


def needed_implicit(
    tree: SdistTree, crate: Crate, is_root: bool, sources: Iterable[str]
) -> list[tuple[str, str]]:
    """(path, why) of the discovered targets of CRATE its build needs, present or not; SOURCES
    are the crate's files the build compiles (to see what they read)."""
    out = []
    kinds = {t.kind for t in crate.targets}
    lib = next((t for t in crate.targets if t.kind == "lib"), None)
    lib_path = posixpath.join(crate.dir, "src/lib.rs")
    if lib is None or (not lib.explicit and lib.path == lib_path):
        if not is_root and "package" in crate.doc:
            out.append((lib_path, "the library of a path dependency: its dependents use it"))
        elif is_root:
            name = crate.name.replace("-", "_")
            bins = [t.path for t in crate.targets if t.kind == "bin" and t.path is not None]
            if any(_uses(tree.read_text(b) or "", name) for b in bins):
                out.append((lib_path, f"the package's binaries use its library ({name}::)"))
    build = next((t for t in crate.targets if t.kind == "build"), None)
    build_path = posixpath.join(crate.dir, "build.rs")
    if "build" in kinds and (build is None or build.explicit):
        return out
    if crate.doc.get("package", {}).get("build") is False:
        return out
    # Most sources never say env!: look at the bytes before decoding them (ASCII survives
    # decoding unchanged, invalid bytes or not).
    texts = (tree.read_text(s) or "" for s in sources if b"env!" in (tree.read_bytes(s) or b""))
    read = {m for text in texts for m in _ENV.findall(text)}
    printed = set(_RUSTC_ENV.findall(tree.read_text(build_path) or ""))
    if "OUT_DIR" in read or read & printed:
        which = "OUT_DIR" if "OUT_DIR" in read else sorted(read & printed)[0]
        out.append((build_path, f'the crate\'s code reads env!("{which}"), which it sets'))
    return out


def _uses(text: str, name: str) -> bool:
    """Whether TEXT has `name::` at a word start: the literal found at C speed, the boundary
    checked after (a regex starting with `\b` tries every position of a long file)."""
    needle, pos = f"{name}::", 0
    while (pos := text.find(needle, pos)) >= 0:
        before = text[pos - 1 : pos]
        if not (before.isalnum() or before == "_"):
            return True
        pos += 1
    return False
