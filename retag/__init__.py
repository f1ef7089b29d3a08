"""retag: give wheels with statically linked binaries the manylinux tags they honestly deserve.

The Python API; the `retag` command is a thin layer over it.  Each function raises a
`RetagError` subclass for a wheel it cannot read or trust, and returns a frozen result.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

from ._errors import RetagError
from ._report import Result

if TYPE_CHECKING:
    from .validate.run import WheelResult


def retag_wheel(
    path: str | Path,
    *,
    out_dir: str | Path | None = None,
    manylinux: tuple[int, int] | None = None,
    force: bool = False,
    dry_run: bool = False,
    remove: bool = False,
    siblings: Sequence[str | Path] = (),
) -> Result:
    """Prove PATH's binaries static and write it with the manylinux tags it deserves.

    `Result.status` is "retagged" (`Result.output` is the new file), "would-retag" (dry run),
    "already-tagged", "not-needed", "not-applicable" or "refused" (`Result.reasons` says why;
    PATH is named, so a wheel that cannot be proven static is refused).  SIBLINGS are other
    wheels of the release (a glibc build of the same version is compared; the directory is
    searched too).
    """
    from ._jobs import RetagOptions, retag

    wheel = Path(path)
    options = RetagOptions(
        Path(out_dir) if out_dir is not None else None, remove, dry_run, manylinux, force
    )
    return retag(wheel, [wheel, *map(Path, siblings)], options)


def check_wheel(path: str | Path) -> Result:
    """Audit PATH's tags against its binaries without changing it ("clean" or "flagged")."""
    from ._jobs import check

    return check(Path(path))


def validate_wheel(
    path: str | Path,
    *,
    images: Sequence[str] = (),
    engine: str | None = None,
    probe_args: Sequence[str] | None = None,
    timeout: float = 120.0,
    keep: bool = False,
    empty_image: bool = True,
) -> WheelResult:
    """Run PATH's executables in container images (see `retag validate`); raises
    `retag.validate.engine.EngineError` (a RetagError) when no engine is usable."""
    from .validate import run as _validate
    from .validate.engine import select_engine

    probes = (tuple(probe_args),) if probe_args is not None else _validate.Options.probes
    options = _validate.Options(tuple(images), probes, timeout, keep, empty_image)
    return _validate.validate(Path(path), select_engine(engine), options, lambda _: None)


__all__ = ["Result", "RetagError", "__version__", "check_wheel", "retag_wheel", "validate_wheel"]
