"""Build the wheel from an sdist, in isolation, the way pip would: proof by construction.

WARNING: unlike the static check, this RUNS the package's own build code (its `setup.py`, build
backend, `build.rs`, CMake scripts, ...) with the caller's privileges.  Only build sdists you
would install anyway, or do it in a sandbox.

The sdist is extracted (only members `read_sdist` has vetted) into a temporary directory the
caller owns; the build backend's output is streamed, line by line, to a log file and to an
optional `progress` callback, so that `build.diagnose` can explain a failure afterwards.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import threading
import time
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import build
import build.env
from packaging.tags import Tag, sys_tags
from packaging.utils import (
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_wheel_filename,
)

from .._errors import SdistCheckError, UnsafeArchiveError
from ..archive.pkginfo import name_version
from ..archive.read import Limits, read_sdist
from ..archive.tree import SdistTree, normalize
from .log import MISSING_DEPS_MARKER, NOTE, TIMEOUT_MARKER

_PURE = Tag("py3", "none", "any")
_DRAIN_SECONDS = 5.0  # after a kill, how long to wait for the last buffered output
_READ_LIMIT = 1 << 16  # a "line" longer than this is passed on in pieces


class BuildError(SdistCheckError):
    """The build could not be attempted at all (not: the build failed, which is a result)."""


@dataclass(frozen=True)
class BuildResult:
    """The outcome of one wheel build.  Everything it names lives in the caller's workdir."""

    ok: bool  # the backend produced a wheel (its problems, if any, are in wheel_problems)
    wheel: Path | None  # the built wheel, in `workdir/dist`
    log: Path  # the full output of pip and the backend, failed or not
    seconds: float
    wheel_problems: tuple[str, ...]
    project_dir: Path  # where the sdist's `name-version/` was extracted: `build.diagnose`'s prefix
    project_files: frozenset[str]  # sdist-relative file and link paths, for `build.diagnose`


class _TimedOut(Exception):
    """Raised inside the runner; `build` wraps it, so the runner also sets a flag."""


# --- extraction --------------------------------------------------------------------------------


def _inside(root: Path, path: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, base]) == base


def _vetted(tree: SdistTree, name: str) -> str:
    """The member's normalized archive path ("" for the root), if `read_sdist` accepted it."""
    path = normalize(name)
    if path is not None and path in ("", tree.root_prefix):
        return path
    prefix = tree.root_prefix + "/" if tree.root_prefix else ""
    rel = path[len(prefix) :] if path is not None and path.startswith(prefix) else None
    if path is None or not (rel in tree.files or rel in tree.dirs or rel in tree.links):
        raise UnsafeArchiveError(tree.artifact, name, "not among the members that were checked")
    return path


def _extract_tar(archive: Path, dest: Path, tree: SdistTree) -> None:
    with tarfile.open(archive, "r:*") as tf:
        for member in tf:
            if not _vetted(tree, member.name):
                continue  # "./": the root itself
            try:
                tf.extract(member, dest, filter="data")
            except tarfile.FilterError as exc:  # read_sdist refused these already: belt and braces
                raise UnsafeArchiveError(tree.artifact, member.name, str(exc)) from None


def _extract_zip(archive: Path, dest: Path, tree: SdistTree) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = _vetted(tree, info.filename)
            target = dest / path
            if not path or not _inside(dest, target.parent):
                if path:
                    raise UnsafeArchiveError(tree.artifact, info.filename, "leaves the tree")
                continue
            mode = info.external_attr >> 16
            if stat.S_IFMT(mode) == stat.S_IFLNK and info.create_system == 3:
                link = zf.read(info).decode("utf-8", "surrogateescape")
                target.parent.mkdir(parents=True, exist_ok=True)
                if not _inside(dest, target.parent / link):
                    raise UnsafeArchiveError(tree.artifact, info.filename, "link leaves the tree")
                target.symlink_to(link)
                continue
            zf.extract(info, dest)  # zipfile itself drops absolute and `..` parts too
            if info.create_system == 3 and stat.S_ISREG(mode) and mode & 0o100:
                target.chmod(0o755)  # keep `configure`-style scripts executable


