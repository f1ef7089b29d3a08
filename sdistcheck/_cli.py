"""`sdistcheck TARGET...`: the command line.  Errors are caught here, once, as one line each.

Exit codes: 0 every sdist is complete, 1 findings (files the build needs are missing),
2 usage error or an unreadable/unsafe artifact (or a target that could not be fetched).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from ._check import check
from ._config import Options, parse_fail_on
from ._errors import SdistCheckError
from .archive import prefetch as _prefetch
from .archive import read as _archive
from .pipeline import (
    EXIT_ERROR,
    ArgumentParser,
    InputError,
    Inputs,
    add_shared_options,
    encodable_output,
    find_inputs,
    run_all,
    worst,
)
from .report.outcome import Outcome
from .report.text import write_text

if TYPE_CHECKING:
    from .coverage.release import Release

DEFAULT_INDEX = (
    "https://pypi.org/simple/"  # as archive.fetch.DEFAULT_INDEX (a test keeps them equal)
)
_SIZE = re.compile(r"(?i)^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$")


def _size(text: str) -> int:
    m = _SIZE.match(text)
    if m is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 512M, 2G)")
    factor = 1024 ** " kmgt".index(m.group(2).lower() or " ")
    return int(float(m.group(1)) * factor)


def _parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="sdistcheck",
        description="Prove that an sdist is complete: every file its build scripts reference "
        "(Rust include_bytes!/mod, Cargo manifests, setup.py, pyproject) is inside it, on every "
        "platform branch. Static analysis only: nothing from the sdist is executed.",
        epilog="exit codes: 0 complete, 1 files missing, 2 usage error or unreadable input",
    )
    p.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="an sdist (.tar.gz/.zip), a folder such as dist/ (its sdists; wheels are listed "
        "as skipped), or NAME==VERSION (fetched from the index, sha256-verified, cached)",
    )
    add_shared_options(p, jobs="sdists")
    p.add_argument(
        "--index-url",
        default=DEFAULT_INDEX,
        help="simple index for NAME==VERSION targets (default: %(default)s)",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        help="download cache (default: $SDISTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/sdistcheck, "
        "else ~/.cache/sdistcheck)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="GLOB",
        help="paths known to be generated at build time (repeatable)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="fail on warnings too (option-, test- and feature-only references)",
    )
    p.add_argument(
        "--fail-on",
        metavar="SCOPES",
        help="comma-separated scopes whose findings fail the run "
        "(default: always,platform; choose from always, platform, option, test), and "
        "`unchecked`: fail when a build construct could not be followed",
    )
    p.add_argument(
        "--no-coverage",
        action="store_true",
        help="for a release (a folder with wheels beside the sdist, or NAME==VERSION), leave "
        "out the coverage matrix: which platforms install a wheel and which build the sdist",
    )
    p.add_argument(
        "--source",
        type=Path,
        metavar="DIR",
        help="the project's checkout (git-aware): a missing file it has is a certain bug, one it "
        "lacks too is reported as generated at build time (info)",
    )
    build = p.add_argument_group(
        "building (RUNS THE PACKAGE'S BUILD CODE: its setup.py, backend and compilers)"
    )
    build.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="build the sdist of the project in DIR (as `python -m build --sdist`, isolated) "
        "and check it, against DIR's files too; what the pre-commit hook runs",
    )
    build.add_argument(
        "--build",
        action="store_true",
        help="after the static check, build a wheel from the sdist in an isolated "
        "environment and explain a failure (missing file vs missing tool)",
    )
    build.add_argument(
        "--no-isolation",
        action="store_true",
        help="build in the current environment instead of an isolated one",
    )
    build.add_argument(
        "--build-timeout",
        type=float,
        default=1800,
        metavar="SECONDS",
        help="give up on a build after this long (default: %(default)s)",
    )
    limits = p.add_argument_group("archive limits (a decompression bomb stops at these)")
    d = _archive.Limits()
    limits.add_argument(
        "--max-member-size",
        type=_size,
        default=d.max_member_size,
        metavar="SIZE",
        help="largest member read (default: %(default)s bytes; 512M, 2G ...)",
    )
    limits.add_argument(
        "--max-total-size",
        type=_size,
        default=d.max_total_size,
        metavar="SIZE",
        help="most bytes read in all (default: %(default)s)",
    )
    limits.add_argument(
        "--max-members",
        type=int,
        default=d.max_members,
        metavar="N",
        help="most members read (default: %(default)s)",
    )
    limits.add_argument(
        "--max-ratio",
        type=float,
        default=d.max_ratio,
        metavar="R",
        help="uncompressed/compressed size, once 32 MiB are read (default: %(default)s)",
    )
    p.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="show the version"
    )
    return p


Work = tuple[str, Path, "Release | None"]  # label, sdist, the release it belongs to


def _expand(target: str, args: argparse.Namespace) -> list[Work]:
    """(label, local path, release) of a NAME==VERSION target, fetched; the project page is
    read once, for the sdist and the release's file list.  Raises SdistCheckError."""
    from .archive import fetch as _fetch  # imported here: networking costs start-up time

    requirement = _fetch.parse_requirement_target(target)
    if requirement is None:
        raise SdistCheckError(f"{target}: not NAME==VERSION")
    name, version = requirement
    files = _fetch.list_files(name, args.index_url)
    path = _fetch.fetch_sdist(name, version, args.index_url, args.cache_dir, files)
    release = None
    if not args.no_coverage:
        from .coverage.release import from_index

        release = from_index(name, version, files)
    return [(target, path, release)]


