"""Discovered Cargo targets a build needs (rust/targets.py), whether they are there or not."""

from __future__ import annotations

from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.rust import crates as _crates
from sdistcheck.rust import targets


def missing(files: dict[str, str]) -> dict[str, Scope]:
    tree = SdistTree.from_mapping("t.tar.gz", files)
    out = _crates.analyse(tree, "Cargo.toml", "pyproject.toml", 1, "")
    return {
        r.target: r.scope
        for r in out.references
        if r.kind == "cargo-discovered-target" and not tree.is_file(r.target)
    }


ROOT = '[package]\nname = "app"\nversion = "1"\n[dependencies]\ncore = { path = "core" }\n'
CORE = '[package]\nname = "core"\nversion = "1"\n'


def test_a_path_dependencys_library_is_needed_even_where_cargo_discovers_it() -> None:
    files = {"Cargo.toml": ROOT, "src/lib.rs": "", "core/Cargo.toml": CORE, "core/src/lib.rs": ""}
    assert missing(files) == {}
    del files["core/src/lib.rs"]
    files["core/src/main.rs"] = "fn main() {}"  # a binary does not stand in for the library
    assert missing(files) == {"core/src/lib.rs": Scope.ALWAYS}


def test_binaries_that_name_the_library_need_it() -> None:
    files = {"Cargo.toml": ROOT.split("[dep")[0], "src/bin/app.rs": "fn main() { app::run() }"}
    assert missing(files) == {"src/lib.rs": Scope.ALWAYS}
    files["src/bin/app.rs"] = "fn main() {}"
    assert missing(files) == {}


def test_a_build_script_is_needed_when_the_code_reads_what_it_makes() -> None:
    lib = 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));\n'
    files = {"Cargo.toml": ROOT.split("[dep")[0], "src/lib.rs": lib}
    assert missing(files) == {"build.rs": Scope.ALWAYS}
    files["src/lib.rs"] = 'const V: Option<&str> = option_env!("GIT_HASH");\n'
    assert missing(files) == {}  # option_env! does without it


def test_a_crate_s_name_is_used_only_at_a_word_start() -> None:
    assert targets._uses("use uv::settings;", "uv")
    assert targets._uses("uv::main()", "uv")
    assert not targets._uses("use fuv::x; let my_uv:: = 1;", "uv")
    assert not targets._uses("uv:: is not uv : :", "uvx")
