"""Build-failure diagnosis: real captured logs (testdata/buildlogs), then synthetic lines."""

from __future__ import annotations

import re

import pytest
from paths import BUILDLOGS

from sdistcheck.build.cause import Cause
from sdistcheck.build.diagnose import diagnose

LOGS = BUILDLOGS
_FIRST_LINE = re.compile(r"^sdistcheck: building a wheel from \S+ in (?P<dir>\S+) \(")


def _log(name: str) -> tuple[str, str]:
    """A captured log and the project directory its first line names."""
    text = (LOGS / name).read_text(encoding="utf-8")
    m = _FIRST_LINE.match(text)
    return text, m["dir"] if m else "/nonexistent"


# log -> kind, path, evidence (the exact log line, stripped), files of the sdist (or None)
CAPTURED: dict[str, tuple[str, str | None, str, frozenset[str] | None]] = {
    "gcc-missing-project-header.log": (
        "missing-file",
        "msgpack/unpack_template.h",
        "msgpack/unpack.h:391:10: fatal error: unpack_template.h: No such file or directory",
        frozenset({"msgpack/_cmsgpack.c", "msgpack/unpack.h", "msgpack/pack.h", "setup.py"}),
    ),
    "setuptools-no-compiler-errno.log": (
        "missing-tool",
        None,
        "error: [Errno 2] No such file or directory: 'gcc'",
        None,
    ),
    "setuptools-no-compiler-command-failed.log": (
        "missing-tool",
        None,
        "error: command 'gcc' failed: No such file or directory",
        None,
    ),
    "setuppy-missing-requirements-txt.log": (
        "missing-file",
        "requirements.txt",
        "FileNotFoundError: [Errno 2] No such file or directory: 'requirements.txt'",
        None,
    ),
    "setuptools-missing-data-file.log": (
        "missing-file",
        "share/schema.json",
        "error: can't copy 'share/schema.json': doesn't exist or not a regular file",
        None,
    ),
    "pip-no-matching-distribution.log": (
        "requirements",
        None,
        "ERROR: Could not find a version that satisfies the requirement "
        "sdistcheck-no-such-build-backend-7f3a>=1.0 (from versions: none)",
        None,
    ),
    "pip-resolution-impossible.log": (
        "requirements",
        None,
        "ERROR: Cannot install packaging<22 and packaging>=24 because these package versions "
        "have conflicting dependencies.",
        None,
    ),
    "cmake-add-subdirectory-missing.log": (
        "missing-file",
        "third_party/fastmath",
        'add_subdirectory given source "third_party/fastmath" which is not an existing directory.',
        None,
    ),
    "cmake-missing-source.log": (
        "missing-file",
        "src/simd/dispatch.c",
        "Cannot find source file: src/simd/dispatch.c",
        None,
    ),
    "cmake-build-via-sdist-absolute.log": (
        "missing-file",
        "third_party/fastmath",
        'add_subdirectory given source "/tmp/build-via-sdist-7vy3pe1p/cmabs-0.1/third_party/'
        'fastmath" which is not an existing directory.',
        None,
    ),
    "rustc-include-str-missing.log": (
        "missing-file",
        "data/stopwords.txt",
        "error: couldn't read `src/../data/stopwords.txt`: No such file or directory (os error 2)",
        frozenset({"Cargo.toml", "pyproject.toml", "src/main.rs"}),
    ),
    "cargo-bench-target-missing.log": (
        "missing-file",
        "benches/throughput.rs",
        "can't find `throughput` bench at `benches/throughput.rs` or `benches/throughput/main.rs`"
        ". Please specify bench.path if you want to use a non-default path.",
        None,
    ),
    "rustc-module-file-missing.log": (
        "missing-file",
        "src/tokenizer.rs",
        "error[E0583]: file not found for module `tokenizer`",
        None,
    ),
    "cargo-workspace-member-missing.log": (
        "missing-file",
        "crates/core/Cargo.toml",
        "failed to read `/tmp/cap/final/wsmiss/src/wsmiss-0.1/crates/core/Cargo.toml`",
        None,
    ),
    "maturin-no-cargo.log": (
        "missing-tool",
        None,
        "Rust not found, installing into a temporary directory",
        None,
    ),
    "setuptools-rust-no-rust.log": ("missing-tool", None, "error: can't find Rust compiler", None),
    "gcc-system-header-angle.log": (
        "missing-tool",
        None,
        "src/pgext.c:2:10: fatal error: libpq-fe.h: No such file or directory",
        frozenset({"setup.py", "pyproject.toml", "src/pgext.c"}),
    ),
    "gcc-system-header-quoted.log": (
        "missing-tool",
        None,
        "src/lz4ext.c:2:10: fatal error: lz4.h: No such file or directory",
        frozenset({"setup.py", "pyproject.toml", "src/lz4ext.c"}),
    ),
    "ld-missing-library.log": (
        "missing-tool",
        None,
        "/usr/bin/ld: cannot find -lsnappy: No such file or directory",
        None,
    ),
    "meson-missing-source.log": (
        "missing-file",
        "src/simd.c",
        "../meson.build:3:32: ERROR: File src/simd.c does not exist.",
        None,
    ),
    "meson-missing-subdir.log": (
        "missing-file",
        "src/kernels/meson.build",
        "../meson.build:3:0: ERROR: Nonexistent build file 'src/kernels/meson.build'",
        None,
    ),
    "meson-missing-dependency.log": (
        "missing-tool",
        None,
        '../meson.build:3:7: ERROR: Dependency "libzstd" not found (tried pkg-config and cmake)',
        None,
    ),
    "pkg-config-missing-package.log": (
        "missing-tool",
        None,
        "Package libzstd was not found in the pkg-config search path.",
        None,
    ),
    "cython-missing-pxd.log": (
        "missing-file",
        "src/cyx/helpers.pxd",
        "src/cyx/core.pyx:1:0: 'cyx/helpers.pxd' not found",
        frozenset({"setup.py", "src/cyx/__init__.py", "src/cyx/core.pyx", "src/cyx/helpers.pyx"}),
    ),
    "timeout.log": (
        "timeout",
        None,
        "sdistcheck: timed out after 5 s; killed the build's processes",
        None,
    ),
}


