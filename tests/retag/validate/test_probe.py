"""retag.validate.probe: the in-container scripts and the parsing of what they print."""

from __future__ import annotations

import subprocess
import sys

from retag.validate import platforms as _platforms
from retag.validate.probe import (
    facts_from_loaders,
    image_facts,
    install_output,
    install_script,
    new_token,
    platform_script,
    sections,
)

DEBIAN_LD = (
    "ld.so (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36.\n"
    "Copyright (C) 2022 Free Software Foundation, Inc."
)
CENTOS7_LD = "ld.so (GNU libc) stable release version 2.17, by Roland McGrath et al."
MUSL_LD = "musl libc (x86_64)\nVersion 1.2.3\nDynamic Program Loader\nUsage: ld [options]"


def test_markers_need_the_token() -> None:
    token = new_token()
    out = (
        f"noise\n{token} glibc\n{DEBIAN_LD}\n@@releasenet-00000000 python evil 3.1\n"
        f"{token} python python3 3.11\npip 23.0.1 from /usr/lib/python3/dist-packages/pip\n"
        f"{token} end\n"
    )
    found = sections(out, token)
    assert [s.kind for s in found] == ["glibc", "python", "end"]
    facts = image_facts(found)
    assert (facts.libc, facts.version) == ("glibc", (2, 36))
    ((command, version, pip),) = facts.pythons
    assert (command, version) == ("python3", (3, 11)) and pip.startswith("pip 23.0.1")


def test_loader_versions() -> None:
    assert facts_from_loaders(CENTOS7_LD, None).version == (2, 17)
    musl = facts_from_loaders(None, MUSL_LD)
    assert (musl.libc, musl.version) == ("musl", (1, 2))
    assert facts_from_loaders(None, None).libc is None


def test_platform_script_on_this_host() -> None:
    # the host is Debian with glibc and the python running this test: the script must find both
    token = new_token()
    arch = _platforms.host_arch()
    script = platform_script(token, _platforms.glibc_loader(arch), _platforms.musl_loader(arch))
    done = subprocess.run(
        ["/bin/sh", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": f"{sys.prefix}/bin:/usr/bin:/bin"},
    )
    facts = image_facts(sections(done.stdout, token))
    assert facts.libc == "glibc" and facts.version is not None and facts.version >= (2, 17)
    assert (sys.version_info[0], sys.version_info[1]) in [v for _, v, _ in facts.pythons]


def test_install_output_with_a_missing_command_and_a_cut_run() -> None:
    token = new_token()
    out = (
        f"{token} pip 0\nSuccessfully installed uv-0.5.2\n{token} run uv --version\n"
        f"uv 0.5.2\n{token} rc 0\n{token} missing uvz\n{token} run uvx --version\nhalf"
    )
    result = install_output(sections(out, token))
    assert result.pip_exit == 0 and not result.finished
    assert [(r.command, r.args, r.exit_code, r.found) for r in result.runs] == [
        ("uv", ("--version",), 0, True),
        ("uvz", (), None, False),
        ("uvx", ("--version",), None, True),
    ]


def test_install_script_quotes_what_it_is_given() -> None:
    script = install_script(
        "@@t", "python3", "/releasenet/wheels/a b.whl", ["uv"], [("--version",), ("--help",)]
    )
    assert "'/releasenet/wheels/a b.whl'" in script
    assert '"$x" --version >' in script and '"$x" --help >' in script
    done = subprocess.run(["/bin/sh", "-n", "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # valid POSIX sh


def test_install_script_runs_for_real_and_survives_output_without_newline(tmp_path) -> None:
    # the script against a stand-in python whose pip "installs" a command printing no newline
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "tool").write_text("#!/bin/sh\nprintf 'tool 1.0'\n")
    (bin_dir / "fakepy").write_text(
        f'#!/bin/sh\nif [ "$1" = -c ]; then echo {bin_dir}; else echo Successfully installed; fi\n'
    )
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    token = new_token()
    script = install_script(
        token,
        str(bin_dir / "fakepy"),
        "/w/x.whl",
        ["tool", "nope"],
        [("--version",), ("-e", "a b")],
    )
    done = subprocess.run(
        ["/bin/sh", "-c", script], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    out = install_output(sections(done.stdout, token))
    assert out.finished and out.pip_exit == 0
    assert [(r.command, r.args, r.exit_code, r.output.strip(), r.found) for r in out.runs] == [
        ("tool", ("--version",), 0, "tool 1.0", True),
        ("nope", (), None, "", False),
    ]
