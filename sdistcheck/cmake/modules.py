"""CMake's module lookup: `include(Name)` and `find_package(Name)` find `Name.cmake` and
`FindName.cmake` in the directories of CMAKE_MODULE_PATH that lie in the sdist, before CMake's
own modules.  A module found there is referenced and run where it is loaded (its functions,
variables and `<Name>_FOUND`); one CMake needs and does not find is a missing file:

- `include(Name)` fails without it unless OPTIONAL (a name found nowhere, while the project has
  module directories, is option-scoped: a package found earlier may provide it);
- `find_package(Name)` falls back to Config mode when no Find module is found, and only
  REQUIRED stops there: a shipped Find module of a `find_package` without REQUIRED is an
  option-scoped reference (the build goes on without the package), one with REQUIRED carries
  the call's guard.  Only `MODULE` (no Config fallback) makes a Find module found nowhere a
  missing file; CMake's own Find modules are none.  Without MODULE, a Find module found
  nowhere is no reference: an installed package's Config stands in for it (pyarrow's
  `find_package(Arrow REQUIRED)` beside its own cmake_modules/), and a deleted one cannot be
  told from that.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ..native.guards import OPTION, Guard, word_set
from ..native.paths import _SRC, _UNRESOLVED, _marker, _restore, locate
from .lexer import Command
from .variables import _Ctx, _Item, _value

if TYPE_CHECKING:
    from .recorder import Recorder

# include(Name) of these is CMake's own module (or a scikit-build/pybind11 one), not a file here.
_MODULE_PREFIXES = ("Find", "Check", "CMake", "CPack", "CTest", "Test")
_MODULES = word_set(
    """AddFileDependencies AndroidTestUtilities BundleUtilities CSharpUtilities Dart DeployQt4
    Documentation ExternalData ExternalProject FLTKCompatibility FeatureSummary FetchContent
    FortranCInterface GNUInstallDirs GenerateExportHeader GetPrerequisites GoogleTest
    GoogleTestAddTests ITKCompatibility InstallRequiredSystemLibraries KDE3Macros
    MacroAddFileDependencies MatlabTestsRedirect ProcessorCount Qt4ConfigDependentSettings
    Qt4Macros SelectLibraryConfigurations SquishTestScript SystemInformation UseEcos UseJava
    UsePkgConfig UseQt4 UseSWIG Use_wxWindows UsewxWidgets VTKCompatibility
    WriteBasicConfigVersionFile WriteCompilerDetectionHeader ecos_clean kde3uic
    UseCython UsePythonExtensions PythonExtensions TargetLinkLibrariesWithDynamicLookup UseF2PY
    pybind11Tools pybind11NewTools pybind11Common pybind11Config pybind11GuessPythonExtSuffix
    nanobind-config"""
)


# CMake's own Find modules (3.25's Modules/Find*.cmake), looked up after CMAKE_MODULE_PATH.
_FIND_MODULES = word_set(
    """ALSA ASPELL AVIFile Armadillo BISON BLAS BZip2 Backtrace Boost Bullet CABLE CUDA
    CUDAToolkit CURL CVS Coin3D Cups Curses CxxTest Cygwin DCMTK Dart DevIL Doxygen EXPAT
    EnvModules FLEX FLTK FLTK2 Fontconfig Freetype GCCXML GDAL GIF GLEW GLU GLUT GSL GTK GTK2
    GTest Gettext Git GnuTLS Gnuplot HDF5 HSPELL HTMLHelp Hg ICU Ice Iconv Icotool ImageMagick
    Intl JNI JPEG Jasper Java KDE3 KDE4 LAPACK LATEX LTTngUST LibArchive LibLZMA LibXml2
    LibXslt Libinput Lua Lua50 Lua51 MFC MPEG MPEG2 MPI Matlab Motif Msys ODBC OpenACC OpenAL
    OpenCL OpenGL OpenMP OpenSP OpenSSL OpenSceneGraph OpenThreads PHP4 PNG
    PackageHandleStandardArgs PackageMessage Patch Perl PerlLibs PhysFS Pike PkgConfig
    PostgreSQL Producer Protobuf Python Python2 Python3 PythonInterp PythonLibs Qt Qt3 Qt4
    QuickTime RTI Ruby SDL SDL_gfx SDL_image SDL_mixer SDL_net SDL_sound SDL_ttf SQLite3 SWIG
    SelfPackers Squish Subversion TCL TIFF TclStub Tclsh Threads UnixCommands Vulkan Wget Wish
    X11 XCTest XMLRPC XalanC XercesC ZLIB wxWidgets wxWindows"""
)


def module_dirs(self: Recorder, ctx: _Ctx) -> list[str]:
    """The sdist directories on CMAKE_MODULE_PATH, in order."""
    dirs = []
    for entry in self.lookup("CMAKE_MODULE_PATH", ctx) or []:
        for i in entry.items:
            where, path = locate(i.text, ctx.dir.source)
            if where == "src":
                dirs.append(path)
    return list(dict.fromkeys(dirs))


def _h_include(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    if not pairs:
        return
    item, line = pairs[0]
    name = _restore(item.text)
    optional = any(_restore(p[0].text) == "OPTIONAL" for p in pairs[1:])
    g = guard.and_(item.guard)
    needed = g.and_(Guard(4, 0).label("include(... OPTIONAL)")) if optional else g
    if "/" in name or name.endswith(".cmake") or name.startswith(_SRC):
        path = self.path_ref(ctx, pairs[0], "cmake-include", needed)
        if path is not None and g.reachable and self.tree.is_file(path):
            self.include_file(path, ctx, g)
        return
    if name == "CTest":  # defines option(BUILD_TESTING ... ON)
        self.cache.setdefault("BUILD_TESTING", (_value("ON"), True))
    dirs = module_dirs(self, ctx)
    if _load(self, ctx, line, dirs, name + ".cmake", "cmake-include", needed, g):
        return
    if dirs and not _cmake_module(name):
        candidates = tuple(posixpath.join(d, name + ".cmake") for d in dirs)
        # a module of the project's module directory including another: its sibling (libsoxr's
        # FindSIMD32.cmake includes FindCFlags); anything else may come from a package
        sibling = posixpath.dirname(ctx.file) in dirs
        self.ref(
            ctx,
            line,
            candidates[0],
            "cmake-include",
            needed if sibling else needed.and_(OPTION),
            alternatives=candidates[1:],
            note="not one of CMake's modules nor in the sdist's CMAKE_MODULE_PATH directories"
            + ("" if sibling else " (it may come from a package found earlier)"),
        )


def _cmake_module(name: str) -> bool:
    """Whether include(NAME) may load one of CMake's own modules."""
    if name.startswith("Find"):
        return name[4:] in _FIND_MODULES
    return name in _MODULES or name.startswith(_MODULE_PREFIXES)


