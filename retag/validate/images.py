"""The images a wheel is validated in: resolved for its architecture, the empty image built on
the fly, and what each image offers (its libc and version, a python with pip).

An image given as `localhost/...` is local only and never pulled; any other reference missing
here is pulled for the wheel's platform.  The empty image holds nothing but the wheel's
executables: a binary that runs there needs no loader and no library, which is the proof of
static linkage.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .._errors import RetagError
from . import platforms as _platforms
from . import probe as _probe
from .engine import Engine, last_line

EMPTY_REPO = "localhost/releasenet-empty"
PULLED_REPO = "localhost/releasenet-pulled"


def default_refs(arch: str) -> list[str]:
    """What a GitHub runner can pull: pypa's manylinux image and Debian and Alpine pythons."""
    # fully qualified: podman's short-name resolution may prompt or refuse without a TTY
    return [
        f"quay.io/pypa/manylinux2014_{arch}",
        "docker.io/library/python:3.12-slim",
        "docker.io/library/python:3.12-alpine",
    ]


@dataclass(frozen=True)
class Image:
    ref: str
    origin: str  # "empty" | "given" | "default"
    arch: str | None  # None: unavailable
    platform: str | None = None  # the --platform to run with (foreign images only)
    problem: str | None = None  # why it is unavailable, or of another arch

    @property
    def empty(self) -> bool:
        return self.origin == "empty"


def resolve(engine: Engine, ref: str, origin: str, arch: str) -> Image:
    """REF for a wheel of ARCH: local if here, else pulled (never for localhost/ images)."""
    platform = _platforms.oci_platform(arch)
    run_platform = None if _platforms.runs_natively(arch) else platform
    found = engine.image_arch(ref)
    if found is not None and _platforms.arch_of_oci(*found) == arch:
        return Image(ref, origin, arch, run_platform)
    if ref.startswith("localhost/"):
        if found is None:
            return Image(
                ref,
                origin,
                None,
                problem="not built on this host (local images are "
                "never pulled; scripts/build-test-images builds the test images)",
            )
        other = _platforms.arch_of_oci(*found) or "/".join(x for x in found if x)
        return Image(ref, origin, other, problem=f"the image is {other}, the wheel {arch}")
    # Pulled for one platform under a private per-arch name: a mixed dist/ does not pull the
    # same reference again for each architecture it alternates between.
    private = f"{PULLED_REPO}/{re.sub(r'[^a-z0-9._-]+', '-', ref.lower()).strip('-.')}:{arch}"
    if engine.image_arch(private) is not None:
        return Image(private, origin, arch, run_platform)
    failure = engine.pull(ref, platform)
    if failure is not None:
        return Image(ref, origin, None, problem=f"cannot pull it for {platform}: {failure}")
    found = engine.image_arch(ref)
    if found is None or _platforms.arch_of_oci(*found) != arch:
        return Image(ref, origin, None, problem=f"the registry has no {platform} variant")
    return Image(private if engine.tag(ref, private) else ref, origin, arch, run_platform)


def build_empty(engine: Engine, arch: str, files: Path, inside: str) -> Image:
    """An image of nothing but the tree FILES (the wheel's executables), at INSIDE."""
    tag = f"{EMPTY_REPO}:{arch}-{secrets.token_hex(4)}"
    with tempfile.TemporaryDirectory(prefix="releasenet-empty-") as tmp:
        context = Path(tmp)
        shutil.copytree(files, context / "files", symlinks=False)
        (context / "Containerfile").write_text(f"FROM scratch\nCOPY files/ {inside}/\n", "utf-8")
        engine.build(context, tag, _platforms.oci_platform(arch))
    run_platform = None if _platforms.runs_natively(arch) else _platforms.oci_platform(arch)
    return Image(tag, "empty", arch, run_platform)


class ImageProbeError(RetagError):
    """The image's platform could not be read (the probe timed out or failed): not checked."""


def facts(engine: Engine, image: Image, timeout: float) -> _probe.ImageFacts:
    """The image's libc (asked of its loader) and its pythons with pip.  Raises ImageProbeError
    when the probe does not finish: a target must never pass as "not a target" by accident."""
    if image.empty:
        return _probe.ImageFacts(None, None, None)
    assert image.arch is not None
    glibc, musl = _platforms.glibc_loader(image.arch), _platforms.musl_loader(image.arch)
    token = _probe.new_token()
    done = engine.run(
        image.ref,
        ["/bin/sh", "-c", _probe.platform_script(token, glibc, musl)],
        platform=image.platform,
        timeout=timeout,
    )
    found = _probe.sections(done.output, token)
    if any(s.kind == "end" for s in found):
        return _probe.image_facts(found)
    if done.timed_out or done.exit_code not in (126, 127):
        why = "timed out" if done.timed_out else f"exit {done.exit_code}: {last_line(done.output)}"
        raise ImageProbeError(f"reading the image's platform failed ({why})")
    # no shell (distroless and the like): ask the loaders directly
    outputs: list[str | None] = []
    for argv in ([glibc, "--version"], [musl]):
        run = engine.run(image.ref, argv, platform=image.platform, timeout=timeout)
        if run.timed_out:
            raise ImageProbeError("reading the image's platform timed out")
        outputs.append(None if run.exit_code in (126, 127) else run.output)
    return _probe.facts_from_loaders(outputs[0], outputs[1])
