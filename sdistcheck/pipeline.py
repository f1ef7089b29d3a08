"""What both tools share as steps of a release pipeline; the one module of sdistcheck that retag
imports, so its names are kept stable.

- exit codes, the same in both tools, and how several artifacts' codes combine;
- the JSON report envelope (schema name and version, tool, exit code, results);
- the CI formats: GitHub workflow-command escaping and SARIF 2.1.0 (code scanning's upload format);
- several artifacts at once, in processes;
- tolerant TOML reading, for `[tool.sdistcheck]`, `[tool.retag]` and the analysed build files;
- the command-line conventions both follow: which artifacts a target names (one rule for missing
  paths, empty folders and artifacts of the other tool), `--format`, `--jobs`, and usage errors
  as one line;
- Markdown for CI job summaries.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

EXIT_OK = 0  # nothing wrong
EXIT_FINDINGS = 1  # findings: an incomplete sdist, a refused or dishonest wheel, a failed cell
EXIT_ERROR = 2  # a usage error, or input that could not be read or checked


def encodable_output() -> None:
    """Make stdout and stderr escape what their encoding cannot write (a file name in UTF-8 on
    an ASCII terminal, `PYTHONIOENCODING=ascii`) instead of failing with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def worst(codes: Iterable[int]) -> int:
    """The exit code of several artifacts: the worst one wins (none at all: EXIT_OK)."""
    return max(codes, default=EXIT_OK)


