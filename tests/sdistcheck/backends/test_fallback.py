from __future__ import annotations

from sdistcheck import _check
from sdistcheck._model import Severity
from sdistcheck.archive.tree import SdistTree

# google-crc32c 1.9.0's form: the extension is built in a function, with local names, and a
# failed build (setup() raises SystemExit) falls back to a pure-Python one
SETUP = """import os, setuptools
def build_c_extension():
    module_path = os.path.join("src", "pkg", "_c.c")
    sources = [os.path.normcase(module_path)]
    module = setuptools.Extension("pkg._c", sources=sources)
    setuptools.setup(ext_modules=[module])
def build_pure_python():
    setuptools.setup(ext_modules=[])
try:
    build_c_extension()
except SystemExit:
    build_pure_python()
"""


def _findings(setup: str) -> dict[str, tuple[Severity, bool, str | None]]:
    tree = SdistTree.from_mapping("p-1", {"PKG-INFO": "Name: p\n", "setup.py": setup})
    return {
        f.path: (f.severity, f.references[0].tolerated, f.references[0].note)
        for f in _check.check(tree).findings
    }


def test_sources_of_a_build_that_falls_back_are_tolerated() -> None:
    severity, tolerated, note = _findings(SETUP)["src/pkg/_c.c"]
    assert severity is Severity.WARNING and tolerated
    assert note is not None and note.startswith("setup.py:9 falls back to a build without")


def test_without_the_fallback_the_function_local_sources_are_an_error() -> None:
    plain = SETUP.split("try:")[0] + "build_c_extension()\n"
    assert _findings(plain)["src/pkg/_c.c"] == (Severity.ERROR, False, None)
    reraises = SETUP.replace("    build_pure_python()\n", "    raise\n")
    assert _findings(reraises)["src/pkg/_c.c"][0] is Severity.ERROR


# pymongo 4.20.1's form: build_ext goes on when an extension fails, unless the environment asks
OPTIONAL_BUILD_EXT = """import os, warnings
from setuptools import setup, Extension
from setuptools.command.build_ext import build_ext
class custom_build_ext(build_ext):
    def build_extension(self, ext):
        try:
            build_ext.build_extension(self, ext)
        except Exception:
            if os.environ.get("MUST_BUILD"):
                raise
            warnings.warn("the extension could not be compiled")
setup(cmdclass={"build_ext": custom_build_ext},
      ext_modules=[Extension("p._c", sources=["p/_c.c", "p/gone.c"])])
"""


def _optional_tree(setup: str) -> SdistTree:
    files = {"PKG-INFO": "Name: p\n", "setup.py": setup, "p/_c.c": '#include "_c.h"\n'}
    return SdistTree.from_mapping("p-1", files)


def test_an_optional_build_ext_tolerates_missing_sources_and_their_headers() -> None:
    findings = {f.path: f for f in _check.check(_optional_tree(OPTIONAL_BUILD_EXT)).findings}
    for path in ("p/gone.c", "p/_c.h"):  # a declared source, and a header one includes
        assert findings[path].severity is Severity.WARNING
        assert findings[path].references[0].tolerated
        note = str(findings[path].references[0].note)
        assert note.startswith("custom_build_ext (setup.py:4) builds the wheel without")


def test_a_handler_that_re_raises_in_the_default_build_is_no_fallback() -> None:
    strict = OPTIONAL_BUILD_EXT.replace('if os.environ.get("MUST_BUILD"):', "if ext.name:")
    bare = OPTIONAL_BUILD_EXT.replace(
        'if os.environ.get("MUST_BUILD"):\n                raise', "raise"
    )
    for setup in (strict, bare):
        findings = {f.path: f for f in _check.check(_optional_tree(setup)).findings}
        assert findings["p/gone.c"].severity is Severity.ERROR
        assert findings["p/_c.h"].severity is Severity.ERROR


def test_a_build_ext_subclass_setup_py_never_uses_changes_nothing() -> None:
    unused = OPTIONAL_BUILD_EXT.replace('cmdclass={"build_ext": custom_build_ext},', "")
    findings = {f.path: f for f in _check.check(_optional_tree(unused)).findings}
    assert findings["p/gone.c"].severity is Severity.ERROR
