from __future__ import annotations

from sdistcheck import _check
from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree

PYPROJECT = (
    '[build-system]\nrequires = ["hatchling", "setuptools"]\nbuild-backend = "hatchling.build"\n'
    '[project]\nname = "p"\nversion = "1"\n[tool.hatch.build.hooks.custom]\n'
)
# pymongo 4.x's hook: run the setuptools script beside it, then ship what it built
HOOK = """import subprocess, sys
from hatchling.builders.hooks.plugin.interface import BuildHookInterface
class CustomHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name == "sdist":
            return
        subprocess.run([sys.executable, "_setup.py", "build_ext", "-i"], check=True)
"""
SETUP = (
    "from setuptools import Extension, setup\n"
    'setup(ext_modules=[Extension("p._c", sources=["src/c.c"])])\n'
)


def _missing(files: dict[str, str]) -> dict[str, list[tuple[str, int, str, Scope]]]:
    tree = SdistTree.from_mapping("p-1", {"PKG-INFO": "Name: p\nVersion: 1\n", **files})
    report = _check.check(tree)
    return {
        f.path: [(r.source, r.line, r.kind, r.scope) for r in f.references] for f in report.findings
    }


def test_the_setup_script_a_custom_hook_runs_is_analysed() -> None:
    files = {"pyproject.toml": PYPROJECT, "hatch_build.py": HOOK, "_setup.py": SETUP}
    assert _missing(files) == {"src/c.c": [("_setup.py", 2, "setuptools-ext-source", Scope.ALWAYS)]}
    tree = SdistTree.from_mapping("p-1", {**files, "src/c.c": "", "PKG-INFO": ""})
    assert _check.check(tree).unchecked == ()  # the hook's build is followed: nothing unknown
    no_script = {"pyproject.toml": PYPROJECT, "hatch_build.py": HOOK}
    assert _missing(no_script)["_setup.py"] == [
        ("hatch_build.py", 7, "hatch-hook-setup-script", Scope.ALWAYS)
    ]
    assert _missing({"pyproject.toml": PYPROJECT})["hatch_build.py"] == [
        ("pyproject.toml", 7, "hatch-custom-hook", Scope.ALWAYS)
    ]


def test_a_run_under_a_condition_or_of_another_script_is_not_followed() -> None:
    conditional = HOOK.replace(
        "        subprocess.run(",
        '        if os.environ.get("P_EXT"):\n            subprocess.run(',
    )
    helper = HOOK.replace('"_setup.py", "build_ext", "-i"', '"gen.py", "--out", "x"')
    generic = ("pyproject.toml", 7, "hatch build hook 'custom': what it builds is not followed")
    for hook, first in (
        (conditional, None),
        (
            helper,
            (
                "hatch_build.py",
                7,
                "the hatch build hook runs gen.py: what it builds is not followed",
            ),
        ),
    ):
        files = {"pyproject.toml": PYPROJECT, "hatch_build.py": hook, "_setup.py": SETUP}
        tree = SdistTree.from_mapping("p-1", {"PKG-INFO": "", **files})
        report = _check.check(tree)
        assert "src/c.c" not in {f.path for f in report.findings}
        found = [(u.source, u.line, u.what) for u in report.unchecked]
        assert found == ([first] if first else []) + [generic]


def test_a_tool_the_hook_runs_is_named_where_it_runs() -> None:
    # pyinstaller 6.22.3 builds its bootloader with waf, in a folder computed at run time
    waf = (
        "import os, subprocess, sys\nclass H:\n    def compile_bootloader(self):\n"
        "        src_dir = os.path.join(HOMEPATH, 'bootloader')\n"
        "        cmd = [sys.executable, './waf', 'configure', 'all']\n"
        "        cmd += os.getenv('ARGS', '').split()\n"
        "        rc = subprocess.call(cmd, cwd=src_dir)\n"
    )
    files = {"pyproject.toml": PYPROJECT, "hatch_build.py": waf, "PKG-INFO": ""}
    unchecked = _check.check(SdistTree.from_mapping("p-1", files)).unchecked
    assert [(u.source, u.line) for u in unchecked] == [("hatch_build.py", 7), ("pyproject.toml", 7)]
    assert unchecked[0].what == (
        "the hatch build hook runs ./waf in a directory the checker cannot know: "
        "what it builds is not followed"
    )
