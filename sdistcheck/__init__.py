"""sdistcheck: prove that an sdist holds every file its build references, on every platform."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

from ._config import Options
from ._errors import SdistCheckError
from ._model import Finding, Fix, Reference, Report, Scope, Severity


def check_sdist(path: str | Path, options: Options | None = None) -> Report:
    """Check one sdist file.  Raises `SdistCheckError` subclasses for unreadable input."""
    from ._archive import read_sdist
    from ._check import check

    return check(read_sdist(Path(path)), options or Options())


__all__ = [
    "Finding",
    "Fix",
    "Options",
    "Reference",
    "Report",
    "Scope",
    "SdistCheckError",
    "Severity",
    "__version__",
    "check_sdist",
]
