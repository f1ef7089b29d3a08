"""meson: parser, references with their scopes, compile units, and hostile input."""

from __future__ import annotations

import time

import pytest
from native_helpers import scopes, units

from sdistcheck._model import Reference, Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.meson import analysis as _meson
from sdistcheck.meson import lexer
from sdistcheck.native.model import NativeAnalysis


def analyse(files: dict[str, str], root: str = "") -> NativeAnalysis:
    return _meson.analyse(SdistTree.from_mapping("t", files), root)


def refs(out: NativeAnalysis) -> dict[str, Reference]:
    return {r.target: r for r in out.references}


def test_parser_syntax() -> None:
    statements, lines, problem = lexer.parse(
        "# comment files('no.c')\n"
        "x = '''multi\nline''' # trailing\n"
        "d = {'a': [1, 2,], 'b': true ? 'y' : 'n'}\n"
        "y = f'@x@' + 'esc\\'aped'\n"
        "foreach k, v : d\n  if k in ['a'] and not (v == 1)\n    break\n  endif\nendforeach\n"
        "z = meson.current_source_dir() / 'sub'\n"
    )
    assert problem is None
    assert len(statements) == 5 and len(lines) == 11


def test_subdir_files_and_targets() -> None:
    out = analyse(
        {
            "meson.build": """
project('demo', 'c', 'cython', license_files: ['LICENSE'])
py = import('python').find_installation(pure: false)
srcs = files('src/a.c', 'src/missing.c')
inc = include_directories('include', 'no_such_dir')
dep = declare_dependency(include_directories: include_directories('vendor/inc'))
py.extension_module('_ext', srcs, 'src/_ext.pyx', 'src/gone.c',
  include_directories: inc, dependencies: [dep], install: true)
subdir('pkg')
subdir('absent')
""",
            "LICENSE": "",
            "src/a.c": "",
            "src/_ext.pyx": "",
            "include/x.h": "",
            "vendor/inc/v.h": "",
            "pkg/meson.build": "static_library('p', 'p.c', sources: ['q.c'],"
            " implicit_include_directories: false)\n",
        }
    )
    got = refs(out)
    assert {t: (r.kind, r.scope) for t, r in got.items()} == {
        "LICENSE": ("meson-license-files", Scope.ALWAYS),
        "src/a.c": ("meson-files", Scope.ALWAYS),
        "src/missing.c": ("meson-files", Scope.ALWAYS),
        "include": ("meson-include-directories", Scope.ALWAYS),
        "no_such_dir": ("meson-include-directories", Scope.ALWAYS),
        "vendor/inc": ("meson-include-directories", Scope.ALWAYS),
        "src/_ext.pyx": ("meson-source", Scope.ALWAYS),
        "src/gone.c": ("meson-source", Scope.ALWAYS),
        "pkg/meson.build": ("meson-subdir", Scope.ALWAYS),
        "pkg/p.c": ("meson-source", Scope.ALWAYS),
        "pkg/q.c": ("meson-source", Scope.ALWAYS),
        "absent/meson.build": ("meson-subdir", Scope.ALWAYS),
    }
    assert got["include"].is_dir and got["src/missing.c"].line == 4
    assert (
        got["src/gone.c"].text == "py.extension_module('_ext', srcs, 'src/_ext.pyx', 'src/gone.c',"
    )
    compiled = units(out)
    assert set(compiled) == {
        "src/a.c",
        "src/missing.c",
        "src/_ext.pyx",
        "src/gone.c",
        "pkg/p.c",
        "pkg/q.c",
    }
    # meson adds the target's own directory, then include_directories:, then dependencies'.
    assert compiled["src/a.c"].include_dirs == ("", "include", "no_such_dir", "vendor/inc")
    assert compiled["pkg/p.c"].include_dirs == ()
    assert (compiled["pkg/p.c"].declared_in, compiled["pkg/p.c"].line) == ("pkg/meson.build", 1)


