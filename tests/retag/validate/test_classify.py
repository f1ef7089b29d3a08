"""retag.validate.classify: verdicts from the messages real engines, shells and loaders print.

Each message here was captured from podman 4.3 + runc, Debian's dash and bash, busybox sh,
glibc 2.36's and musl 1.2.3's loaders, and pip 23 (see the engine tests for the live runs).
"""

from __future__ import annotations

import dataclasses

import pytest
from paths import BIN

from retag.binaries.analysis import analyse
from retag.validate.classify import Outcome, classify_install, classify_run


def _binary(name: str):  # type: ignore[no-untyped-def]
    binary = analyse(name, (BIN / name).read_bytes())
    assert binary is not None
    return binary


MUSL_DYNAMIC = "musl-dynamic-x86_64"
STATIC = "musl-static-x86_64"


@pytest.mark.parametrize(
    "output",
    [
        # runc via podman or docker: exit 1
        "exec /releasenet/bin/ninja: no such file or directory",
        "/bin/sh: 1: /releasenet/bin/ninja: not found",  # dash
        "/bin/bash: line 1: /releasenet/bin/ninja: cannot execute: required file not found",
        "/bin/sh: /releasenet/bin/ninja: not found",  # busybox
    ],
)
def test_missing_loader_names_the_interpreter(output: str) -> None:
    v = classify_run(1, output, "/releasenet/bin/ninja", _binary(MUSL_DYNAMIC))
    assert v.outcome is Outcome.MISSING_LOADER
    assert "/lib/ld-musl-x86_64.so.1" in v.evidence and output in v.evidence


def test_program_printing_enoent_itself_ran() -> None:
    # uvx without uv beside it: the program ran and reported its own error
    v = classify_run(
        2, "error: No such file or directory (os error 2)", "/releasenet/bin/uvx", _binary(STATIC)
    )
    assert v.outcome is Outcome.EXITS_NONZERO
    assert v.evidence == "exit 2: error: No such file or directory (os error 2)"


def test_static_binary_reported_missing_is_an_engine_problem_not_a_loader() -> None:
    v = classify_run(
        1,
        "exec /releasenet/bin/uv: no such file or directory",
        "/releasenet/bin/uv",
        _binary(STATIC),
    )
    assert v.outcome is Outcome.ENGINE_ERROR


def test_exec_format_error_names_the_code_arch() -> None:
    aarch64 = _binary("static-pie-aarch64")
    v = classify_run(1, "exec /releasenet/bin/uv: exec format error", "/releasenet/bin/uv", aarch64)
    assert v.outcome is Outcome.EXEC_FORMAT and v.outcome.load_failure
    assert "aarch64 code" in v.evidence


@pytest.mark.parametrize(
    ("output", "needed"),
    [
        (
            "/r/x: error while loading shared libraries: libssl.so.3:"
            " cannot open shared object file: No such file or directory",
            "libssl.so.3",
        ),
        (
            "Error loading shared library libstdc++.so.6:"
            " No such file or directory (needed by /r/x)",
            "libstdc++.so.6",
        ),
    ],
)
def test_missing_library(output: str, needed: str) -> None:
    v = classify_run(127, output, "/r/x", _binary(MUSL_DYNAMIC))
    assert v.outcome is Outcome.MISSING_LIBRARY and needed in v.evidence


@pytest.mark.parametrize(
    ("output", "symbol"),
    [
        ("/r/x: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by /r/x)", "GLIBC_2.34"),
        ("Error relocating /r/x: __memcpy_chk: symbol not found", "__memcpy_chk"),
    ],
)
def test_missing_symbol(output: str, symbol: str) -> None:
    v = classify_run(1, output, "/r/x", _binary(MUSL_DYNAMIC))
    assert v.outcome is Outcome.MISSING_SYMBOL and symbol in v.evidence


def test_runs_takes_the_first_line_and_ignores_engine_codes() -> None:
    v = classify_run(0, "\nuv 0.5.2\nmore", "/releasenet/bin/uv", _binary(STATIC))
    assert (v.outcome, v.evidence) == (Outcome.RUNS, "uv 0.5.2")


