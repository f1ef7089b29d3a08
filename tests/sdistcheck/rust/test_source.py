from __future__ import annotations

from sdistcheck.rust import source as _rust

SOURCE = r"""
//! Crate docs: include_str!("doc-comment.md") is prose, not a reference
/// also include_bytes!("outer-doc.bin")
#![doc = include_str!("../README.md")]
/* block /* nested include_bytes!("nested.bin") */ mod in_comment; */
#[cfg(all(windows, target_arch = "x86"))]
const GUI: &[u8] =
    include_bytes!("../trampolines/gui.exe");
const S: &str = "mod in_string; include_bytes!(\"in-string.bin\")";
const Q: char = '"';
fn f<'a>(x: &'a str) { let _ = r#"include_str!("raw.txt") mod in_raw;"#; let y = a == b; }
#[cfg(test)]
mod tests;
#[cfg(windows)]
mod win {
    mod inner;
    pub fn g() { include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/x.txt")); }
}
#[path = "other/thing.rs"]
mod thing;
#[cfg_attr(docsrs, doc = include_str!("docs.md"))]
pub struct X { a: u8 }
include!(concat!(env!("OUT_DIR"), "/generated.rs"));
#[cfg(windows)] const W: [u8; 3] = *include_bytes!("w.bin");
#[cfg_attr(unix, path = "sys_unix.rs")]
mod sys;
macro_rules! m { ($p:expr) => { include_str!($p) } }
amod not_a_module;
pub(crate) mod plain;
"""


def test_scan_finds_references_and_guards() -> None:
    result = _rust.scan(SOURCE)
    includes = {i.path: [str(c) for c in i.conditions] for i in result.includes if i.path}
    assert includes == {
        "../README.md": [],
        "../trampolines/gui.exe": ['all(windows, target_arch = "x86")'],
        "data/x.txt": ["windows"],
        "docs.md": ["docsrs"],
        "w.bin": ["windows"],
    }
    manifest_relative = [i.path for i in result.includes if i.manifest_relative]
    assert manifest_relative == ["data/x.txt"]
    assert [i.generated for i in result.includes].count(True) == 1
    mods = {m.name: m for m in result.mods}
    assert set(mods) == {"tests", "inner", "thing", "sys", "plain"}
    assert [str(c) for c in mods["tests"].conditions] == ["test"]
    assert mods["inner"].inline_mods == ("win",)
    assert mods["thing"].path_attr == "other/thing.rs"
    assert [(p, str(c)) for p, c in mods["sys"].cfg_paths] == [("sys_unix.rs", "unix")]


def test_line_numbers_point_at_the_macro() -> None:
    text = '\n\n#[cfg(windows)]\nconst A: &[u8] =\n    include_bytes!("a.exe");\n'
    (inc,) = _rust.scan(text).includes
    assert inc.line == 5


def test_inner_cfg_guards_the_whole_file() -> None:
    result = _rust.scan('#![cfg(target_os = "linux")]\nmod a;\n')
    assert [str(c) for c in result.file_conditions] == ['target_os = "linux"']


def test_attribute_scope_ends_with_the_item() -> None:
    text = (
        '#[cfg(test)]\nfn t() { include_bytes!("t.bin"); }\n'
        'const A: &[u8] = include_bytes!("a.bin");\n'
    )
    conds = {i.path: [str(c) for c in i.conditions] for i in _rust.scan(text).includes}
    assert conds == {"t.bin": ["test"], "a.bin": []}


def test_unterminated_input_does_not_crash() -> None:
    for text in [
        'mod a; "unterminated',
        "/* open comment mod b;",
        "#[cfg(",
        "include_bytes!(",
        'r#"raw',
        "mod",
        "}}}}",
        "'",
    ]:
        _rust.scan(text)


def test_mask_blanks_whole_literals_and_keeps_positions() -> None:
    cases = {
        r'a("x\"y{"); b': r"a(       ); b",  # an escaped quote does not end the string
        'a("x\\\nmod m;"); b': "a(" + " " * 11 + "); b",  # an escape may be a newline
        'mod a; "open mod b;': "mod a;" + " " * 13,  # unterminated: to the end
        'x "ends in \\': "x" + " " * 11,  # unterminated, the last character a backslash
        'br"raw{" ar"q" cr#"c"# "s"': "b"
        + " " * 8
        + "ar"
        + " " * 4
        + "c"
        + " " * 10,  # `ar`: a name
        "'{' /* a /* b */ } */ }": " " * 22 + "}",  # nested comments
        "f // a (\n  /// b {\ng // c": "f " + " " * 16 + "\ng" + " " * 5,  # one comment run
    }
    for text, masked in cases.items():
        assert _rust.mask(text) == masked, text
        assert len(_rust.mask(text)) == len(text)


def test_evaluate_path_expr() -> None:
    assert _rust.evaluate_path_expr('"a/b.txt"') == "a/b.txt"
    assert _rust.evaluate_path_expr('concat!("a", "/", "b")') == "a/b"
    assert _rust.evaluate_path_expr('r"raw\\path"') == "raw\\path"
    assert _rust.evaluate_path_expr("$p") is None
    assert _rust.evaluate_path_expr("SOME_CONST") is None
    assert _rust.evaluate_path_expr('concat!(env!("OUT_DIR"), "/x")') == _rust.OUT_DIR + "/x"


def test_line_texts_are_the_stripped_lines_the_references_are_on() -> None:
    result = _rust.scan('mod a;\r\n  #[cfg(x)]\r\n  mod b; // c\n\ninclude_str!("d");')
    assert [m.line for m in result.mods] == [1, 3] and result.includes[0].line == 5
    assert result.line_texts == {
        1: "mod a;",
        2: "#[cfg(x)]",
        3: "mod b; // c",
        5: 'include_str!("d");',
    }


def test_the_bytes_test_lets_through_every_file_scan_finds_something_in() -> None:
    referencing = [
        "mod a;",
        "pub(crate) mod r#type ;",
        '#[path = "x.rs"]\nmod naïve;',  # a non-ASCII name: the bytes test sees UTF-8 bytes
        "mod\u2028a;",  # a Unicode line separator is whitespace to Rust and to `re` on str
        'const X: &[u8] = include_bytes!("x.bin");',
        'include_str !("a.txt")',
        '#[doc = include_str!("README.md")]\nfn f() {}',
    ]
    for text in referencing:
        found = _rust.scan(text)
        assert found.mods or found.includes, text
        assert _rust.may_reference(text.encode()), text
    for text in ["fn main() {}", "mod tests {\n}", "// includes nothing\nmod x { }", "model;"]:
        assert not _rust.may_reference(text.encode()), text
        assert _rust.scan(text) == _rust.ScanResult()
