"""Knowledge about compilers, build tools and system libraries, and the causes that blame them.

A missing compiler, tool or system library is the machine's problem, not the sdist's: these
causes say what to install.
"""

from __future__ import annotations

import re

from .cause import MISSING_TOOL, Cause

_C_COMPILERS = re.compile(
    r"(?:.*[/\\])?(?:[\w.-]+-)?(?:gcc|cc|clang|icc|icx|cl)(?:-[\d.]+)?(?:\.exe)?"
)
_CXX_COMPILERS = re.compile(r"(?:.*[/\\])?(?:[\w.-]+-)?(?:g\+\+|c\+\+|clang\+\+|icpc)(?:-[\d.]+)?")
_TOOLS = frozenset(
    [
        "make",
        "ninja",
        "cmake",
        "meson",
        "cargo",
        "rustc",
        "pkg-config",
        "pkgconf",
        "swig",
        "nasm",
        "yasm",
        "gfortran",
        "f2py",
        "cython",
        "protoc",
        "flex",
        "bison",
        "autoreconf",
        "autoconf",
        "automake",
        "libtool",
        "git",
        "patch",
        "go",
        "nvcc",
        "ld",
        "ar",
        "perl",
    ]
)
_TOOL_HINTS = {
    "cargo": "install Rust (rustup, or apt-get install cargo) and put cargo on PATH",
    "rustc": "install Rust (rustup, or apt-get install cargo) and put cargo on PATH",
    "cmake": "install CMake (pip install cmake, or apt-get install cmake)",
    "ninja": "install Ninja (pip install ninja, or apt-get install ninja-build)",
    "pkg-config": "install pkg-config (apt-get install pkg-config)",
    "gfortran": "install a Fortran compiler (apt-get install gfortran)",
    "make": "install make (apt-get install make)",
}
# Headers of libraries a system package provides -> the Debian/Ubuntu package with them.
_SYSTEM_HEADERS = {
    "openssl/": "libssl-dev",
    "libxml/": "libxml2-dev",
    "libxslt/": "libxslt1-dev",
    "libexslt/": "libxslt1-dev",
    "curl/": "libcurl4-openssl-dev",
    "readline/": "libreadline-dev",
    "uuid/": "uuid-dev",
    "gssapi/": "libkrb5-dev",
    "sasl/": "libsasl2-dev",
    "mysql/": "libmysqlclient-dev",
    "postgresql/": "libpq-dev",
    "X11/": "libx11-dev",
    "GL/": "libgl-dev",
    "dbus/": "libdbus-1-dev",
    "systemd/": "libsystemd-dev",
    "boost/": "libboost-dev",
    "Eigen/": "libeigen3-dev",
    "eigen3/": "libeigen3-dev",
    "libusb-1.0/": "libusb-1.0-0-dev",
    "zlib.h": "zlib1g-dev",
    "bzlib.h": "libbz2-dev",
    "lzma.h": "liblzma-dev",
    "zstd.h": "libzstd-dev",
    "lz4.h": "liblz4-dev",
    "lz4frame.h": "liblz4-dev",
    "snappy-c.h": "libsnappy-dev",
    "ffi.h": "libffi-dev",
    "yaml.h": "libyaml-dev",
    "sqlite3.h": "libsqlite3-dev",
    "libpq-fe.h": "libpq-dev",
    "pg_config.h": "libpq-dev",
    "mysql.h": "libmysqlclient-dev",
    "gmp.h": "libgmp-dev",
    "mpfr.h": "libmpfr-dev",
    "mpc.h": "libmpc-dev",
    "jpeglib.h": "libjpeg-dev",
    "png.h": "libpng-dev",
    "tiffio.h": "libtiff-dev",
    "webp/": "libwebp-dev",
    "ft2build.h": "libfreetype-dev",
    "krb5.h": "libkrb5-dev",
    "ldap.h": "libldap2-dev",
    "lber.h": "libldap2-dev",
    "hdf5.h": "libhdf5-dev",
    "cblas.h": "libopenblas-dev",
    "lapacke.h": "liblapacke-dev",
    "fftw3.h": "libfftw3-dev",
    "ncurses.h": "libncurses-dev",
    "curses.h": "libncurses-dev",
    "expat.h": "libexpat1-dev",
    "pcre.h": "libpcre3-dev",
    "pcre2.h": "libpcre2-dev",
    "glib.h": "libglib2.0-dev",
    "cairo.h": "libcairo2-dev",
    "portaudio.h": "portaudio19-dev",
    "gdbm.h": "libgdbm-dev",
    "libudev.h": "libudev-dev",
    "cups/": "libcups2-dev",
    "alsa/": "libasound2-dev",
    "sndfile.h": "libsndfile1-dev",
    "libavcodec/": "libavcodec-dev",
    "libavformat/": "libavformat-dev",
    "opencv2/": "libopencv-dev",
    "tiff.h": "libtiff-dev",
}
# Headers that come from a Python package the build requirements should list.
_PYTHON_PACKAGE_HEADERS = {"numpy/": "numpy", "pybind11/": "pybind11", "nanobind/": "nanobind"}


def _system_package(header: str) -> str | None:
    for key, package in _SYSTEM_HEADERS.items():
        if header == key or (key.endswith("/") and header.startswith(key)):
            return package
    return None


def _python_package(header: str) -> str | None:
    return next(
        (pkg for key, pkg in _PYTHON_PACKAGE_HEADERS.items() if header.startswith(key)), None
    )


def _compiler_hint(tool: str) -> str:
    name = tool.replace("\\", "/").rpartition("/")[2]
    if _CXX_COMPILERS.fullmatch(name):
        return "install a C++ compiler (e.g. apt-get install g++)"
    return "install a C compiler (e.g. apt-get install gcc)"


def _tool_cause(tool: str, evidence: str) -> Cause:
    name = tool.replace("\\", "/").rpartition("/")[2]
    if _C_COMPILERS.fullmatch(name) or _CXX_COMPILERS.fullmatch(name):
        what = "C++ compiler" if _CXX_COMPILERS.fullmatch(name) else "C compiler"
        return Cause(
            MISSING_TOOL, f"{what} {name!r} not found", None, evidence, _compiler_hint(name)
        )
    hint = _TOOL_HINTS.get(name, f"install {name} and put it on PATH")
    return Cause(MISSING_TOOL, f"build tool {name!r} not found", None, evidence, hint)


def _library_cause(lib: str, evidence: str, how: str) -> Cause:
    deb = lib.lower() if lib.lower().startswith("lib") else f"lib{lib.lower()}"
    return Cause(
        MISSING_TOOL,
        f"system library {lib} missing ({how})",
        None,
        evidence,
        f"install the development package of {lib} (e.g. apt-get install {deb}-dev "
        "or the name your system uses) and make sure the build can find it",
    )