def _folder(inputs: Inputs, args: argparse.Namespace) -> list[Work]:
    """The sdists of a file or folder target, each with its release when wheels are beside it."""
    if args.no_coverage or not inputs.skipped:
        return [(str(p), p, None) for p in inputs.found]
    from .coverage.release import from_folder, wheels_beside

    wheels = [Path(w) for w in inputs.skipped]
    out: list[Work] = []
    for sdist in inputs.found:
        mine = wheels_beside(sdist, inputs.found, wheels)
        out.append((str(sdist), sdist, from_folder(sdist, mine) if mine else None))
    return out


def _is_requirement(target: str) -> bool:
    return "==" in target and not Path(target).exists()


def _progress(name: str) -> Callable[[str], None] | None:
    """A one-line live display of the backend's output on a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)
    status = console.status(f"building {name}")
    status.start()

    def show(line: str) -> None:
        status.update(f"building {name}: {line.strip()[:100]}")

    import atexit

    atexit.register(status.stop)
    return show


def _check_one(
    label: str,
    path: Path,
    args: argparse.Namespace,
    options: Options,
    release: Release | None = None,
) -> Outcome:
    limits = _archive.Limits(
        max_member_size=args.max_member_size,
        max_total_size=args.max_total_size,
        max_members=args.max_members,
        max_ratio=args.max_ratio,
    )
    try:
        tree = _archive.read_sdist(path, limits)
        report = check(tree, options)
        coverage = None
        if release is not None:
            from .coverage.assess import assess

            coverage = assess(release, path.name, report, tree)
        if not args.build:
            return Outcome(label, report=report, coverage=coverage)
        from .build import check as _buildcheck  # build, pyproject-hooks: only when asked to build

        built = _buildcheck.build(
            path,
            report,
            isolation=not args.no_isolation,
            timeout=args.build_timeout,
            progress=_progress(path.name),
        )
        return Outcome(label, report=report, build=built, coverage=coverage)
    except SdistCheckError as exc:
        return Outcome(label, error=str(exc))
    except Exception as exc:  # a bug of ours: still one line and exit 2 in a release pipeline
        if os.environ.get("SDISTCHECK_DEBUG"):
            raise
        return Outcome(
            label,
            error=f"{path.name}: internal error ({type(exc).__name__}: {exc}); "
            "please report it (SDISTCHECK_DEBUG=1 shows the traceback)",
        )


def _source_files(root: Path) -> frozenset[str]:
    from .archive.source import source_files  # subprocess (git ls-files): only for a checkout

    return source_files(root)


def main(argv: Sequence[str] | None = None) -> int:
    encodable_output()
    args = _parser().parse_args(argv)
    try:
        fail_on = parse_fail_on(args.fail_on, "--fail-on") if args.fail_on else None
        files = _source_files(args.source) if args.source else None
    except SdistCheckError as exc:
        print(f"sdistcheck: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not args.targets and args.project is None:
        _parser().error("give a TARGET or --project DIR")
    outcomes: list[Outcome | None] = []
    work: list[tuple[int, Work]] = []
    if args.project is not None:
        try:
            built = _project_sdist(args)
            files = files if files is not None else _source_files(args.project)
        except SdistCheckError as exc:
            print(f"sdistcheck: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        work.append((0, (str(built), built, None)))
        outcomes.append(None)
    options = Options(
        ignore=tuple(args.ignore),
        strict=args.strict,
        fail_on=fail_on,
        fail_unchecked="unchecked" in args.fail_on.split(",") if args.fail_on else None,
        source_files=files,
    )
    try:  # every local target first: a bad one stops the run before any fetch or check
        local = [(t, find_inputs([t], "sdist")) for t in args.targets if not _is_requirement(t)]
    except InputError as exc:
        print(f"sdistcheck: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    skipped = tuple(s for _, found in local for s in found.skipped)
    found_in = dict(local)
    for target in args.targets:  # in the order given
        try:
            if _is_requirement(target):
                expanded = _expand(target, args)
            else:
                expanded = _folder(found_in[target], args)
        except SdistCheckError as exc:
            outcomes.append(Outcome(target, error=str(exc)))
            continue
        for item in expanded:
            work.append((len(outcomes), item))
            outcomes.append(None)
    if len(work) > 1:  # checked in processes: no inflating thread may run beside the fork
        _prefetch.discard()
    # --build's live output needs the terminal to itself: one sdist at a time
    done_work = run_all(
        _check_one,
        [(label, path, args, options, release) for _, (label, path, release) in work],
        1 if args.build else args.jobs,
    )
    for (index, _), outcome in zip(work, done_work, strict=True):
        outcomes[index] = outcome
    done = [o for o in outcomes if o is not None]
    try:
        # The other formats' writers are imported when asked for: the text report is the default.
        if args.format == "json":
            from .report.json_report import write_json

            write_json(done, __version__, sys.stdout)
        elif args.format == "github":
            from .report.ci import write_github

            write_github(done, sys.stdout)
        elif args.format == "sarif":
            from .report.ci import write_sarif_report

            write_sarif_report(done, __version__, sys.stdout)
        elif args.format == "markdown":
            from .report.markdown import write_markdown

            write_markdown(done, sys.stdout, skipped=skipped)
        else:
            write_text(done, sys.stdout, verbose=args.verbose, skipped=skipped)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return worst(o.exit_code for o in done)


def console_main() -> int:
    """The `sdistcheck` command: `main`, then an exit that skips the last garbage collection."""
    code = main()
    # The process ends now: the interpreter's final collection would walk every object the run
    # left (about 10 ms after uv's sdist) to free memory the OS takes back anyway.  atexit
    # handlers still run, and objects outside reference cycles are still finalized.
    gc.freeze()
    return code


def _project_sdist(args: argparse.Namespace) -> Path:
    """Build the --project's sdist into a temporary directory removed at exit (kept, with its
    log, when the build fails)."""
    import atexit
    import shutil
    import tempfile

    from .build.project import build_project_sdist

    workdir = Path(tempfile.mkdtemp(prefix="sdistcheck-project-"))
    sdist = build_project_sdist(
        args.project,
        workdir,
        isolation=not args.no_isolation,
        timeout=args.build_timeout,
        progress=_progress(args.project.name),
    )
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    return sdist


if __name__ == "__main__":  # pragma: no cover
    sys.exit(console_main())
