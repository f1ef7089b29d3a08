"""What every `retag` subcommand's command line shares: wheel discovery in directories, the
output formats, one line per error, and the signal handling."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from . import __version__
from ._errors import RetagError

FORMATS = ("text", "json", "github", "sarif")
T = TypeVar("T")
U = TypeVar("U")


def wheels(targets: Sequence[str], skipped: list[str] | None = None) -> list[Path]:
    """Wheel paths from files and directories (a directory: every *.whl in it; its sdists are
    added to SKIPPED, as `sdistcheck` is their tool)."""
    out: list[Path] = []
    for t in targets:
        path = Path(t)
        if path.is_dir():
            out.extend(sorted(path.glob("*.whl")))
            if skipped is not None:
                skipped.extend(
                    str(p) for p in sorted(path.iterdir()) if p.name.endswith((".tar.gz", ".zip"))
                )
        else:
            out.append(path)
    return out


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="github: workflow-command annotations; sarif: SARIF 2.1.0",
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read [tool.retag] from FILE (default: ./pyproject.toml if present)",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


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
