"""The strace log reader behind the traced-build oracle (scripts/strace_log.py)."""

# ruff: noqa: E501  (strace lines are as long as they are)

from __future__ import annotations

from strace_log import Access, accesses, reads_under

LOG = """\
100 execve("/usr/bin/python3", ["python3", "/env/_in_process.py", "build_wheel"], 0x7ff /* 5 vars */) = 0
100 openat(AT_FDCWD</src>, "setup.py", O_RDONLY|O_CLOEXEC) = 3</src/setup.py>
100 openat(AT_FDCWD</src>, "missing.h", O_RDONLY) = -1 ENOENT (No such file or directory)
100 openat(AT_FDCWD</src>, "pkg", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3</src/pkg>
100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7f) = 101
101 execve("/usr/lib/gcc/x86_64-linux-gnu/12/cc1", ["/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "a.c"], 0x1 /* 9 vars */) = 0
101 openat(AT_FDCWD</src>, "src/a.c", O_RDONLY|O_NOCTTY <unfinished ...>
100 openat(AT_FDCWD</src>, "build/gen.h", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 4</src/build/gen.h>
101 <... openat resumed>) = 5</src/src/a.c>
101 openat(AT_FDCWD</src>, "build/gen.h", O_RDONLY|O_NOCTTY) = 5</src/build/gen.h>
101 openat(AT_FDCWD</src>, "src/caf\\xc3\\xa9.h", O_RDONLY) = 6</src/src/caf\\xc3\\xa9.h>
100 renameat2(AT_FDCWD</src>, "tmp.c", AT_FDCWD</src>, "pkg/out.c", RENAME_NOREPLACE) = 0
100 openat(AT_FDCWD</src>, "pkg/out.c", O_RDONLY) = 3</src/pkg/out.c>
100 openat(AT_FDCWD</elsewhere>, "x.h", O_RDONLY) = 3</usr/include/x.h>
"""


def test_successful_regular_file_opens_are_read_with_their_program() -> None:
    events = accesses(LOG.splitlines())
    assert Access(100, "_in_process", "/src/setup.py", "read") in events
    assert Access(101, "cc1", "/src/src/a.c", "read") in events  # joined across <unfinished>
    assert not any(e.path.endswith("missing.h") for e in events)  # a failed probe is no read
    assert not any(e.path == "/src/pkg" for e in events)  # a directory listing is no read


def test_what_the_build_wrote_first_is_not_an_input() -> None:
    reads = {r.path: r.program for r in reads_under("/src", accesses(LOG.splitlines()))}
    assert reads == {"setup.py": "_in_process", "src/a.c": "cc1", "src/café.h": "cc1"}


def test_a_forked_child_runs_its_parents_program_until_it_execs() -> None:
    log = [*LOG.splitlines()[:5], '101 openat(AT_FDCWD</src>, "v.txt", O_RDONLY) = 3</src/v.txt>']
    assert reads_under("/src", accesses(log))[-1].program == "_in_process"


def test_a_python_process_is_named_by_its_module_or_script() -> None:
    log = [
        '7 execve("/env/bin/python", ["python", "-I", "-m", "mesonbuild.mesonmain"], 0x1) = 0',
        '7 openat(AT_FDCWD</src>, "meson.build", O_RDONLY) = 3</src/meson.build>',
    ]
    assert reads_under("/src", accesses(log))[0].program == "mesonbuild"


def test_a_file_a_compiler_reads_is_its_input_whoever_read_it_first() -> None:
    log = [
        '5 openat(AT_FDCWD</src>, "m.cpp", O_RDONLY) = 3</src/m.cpp>',
        '6 execve("/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus", ["cc1plus"], 0x1) = 0',
        '6 openat(AT_FDCWD</src>, "m.cpp", O_RDONLY) = 3</src/m.cpp>',
    ]
    assert [(r.path, r.program) for r in reads_under("/src", accesses(log))] == [
        ("m.cpp", "cc1plus")
    ]
