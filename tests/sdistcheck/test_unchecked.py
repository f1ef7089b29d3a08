"""What the analysis cannot follow is said out loud: listed with file and line, counted in the
report's first line, in JSON, and a failure with --fail-on unchecked."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import make_sdist, run

from sdistcheck import _check
from sdistcheck.archive.tree import SdistTree

PKG_INFO = "Metadata-Version: 2.1\nName: p\nVersion: 1\n"


def _unchecked(files: dict[str, str]) -> list[tuple[str, int, str]]:
    tree = SdistTree.from_mapping("p-1", {"PKG-INFO": PKG_INFO, **files})
    return [(u.source, u.line, u.what) for u in _check.check(tree).unchecked]


def test_each_kind_of_construct_not_followed() -> None:
    custom = (
        "import subprocess\nfrom setuptools import setup\n"
        "from setuptools.command.build_ext import build_ext\n"
        "class BuildExt(build_ext):\n    def run(self):\n"
        "        subprocess.check_call(['make', '-C', self.build_temp])\n"
        "setup(cmdclass={'build_ext': BuildExt}, long_description=open('README.md').read())\n"
    )
    assert _unchecked({"setup.py": custom, "README.md": ""}) == [
        ("setup.py", 4, "custom BuildExt: its build steps are not followed"),
        ("setup.py", 6, "runs make in a directory the checker cannot know"),
    ]
    # (Python 2 is read with its lines rewritten: backends/test_setuppy.py)
    py2 = _unchecked({"setup.py": "from setuptools import setup\nprint 'hello' `x`\nsetup()\n"})
    assert py2[0][:2] == ("setup.py", 2) and "not Python 3" in py2[0][2]
    assert py2[1] == ("", 0, "no build file the checker follows: nothing was checked")
    hatch = (
        '[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "p"\n'
        'version = "1"\n[tool.hatch.build.hooks.custom]\npath = "hook.py"\n'
    )
    assert _unchecked({"pyproject.toml": hatch, "hook.py": ""})[0] == (
        "pyproject.toml",
        6,
        "hatch build hook 'custom': what it builds is not followed",
    )
    bare = '[build-system]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "p"\n'
    assert _unchecked({"pyproject.toml": bare}) == [
        ("", 0, "no build file the checker follows: nothing was checked")
    ]


def test_the_report_says_it_and_fail_on_unchecked_fails(tmp_path: Path) -> None:
    files = {
        "PKG-INFO": PKG_INFO,
        "setup.py": "from setuptools import setup\nimport distutils.command.build_ext as b\n"
        "class B(b.build_ext):\n    def build_extensions(self):\n        pass\n"
        "setup(cmdclass={'build_ext': B}, long_description=open('README.md').read())\n",
        "README.md": "hi\n",
    }
    sdist = str(make_sdist(tmp_path / "p-1.tar.gz", files))
    text = run(sdist)
    assert text.returncode == 0
    assert text.stdout.splitlines()[0].endswith("complete — 1 construct not checked")
    assert "  ? setup.py:3  custom B: its build steps are not followed" in text.stdout
    (result,) = json.loads(run("--format", "json", sdist).stdout)["results"]
    assert result["unchecked"] == [
        {"source": "setup.py", "line": 3, "what": "custom B: its build steps are not followed"}
    ]
    strict = run("--fail-on", "always,platform,unchecked", "--format", "json", sdist)
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["results"][0]["status"] == "unchecked"
