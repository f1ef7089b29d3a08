"""Exception classes.  Each is caught once, at the CLI edge, and becomes one line and exit 2."""

from __future__ import annotations


class SdistCheckError(Exception):
    """Base class: an artifact or target that cannot be checked (exit 2)."""


class UnsafeArchiveError(SdistCheckError):
    """A member that would escape the tree or is not a plain file, directory or in-tree link."""

    def __init__(self, artifact: str, member: str, reason: str) -> None:
        self.artifact = artifact
        self.member = member
        self.reason = reason
        super().__init__(f"{artifact}: unsafe member {member!r}: {reason}")


class ArchiveLimitError(SdistCheckError):
    """A size, count or compression-ratio cap was exceeded (likely a decompression bomb)."""


class UnreadableArchiveError(SdistCheckError):
    """Empty, truncated, corrupt, or not an archive at all."""


class AnalysisError(SdistCheckError):
    """The sdist's content defeats analysis (e.g. nesting deep enough to exhaust the stack)."""


class FetchError(SdistCheckError):
    """A NAME==VERSION target could not be resolved, downloaded or verified."""


class ConfigError(SdistCheckError):
    """A bad `[tool.sdistcheck]` table or command-line value."""
