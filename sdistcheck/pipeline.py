"""What both tools share as steps of a release pipeline; the one module of sdistcheck that retag
imports, so its names are kept stable.

- exit codes, the same in both tools, and how several artifacts' codes combine;
- the JSON report envelope (schema name and version, tool, exit code, results);
- the CI formats: GitHub workflow-command escaping and SARIF 2.1.0 (code scanning's upload format);
- several artifacts at once, in processes;
- tolerant TOML reading, for `[tool.sdistcheck]`, `[tool.retag]` and the analysed build files.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, TypeVar

EXIT_OK = 0  # nothing wrong
EXIT_FINDINGS = 1  # findings: an incomplete sdist, a refused or dishonest wheel, a failed cell
EXIT_ERROR = 2  # a usage error, or input that could not be read or checked


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
    # ASCII escapes keep names that were not UTF-8 (surrogate-escaped) encodable everywhere.
    json.dump(doc, stream, indent=2, ensure_ascii=True)
    stream.write("\n")


R = TypeVar("R")


def run_all(job: Callable[..., R], calls: Sequence[tuple[Any, ...]], jobs: int = 0) -> list[R]:
    """`job(*call)` for each of CALLS, in order; in up to JOBS processes (0: one per CPU), or
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
    json.dump(doc, stream, indent=2, ensure_ascii=True)
    stream.write("\n")


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
