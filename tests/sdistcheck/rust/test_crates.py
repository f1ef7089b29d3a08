"""The Cargo walk: what cargo loads, what a build compiles, and under which scope."""

from __future__ import annotations

from sdistcheck._check import satisfied
from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.rust import crates as _crates


def missing(files: dict[str, str], manifest: str = "Cargo.toml", **kw: object) -> dict[str, Scope]:
    tree = SdistTree.from_mapping("t.tar.gz", files)
    out = _crates.analyse(tree, manifest, "pyproject.toml", 1, "", **kw)  # type: ignore[arg-type]
    result: dict[str, Scope] = {}
    for ref in out.references:
        if not satisfied(tree, ref):
            best = result.get(ref.target)
            if best is None or _crates._RANK[ref.scope] < _crates._RANK[best]:
                result[ref.target] = ref.scope
    return result


def refs(files: dict[str, str], manifest: str = "Cargo.toml") -> list[Reference]:
    tree = SdistTree.from_mapping("t.tar.gz", files)
    return _crates.analyse(tree, manifest, "pyproject.toml", 1, "").references


PKG = '[package]\nname = "p"\nversion = "0.1.0"\n'


def test_complete_crate_has_nothing_missing() -> None:
    assert missing({"Cargo.toml": PKG, "src/lib.rs": "mod a;\n", "src/a.rs": ""}) == {}


def test_missing_manifest_of_the_root() -> None:
    assert missing({}, "crates/x/Cargo.toml") == {"crates/x/Cargo.toml": Scope.ALWAYS}


def test_module_resolution_nested_and_mod_rs() -> None:
    files = {
        "Cargo.toml": PKG,
        "src/lib.rs": "mod a;\nmod b;\n",
        "src/a.rs": "mod deep;\n",  # non-mod-rs: looks in src/a/
        "src/b/mod.rs": "mod c;\nmod inline { mod d; }\n",  # mod-rs: looks in src/b/
        "src/b/c.rs": "",
    }
    assert missing(files) == {"src/a/deep.rs": Scope.ALWAYS, "src/b/inline/d.rs": Scope.ALWAYS}


def test_path_attribute_is_relative_to_the_file() -> None:
    files = {"Cargo.toml": PKG, "src/lib.rs": '#[path = "gen/x.rs"]\nmod x;\n'}
    assert missing(files) == {"src/gen/x.rs": Scope.ALWAYS}


def test_mod_alternative_satisfies() -> None:
    (ref,) = [r for r in refs({"Cargo.toml": PKG, "src/lib.rs": "mod a;"}) if r.kind == "mod"]
    assert ref.target == "src/a.rs" and ref.alternatives == ("src/a/mod.rs",)


def test_test_only_module_is_test_scope() -> None:
    files = {"Cargo.toml": PKG, "src/lib.rs": "#[cfg(test)]\nmod tests;\n"}
    assert missing(files) == {"src/tests.rs": Scope.TEST}


def test_platform_include_is_platform_scope_with_condition() -> None:
    files = {
        "Cargo.toml": PKG,
        "src/lib.rs": (
            '#[cfg(all(windows, target_arch = "aarch64"))]\n'
            'const T: &[u8] = include_bytes!("../tramp/a.exe");\n'
        ),
    }
    assert missing(files) == {"tramp/a.exe": Scope.PLATFORM}
    (ref,) = [r for r in refs(files) if r.kind == "include_bytes"]
    assert ref.condition == 'cfg(all(windows, target_arch = "aarch64"))'
    assert ref.platforms == "Windows aarch64" and ref.line == 2


def test_default_features_are_on_and_others_are_options() -> None:
    manifest = PKG + '[features]\ndefault = ["a"]\na = []\nb = []\n'
    lib = '#[cfg(feature = "a")]\nmod fa;\n#[cfg(feature = "b")]\nmod fb;\n'
    files = {"Cargo.toml": manifest, "src/lib.rs": lib}
    assert missing(files) == {"src/fa.rs": Scope.ALWAYS, "src/fb.rs": Scope.OPTION}
    assert missing(files, features=("b",), default_features=False) == {
        "src/fa.rs": Scope.OPTION,
        "src/fb.rs": Scope.ALWAYS,
    }


