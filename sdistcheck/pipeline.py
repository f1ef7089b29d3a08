"""The CI formats both tools write: GitHub workflow-command escaping and SARIF 2.1.0 documents
(GitHub code scanning's upload format).  Shared by `sdistcheck` and `retag`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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
