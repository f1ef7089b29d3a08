"""`retag`: prove static linkage and add honest manylinux tags; `retag tags`; `retag check`;
`retag validate`.

Exit codes: 0 fine (retagged, unchanged, clean, validated), 1 refused or flagged (the reasons
are printed), 2 usage error, an unreadable, unsafe or inconsistent wheel, or (validate) no
usable container engine or a target image that could not be checked.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from . import __version__
from ._errors import RetagError
from ._report import Result, write_github, write_json, write_text


def _wheels(targets: Sequence[str]) -> list[Path]:
    """Wheel paths from files and directories (a directory: every *.whl in it)."""
    out: list[Path] = []
    for t in targets:
        path = Path(t)
        if path.is_dir():
            out.extend(sorted(path.glob("*.whl")))
        else:
            out.append(path)
    return out


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def _floor(text: str) -> tuple[int, int]:
    try:
        major, minor = (int(x) for x in text.replace(".", "_").split("_"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a glibc version: {text!r} (e.g. 2_28)") from None
    return major, minor


def _retag_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="retag",
        description="Prove from its binaries that a wheel is statically linked (no interpreter, "
        "no needed libraries, no extension modules, the tagged architecture), then add the "
        "manylinux tags it honestly deserves; refuse with the reasons otherwise. "
        "Subcommands: `retag tags` (like `wheel tags`), `retag check` (read-only audit), "
        "`retag validate` (run the binaries in container images).",
        epilog="exit codes: 0 retagged/unchanged, 1 refused, 2 usage or unreadable input",
    )
    p.add_argument("wheels", nargs="+", metavar="WHEEL", help="wheel files or directories")
    p.add_argument("--out-dir", type=Path, help="where to write (default: beside the input)")
    p.add_argument("--remove", action="store_true", help="delete the input after success")
    p.add_argument("--dry-run", action="store_true", help="decide and report, write nothing")
    p.add_argument("--manylinux", type=_floor, metavar="X_Y",
                   help="raise the manylinux floor (default: 2_17, the static-binary floor)")
    p.add_argument("--force", action="store_true",
                   help="retag even when a glibc sibling wheel would tie with the result")
    _common(p)
    return p


def _tags_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="retag tags", description="Change a wheel's tags, as `wheel tags` does, without "
        "recompressing: `+tag` adds, `-tag` removes, a plain value replaces; dots separate tags.")
    p.add_argument("wheels", nargs="+", metavar="WHEEL")
    p.add_argument("--python-tag", metavar="TAG")
    p.add_argument("--abi-tag", metavar="TAG")
    p.add_argument("--platform-tag", metavar="TAG")
    p.add_argument("--build", metavar="BUILD", help="set the build tag ('' removes it)")
    p.add_argument("--out-dir", type=Path)
    p.add_argument("--remove", action="store_true", help="delete the input after success")
    _common(p)
    return p


def _check_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="retag check", description="Audit wheels without changing them: tags against "
        "binaries (architecture, libc, glibc symbol floor, static claims), RECORD, tag order.")
    p.add_argument("wheels", nargs="+", metavar="WHEEL")
    _common(p)
    return p


def _validate_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="retag validate", description="Run each wheel's executables in container images "
        "of its architecture (foreign ones through qemu binfmt): directly, and after the "
        "image's own pip installed the wheel; plus an image built on the fly that holds "
        "nothing but the executables, the proof of static linkage.  A cell whose platform the "
        "wheel's tags name must load and run.",
        epilog="exit codes: 0 every target cell works, 1 a target cell fails or a finding, "
        "2 no usable engine, a target image unavailable, no emulation, or unreadable input")
    p.add_argument("wheels", nargs="+", metavar="WHEEL")
    p.add_argument("--image", action="append", default=[], metavar="REF",
                   help="an image to validate in (repeat; default: quay.io/pypa/manylinux2014_"
                   "<arch>, docker.io/library/python:3.12-slim and python:3.12-alpine); "
                   "localhost/ images are never pulled")
    p.add_argument("--engine", choices=("podman", "docker"),
                   help="default: the first of podman, docker that works")
    p.add_argument("--probe-args", metavar="ARGS",
                   help="arguments to run each executable with (default: --version, then --help)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="per container run (default 120)")
    p.add_argument("--keep", action="store_true",
                   help="leave containers and the empty images for debugging")
    p.add_argument("--no-empty", action="store_true",
                   help="skip the empty image (for wheels that do not claim static linkage)")
    _common(p)
    return p


def _validate(args: argparse.Namespace) -> int:
    import shlex

    from . import _validate, _validate_report
    from ._engine import EngineError, select_engine

    probes = (tuple(shlex.split(args.probe_args)),) if args.probe_args is not None \
        else _validate.Options.probes
    opts = _validate.Options(tuple(args.image), probes, args.timeout, args.keep,
                             not args.no_empty)
    wheels = _wheels(args.wheels)
    results: list[_validate.WheelResult] = []
    engine_name, error = None, None
    try:
        engine = select_engine(args.engine)
        engine_name = engine.name
        with _progress(args.format) as progress:
            for w in wheels:
                try:
                    results.append(_validate.validate(w, engine, opts, progress))
                except EngineError:
                    raise
                except Exception as exc:
                    if os.environ.get("RETAG_DEBUG") and not isinstance(exc, (RetagError,
                                                                               OSError)):
                        raise
                    results.append(_validate.WheelResult(
                        str(w), None, (), (), (), (), (), (_failure(w, exc),), 2))
    except EngineError as exc:
        error = str(exc)
    try:
        if args.format == "json":
            _validate_report.write_json(results, engine_name, __version__, sys.stdout, error)
        elif args.format == "github":
            _validate_report.write_github(results, sys.stdout)
        else:
            _validate_report.write_text(results, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if error:
        print(f"retag validate: {error}", file=sys.stderr)
        if args.format == "github":
            print(f"::error title=retag validate::{error}")
        return 2
    return max((r.exit_code for r in results), default=0)


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


def _emit(command: str, results: list[Result], fmt: str) -> int:
    try:
        if fmt == "json":
            write_json(command, results, __version__, sys.stdout)
        elif fmt == "github":
            write_github(results, sys.stdout)
        elif command == "tags":  # as `wheel tags` does: the new file name, a line per wheel
            for r in results:
                line = Path(r.output).name if r.output else f"error: {'; '.join(r.reasons)}"
                print(line, file=sys.stdout if r.output else sys.stderr)
        else:
            write_text(results, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return max((r.exit_code for r in results), default=0)


def _failure(path: Path, exc: Exception) -> str:
    """The one line an error while handling PATH becomes (exit 2)."""
    if isinstance(exc, RetagError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path.name}: {exc.strerror or exc}"
    # a bug of ours: still one line and exit 2 in a release pipeline
    return (f"{path.name}: internal error ({type(exc).__name__}: {exc}); please report it "
            "(RETAG_DEBUG=1 shows the traceback)")


def _guard(path: Path, run: object) -> Result:
    """Run one wheel's job; errors become one line (exit 2)."""
    try:
        return run()  # type: ignore[operator, no-any-return]
    except Exception as exc:
        if os.environ.get("RETAG_DEBUG") and not isinstance(exc, (RetagError, OSError)):
            raise
        return Result(str(path), "error", 2, reasons=(_failure(path, exc),))


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM (a CI job cancelled) would kill Python without cleanup; as KeyboardInterrupt, the
    # rewrite removes its temporary file on the way out.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("retag: interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    from . import _jobs  # the work: imported after argument parsing errors had their chance

    if args_list[:1] == ["tags"]:
        args = _tags_parser().parse_args(args_list[1:])
        wheels = _wheels(args.wheels)
        results = [_guard(w, lambda w=w: _jobs.tags(w, args)) for w in wheels]
        return _emit("tags", results, args.format)
    if args_list[:1] == ["validate"]:
        return _validate(_validate_parser().parse_args(args_list[1:]))
    if args_list[:1] == ["check"]:
        args = _check_parser().parse_args(args_list[1:])
        results = [_guard(w, lambda w=w: _jobs.check(w)) for w in _wheels(args.wheels)]
        return _emit("check", results, args.format)
    args = _retag_parser().parse_args(args_list)
    wheels = _wheels(args.wheels)
    if not wheels:
        print("retag: error: no wheels found", file=sys.stderr)
        return 2
    results = [_guard(w, lambda w=w: _jobs.retag(w, wheels, args)) for w in wheels]
    return _emit("retag", results, args.format)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
