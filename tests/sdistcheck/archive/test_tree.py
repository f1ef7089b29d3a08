from __future__ import annotations

from sdistcheck.archive.tree import SdistTree, glob_to_regex, normalize


def tree() -> SdistTree:
    return SdistTree.from_mapping(
        "t",
        {
            "crates/a/src/bin/x.rs": "",
            "crates/a/src/bin/y/main.rs": "",
            "crates/a/src/lib.rs": "",
            "crates/b/Cargo.toml": "",
            "README.md": "",
            "docs/a.md": "",
            "docs/sub/b.md": "",
        },
    )


def test_glob_fast_path_and_regex_path_agree() -> None:
    t = tree()
    assert t.glob("src/bin/*.rs", "crates/a") == ["crates/a/src/bin/x.rs"]
    assert t.glob("docs/*.md") == ["docs/a.md"]
    assert t.glob("docs/**/*.md") == ["docs/a.md", "docs/sub/b.md"]
    assert t.glob("crates/*/Cargo.toml") == ["crates/b/Cargo.toml"]
    assert t.glob("*.md") == ["README.md"]
    assert t.glob("crates/?/src/lib.rs") == ["crates/a/src/lib.rs"]
    assert t.glob("../x/*") == []


def test_dirs_links_and_normalize() -> None:
    t = tree()
    assert t.is_dir("crates/a/src") and t.glob_dirs("crates/*") == ["crates/a", "crates/b"]
    t.add_link("alias.md", "docs/a.md")
    assert t.is_file("alias.md") and t.glob("*.md") == ["README.md", "alias.md"]
    assert normalize("a/./b/../c") == "a/c" and normalize("a/../../b") is None
    assert glob_to_regex("[!a]x").match("bx") and not glob_to_regex("[!a]x").match("ax")


def test_normalize_returns_normal_paths_as_they_are_and_fixes_the_rest() -> None:
    cases = {
        "src/lib.rs": "src/lib.rs",
        "a/...b/c..": "a/...b/c..",  # dots inside names are names
        ".github/x": ".github/x",
        "a/.hidden": "a/.hidden",
        "./a": "a",
        "a/./b": "a/b",
        "a/b/.": "a/b",
        "a//b": "a/b",
        "/a": "a",
        "a/b/": "a/b",
        "a\\b": "a/b",
        ".": "",
        "": "",
        "a/..": "",
        "..": None,
        "a/../..": None,
    }
    for path, normal in cases.items():
        assert normalize(path) == normal, path