def test_every_captured_log_is_tested() -> None:
    on_disk = {p.name for p in LOGS.glob("*.log")}
    assert on_disk == set(CAPTURED) | {"msgpack-success.log"}


@pytest.mark.parametrize("name", sorted(CAPTURED))
@pytest.mark.parametrize("with_files", [False, True])
def test_captured_log(name: str, with_files: bool) -> None:
    kind, path, evidence, files = CAPTURED[name]
    text, project_dir = _log(name)
    if not name.startswith("cmake-"):  # CMake wraps its messages: evidence is the joined text
        assert evidence in [line.strip() for line in text.splitlines()]
    causes = diagnose(text, project_dir, files if with_files else None)
    first = causes[0]
    assert (first.kind, first.path, first.evidence) == (kind, path, evidence), causes
    assert "\n" not in first.summary
    if kind in ("missing-file", "missing-tool"):
        assert first.hint


def test_cmake_evidence_is_the_wrapped_message_joined() -> None:
    text, _ = _log("cmake-add-subdirectory-missing.log")
    assert '  add_subdirectory given source "third_party/fastmath" which is not an' in text


def test_gcc_angle_system_header_gets_the_dev_package() -> None:
    text, project_dir = _log("gcc-system-header-angle.log")
    (cause,) = diagnose(text, project_dir)
    assert cause.summary == "system header libpq-fe.h is missing"
    assert cause.hint is not None and "libpq-dev" in cause.hint


def test_compiler_hint() -> None:
    text, project_dir = _log("setuptools-no-compiler-command-failed.log")
    (cause,) = diagnose(text, project_dir)
    assert cause.hint == "install a C compiler (e.g. apt-get install gcc)"


def test_successful_build_log_has_no_cause() -> None:
    text, project_dir = _log("msgpack-success.log")
    causes = diagnose(text, project_dir)
    assert [c.kind for c in causes] == ["unknown"]
    assert "sdistcheck:" not in causes[0].evidence  # our own notes are not evidence
    assert len(causes[0].evidence.splitlines()) <= 10


def test_the_project_prefix_is_needed_for_absolute_paths() -> None:
    # Without the right prefix, an absolute path under an unknown directory is not the sdist's.
    text, _ = _log("cargo-workspace-member-missing.log")
    assert diagnose(text, "/somewhere/else")[0].kind == "unknown"


# --- synthetic lines for the remaining patterns ---------------------------------------------------

ROOT = "/tmp/sdistcheck-build-x/src/pkg-1.0"