def test_generated_inputs_installs_and_paths() -> None:
    out = analyse(
        {
            "meson.build": """
conf = configure_file(input: 'config.h.in', output: 'config.h', configuration: {})
gen = custom_target('gen', input: ['gen/tmpl.txt', files('gen/other.txt')], output: 'gen.c',
  command: ['python', '@INPUT@', '@OUTPUT@'], depend_files: 'gen/helper.py')
g = generator(find_program('tools/cy.py'), output: '@BASENAME@.c', arguments: ['@INPUT@'])
executable('tool', gen, conf, g.process('src/parse.y'), gen[0])
py = import('python').find_installation()
py.install_sources('pkg/__init__.py', 'pkg/gone.py', subdir: 'pkg')
install_data('data/a.json')
install_subdir('pkg/templates', install_dir: 'share')
vcs_tag(input: 'version.h.in', output: 'version.h')
here = meson.current_source_dir()
top = meson.project_source_root()
executable('paths', here / 'p1.c', join_paths(top, 'p2.c'), meson.current_build_dir() / 'b.c')
"""
        }
    )
    assert {t: (r.kind, r.scope) for t, r in refs(out).items()} == {
        "config.h.in": ("meson-configure-file", Scope.ALWAYS),
        "gen/tmpl.txt": ("meson-custom-target-input", Scope.ALWAYS),
        "gen/other.txt": ("meson-files", Scope.ALWAYS),
        "gen/helper.py": ("meson-custom-target-input", Scope.ALWAYS),
        "tools/cy.py": ("meson-find-program", Scope.ALWAYS),
        "src/parse.y": ("meson-generator-input", Scope.ALWAYS),
        "pkg/__init__.py": ("meson-install-sources", Scope.ALWAYS),
        "pkg/gone.py": ("meson-install-sources", Scope.ALWAYS),
        "data/a.json": ("meson-install", Scope.ALWAYS),
        "pkg/templates": ("meson-install-subdir", Scope.GUARDED),  # meson only warns
        "version.h.in": ("meson-vcs-tag", Scope.ALWAYS),
        "p1.c": ("meson-source", Scope.ALWAYS),
        "p2.c": ("meson-source", Scope.ALWAYS),
    }
    # What the build writes, by path (the build tree mirrors the source tree) and by file name:
    # an #include of one of them is no missing file.
    assert isinstance(out, _meson.BuildAnalysis)
    assert out.generated == ["config.h", "gen.c", "parse.c", "version.h"]


def test_conditions() -> None:
    out = analyse(
        {
            "meson.build": """
project('c', 'c')
cc = meson.get_compiler('c')
fs = import('fs')
is_windows = host_machine.system() == 'windows'
srcs = ['common.c']
if is_windows
  srcs += 'win.c'
elif host_machine.cpu_family() == 'aarch64'
  srcs += ['neon.c']
else
  srcs += files('posix.c')
endif
if cc.get_id() == 'msvc'
  srcs += 'msvc.c'
endif
if cc.has_header('sys/epoll.h')
  srcs += 'epoll.c'
endif
executable('x', srcs)
if get_option('tests')
  subdir('tests')
endif
if get_option('build-docs')
  subdir('docs')
endif
if get_option('with_foo')
  executable('foo', 'foo.c')
else
  executable('nofoo', 'nofoo.c')
endif
if get_option('simd').enabled()
  executable('simd', 'simd.c')
endif
if get_option('buildtype') == 'debug'
  executable('dbg', 'dbg.c')
endif
if fs.exists('vendored/meson.build')
  subdir('vendored')
endif
if fs.is_file('present.txt')
  executable('present', 'with_present.c')
endif
if false
  subdir('never')
endif
if true and not true
  subdir('never2')
endif
""",
            "meson.options": "option('tests', type: 'boolean', value: false)\n"
            "option('build-docs', type: 'boolean')\n"
            "option('with_foo', type: 'boolean', value: false)\n"
            "option('simd', type: 'feature', value: 'disabled')\n",
            "present.txt": "",
        }
    )
    assert scopes(out) == {
        "common.c": Scope.ALWAYS,
        "win.c": Scope.PLATFORM,
        "neon.c": Scope.PLATFORM,
        "posix.c": Scope.PLATFORM,
        "msvc.c": Scope.PLATFORM,
        "epoll.c": Scope.PLATFORM,
        "tests/meson.build": Scope.TEST,
        "docs/meson.build": Scope.TEST,
        "foo.c": Scope.OPTION,
        "nofoo.c": Scope.ALWAYS,  # with_foo is off by default: its else is the ordinary build
        "simd.c": Scope.OPTION,
        "dbg.c": Scope.OPTION,
        "vendored/meson.build": Scope.GUARDED,
        "with_present.c": Scope.ALWAYS,  # present.txt is shipped: the branch always runs
        "meson.options": Scope.ALWAYS,
    }
    got = refs(out)
    assert got["win.c"].condition == got["win.c"].platforms == "if is_windows"
    assert (
        got["neon.c"].condition == "elif host_machine.cpu_family() == 'aarch64' after if is_windows"
    )
    assert got["posix.c"].condition == "else of if is_windows"
    options = got["meson.options"]
    assert (options.kind, options.alternatives, options.line) == (
        "meson-options",
        ("meson_options.txt",),
        21,
    )


