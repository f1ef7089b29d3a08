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