def _one(text: str, files: set[str] | None = None, root: str = ROOT) -> Cause:
    causes = diagnose(text, root, files)
    assert causes, text
    return causes[0]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        # clang
        ("src/a.c:3:10: fatal error: 'b.h' file not found\n#include \"b.h\"\n", "src/b.h"),
        # MSVC
        (
            "src\\a.c(3): fatal error C1083: Cannot open include file: 'b.h': No such file or "
            "directory",
            "src/b.h",
        ),
        # an absolute include path under the build directory
        (
            f"{ROOT}/lib/x.c:1:10: fatal error: y.h: No such file or directory\n"
            '    1 | #include "y.h"',
            "lib/y.h",
        ),
        # pip's and build's own build directories
        (
            "/tmp/pip-req-build-abc123/src/a.c:1:10: fatal error: b.h: No such file or directory",
            "src/b.h",
        ),
        (
            "/tmp/pip-install-q1/pkg_0a1b/src/a.c:1:10: fatal error: b.h:"
            " No such file or directory",
            "src/b.h",
        ),
        # missing sources
        ("cc1: fatal error: src/gone.c: No such file or directory", "src/gone.c"),
        ("gcc: error: src/gone.c: No such file or directory", "src/gone.c"),
        (
            "error: file '/tmp/sdistcheck-build-x/src/pkg-1.0/src/gone.c' does not exist",
            "src/gone.c",
        ),
        # rustc: an absolute path, and a workspace member's path relative to the workspace root
        (
            f"error: couldn't read `{ROOT}/assets/x.bin`: No such file or directory (os error 2)",
            "assets/x.bin",
        ),
        (
            f"   Compiling member v0.1.0 ({ROOT}/rust/crates/member)\n"
            "error: couldn't read `crates/member/src/../../../README.md`: "
            "No such file or directory (os error 2)\n --> crates/member/src/lib.rs:1:10",
            "rust/README.md",
        ),
        # Cython: a plain cimport, and an attribute of a cimported module
        ("pkg/core.pyx:1:8: 'fastmath.pxd' not found", "pkg/fastmath.pxd"),
        (
            "Error compiling Cython file:\n------\n...\n"
            "from pkg.helpers cimport fast_add\n^\n------\n"
            "\npkg/core.pyx:1:0: cimported module has no attribute 'fast_add'",
            "pkg/helpers.pxd",
        ),
        # CMake include() of a file
        (
            "CMake Error at cmake/deps.cmake:4 (include):\n  include could not find requested "
            "file:\n\n    cmake/extra.cmake\n\n\n-- Configuring incomplete",
            "cmake/extra.cmake",
        ),
        # an absolute FileNotFoundError under the build directory
        (f"FileNotFoundError: [Errno 2] No such file or directory: '{ROOT}/VERSION'", "VERSION"),
    ],
)
def test_synthetic_missing_file(text: str, path: str) -> None:
    cause = _one(text)
    assert (cause.kind, cause.path) == ("missing-file", path), cause
    assert cause.evidence and "\n" not in cause.evidence


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("unable to execute 'gcc': No such file or directory", "C compiler 'gcc' not found"),
        (
            "error: command 'x86_64-linux-gnu-g++' failed: No such file or directory",
            "C++ compiler 'x86_64-linux-gnu-g++' not found",
        ),
        ("sh: command 'cc' not found", "C compiler 'cc' not found"),
        ("/bin/sh: 1: cargo: command not found", "build tool 'cargo' not found"),
        ("sh: 1: cmake: not found", "build tool 'cmake' not found"),
        ("RuntimeError: Could not find CMAKE executable", "build tool 'cmake' not found"),
        ("error: linker `cc` not found", "C compiler 'cc' not found"),
        (
            "CMake Error at CMakeLists.txt:2 (project):\n  No CMAKE_CXX_COMPILER could be found.\n",
            "C++ compiler 'c++' not found",
        ),
        (
            "../meson.build:1:0: ERROR: Unknown compiler(s): [['cc'], ['gcc'], ['clang']]",
            "C compiler 'cc' not found",
        ),
        (
            "src/a.c:1:10: fatal error: Python.h: No such file or directory\n"
            '    1 | #include "Python.h"',
            "the Python development headers (Python.h) are missing",
        ),
        (
            "src/a.c:2:10: fatal error: openssl/ssl.h: No such file or directory\n"
            "    2 | #include <openssl/ssl.h>",
            "system header openssl/ssl.h is missing",
        ),
        (
            "src/a.c:2:10: fatal error: libxml/xpath.h: No such file or directory\n"
            '    2 | #include "libxml/xpath.h"',
            "system header libxml/xpath.h is missing",
        ),
        (
            "src/a.c:2:10: fatal error: numpy/arrayobject.h: No such file or directory",
            "header numpy/arrayobject.h of the Python package numpy not found",
        ),
        (
            "-- Could NOT find ZLIB (missing: ZLIB_LIBRARY ZLIB_INCLUDE_DIR)",
            "system library ZLIB missing (CMake find_package)",
        ),
        (
            "No package 'libffi' found\n"
            "Package libffi was not found in the pkg-config search path.",
            "system library libffi missing (pkg-config)",
        ),
    ],
)
def test_synthetic_missing_tool(text: str, summary: str) -> None:
    cause = _one(text, {"src/a.c", "setup.py"})
    assert (cause.kind, cause.summary, cause.path) == ("missing-tool", summary, None), cause
    assert cause.hint


