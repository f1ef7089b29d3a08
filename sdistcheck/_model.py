"""Result types shared by the analysers, the checker and the reports."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How a missing file is judged: ERROR fails the run, WARNING and INFO do not (see --strict)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Scope(str, enum.Enum):
    """When a reference is followed by a build: the basis of its severity."""

    ALWAYS = "always"  # every build on every platform
    PLATFORM = "platform"  # builds for some targets only (the uv-0.5.2 case)
    OPTION = "option"  # only with a non-default feature, option or profile
    TEST = "test"  # only when tests or docs are built
    GUARDED = "guarded"  # the build script tolerates its absence (try/except, exists())


# From the scope that bites most builds to the one that bites fewest.
SCOPE_ORDER = (Scope.ALWAYS, Scope.PLATFORM, Scope.OPTION, Scope.TEST, Scope.GUARDED)
SCOPE_RANK = {scope: rank for rank, scope in enumerate(SCOPE_ORDER)}  # scope -> its place there


def weakest(*scopes: Scope) -> Scope:
    """The scope of something needed only when all of `scopes` apply (ALWAYS for none)."""
    return max(scopes, key=SCOPE_RANK.__getitem__, default=Scope.ALWAYS)


# The note of a reference whose path climbs out of the sdist: never satisfied, whatever exists.
LEAVES_SDIST = "the path leaves the sdist"


@dataclass(frozen=True)
class Reference:
    """One place in the sdist that needs `target` (an sdist-relative path or glob)."""

    target: str
    source: str  # sdist-relative file holding the reference
    line: int  # 1-based; 0 when the reference is implicit (a default)
    text: str  # the referencing source line, stripped
    kind: str  # e.g. "include_bytes", "mod", "cargo-path-dependency", "setup.py-open"
    condition: str | None = None  # e.g. 'cfg(all(windows, target_arch = "aarch64"))'
    scope: Scope = Scope.ALWAYS
    is_dir: bool = False  # the target is a directory, not a file
    is_glob: bool = False  # the target is a pattern that must match at least one file
    alternatives: tuple[str, ...] = ()  # other paths that satisfy it (e.g. x/mod.rs for x.rs)
    note: str | None = None  # why it matters, when the kind alone does not say
    platforms: str | None = None  # for PLATFORM scope: where it bites, e.g. "Windows aarch64"
    tolerated: bool = False  # the backend builds without it (the note says what is lost)


@dataclass(frozen=True)
class Unchecked:
    """A construct of the build the analysis cannot follow: what it builds or reads is unknown."""

    source: str  # sdist-relative file ("" for the sdist as a whole)
    line: int  # 1-based; 0 when the whole file
    what: str  # e.g. "custom build_ext class BuildExt: what it builds is not followed"


@dataclass(frozen=True)
class Finding:
    """A file the build needs that the sdist lacks, with everyone who needs it."""

    path: str
    severity: Severity
    scope: Scope
    references: tuple[Reference, ...]
    platforms: str | None = None  # human summary of the platforms a PLATFORM finding bites on
    in_source: bool | None = None  # with --source: the checkout has it (True) or not (False)


@dataclass(frozen=True)
class Fix:
    """What to add to the build configuration so the next sdist has the missing files."""

    file: str  # the config file to edit, e.g. "pyproject.toml"
    snippet: str  # the text to add
    explanation: str


@dataclass(frozen=True)
class Report:
    """The outcome of checking one sdist."""

    artifact: str
    name: str | None
    version: str | None
    backend: str | None
    findings: tuple[Finding, ...]
    fixes: tuple[Fix, ...] = ()
    references_checked: int = 0
    files_in_sdist: int = 0
    notes: tuple[str, ...] = ()  # reasoned-about cases worth telling the user (not failures)
    stats: dict[str, float] = field(default_factory=dict, compare=False)
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)  # checked
    blockers: tuple[str, ...] = ()  # why no build of this sdist can succeed, whatever it has
    unchecked: tuple[Unchecked, ...] = ()  # what the analysis could not follow
    fail_unchecked: bool = False  # --fail-on unchecked: an unchecked construct fails the run

    @property
    def status(self) -> str:
        """One of "unbuildable", "incomplete", "unchecked" (--fail-on unchecked), "complete"."""
        if self.blockers:
            return "unbuildable"
        if self.errors:
            return "incomplete"
        return "unchecked" if self.fail_unchecked and self.unchecked else "complete"

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)
