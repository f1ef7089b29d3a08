"""`[tool.sdistcheck]` in the checked project's pyproject.toml, merged under the command line."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import ConfigError
from ._model import Scope

_KEYS = {"ignore", "strict", "fail-on"}
_SCOPES = {s.value: s for s in Scope if s is not Scope.GUARDED}


@dataclass(frozen=True)
class Options:
    """How findings are judged.  None means "not given": the project's config, then the default."""

    ignore: tuple[str, ...] = ()  # globs of paths known to be generated at build time
    strict: bool | None = None  # warnings fail too
    fail_on: tuple[Scope, ...] | None = None  # scopes whose findings are errors
    fail_unchecked: bool | None = None  # fail-on "unchecked": what the analysis cannot follow
    source_files: frozenset[str] | None = None  # --source: the checkout's files (not config)

    def resolve(self, config: dict[str, object], source: str = "pyproject.toml") -> Options:
        unknown = sorted(set(config) - _KEYS)
        if unknown:
            raise ConfigError(
                f"{source}: [tool.sdistcheck] has unknown key {unknown[0]!r} "
                f"(known: {', '.join(sorted(_KEYS))})"
            )
        ignore = config.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
            raise ConfigError(f"{source}: [tool.sdistcheck] ignore must be a list of globs")
        strict = config.get("strict", False)
        if not isinstance(strict, bool):
            raise ConfigError(f"{source}: [tool.sdistcheck] strict must be true or false")
        fail_on_value = config.get("fail-on", ["always", "platform"])
        return Options(
            fail_unchecked=self.fail_unchecked
            if self.fail_unchecked is not None
            else "unchecked" in (fail_on_value if isinstance(fail_on_value, list) else []),
            ignore=self.ignore + tuple(ignore),
            strict=self.strict if self.strict is not None else strict,
            fail_on=self.fail_on
            if self.fail_on is not None
            else parse_fail_on(config.get("fail-on", ["always", "platform"]), source),
            source_files=self.source_files,
        )


def parse_fail_on(value: object, source: str) -> tuple[Scope, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise ConfigError(f"{source}: fail-on must be a list of scopes")
    try:
        return tuple(_SCOPES[i.strip()] for i in items if i.strip() and i.strip() != "unchecked")
    except KeyError as exc:
        raise ConfigError(
            f"{source}: fail-on: unknown scope {exc.args[0]!r} "
            f"(choose from {', '.join(_SCOPES)}, unchecked)"
        ) from None