def test_requirements() -> None:
    text = "ERROR: No matching distribution found for cython<0.20"
    cause = _one(text)
    assert (cause.kind, cause.evidence) == ("requirements", text)
    assert "cython<0.20" in cause.summary
    marker = "sdistcheck: missing build dependencies (without isolation): maturin>=1"
    assert _one(marker).kind == "requirements"
    assert _one("ERROR: ResolutionImpossible: for help visit https://x").kind == "requirements"


def test_angle_include_of_a_project_directory_is_the_projects() -> None:
    text = (
        "src/a.c:1:10: fatal error: mylib/util.h: No such file or directory\n"
        "    1 | #include <mylib/util.h>\n"
    )
    assert _one(text).kind == "missing-tool"  # no file list: assumed a system header
    cause = _one(text, {"src/a.c", "include/mylib/core.h"})
    assert cause.kind == "missing-file"
    gcc = "gcc -Iinclude -I/usr/include/python3.11 -c src/a.c -o build/a.o\n"
    cause = _one(gcc + text, {"src/a.c", "include/mylib/core.h"})
    assert cause.path == "include/mylib/util.h"


def test_quoted_include_resolved_through_include_dirs() -> None:
    # msgpack's unpack_define.h has `#include "msgpack/sysdep.h"`, found through `-I.`
    text = (
        "gcc -fPIC -I. -I/usr/include/python3.11 -c msgpack/_cmsgpack.c -o build/x.o\n"
        "In file included from msgpack/unpack.h:20,\n"
        "msgpack/unpack_define.h:21:10: fatal error: msgpack/sysdep.h: No such file or "
        "directory\n"
        '   21 | #include "msgpack/sysdep.h"\n'
    )
    files = {"msgpack/_cmsgpack.c", "msgpack/unpack.h", "msgpack/unpack_define.h"}
    assert _one(text).path == "msgpack/msgpack/sysdep.h"  # without a listing: the including dir
    assert _one(text, files).path == "msgpack/sysdep.h"


def test_probes_and_outside_paths_are_not_causes() -> None:
    probe = "_configtest.c:1:10: fatal error: sys/mman.h: No such file or directory"
    assert _one(probe).kind == "unknown"
    outside = "FileNotFoundError: [Errno 2] No such file or directory: '/etc/pkg.conf'"
    assert _one(outside).kind == "unknown"


def test_ranking_and_dedup() -> None:
    text = "\n".join(
        [
            "error: command 'g++' failed: No such file or directory",
            "src/a.c:1:10: fatal error: b.h: No such file or directory",
            "src/c.c:1:10: fatal error: b.h: No such file or directory",
            "src/a.c:1:10: fatal error: b.h: No such file or directory",
        ]
    )
    causes = diagnose(text, ROOT)
    assert [(c.kind, c.path) for c in causes] == [
        ("missing-file", "src/b.h"),
        ("missing-tool", None),
    ]


def test_ansi_colours_are_ignored() -> None:
    text = "\x1b[1m\x1b[38;5;9merror\x1b[0m: couldn't read `src/x.txt`: No such file or directory"
    assert _one(text).path == "src/x.txt"


def test_unknown_shows_the_last_relevant_lines() -> None:
    lines = [f"line {i}" for i in range(30)]
    text = "\n".join(
        [
            "sdistcheck: building",
            *lines,
            "  Downloading x.whl",
            "",
            "Error: boom",
            "sdistcheck: build failed: whatever",
        ]
    )
    (cause,) = diagnose(text, ROOT)
    assert cause.kind == "unknown"
    assert cause.evidence.splitlines() == [*lines[-9:], "Error: boom"]
    assert cause.summary == "unrecognised failure: Error: boom"
    assert diagnose("", ROOT)[0].summary == "the build failed without output"
