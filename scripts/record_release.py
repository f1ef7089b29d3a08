"""Record real releases' file lists for the coverage tests: `python scripts/record_release.py
NAME==VERSION...` writes testdata/releases/<name>-<version>.json (the release's file names, the
index's Requires-Python, the previous release's files and the wheel tags of every other
release), read from the simple index's project page; no artifact is downloaded."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sdistcheck._errors import SdistCheckError
from sdistcheck.archive.fetch import DEFAULT_INDEX, list_files, parse_requirement_target
from sdistcheck.coverage.release import from_index, to_record

OUT = Path(__file__).resolve().parents[1] / "testdata" / "releases"


def record(target: str, index_url: str = DEFAULT_INDEX, out: Path = OUT) -> Path:
    requirement = parse_requirement_target(target)
    if requirement is None:
        raise SdistCheckError(f"{target}: not NAME==VERSION")
    name, version = requirement
    release = from_index(name, version, list_files(name, index_url))
    if not release.files:
        raise SdistCheckError(f"{target}: no files of that version on {index_url}")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name.lower()}-{version}.json"
    path.write_text(json.dumps(to_record(release), indent=1, sort_keys=True) + "\n", "utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("targets", nargs="+", metavar="NAME==VERSION")
    p.add_argument("--index-url", default=DEFAULT_INDEX)
    args = p.parse_args(argv)
    for target in args.targets:
        try:
            print(record(target, args.index_url))
        except SdistCheckError as exc:
            print(f"record_release: error: {exc}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