def test_options_file_only_for_project_options() -> None:
    builtin = "if get_option('buildtype') == 'debug' or get_option('b_ndebug') == 'true'\nendif\n"
    assert analyse({"meson.build": builtin}).references == []
    assert analyse({"meson.build": "x = 1\n"}).references == []
    out = analyse({"meson.build": "if get_option('x')\nendif\nx = get_option('y')\n"})
    assert [(r.target, r.line, r.scope) for r in out.references] == [
        ("meson.options", 1, Scope.ALWAYS)
    ]


def test_submodule_checks_and_subdir_done() -> None:
    out = analyse(
        {
            "meson.build": """
fs = import('fs')
if not fs.exists('extern/lib/meson.build')
  error('run git submodule update --init')
endif
assert(fs.is_dir('extern/other'), 'missing submodule')
subdir('a')
subdir('b')
""",
            "a/meson.build": "executable('a', 'a.c')\nsubdir_done()\nexecutable('c', 'c.c')\n",
            "b/meson.build": "if get_option('skip')\nsubdir_done()\nendif\nlibrary('b', 'b.c')\n",
        }
    )
    assert scopes(out) == {
        "extern/lib/meson.build": Scope.ALWAYS,
        "extern/other": Scope.ALWAYS,
        "a/meson.build": Scope.ALWAYS,
        "a/a.c": Scope.ALWAYS,
        "b/meson.build": Scope.ALWAYS,
        "b/b.c": Scope.OPTION,  # only when the conditional subdir_done() was not taken
        "meson.options": Scope.ALWAYS,
    }
    assert refs(out)["extern/lib/meson.build"].kind == "meson-exists-required"


def test_values_set_in_branches_exclude_each_other() -> None:
    out = analyse(
        {
            "meson.build": """
if host_machine.system() == 'windows'
  name = 'win'
else
  name = 'posix'
  executable('x', name + '.c')
endif
executable('y', name + '_after.c')
ext = host_machine.system() == 'darwin' ? 'mm' : 'c'
executable('z', 'impl.' + ext)
"""
        }
    )
    assert scopes(out) == {
        "posix.c": Scope.PLATFORM,  # not win.c: that value is from the other branch
        "win_after.c": Scope.PLATFORM,
        "posix_after.c": Scope.PLATFORM,
        "impl.mm": Scope.PLATFORM,
        "impl.c": Scope.PLATFORM,
    }