def extract_sdist(sdist: Path, dest: Path, limits: Limits | None = None) -> tuple[Path, SdistTree]:
    """Extract `sdist` into the empty or new directory `dest`; return the project directory.

    Every member is vetted first by `read_sdist` (traversal, links out of the tree, devices,
    bombs: `SdistCheckError`), before anything is written; then only those members are
    extracted, with tarfile's "data" filter.
    """
    tree = read_sdist(sdist, limits or Limits(), keep=lambda _path: False)
    if not hasattr(tarfile, "data_filter"):  # Python < 3.10.12 / 3.11.4
        raise BuildError(f"{tree.artifact}: this Python's tarfile has no extraction filters")
    dest.mkdir(parents=True, exist_ok=True)
    with open(sdist, "rb") as f:
        is_zip = f.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    (_extract_zip if is_zip else _extract_tar)(sdist, dest, tree)
    return (dest / tree.root_prefix if tree.root_prefix else dest), tree


# --- running the build ---------------------------------------------------------------------------


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    if sys.platform != "win32":  # the whole group: compilers, cargo, cmake, ninja, ...
        with suppress(ProcessLookupError):  # already gone
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    with suppress(OSError, ValueError):  # the pipe closed under us: given up on after a timeout
        for chunk in iter(lambda: stream.readline(_READ_LIMIT), b""):
            lines.put(chunk)
    lines.put(None)


class Session:
    """One build's log file, progress callback and deadline; runs every subprocess of it."""

    def __init__(self, log: IO[str], progress: Callable[[str], None] | None, timeout: float):
        self.log, self.progress, self.timeout = log, progress, timeout
        self.deadline = time.monotonic() + timeout
        self.timed_out = False

    def emit(self, line: str) -> None:
        self.log.write(line if line.endswith("\n") else line + "\n")
        if self.progress is not None:
            shown = line.rstrip("\r\n").rpartition("\r")[2]  # a \r-redrawn bar: its last state
            self.progress(shown)

    def note(self, text: str) -> None:
        for line in text.splitlines():
            self.emit(NOTE + line)

    def warning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: IO[str] | None = None,
        line: str | None = None,
    ) -> None:
        """A `warnings.showwarning`: pyproject_hooks re-raises the backend's warnings here."""
        for part in warnings.formatwarning(message, category, filename, lineno, line).splitlines():
            self.emit(part)

    def _expire(self, process: subprocess.Popen[bytes] | None) -> None:
        if process is not None:
            _kill(process)
        self.timed_out = True
        self.emit(f"{TIMEOUT_MARKER} {self.timeout:g} s; killed the build's processes")

    def run(self, cmd: Sequence[str], cwd: str | None, env: Mapping[str, str]) -> None:
        """Run `cmd` with stdout and stderr merged into the log; CalledProcessError on failure."""
        if time.monotonic() >= self.deadline:  # spent before this step (e.g. creating the env)
            self._expire(None)
            raise _TimedOut
        full = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}  # keep stdout and stderr in order
        process = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=full,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=sys.platform != "win32",
        )
        assert process.stdout is not None
        lines: queue.Queue[bytes | None] = queue.Queue()
        # A thread reads, so that the deadline holds even while the build prints nothing.
        reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            while True:
                wait = self.deadline - time.monotonic() if not self.timed_out else _DRAIN_SECONDS
                try:
                    chunk = lines.get(timeout=max(wait, 0.0))
                except queue.Empty:
                    if self.timed_out:
                        break  # a detached grandchild still holds the pipe: stop listening
                    self._expire(process)
                    continue
                if chunk is None:
                    break
                self.emit(chunk.decode("utf-8", "replace"))
        finally:
            _kill(process)  # on timeout, and on KeyboardInterrupt: leave nothing running
            process.wait()
            process.stdout.close()
            self.log.flush()
        if self.timed_out:
            raise _TimedOut
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, list(cmd))

    def hook(
        self,
        cmd: Sequence[str],
        cwd: str | None = None,
        extra_environ: Mapping[str, str] | None = None,
    ) -> None:
        """A `pyproject_hooks` subprocess runner."""
        self.run(cmd, cwd, extra_environ or {})