def test_timeout_and_engine_errors() -> None:
    assert classify_run(None, "", "/x", None, 30).evidence == "no answer within 30 s"
    missing = (
        "Error: runc: runc create failed: unable to start container process: exec: "
        '"/nonexist": stat /nonexist: no such file or directory: OCI runtime attempted '
        "to invoke a command that was not found"
    )
    assert classify_run(127, missing, "/nonexist", _binary(STATIC)).outcome is Outcome.NOT_FOUND
    denied = (
        "Error: runc: runc create failed: unable to start container process: exec: "
        '"/rb/g": permission denied: OCI permission denied'
    )
    assert classify_run(126, denied, "/rb/g", _binary(STATIC)).outcome is Outcome.ENGINE_ERROR


def test_script_with_missing_shebang_interpreter() -> None:
    v = classify_run(127, "/bin/sh: 1: /usr/local/bin/tool: not found", "/usr/local/bin/tool", None)
    assert v.outcome is Outcome.MISSING_LOADER and "#!" in v.evidence


def test_a_program_that_only_fails_is_not_called_broken_by_its_exit_code() -> None:
    v = classify_run(
        1, "usage: tool [options]", "/r/tool", dataclasses.replace(_binary(MUSL_DYNAMIC))
    )
    assert v.outcome is Outcome.EXITS_NONZERO and not v.outcome.load_failure


def test_install_verdicts() -> None:
    refused = (
        "ERROR: uv-0.5.2-py3-none-musllinux_1_1_x86_64.whl is not a supported wheel on "
        "this platform."
    )
    assert classify_install(1, refused).outcome is Outcome.REFUSED
    assert classify_install(1, refused).evidence == refused
    ok = classify_install(
        0,
        "Processing /w/uv.whl\nInstalling collected packages: uv\nSuccessfully installed uv-0.5.2",
    )
    assert (ok.outcome, ok.evidence) == (Outcome.INSTALLED, "Successfully installed uv-0.5.2")
    broken = classify_install(1, "ERROR: Wheel 'uv' located at /w/uv.whl is invalid.")
    assert broken.outcome is Outcome.INSTALL_FAILED and "invalid" in broken.evidence
    assert classify_install(None, "").outcome is Outcome.INSTALL_FAILED


@pytest.mark.parametrize(
    ("output", "path"),
    [
        # ninja ran (the loader is there) and reported its own missing file
        ("ninja: error: loading 'build.ninja': No such file or directory", "/r/ninja"),
        ("tool: cannot open /r/tool.conf: No such file or directory", "/r/tool"),
    ],
)
def test_a_programs_own_enoent_is_not_a_missing_loader(output: str, path: str) -> None:
    v = classify_run(1, output, path, _binary(MUSL_DYNAMIC))
    assert v.outcome is Outcome.EXITS_NONZERO


def test_docker_and_podman_engine_lines() -> None:
    docker = (
        "docker: Error response from daemon: failed to create task for container: "
        "failed to create shim task: OCI runtime create failed: runc create failed: "
        'unable to start container process: exec: "/r/x": stat /r/x: no such file or '
        "directory: unknown."
    )
    assert classify_run(127, docker, "/r/x", _binary(STATIC)).outcome is Outcome.NOT_FOUND
    # a program's output that merely starts with "Error" is not the engine's
    v = classify_run(126, "Error loading config", "/r/x", _binary(STATIC))
    assert v.outcome is Outcome.EXITS_NONZERO


def test_host_problems_are_read_from_engine_lines_only() -> None:
    from retag.validate.engine import _engine_lines, host_problem

    program = "error setting rlimit: this is my program's own message\n"
    assert host_problem(_engine_lines(program)) is None
    engine = (
        "Error: runc: runc create failed: unable to start container process: error during "
        "container init: error setting rlimits for ready process: error setting rlimit "
        "type 7: operation not permitted: OCI permission denied"
    )
    problem = host_problem(_engine_lines(program + engine))
    assert problem is not None and "default_ulimits" in problem[1]