def test_path_dependency_manifest_is_always_needed_even_when_optional() -> None:
    manifest = PKG + '[dependencies]\nopt = { path = "opt", optional = true }\n'
    files = {"Cargo.toml": manifest, "src/lib.rs": ""}
    assert missing(files) == {"opt/Cargo.toml": Scope.ALWAYS}


def test_optional_dependency_sources_are_option_scope() -> None:
    manifest = PKG + '[dependencies]\nopt = { path = "opt", optional = true }\n'
    files = {
        "Cargo.toml": manifest,
        "src/lib.rs": "",
        "opt/Cargo.toml": '[package]\nname = "opt"\n',
        "opt/src/lib.rs": "mod gone;",
    }
    assert missing(files) == {"opt/src/gone.rs": Scope.OPTION}


def test_target_specific_dependency_is_platform_scope() -> None:
    manifest = PKG + "[target.'cfg(windows)'.dependencies]\nw = { path = \"w\" }\n"
    files = {
        "Cargo.toml": manifest,
        "src/lib.rs": "",
        "w/Cargo.toml": '[package]\nname = "w"\n',
        "w/src/lib.rs": "mod gone;",
    }
    assert missing(files) == {"w/src/gone.rs": Scope.PLATFORM}


def test_dev_dependencies_only_matter_for_tests() -> None:
    files = {"Cargo.toml": PKG + '[dev-dependencies]\nt = { path = "t" }\n', "src/lib.rs": ""}
    assert missing(files) == {"t/Cargo.toml": Scope.TEST}


def test_explicit_targets_must_exist_at_manifest_load() -> None:
    manifest = PKG + '[[bench]]\nname = "speed"\n[[bin]]\nname = "tool"\npath = "src/tool.rs"\n'
    files = {"Cargo.toml": manifest, "src/lib.rs": ""}
    assert missing(files) == {"benches/speed.rs": Scope.ALWAYS, "src/tool.rs": Scope.ALWAYS}


def test_package_without_targets() -> None:
    assert missing({"Cargo.toml": PKG}) == {"src/lib.rs": Scope.ALWAYS}


def test_workspace_members_globs_exclude_and_explicit() -> None:
    root = '[workspace]\nmembers = ["crates/*", "tools/gen"]\nexclude = ["crates/skip"]\n'
    files = {
        "Cargo.toml": root,
        "crates/app/Cargo.toml": '[package]\nname = "app"\n'
        "[dependencies]\nlib2 = { workspace = true }\n",
        "crates/app/src/main.rs": "",
        "crates/skip/README": "",  # a glob match without a manifest is no member
    }
    files["Cargo.toml"] += '[workspace.dependencies]\nlib2 = { path = "crates/lib2" }\n'
    assert missing(files, "crates/app/Cargo.toml") == {
        "tools/gen/Cargo.toml": Scope.ALWAYS,
        "crates/lib2/Cargo.toml": Scope.ALWAYS,
    }


def test_include_with_manifest_dir_and_out_dir() -> None:
    lib = (
        'const A: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/a.txt"));\n'
        'include!(concat!(env!("OUT_DIR"), "/gen.rs"));\n'
    )
    tree = SdistTree.from_mapping("t", {"crate/Cargo.toml": PKG, "crate/src/lib.rs": lib})
    out = _crates.analyse(tree, "crate/Cargo.toml", "pyproject.toml", 1, "")
    assert [r.target for r in out.references if r.kind == "include_str"] == ["crate/data/a.txt"]
    assert out.generated_includes == 1


def test_include_leaving_the_sdist_is_reported() -> None:
    files = {"Cargo.toml": PKG, "src/lib.rs": 'const A: &str = include_str!("../../x");'}
    (ref,) = [r for r in refs(files) if r.kind == "include_str"]
    assert ref.note == "the path leaves the sdist"
    assert missing(files) == {"../x": Scope.ALWAYS}


