"""Exception classes, caught once at the CLI edge: each becomes one line and exit 2."""

from __future__ import annotations

from typing import NoReturn


class RetagError(Exception):
    """Base: an input that cannot be read, trusted or rewritten (exit 2)."""


class WheelFormatError(RetagError):
    """A bad file name, WHEEL file, RECORD, member name, or a truncated/corrupt zip."""


class RecordMismatchError(WheelFormatError):
    """A member whose hash or size disagrees with RECORD, or a member missing from it."""


class BinaryFormatError(RetagError):
    """A member that claims to be a binary (by its magic) but cannot be parsed."""


class OutputError(RetagError):
    """The output could not be written or failed its own verification (nothing is left)."""


def oneline(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def fail(
    shown: str,
    reason: str,
    member: str | None = None,
    error: type[WheelFormatError] = WheelFormatError,
) -> NoReturn:
    where = f"member {member!r}: " if member is not None else ""
    raise error(f"{shown}: {where}{reason}")
