"""Build tools setup.py runs itself (backends/buildcommands.py): the `-D` words of its CMake
configure, which are fixed values for the CMake analysis."""

from __future__ import annotations

import ast

from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import setuppy as _setuppy
from sdistcheck.backends.buildcommands import cmake_defines
from sdistcheck.backends.pyexpr import Constants
from sdistcheck.native.model import CMakeRoot

# pybind11's cmake_example, as pyscamp 2.1.2 and ruckig 0.3 write it
CMAKE_EXAMPLE = """
import os, platform, subprocess, sys
from setuptools import setup, Extension
from setuptools.command.build_ext import build_ext

class CMakeExtension(Extension):
    def __init__(self, name, sourcedir=''):
        Extension.__init__(self, name, sources=[])
        self.sourcedir = os.path.abspath(sourcedir)

class CMakeBuild(build_ext):
    def run(self):
        subprocess.check_output(['cmake', '--version'])
        for ext in self.extensions:
            self.build_extension(ext)

    def build_extension(self, ext):
        extdir = os.path.abspath(os.path.dirname(self.get_ext_fullpath(ext.name)))
        cmake_args = ['-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=' + extdir,
                      '-DPYTHON_EXECUTABLE=' + sys.executable]
        build_type = os.environ.get("BUILD_TYPE", "Release")
        cmake_args += ["-DBUILD_PYTHON_MODULE=TRUE", "-DSHARED:BOOL=OFF"]
        cmake_args.append("-D")
        cmake_args.append("SPLIT=yes")
        if os.environ.get("FORCE_CUDA"):
            cmake_args += ["-DFORCE_CUDA=ON"]
        if platform.system() == "Windows":
            cmake_args += ["-DCMAKE_GENERATOR_PLATFORM=x64"]
        else:
            cmake_args += ['-DCMAKE_BUILD_TYPE=' + build_type]
        subprocess.check_call(['cmake', ext.sourcedir] + cmake_args, cwd=self.build_temp)
        subprocess.check_call(['cmake', '--build', '.', '-DNOT_A_DEFINE=1'], cwd=self.build_temp)

setup(name='p', ext_modules=[CMakeExtension('p')], cmdclass=dict(build_ext=CMakeBuild))
"""


def _defines(text: str) -> dict[str, str]:
    module = ast.parse(text)
    return dict(cmake_defines(module, Constants(module)))


def test_the_defines_every_configure_passes_are_collected() -> None:
    assert _defines(CMAKE_EXAMPLE) == {
        "BUILD_PYTHON_MODULE": "TRUE",
        "SHARED": "OFF",
        "SPLIT": "yes",
    }


def test_defines_in_a_branch_or_of_a_configure_in_a_branch_are_not_every_builds() -> None:
    text = """
import subprocess, sys
args = ["-DA=1"]
if sys.platform == "win32":
    args.append("-DB=1")
subprocess.check_call(["cmake", "."] + args)
if sys.platform == "darwin":
    subprocess.check_call(["cmake", "-DC=1", "."])
"""
    assert _defines(text) == {"A": "1"}


def test_two_configures_keep_only_the_values_they_agree_on() -> None:
    text = """
import os
os.system("cmake -DA=1 -DB=2 -S lib1")
os.system("cmake -DA=1 -DB=3 -S lib2")
"""
    assert _defines(text) == {"A": "1"}


def test_scikit_builds_cmake_args_and_a_setup_without_cmake() -> None:
    text = "from skbuild import setup\nsetup(cmake_args=['-DWITH_X:BOOL=ON', '-G', 'Ninja'])\n"
    assert _defines(text) == {"WITH_X": "ON"}
    assert _defines("import subprocess\nsubprocess.check_call(['make', '-DA=1'])\n") == {}


def test_the_cmake_root_of_a_cmake_extension_carries_the_defines() -> None:
    tree = SdistTree.from_mapping("t", {"setup.py": CMAKE_EXAMPLE, "CMakeLists.txt": ""})
    (root,) = _setuppy.analyse_setup_py(tree).cmake_roots
    assert root == CMakeRoot(
        "", False, (("BUILD_PYTHON_MODULE", "TRUE"), ("SHARED", "OFF"), ("SPLIT", "yes"))
    )
