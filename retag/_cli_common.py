"""What every `retag` subcommand's command line shares: wheel discovery in directories, the
output formats, one line per error, and the signal handling."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sdistcheck.pipeline import add_shared_options, find_inputs

from . import __version__
from ._errors import RetagError

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Wheels:
    paths: list[Path]
    explicit: list[bool]  # named on the command line, not found in a folder
    skipped: tuple[str, ...]  # sdists found in folders: `sdistcheck` is their tool


def wheels(targets: Sequence[str]) -> Wheels:
    """The wheels TARGETS name (a folder: every *.whl in it).  Raises InputError (exit 2) for a
    missing path, a folder without wheels, or an sdist named as a wheel."""
    inputs = find_inputs(targets, "wheel")
    named = {Path(t) for t in targets if not Path(t).is_dir()}
    return Wheels(list(inputs.found), [p in named for p in inputs.found], inputs.skipped)


def add_common(p: argparse.ArgumentParser, jobs: str | None = None) -> None:
    """The positional WHEEL..., `--format`, `-v`, (`--jobs`), `--config` and `--version`."""
    p.add_argument(
        "wheels",
        nargs="+",
        metavar="WHEEL",
        help="wheel files, or folders such as dist/ (their wheels; sdists are listed as skipped)",
    )
    add_shared_options(p, jobs)
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read [tool.retag] from FILE (default: ./pyproject.toml if present)",
    )
    p.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="show the version"
    )


def argtype(parse: Callable[[T], U], convert: Callable[[str], T]) -> Callable[[str], U]:
    """An argparse `type` from a parser that raises ValueError (shared with [tool.retag])."""

    def parsed(text: str) -> U:
        try:
            return parse(convert(text))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parsed


def failure(path: Path, exc: Exception) -> str:
    """The one line an error while handling PATH becomes (exit 2)."""
    if isinstance(exc, RetagError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path.name}: {exc.strerror or exc}"
    # a bug of ours: still one line and exit 2 in a release pipeline
    return (
        f"{path.name}: internal error ({type(exc).__name__}: {exc}); please report it "
        "(RETAG_DEBUG=1 shows the traceback)"
    )


def reraise_bugs(exc: Exception) -> None:
    if os.environ.get("RETAG_DEBUG") and not isinstance(exc, (RetagError, OSError)):
        raise exc


def quiet_broken_pipe() -> None:
    """The reader (`| head`) went away: not an error of ours, and no traceback."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
