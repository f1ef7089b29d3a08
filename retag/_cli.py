"""`retag`: prove static linkage and add honest manylinux tags; `retag tags`; `retag check`;
`retag validate` (in `_cli_validate`).

Exit codes: 0 fine (retagged, unchanged, clean, validated), 1 refused or flagged (the reasons
are printed), 2 usage error, an unreadable, unsafe or inconsistent wheel, a bad [tool.retag],
or (validate) no usable container engine or a target image that could not be checked.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from sdistcheck.pipeline import (
    EXIT_ERROR,
    ArgumentParser,
    InputError,
    encodable_output,
    run_all,
    worst,
)

from . import __version__, _config
from ._cli_common import (
    Wheels,
    add_common,
    argtype,
    failure,
    quiet_broken_pipe,
    reraise_bugs,
    wheels,
)
from ._errors import RetagError
from ._jobs import RetagOptions, TagEdit
from ._report import (
    Result,
    write_github,
    write_json,
    write_markdown,
    write_sarif_report,
    write_text,
)


def _retag_parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="retag",
        description="Prove from its binaries that a wheel is statically linked (no interpreter, "
        "no needed libraries, no extension modules, the tagged architecture), then add the "
        "manylinux tags it honestly deserves; refuse with the reasons otherwise. "
        "Subcommands: `retag tags` (like `wheel tags`), `retag check` (read-only audit), "
        "`retag validate` (run the binaries in container images).",
        epilog="each wheel is retagged, already tagged, not needed (a glibc wheel of the "
        "release covers it), not applicable (not a static Linux wheel), or refused. "
        "exit codes: 0 nothing wrong, 1 refused, 2 usage or unreadable input; "
        "[tool.retag] keys: manylinux, force, out-dir",
    )
    p.add_argument("--out-dir", type=Path, help="where to write (default: beside the input)")
    p.add_argument("--remove", action="store_true", help="delete the input after success")
    p.add_argument("--dry-run", action="store_true", help="decide and report, write nothing")
    p.add_argument(
        "--manylinux",
        type=argtype(_config.parse_floor, str),
        metavar="X_Y",
        help="raise the manylinux floor (default and lowest: 2_17, the static-binary floor)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        default=None,
        help="retag even when a glibc wheel of the release already covers those systems",
    )
    add_common(p, jobs="wheels")
    return p


def _tags_parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="retag tags",
        description="Change a wheel's tags, as `wheel tags` does, without "
        "recompressing: `+tag` adds, `-tag` removes, a plain value replaces; dots separate tags.",
    )
    p.add_argument("--python-tag", metavar="TAG", help="the python tags (+add, -remove, replace)")
    p.add_argument("--abi-tag", metavar="TAG", help="the ABI tags (+add, -remove, replace)")
    p.add_argument(
        "--platform-tag", metavar="TAG", help="the platform tags (+add, -remove, replace)"
    )
    p.add_argument("--build", metavar="BUILD", help="set the build tag ('' removes it)")
    p.add_argument("--out-dir", type=Path, help="where to write (default: beside the input)")
    p.add_argument("--remove", action="store_true", help="delete the input after success")
    p.add_argument(
        "--fix",
        action="store_true",
        help="also write a wheel whose tags stay, with a compressed WHEEL Tag line expanded "
        "(one per tag) and its tag sets sorted; `unchanged` when nothing needs it",
    )
    add_common(p)
    return p


def _check_parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="retag check",
        description="Audit wheels without changing them: tags against "
        "binaries (architecture, libc, glibc symbol floor, static claims), RECORD, tag order.",
        epilog="exit codes: 0 clean, 1 flagged, 2 usage or unreadable input",
    )
    add_common(p, jobs="wheels")
    return p


def _emit(
    command: str, results: list[Result], args: argparse.Namespace, skipped: Sequence[str] = ()
) -> int:
    fmt = args.format
    try:
        if fmt == "markdown":
            write_markdown(command, results, sys.stdout, skipped)
        elif fmt == "json":
            write_json(command, results, __version__, sys.stdout)
        elif fmt == "github":
            write_github(results, sys.stdout)
        elif fmt == "sarif":
            write_sarif_report(results, __version__, sys.stdout)
        elif command == "tags":  # as `wheel tags` does: the new file name, a line per wheel
            for r in results:
                line = Path(r.output).name if r.output else f"error: {'; '.join(r.reasons)}"
                print(line, file=sys.stdout if r.output else sys.stderr)
        else:
            write_text(results, sys.stdout, skipped, verbose=args.verbose)
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_broken_pipe()
    return worst(r.exit_code for r in results)


def run_job(
    kind: str, path: Path, inputs: Sequence[Path], options: object, explicit: bool = True
) -> Result:
    """One wheel's job; errors become one line (exit 2).  Top level: a process pool runs it."""
    from . import _jobs

    try:
        if kind == "tags":
            assert isinstance(options, TagEdit)
            return _jobs.tags(path, options)
        if kind == "check":
            return _jobs.check(path)
        assert isinstance(options, RetagOptions)
        return _jobs.retag(path, inputs, options, explicit)
    except Exception as exc:
        reraise_bugs(exc)
        return Result(str(path), "error", 2, reasons=(failure(path, exc),))


def _run_all(kind: str, found: Wheels, options: object, jobs: int | None) -> list[Result]:
    """Each wheel's result in order; in processes when there are several (reading, hashing and
    analysing a wheel is CPU-bound)."""
    calls = [
        (kind, p, found.paths, options, e) for p, e in zip(found.paths, found.explicit, strict=True)
    ]
    return run_all(run_job, calls, jobs)


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM (a CI job cancelled) would kill Python without cleanup; as KeyboardInterrupt, the
    # rewrite removes its temporary file on the way out.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    encodable_output()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("retag: interrupted", file=sys.stderr)
        return 130
    except (RetagError, InputError) as exc:  # the configuration or the targets: nothing done yet
        print(f"retag: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["validate"]:
        from ._cli_validate import validate_main

        return validate_main(args_list[1:])
    if args_list[:1] == ["tags"]:
        args = _tags_parser().parse_args(args_list[1:])
        edit = TagEdit(
            args.python_tag,
            args.abi_tag,
            args.platform_tag,
            args.build,
            args.out_dir,
            args.remove,
            args.fix,
        )
        found = wheels(args.wheels)
        return _emit("tags", _run_all("tags", found, edit, 1), args, found.skipped)
    if args_list[:1] == ["check"]:
        args = _check_parser().parse_args(args_list[1:])
        found = wheels(args.wheels)
        return _emit("check", _run_all("check", found, None, args.jobs), args, found.skipped)
    args = _retag_parser().parse_args(args_list)
    _config.apply(args, *_config.load(args.config), _config.RETAG_KEYS)
    found = wheels(args.wheels)
    options = RetagOptions(
        args.out_dir, args.remove, args.dry_run, args.manylinux, bool(args.force)
    )
    return _emit("retag", _run_all("retag", found, options, args.jobs), args, found.skipped)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
