"""Exception classes, caught once at the CLI edge: each becomes one line and exit 2."""

from __future__ import annotations


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
