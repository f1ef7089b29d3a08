"""`retag`: the command line (the rewrite itself lands with its own issue)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="retag",
        description="Prove from its binaries that a wheel is statically linked, then add the "
        "manylinux tags it honestly deserves (as uv does for its musllinux wheels).",
        epilog="exit codes: 0 fine, 1 refused (reasons printed), 2 usage or unreadable input",
    )
    p.add_argument("wheels", nargs="*", metavar="WHEEL")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    _parser().parse_args(argv)
    print("retag: not implemented yet; only --help and --version work", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