def _load(
    self: Recorder,
    ctx: _Ctx,
    line: int,
    dirs: list[str],
    filename: str,
    kind: str,
    needed: Guard,
    runs: Guard,
    note: str | None = None,
) -> bool:
    """Reference FILENAME in the first of DIRS that has it, and run it under RUNS (the guard
    of the command that loads it); whether one had it."""
    for d in dirs:
        candidate = posixpath.join(d, filename)
        if self.tree.is_file(candidate):
            self.ref(ctx, line, candidate, kind, needed, note=note)
            if runs.reachable:
                self.include_file(candidate, ctx, runs)
            return True
    return False


# find_package() keywords after which no word names the mode
_CONFIG_MODE = word_set("CONFIG NO_MODULE NAMES CONFIGS HINTS PATHS")


def _h_find_package(self: Recorder, c: Command, ctx: _Ctx, guard: Guard) -> None:
    pairs = self.expand_all(c.args, ctx)
    words = [_restore(p[0].text) for p in pairs]
    if not words or _UNRESOLVED in words[0]:
        return
    name, line = words[0], pairs[0][1]
    required = "REQUIRED" in words
    if not _CONFIG_MODE & set(words):
        dirs = module_dirs(self, ctx)
        needed = guard
        if not required:
            needed = guard.and_(OPTION.label(f"find_package({name}) goes on without it"))
        loaded = _load(
            self, ctx, line, dirs, f"Find{name}.cmake", "cmake-find-module", needed, guard
        )
        if not loaded and "MODULE" in words and dirs and name not in _FIND_MODULES:
            # without MODULE, CMake tries Config mode next: an installed package's Config
            # stands in for a Find module found nowhere (pyarrow's find_package(Arrow
            # REQUIRED)), so nothing says the sdist lost one
            candidates = tuple(posixpath.join(d, f"Find{name}.cmake") for d in dirs)
            self.ref(
                ctx,
                line,
                candidates[0],
                "cmake-find-module",
                needed,
                alternatives=candidates[1:],
                note="find_package(... MODULE) needs it: not one of CMake's own Find modules",
            )
    # without REQUIRED, find_package() may fail: X_FOUND tells (unless the module set it)
    if not required:
        for found in (f"{name}_FOUND", f"{name.upper()}_FOUND"):
            if found not in ctx.vars:
                self.found_vars[found] = name


def _h_find_package_handle_standard_args(
    self: Recorder, c: Command, ctx: _Ctx, guard: Guard
) -> None:
    # A Find module's verdict: whether the system has the package (a library, a compiler
    # flag that works), which the checker cannot know: a platform test, as a probe is.
    if not c.args:
        return
    name = self.word(c.args[0], ctx)
    for found in dict.fromkeys((f"{name}_FOUND", f"{name.upper()}_FOUND")):
        self.assign(ctx.vars, found, [_Item(_marker("CMAKE_SYSTEM_NAME"))], ctx, guard)
