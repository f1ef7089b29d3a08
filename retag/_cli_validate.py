"""`retag validate WHEEL... [--image REF]...`: the command line over `retag.validate.run`."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence

from sdistcheck.pipeline import EXIT_ERROR, ArgumentParser, worst

from . import __version__, _config
from ._cli_common import add_common, argtype, failure, quiet_broken_pipe, reraise_bugs, wheels

DEFAULT_TIMEOUT = 120.0


def _parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="retag validate",
        description="Run each wheel's executables in container images "
        "of its architecture (foreign ones through qemu binfmt): directly, and after the "
        "image's own pip installed the wheel; plus, for wheels that claim static linkage "
        "(tagged for both libcs, or musllinux/linux_ only with static binaries), an image built "
        "on the fly that holds nothing but the executables.  A cell whose platform the "
        "wheel's tags name must load and run.  Wheels of other platforms are not applicable.",
        epilog="exit codes: 0 every target cell works, 1 a target cell fails or a finding, "
        "2 no usable engine, a target image unavailable, no emulation, or unreadable input; "
        "[tool.retag] keys: images, engine, probe-args, timeout, empty-image",
    )
    p.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="REF",
        help="an image to validate in (repeat; default: quay.io/pypa/manylinux2014_"
        "<arch>, docker.io/library/python:3.12-slim and python:3.12-alpine); "
        "localhost/ images are never pulled",
    )
    p.add_argument(
        "--engine",
        choices=("podman", "docker"),
        help="default: the first of podman, docker that works",
    )
    p.add_argument(
        "--probe-args",
        metavar="ARGS",
        help="arguments to run each executable with, e.g. --probe-args=-V "
        "(default: --version, then --help)",
    )
    p.add_argument(
        "--timeout",
        type=argtype(_config.parse_seconds, float),
        metavar="SECONDS",
        help=f"per container run (default {DEFAULT_TIMEOUT:.0f})",
    )
    p.add_argument(
        "--keep", action="store_true", help="leave containers and the empty images for debugging"
    )
    p.add_argument(
        "--no-empty",
        action="store_true",
        default=None,
        help="never build or run the empty image (it runs only for static claims anyway)",
    )
    add_common(p)
    return p


@contextlib.contextmanager
def _progress(fmt: str) -> Iterator[Callable[[str], None]]:
    """A one-line live status on stderr while images build and containers run (TTY only)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal or fmt != "text":
        yield lambda text: None
        return
    with console.status("starting") as status:
        yield lambda text: status.update(text)


def validate_main(argv: Sequence[str]) -> int:
    from .validate import report as _validate_report
    from .validate import run as _validate
    from .validate.engine import EngineError, select_engine

    args = _parser().parse_args(argv)
    _config.apply(args, *_config.load(args.config), _config.VALIDATE_KEYS)
    probes = (
        (tuple(shlex.split(args.probe_args)),)
        if args.probe_args is not None
        else _validate.Options.probes
    )
    opts = _validate.Options(
        tuple(args.image), probes, args.timeout or DEFAULT_TIMEOUT, args.keep, not args.no_empty
    )
    found = wheels(args.wheels)
    results: list[_validate.WheelResult] = []
    engine_name, error = None, None
    try:
        engine = select_engine(args.engine)
        engine_name = engine.name
        with _progress(args.format) as progress:
            for w in found.paths:
                try:
                    results.append(_validate.validate(w, engine, opts, progress))
                except EngineError:
                    raise
                except Exception as exc:
                    reraise_bugs(exc)
                    results.append(
                        _validate.WheelResult(
                            str(w), None, (), (), (), (), (), (), 2, error=failure(w, exc)
                        )
                    )
    except EngineError as exc:
        error = str(exc)
    try:
        if args.format == "markdown":
            _validate_report.write_markdown(results, sys.stdout, found.skipped, error)
        elif args.format == "json":
            _validate_report.write_json(results, engine_name, __version__, sys.stdout, error)
        elif args.format == "github":
            _validate_report.write_github(results, sys.stdout, error)
        elif args.format == "sarif":
            _validate_report.write_sarif_report(results, __version__, sys.stdout, error)
        else:
            _validate_report.write_text(results, sys.stdout, found.skipped)
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_broken_pipe()
    if error:
        print(f"retag validate: {error}", file=sys.stderr)
        return EXIT_ERROR
    return worst(r.exit_code for r in results)
