"""sdistcheck: prove that an sdist holds every file its build references, on every platform."""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Not typing's: `python -m sdistcheck` starts inflating the archive (archive.prefetch) once this
# package is imported, and typing and pathlib take some 12 ms to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from ._config import Options
    from ._errors import SdistCheckError
    from ._model import Finding, Fix, Reference, Report, Scope, Severity

# The API's names are loaded when first used: importing one submodule (retag uses
# sdistcheck.pipeline) must not pay for the model and config modules (about 9 ms).
_LAZY = {
    "Options": "_config",
    "SdistCheckError": "_errors",
    "Finding": "_model",
    "Fix": "_model",
    "Reference": "_model",
    "Report": "_model",
    "Scope": "_model",
    "Severity": "_model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_sdist(path: str | Path, options: Options | None = None) -> Report:
    """Check one sdist file.  Raises `SdistCheckError` subclasses for unreadable input."""
    from pathlib import Path

    from ._check import check
    from ._config import Options
    from .archive.read import read_sdist

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