def test_build_script_and_bins_are_compiled() -> None:
    files = {
        "Cargo.toml": PKG,
        "build.rs": "mod helper;",
        "src/main.rs": "",
        "src/bin/extra.rs": 'const A: &[u8] = include_bytes!("../../assets/logo.png");',
    }
    assert missing(files) == {"helper.rs": Scope.ALWAYS, "assets/logo.png": Scope.ALWAYS}


def test_cfg_attr_paths_covering_every_case_make_the_default_unreachable() -> None:
    # ormsgpack 1.13.1, src/ffi/mod.rs: no impl_.rs exists, and none is needed.
    lib = (
        '#[cfg_attr(any(PyPy, GraalPy), path = "base/mod.rs")]\n'
        '#[cfg_attr(not(any(PyPy, GraalPy)), path = "cpython/mod.rs")]\nmod impl_;\n'
    )
    files = {"Cargo.toml": PKG, "src/lib.rs": lib, "src/base/mod.rs": "", "src/cpython/mod.rs": ""}
    assert missing(files) == {}
    del files["src/cpython/mod.rs"]
    assert missing(files) == {"src/cpython/mod.rs": Scope.ALWAYS}


def test_contradictory_platform_guard_is_no_reference() -> None:
    lib = '#[cfg(all(windows, unix))]\nconst A: &[u8] = include_bytes!("never.bin");\n'
    assert missing({"Cargo.toml": PKG, "src/lib.rs": lib}) == {}


def test_readme_and_license_file_inherited_from_the_workspace() -> None:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["app"]\n[workspace.package]\nreadme = "README.md"\n'
        'license-file = "LICENSE"\n',
        "app/Cargo.toml": '[package]\nname = "app"\nreadme.workspace = true\n'
        "license-file = { workspace = true }\n",
        "app/src/lib.rs": "",
    }
    tree = SdistTree.from_mapping("t", files)
    out = _crates.analyse(tree, "app/Cargo.toml", "pyproject.toml", 1, "")
    got = {
        r.kind: (r.target, r.scope)
        for r in out.references
        if "readme" in r.kind or "license" in r.kind
    }
    assert got == {
        "cargo-readme": ("README.md", Scope.GUARDED),
        "cargo-license-file": ("LICENSE", Scope.GUARDED),
    }
    required = _crates.analyse(
        tree, "app/Cargo.toml", "pyproject.toml", 1, "", readme_required=True
    )
    assert ("README.md", Scope.ALWAYS) in [(r.target, r.scope) for r in required.references]


def test_all_features_turns_every_feature_on() -> None:
    manifest = PKG + "[features]\nextra = []\n"
    files = {"Cargo.toml": manifest, "src/lib.rs": '#[cfg(feature = "extra")]\nmod gone;\n'}
    assert missing(files) == {"src/gone.rs": Scope.OPTION}
    assert missing(files, all_features=True) == {"src/gone.rs": Scope.ALWAYS}


def test_a_manifest_in_toml_1_1_is_read_as_cargo_reads_it() -> None:
    # pyqwest 0.12.0: dependencies as inline tables over several lines, with a trailing comma
    manifest = PKG + '[dependencies]\nreqwest = {\n  version = "0.13",\n  features = ["gzip"],\n}\n'
    assert missing({"Cargo.toml": manifest, "src/lib.rs": "mod a;\n"}) == {"src/a.rs": Scope.ALWAYS}


def test_a_manifest_that_is_not_toml_is_listed_as_unchecked() -> None:
    tree = SdistTree.from_mapping("t.tar.gz", {"Cargo.toml": "[package\nname = 1\n"})
    out = _crates.analyse(tree, "Cargo.toml", "pyproject.toml", 1, "")
    assert [u.source for u in out.unchecked] == ["Cargo.toml"]
    assert "not valid TOML" in out.unchecked[0].what
