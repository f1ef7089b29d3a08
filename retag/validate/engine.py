"""A container engine (podman or docker) driven through its CLI, and what its failures mean.

Every container runs with no network, `--pull never` (images are resolved beforehand), the
wheel's files mounted read-only, a name of ours (so a timed-out run can be removed) and a
timeout.  Engine failures that come from the host, not the image (rlimits above the hard limit,
crun on a hybrid cgroup layout, no Docker daemon), are recognised and raised as `EngineError`
with the setting that fixes them: they must never be reported as a broken wheel.
"""

from __future__ import annotations

import contextlib
import json
import re
import resource
import secrets
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._errors import RetagError

ENGINES = ("podman", "docker")
INFO_TIMEOUT = 30.0
PULL_TIMEOUT = 300.0
BUILD_TIMEOUT = 300.0


class EngineError(RetagError):
    """No usable container engine, or the engine failed for a reason of the host (exit 2)."""

    def __init__(self, problem: str, fix: str | None = None) -> None:
        super().__init__(problem + (f"; fix: {fix}" if fix else ""))
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class RunResult:
    """One container run: what the engine and the program printed, and how it ended."""

    argv: tuple[str, ...]
    exit_code: int | None  # None: timed out
    stdout: str
    stderr: str
    seconds: float
    container: str

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None

    @property
    def output(self) -> str:
        return self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr


def _hard_limit(which: int, cap: int) -> int:
    hard = resource.getrlimit(which)[1]
    return cap if hard == resource.RLIM_INFINITY else min(cap, hard)


def host_problem(text: str) -> tuple[str, str] | None:
    """(problem, fix) when TEXT is an engine failure caused by the host's setup."""
    if "error setting rlimit" in text or re.search(r"setrlimit `?RLIMIT_", text):
        nofile = _hard_limit(resource.RLIMIT_NOFILE, 20000)
        nproc = _hard_limit(resource.RLIMIT_NPROC, 32768)
        return (
            "the engine asks for container rlimits above this host's hard limits",
            f'set default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"] '
            "under [containers] in a containers.conf (e.g. /etc/containers/containers.conf.d/"
            "50-ulimits.conf, or the file CONTAINERS_CONF names)",
        )
    if "cgroups in hybrid mode not supported" in text:
        return (
            "the OCI runtime crun cannot run on this host's hybrid cgroup layout",
            'apt-get install runc and set runtime = "runc" under [engine] in a '
            "containers.conf (or the file CONTAINERS_CONF names)",
        )
    if re.search(r"Cannot connect to the Docker daemon|Is the docker daemon running", text):
        return ("no Docker daemon is running", "start dockerd, or use --engine podman")
    if "permission denied while trying to connect to the Docker daemon" in text:
        return ("no permission to use the Docker daemon", "add the user to the docker group")
    return None


