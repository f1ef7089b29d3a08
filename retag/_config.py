"""`[tool.retag]` in the project's pyproject.toml (the one in the working directory, or
`--config FILE`), merged under the command line: a flag given wins, a key fills in the rest."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdistcheck.pipeline import load_toml

from ._errors import RetagError


class ConfigError(RetagError):
    """An unreadable pyproject.toml, an unknown key or a value of the wrong type (exit 2)."""


MAX_TIMEOUT = 86400.0


def parse_floor(text: str) -> tuple[int, int]:
    """A manylinux floor, "2_28" or "2.28" (`--manylinux` and the `manylinux` key)."""
    from . import _policy

    try:
        major, minor = (int(x) for x in text.replace(".", "_").split("_"))
    except ValueError:
        raise ValueError(f"not a glibc version: {text!r} (e.g. 2_28)") from None
    if major != 2:
        raise ValueError(f"{text}: glibc versions are 2.x; there is no glibc {major}.{minor}")
    low = _policy.STATIC_FLOOR
    if (major, minor) < low:
        raise ValueError(
            f"{text} is below the static-binary floor {low[0]}_{low[1]}: a static binary needs "
            f"Linux 3.2, which glibc {low[0]}.{low[1]}-era systems have and older ones may not"
        )
    newest = _policy.newest_manylinux()
    if (major, minor) > newest:
        raise ValueError(
            f"{text} is newer than any manylinux policy auditwheel knows "
            f"(the newest is {newest[0]}_{newest[1]})"
        )
    return major, minor


def parse_seconds(value: float) -> float:
    """A per-run timeout (`--timeout` and the `timeout` key); refuses nan and inf too."""
    if not 0 < value < MAX_TIMEOUT:
        raise ValueError(f"not a number of seconds between 0 and {MAX_TIMEOUT:.0f}: {value!r}")
    return value


def _engine(name: str) -> str:
    if name not in ("podman", "docker"):
        raise ValueError(f'{name!r} is not "podman" or "docker"')
    return name


# key -> (argparse destination, type check, what it must be, conversion to the option's value)
_KEYS: dict[str, tuple[str, type | tuple[type, ...], str, Callable[[Any], Any]]] = {
    "manylinux": ("manylinux", str, 'a glibc version such as "2_28"', parse_floor),
    "force": ("force", bool, "true or false", bool),
    "out-dir": ("out_dir", str, "a directory", Path),
    "images": ("image", list, "a list of image references", list),
    "engine": ("engine", str, '"podman" or "docker"', _engine),
    "probe-args": ("probe_args", str, 'a string such as "--version"', str),
    "timeout": ("timeout", (int, float), "seconds", lambda v: parse_seconds(float(v))),
    "empty-image": ("no_empty", bool, "true or false", lambda v: not v),  # the flag: --no-empty
}


def load(path: Path | None) -> tuple[dict[str, Any], str]:
    """The [tool.retag] table of PATH (default: ./pyproject.toml if it exists) and its name."""

    explicit = path is not None
    path = path or Path("pyproject.toml")
    if not explicit and not path.is_file():
        return {}, ""
    try:
        data = load_toml(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    if data is None:
        raise ConfigError(f"{path}: not valid TOML")
    table = data.get("tool", {}).get("retag", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.retag] must be a table")
    return table, str(path)


def apply(
    args: argparse.Namespace, table: dict[str, Any], source: str, keys: frozenset[str]
) -> None:
    """Fill ARGS' unset options (None, or an empty --image list) from TABLE, for the KEYS this
    command takes; raise ConfigError naming an unknown key or a bad value."""
    value: Any
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(
                f"{source}: [tool.retag] has unknown key {key!r} "
                f"(known: {', '.join(sorted(_KEYS))})"
            )
        dest, kind, shown, convert = _KEYS[key]
        if not _valid(value, kind):
            raise ConfigError(f"{source}: [tool.retag] {key} must be {shown}")
        try:  # every key is checked, also those of the other commands
            converted = convert(value)
        except ValueError as exc:
            raise ConfigError(f"{source}: [tool.retag] {key}: {exc}") from None
        if key in keys and getattr(args, dest, None) in (None, []):
            setattr(args, dest, converted)  # unless not this command's, or the flag said it


def _valid(value: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and kind is not bool:
        return False  # TOML true is not a number of seconds
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, kind)


RETAG_KEYS = frozenset({"manylinux", "force", "out-dir"})
VALIDATE_KEYS = frozenset({"images", "engine", "probe-args", "timeout", "empty-image"})