def _pip(env: build.env.DefaultIsolatedEnv) -> list[str]:
    """pip as `build` uses it: the outer one with `--python` unless the env has its own."""
    scripts = (env.make_extra_environ() or {}).get("PATH", "").split(os.pathsep)[0]
    if scripts and shutil.which("pip", path=scripts):
        return [env.python_executable, "-Im", "pip"]
    return [sys.executable, "-m", "pip", "--python", env.python_executable]


def _install(
    session: Session, env: build.env.DefaultIsolatedEnv, reqs: Collection[str], what: str
) -> None:
    if not reqs:
        return
    session.note(f"installing {what}: {', '.join(sorted(reqs))}")
    with open(Path(env.path) / "sdistcheck-requirements.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(reqs) + "\n")  # a file: pip ignores markers on the command line
    cmd = [
        *_pip(env),
        "install",
        "--use-pep517",
        "--no-warn-script-location",
        "--no-compile",
        "--no-input",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "-r",
        f.name,
    ]
    try:  # from the index pip is configured with: its config files and PIP_* variables
        session.run(cmd, None, env.make_extra_environ() or {})
    except subprocess.CalledProcessError as exc:
        msg = f"pip could not install {what} (exit status {exc.returncode})"
        raise build.BuildException(msg) from None


def build_distribution(
    project: Path,
    outdir: Path,
    isolation: bool,
    session: Session,
    distribution: Literal["sdist", "wheel"] = "wheel",
) -> Path:
    """Build PROJECT's DISTRIBUTION ("wheel" or "sdist") into OUTDIR, as `python -m build`."""
    if not isolation:
        builder = build.ProjectBuilder(
            project, python_executable=sys.executable, runner=session.hook
        )
        missing = builder.check_dependencies(distribution)
        if missing:
            chains = sorted(" -> ".join(chain) for chain in missing)
            session.emit(f"{MISSING_DEPS_MARKER} (without isolation): {'; '.join(chains)}")
            raise build.BuildException("missing build dependencies")
        return Path(builder.build(distribution, outdir))
    with build.env.DefaultIsolatedEnv() as env:
        builder = build.ProjectBuilder.from_isolated_env(env, project, runner=session.hook)
        _install(session, env, builder.build_system_requires, "the build system requirements")
        _install(
            session, env, builder.get_requires_for_build(distribution), "the backend's requirements"
        )
        session.note(f"building the {distribution}")
        return Path(builder.build(distribution, outdir))


def failure(exc: Exception) -> str:
    """What to log for a failure the build tools report: the log has the output already."""
    inner = getattr(exc, "exception", None)
    traceback = getattr(inner, "traceback", "")  # pyproject_hooks.BackendUnavailable has one
    first = str(exc).strip().partition("\n")[0] or type(exc).__name__
    return f"build failed: {first}" + (f"\n{traceback.rstrip()}" if traceback else "")


# --- verifying the wheel -------------------------------------------------------------------------


def _pkg_info(project: Path) -> tuple[str | None, str | None]:
    try:
        text = (project / "PKG-INFO").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None, None
    return name_version(text)


def verify_wheel(wheel: Path, project: Path | None = None) -> tuple[str, ...]:
    """Problems with a built wheel: its name, its tags on this host, its contents."""
    try:
        name, version, _build_tag, tags = parse_wheel_filename(wheel.name)
    except InvalidWheelFilename as exc:
        return (f"wheel file name does not parse: {exc}",)
    problems = []
    if not (tags & set(sys_tags()) or _PURE in tags):
        shown = ", ".join(sorted(str(t) for t in tags))
        problems.append(f"no tag of the wheel ({shown}) fits this interpreter and platform")
    sdist_name, sdist_version = _pkg_info(project) if project else (None, None)
    if sdist_name and canonicalize_name(sdist_name) != name:
        problems.append(f"wheel is for {name!r}, the sdist's PKG-INFO says {sdist_name!r}")
    if sdist_version and canonicalize_version(sdist_version) != canonicalize_version(version):
        problems.append(f"wheel version {version} differs from the sdist's {sdist_version}")
    try:
        with zipfile.ZipFile(wheel) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile) as exc:
        return (*problems, f"wheel is not a readable zip: {exc}")
    tops = {n.partition("/")[0] for n in names if n.partition("/")[0].endswith(".dist-info")}
    if len(tops) != 1:
        problems.append(f"wheel has {len(tops)} .dist-info directories, not 1")
    for top in tops:
        problems.extend(
            f"wheel lacks {top}/{f}"
            for f in ("METADATA", "WHEEL", "RECORD")
            if f"{top}/{f}" not in names
        )
    return tuple(problems)


