"""`[tool.retag]` in the project's pyproject.toml (the one in the working directory, or
`--config FILE`), merged under the command line: a flag given wins, a key fills in the rest."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sdistcheck import _toml

from ._errors import RetagError


class ConfigError(RetagError):
    """An unreadable pyproject.toml, an unknown key or a value of the wrong type (exit 2)."""


# key -> (argparse destination, type check, what it must be)
_KEYS: dict[str, tuple[str, type | tuple[type, ...], str]] = {
    "manylinux": ("manylinux", str, 'a glibc version such as "2_28"'),
    "force": ("force", bool, "true or false"),
    "out-dir": ("out_dir", str, "a directory"),
    "images": ("image", list, "a list of image references"),
    "engine": ("engine", str, '"podman" or "docker"'),
    "probe-args": ("probe_args", str, 'a string such as "--version"'),
    "timeout": ("timeout", (int, float), "seconds"),
    "empty-image": ("empty", bool, "true or false"),
}


def load(path: Path | None) -> tuple[dict[str, Any], str]:
    """The [tool.retag] table of PATH (default: ./pyproject.toml if it exists) and its name."""
    explicit = path is not None
    path = path or Path("pyproject.toml")
    if not explicit and not path.is_file():
        return {}, ""
    try:
        data = _toml.load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    if data is None:
        raise ConfigError(f"{path}: not valid TOML")
    table = data.get("tool", {}).get("retag", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.retag] must be a table")
    return table, str(path)


def apply(args: argparse.Namespace, table: dict[str, Any], source: str,
          keys: frozenset[str]) -> None:  # fmt: skip
    """Fill ARGS' unset options (None, or an empty --image list) from TABLE, for the KEYS this
    command takes; raise ConfigError naming an unknown key or a bad value."""
    value: Any
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{source}: [tool.retag] has unknown key {key!r} "
                              f"(known: {', '.join(sorted(_KEYS))})")
        dest, kind, shown = _KEYS[key]
        if not _valid(value, kind):
            raise ConfigError(f"{source}: [tool.retag] {key} must be {shown}")
        if key not in keys or getattr(args, dest, None) not in (None, []):
            continue  # not this command's, or the command line said it
        if key == "manylinux":
            value = _floor(value, source)
        elif key == "out-dir":
            value = Path(value)
        elif key == "empty-image":
            value = not value  # the flag is --no-empty
            dest = "no_empty"
            if getattr(args, dest, False):
                continue
        setattr(args, dest, value)


def _valid(value: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and kind is not bool:
        return False  # TOML true is not a number of seconds
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, kind)


def _floor(text: str, source: str) -> tuple[int, int]:
    try:
        major, minor = (int(x) for x in text.replace(".", "_").split("_"))
    except ValueError:
        raise ConfigError(f"{source}: [tool.retag] manylinux: not a glibc version: {text!r} "
                          "(e.g. \"2_28\")") from None
    return major, minor


RETAG_KEYS = frozenset({"manylinux", "force", "out-dir"})
VALIDATE_KEYS = frozenset({"images", "engine", "probe-args", "timeout", "empty-image"})