def last_line(text: str) -> str:
    """The last non-blank line of TEXT: where an engine puts its reason."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


@dataclass(frozen=True)
class Engine:
    name: str  # "podman" | "docker"
    exe: str

    def _call(self, args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [self.exe, *args],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"`{self.name} {' '.join(args[:2])}` took over {timeout:.0f} s"
            ) from None

    def check(self) -> None:
        """Raise EngineError unless the engine answers (the client alone is not enough)."""
        args = (
            ["info", "--format", "{{.Host.OCIRuntime.Name}}"]
            if self.name == "podman"
            else ["version", "--format", "{{.Server.Version}}"]
        )
        done = self._call(args, INFO_TIMEOUT)
        if done.returncode != 0:
            known = host_problem(done.stderr)
            if known:
                raise EngineError(f"{self.name}: {known[0]}", known[1])
            raise EngineError(f"{self.name} does not work here: {last_line(done.stderr)}")

    def image_arch(self, ref: str) -> tuple[str, str | None] | None:
        """(OCI architecture, variant) of a local image; None when it is not here."""
        done = self._call(["image", "inspect", "--", checked_ref(ref)], INFO_TIMEOUT)
        if done.returncode != 0:
            return None
        try:
            info = json.loads(done.stdout)[0]
        except (ValueError, IndexError, KeyError):
            return None
        return str(info.get("Architecture", "")), info.get("Variant") or None

    def pull(self, ref: str, platform: str) -> str | None:
        """Pull REF for PLATFORM; the engine's reason on failure, None on success."""
        try:
            done = self._call(
                ["pull", "--platform", platform, "--", checked_ref(ref)], PULL_TIMEOUT
            )
        except EngineError as exc:
            return str(exc)
        return None if done.returncode == 0 else last_line(done.stderr)

    def build(self, context: Path, tag: str, platform: str) -> None:
        done = self._call(
            [
                "build",
                "--platform",
                platform,
                "--tag",
                tag,
                "--file",
                str(context / "Containerfile"),
                str(context),
            ],
            BUILD_TIMEOUT,
        )
        if done.returncode != 0:
            known = host_problem(done.stderr)
            if known:
                raise EngineError(f"{self.name} build: {known[0]}", known[1])
            raise EngineError(f"{self.name} could not build {tag}: {last_line(done.stderr)}")
        if self.image_arch(tag) is None:  # e.g. a buildx builder that does not --load
            raise EngineError(
                f"{self.name} built {tag} but the image is not in its store",
                "use a builder that loads images (docker buildx --load)",
            )

    def remove_image(self, ref: str) -> None:
        self._call(["image", "rm", "--force", "--", checked_ref(ref)], INFO_TIMEOUT)

    def tag(self, ref: str, new: str) -> bool:
        return self._call(["tag", "--", checked_ref(ref), new], INFO_TIMEOUT).returncode == 0

    def run(
        self,
        image: str,
        command: Sequence[str],
        *,
        platform: str | None = None,
        mounts: Mapping[str, str] = {},
        env: Mapping[str, str] = {},
        timeout: float = 60.0,
        keep: bool = False,
    ) -> RunResult:
        """Run COMMAND in IMAGE; MOUNTS maps host paths to read-only container paths.

        Raises EngineError when the engine itself fails for a host reason (see `host_problem`).
        """
        name = f"releasenet-{secrets.token_hex(6)}"
        argv = ["run", "--name", name, "--network", "none", "--pull", "never"]
        if not keep:
            argv.append("--rm")
        if platform:
            argv += ["--platform", platform]
        for host, inside in mounts.items():
            if "," in host or "," in inside:  # --mount's own separator: refuse, never inject
                raise EngineError(
                    f"cannot mount {host!r}: the path contains ','",
                    "set TMPDIR to a directory whose path has no comma",
                )
            argv += ["--mount", f"type=bind,source={host},target={inside},readonly"]
        for key, value in env.items():
            argv += ["--env", f"{key}={value}"]
        argv += ["--entrypoint", command[0], "--", checked_ref(image), *command[1:]]
        started = time.monotonic()
        try:
            done = subprocess.run(
                [self.exe, *argv],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            self._stop(name, keep)
            return RunResult(
                tuple(command),
                None,
                _text(exc.stdout),
                _text(exc.stderr),
                time.monotonic() - started,
                name,
            )
        except BaseException:  # Ctrl-C, SIGTERM: the client dies, the container would not
            self._stop(name, keep)
            raise
        result = RunResult(
            tuple(command),
            done.returncode,
            done.stdout,
            done.stderr,
            time.monotonic() - started,
            name,
        )
        # Only the engine's own failures (125: engine, 126: cannot invoke, 127: not found) can
        # be the host's fault; a program may print anything, "error setting rlimit" included.
        if done.returncode in (125, 126, 127):
            known = host_problem(_engine_lines(done.stderr))
            if known:
                raise EngineError(f"{self.name}: {known[0]}", known[1])
        return result

    def _stop(self, name: str, keep: bool) -> None:
        """End a container that outlived its client: killed (--keep leaves it) or removed."""
        args = ["kill", name] if keep else ["rm", "--force", name]
        if self.name == "podman" and not keep:
            args[2:2] = ["--time", "0"]  # podman would wait 10 s for a SIGTERM PID 1 ignores
        with contextlib.suppress(EngineError):
            self._call(args, INFO_TIMEOUT)


def _engine_lines(text: str) -> str:
    """The lines an engine itself writes ("Error: ...", "docker: ..."), not the program's."""
    return "\n".join(
        line for line in text.splitlines() if line.startswith(("Error", "docker:", "time="))
    )


def checked_ref(ref: str) -> str:
    """REF, unless it could be read as an option of the engine's CLI."""
    if not ref or ref.startswith("-") or any(c.isspace() for c in ref):
        raise EngineError(f"not an image reference: {ref!r}")
    return ref


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def select_engine(choice: str | None = None) -> Engine:
    """The engine to use: CHOICE, or the first of podman, docker that works here."""
    reasons = []
    for name in (choice,) if choice else ENGINES:
        exe = shutil.which(name)
        if exe is None:
            reasons.append(f"{name} is not installed")
            continue
        engine = Engine(name, exe)
        try:
            engine.check()
        except EngineError as exc:
            if choice:
                raise
            reasons.append(str(exc))
            continue
        return engine
    raise EngineError(
        "no usable container engine: " + "; ".join(reasons),
        "install podman (apt-get install podman runc) or start a Docker engine",
    )