def envelope(
    schema: str,
    schema_version: int,
    tool: str,
    version: str,
    exit_code: int,
    results: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    """A JSON report: its schema, the tool, FIELDS (in order), the exit code, the results."""
    return {
        "schema": schema,
        "schema_version": schema_version,
        "tool": {"name": tool, "version": version},
        **fields,
        "exit_code": exit_code,
        "results": results,
    }


def write_json(doc: Mapping[str, Any], stream: IO[str]) -> None:
    import json  # here: a text report does not pay for it

    # ASCII escapes keep names that were not UTF-8 (surrogate-escaped) encodable everywhere.
    json.dump(doc, stream, indent=2, ensure_ascii=True)
    stream.write("\n")


FORMATS = ("text", "json", "github", "sarif", "markdown")
FORMAT_HELP = (
    "text: for people; json: the versioned report; github: workflow-command annotations; "
    "sarif: SARIF 2.1.0 for code scanning; markdown: a CI job summary ($GITHUB_STEP_SUMMARY)"
)
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")
WHEEL_SUFFIXES = (".whl",)
_KINDS = {"sdist": SDIST_SUFFIXES, "wheel": WHEEL_SUFFIXES}
_TOOL_FOR = {"sdist": "sdistcheck", "wheel": "retag check"}


class InputError(Exception):
    """A target that names nothing the command handles: a missing path, a folder without such
    artifacts, an artifact of the other tool's kind.  One line, exit 2."""


def artifact_kind(name: str) -> str | None:
    """ "sdist", "wheel", or None for a file name that is neither."""
    lowered = name.lower()
    for kind, suffixes in _KINDS.items():
        if lowered.endswith(suffixes):
            return kind
    return None


@dataclass(frozen=True)
class Inputs:
    """What a command's targets name."""

    found: tuple[Path, ...]  # the artifacts of the command's kind, in target order
    skipped: tuple[str, ...]  # artifacts of the other kind found in folders, by path


def find_inputs(targets: Sequence[str], kind: str) -> Inputs:
    """The artifacts of KIND (sdist or wheel) that TARGETS name: files as given, folders'
    artifacts sorted by name.  Raises InputError naming the first target that names none."""
    found: list[Path] = []
    skipped: list[str] = []
    other = "wheel" if kind == "sdist" else "sdist"
    for target in targets:
        path = Path(target)
        if path.is_dir():
            members = sorted(p for p in path.iterdir() if p.is_file())
            mine = [p for p in members if artifact_kind(p.name) == kind]
            theirs = [str(p) for p in members if artifact_kind(p.name) == other]
            if not mine:
                also = f" (only {len(theirs)} {other}s: {_TOOL_FOR[other]})" if theirs else ""
                raise InputError(f"{target}: no {kind}s in this folder{also}")
            found += mine
            skipped += theirs
        elif not path.exists():
            raise InputError(f"{target}: no such file or folder")
        elif artifact_kind(path.name) == other:
            raise InputError(
                f"{target}: {_a(other)}, not {_a(kind)} ({_TOOL_FOR[other]} handles {other}s)"
            )
        elif artifact_kind(path.name) is None:
            names = ", ".join(_KINDS[kind])
            raise InputError(f"{target}: not {_a(kind)} ({names})")
        else:
            found.append(path)
    return Inputs(tuple(found), tuple(skipped))


def _a(kind: str) -> str:
    return f"an {kind}" if kind == "sdist" else f"a {kind}"


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a usage error as one line (`prog: error: ...`, exit 2); the usage block is
    for --help only."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def jobs_count(text: str) -> int:
    """`--jobs N`: a positive number of processes."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def add_shared_options(p: argparse.ArgumentParser, jobs: str | None = None) -> None:
    """`--format`, `-v/--verbose`, and (with JOBS, what runs in parallel) `--jobs`."""
    p.add_argument("--format", choices=FORMATS, default="text", help=FORMAT_HELP)
    p.add_argument(
        "-v", "--verbose", action="store_true", help="also show what was checked and notes"
    )
    if jobs is not None:
        p.add_argument(
            "--jobs",
            "-j",
            type=jobs_count,
            default=None,
            metavar="N",
            help=f"{jobs} handled in parallel processes (default: one per CPU)",
        )


def rich_console(stream: IO[str]) -> Any:
    """A rich Console for a report: on a terminal, its own width; elsewhere (a CI log, a file)
    wide enough that tables never fold a file name."""
    from rich.console import Console  # imported here: JSON runs do not pay for rich

    isatty = getattr(stream, "isatty", None)
    width = None if isatty is not None and isatty() else 10_000
    return Console(file=stream, highlight=False, soft_wrap=True, width=width)


def md_escape(text: str) -> str:
    """Text for a Markdown table cell or line: pipes, backticks and angle brackets escaped."""
    text = printable(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; the cells are escaped by the caller."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


R = TypeVar("R")


def run_all(
    job: Callable[..., R], calls: Sequence[tuple[Any, ...]], jobs: int | None = None
) -> list[R]:
    """`job(*call)` for each of CALLS, in order; in up to JOBS processes (None: one per CPU), or
    in this one when there is a single call or a single job.  JOB must be picklable (top level).
    One process per CPU suits the CPU-bound work here (inflating, hashing, scanning)."""
    jobs = jobs or os.cpu_count() or 1
    if len(calls) < 2 or jobs < 2:
        return [job(*call) for call in calls]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(calls))) as pool:
        return [f.result() for f in [pool.submit(job, *call) for call in calls]]


@lru_cache(maxsize=512)
def load_toml(text: str) -> dict[str, Any] | None:
    """A parsed TOML document, or None when it is malformed (the caller says so).  Cached: a
    workspace manifest is consulted once per member; callers must not mutate the result."""
    # imported here: `retag tags` and the reports start faster without it
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        doc: dict[str, Any] = tomllib.loads(text)
        return doc
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def printable(text: str) -> str:
    """Names that were not UTF-8 carry surrogate escapes; show their bytes as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def gh_escape(text: str, prop: bool = False) -> str:
    """Escape for a GitHub workflow command: %, CR and LF everywhere; : and , in properties."""
    text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


@dataclass(frozen=True)
class SarifResult:
    """One result of a SARIF report."""

    rule: str  # an id of the rules given to `write_sarif`
    level: str  # "error" | "warning" | "note"
    message: str
    uri: str | None = None  # a path relative to the repository root (or the artifact's path)
    line: int | None = None


def write_sarif(
    tool: str,
    version: str,
    rules: Mapping[str, str],
    results: Sequence[SarifResult],
    stream: IO[str],
) -> None:
    """One SARIF 2.1.0 run: the tool, its RULES (id -> one-line description), the RESULTS."""
    used = list(dict.fromkeys(r.rule for r in results))
    index = {rule: i for i, rule in enumerate(used)}
    doc: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool,
                        "version": version,
                        "semanticVersion": version,
                        "rules": [
                            {"id": rule, "shortDescription": {"text": rules.get(rule, rule)}}
                            for rule in used
                        ],
                    }
                },
                "results": [_result(r, index[r.rule]) for r in results],
            }
        ],
    }
    write_json(doc, stream)


def _result(r: SarifResult, rule_index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": r.rule,
        "ruleIndex": rule_index,
        "level": r.level,
        "message": {"text": printable(r.message)},
    }
    if r.uri:
        # relative paths are the repository's; an absolute one becomes a file: URI of its own
        artifact = (
            {"uri": Path(r.uri).as_uri()}
            if Path(r.uri).is_absolute()
            else {"uri": printable(r.uri), "uriBaseId": "%SRCROOT%"}
        )
        location: dict[str, Any] = {"artifactLocation": artifact}
        if r.line:
            location["region"] = {"startLine": r.line}
        out["locations"] = [{"physicalLocation": location}]
    return out