def test_unknown_strings_are_skipped_with_a_note() -> None:
    out = analyse(
        {
            "meson.build": "v = '2'\n"
            "executable('a', '@0@/x.c'.format('src'), f'src/@v@.c', get_option('src'),"
            " 'known.c')\nforeach name : ['one', 'two']\n  executable(name, name + '.c')\n"
            "endforeach\n"
        }
    )
    assert set(refs(out)) == {"known.c", "one.c", "two.c", "meson.options"}
    assert out.notes == [
        "3 meson path(s) computed at configure time ('@0@'.format(), f-strings, options) "
        "were skipped"
    ]


# -- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("executable('b', 'b.c'\n", "unexpected end of file"),
        ("x = 'never closed\n", "unterminated string"),
        ("x = '''never closed\n", "unterminated ''' string"),
        ("x = $\n", "unexpected character"),
        ("if true\nx = 1\n", "missing"),
        ("foreach x : [1]\n", "missing"),
        ("x = [1, 2\ny = 3\n", "expected"),
    ],
)
def test_malformed_input_keeps_what_was_parsed(text: str, problem: str) -> None:
    out = analyse({"meson.build": "executable('a', 'a.c')\n" + text})
    assert [r.target for r in out.references] == ["a.c"]
    assert any(problem in n and "analysed up to there" in n for n in out.notes), out.notes


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n",
        "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
        "if true\n" * 10_000 + "x = 1\n" + "endif\n" * 10_000,
        "if " + "not " * 10_000 + "true\nendif\n",
        "x = " + "-" * 10_000 + "1\n",
        "x = 'a'" + ".strip()" * 10_000 + "\n",
        "x = 'a'" + " + 'b'" * 10_000 + "\n",
        "x = [[1]]\ny = x" + "[0]" * 10_000 + "\n",
        "if " + " and ".join(["true"] * 10_000) + "\nendif\n",
        "x = 'ab'\n" + "x = x + x\n" * 64,
        "x = ['ab']\n" + "x = x + x\n" * 64,
        "subdir('.')\n",
        "endif\nendforeach\n",
    ],
    ids=[
        "parens",
        "arrays",
        "if-nesting",
        "nots",
        "negations",
        "method-chain",
        "plus-chain",
        "index-chain",
        "and-chain",
        "string-doubling",
        "array-doubling",
        "self-subdir",
        "stray-ends",
    ],
)
def test_deep_or_runaway_input_stays_bounded(text: str) -> None:
    started = time.perf_counter()
    out = analyse({"meson.build": "executable('a', 'a.c')\n" + text})
    assert "a.c" in refs(out)
    assert time.perf_counter() - started < 10


def test_loops_that_explode_stop_with_a_note() -> None:
    text = (
        "l = range(200)\nforeach a : l\nforeach b : l\nforeach c : l\nx = 1\n"
        "endforeach\nendforeach\nendforeach\n"
    )
    out = analyse({"meson.build": "executable('a', 'a.c')\n" + text})
    assert "a.c" in refs(out)
    assert any("stopped early" in n for n in out.notes)


def test_a_dependency_required_by_a_feature_off_by_default_is_not_found() -> None:
    # numcodecs: dependency('libzstd', required: get_option('system_zstd')) with the option
    # disabled by default is never looked up, so the vendored copy is the ordinary build
    out = analyse(
        {
            "meson.build": "zstd = dependency('libzstd', required: get_option('system_zstd'))\n"
            "if not zstd.found()\n  executable('z', 'vendored/zstd.c')\nendif\n"
            "lz4 = dependency('liblz4', required: get_option('system_lz4'))\n"
            "if not lz4.found()\n  executable('l', 'vendored/lz4.c')\nendif\n"
            "if zstd.found()\n  executable('s', 'system.c')\nendif\n",
            "meson.options": "option('system_zstd', type: 'feature', value: 'disabled')\n"
            "option('system_lz4', type: 'feature', value: 'auto')\n",
        }
    )
    got = scopes(out)
    assert got["vendored/zstd.c"] is Scope.ALWAYS
    assert got["vendored/lz4.c"] is Scope.OPTION  # auto: found where the library is installed
    assert got["system.c"] is Scope.OPTION