# --- the entry point ------------------------------------------------------------------------------


@contextmanager
def log_file(path: Path) -> Iterator[IO[str]]:
    try:
        f = open(path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    except OSError as exc:
        raise BuildError(f"cannot write the build log {path}: {exc.strerror}") from None
    with f:
        yield f


def build_sdist_wheel(
    sdist: Path,
    workdir: Path,
    *,
    isolation: bool = True,
    timeout: float = 1800,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build a wheel from `sdist` as a user's `pip install` would.  RUNS THE PACKAGE'S BUILD CODE.

    `workdir` is an empty temporary directory the caller owns (and removes): the sdist is copied
    to `workdir/sdist`, vetted and extracted to `workdir/src`, built into `workdir/dist`, with the
    full output in `workdir/build.log`.  With `isolation`, the build requirements are installed
    into a fresh virtual environment from the index pip is configured with; without, the current
    environment is used as it is.  `timeout` (seconds) bounds the whole build: its process group
    is killed when it runs out (on Windows, only the process itself).  Each output line is also
    passed to `progress`.

    A failed build is a result with `ok=False`; `SdistCheckError` when the sdist is unsafe or
    unreadable, `BuildError` when the build cannot be attempted at all.
    """
    start = time.monotonic()
    workdir = workdir.absolute()
    copy = workdir / "sdist" / sdist.name
    try:  # a private copy: the archive extracted is the one that was vetted
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sdist, copy)
    except OSError as exc:
        raise BuildError(f"{sdist.name}: cannot copy into {workdir}: {exc.strerror}") from None
    project, tree = extract_sdist(copy, workdir / "src")
    files = frozenset(tree.all_paths())
    log_path, outdir = workdir / "build.log", workdir / "dist"
    wheel: Path | None = None
    with log_file(log_path) as log:
        session = Session(log, progress, timeout)
        mode = "isolated" if isolation else "without isolation"
        session.note(f"building a wheel from {sdist.name} in {project} ({mode})")
        try:
            with warnings.catch_warnings():  # restores showwarning
                warnings.simplefilter("always")
                warnings.showwarning = session.warning
                wheel = build_distribution(project, outdir, isolation, session)
        except (
            build.BuildBackendException,
            build.BuildException,
            build.FailedProcessError,
            subprocess.CalledProcessError,
            _TimedOut,
        ) as exc:
            if not session.timed_out:
                session.note(failure(exc))
        except Exception as exc:  # build or pyproject_hooks failing in a way they do not wrap
            log.write(f"{NOTE}unexpected {type(exc).__name__}: {exc}\n")
            first = str(exc).strip().partition("\n")[0]
            msg = f"{sdist.name}: build could not run: {type(exc).__name__}: {first}"
            raise BuildError(msg) from exc
        else:
            session.note(f"built {wheel.name}")
    problems = verify_wheel(wheel, project) if wheel else ()
    seconds = time.monotonic() - start
    return BuildResult(wheel is not None, wheel, log_path, seconds, problems, project, files)
