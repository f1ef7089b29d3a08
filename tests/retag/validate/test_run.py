"""retag.validate.run without an engine: the wheels there is nothing to run for in Linux
containers, and those of an architecture no container platform is known for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from make_test_wheels import make_wheel

from retag.validate.run import Options, validate


class _NoEngine:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the engine was used ({name}) for a wheel with nothing to run")


@pytest.mark.parametrize(
    "tag", ["py3-none-any", "py3-none-macosx_11_0_arm64", "py3-none-win_amd64"]
)
def test_wheels_with_nothing_to_run_in_linux_pass_untouched(tmp_path: Path, tag: str) -> None:
    wheel = make_wheel(tmp_path, tags=(tag,), files={"demo/__init__.py": b"x = 1\n"})
    result = validate(wheel, _NoEngine(), Options(), lambda _: None)  # type: ignore[arg-type]
    assert result.exit_code == 0 and result.cells == () and not result.findings
    assert result.not_applicable and "nothing to run in Linux containers" in result.not_applicable


def test_a_linux_arch_without_a_container_platform_is_unchecked(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, tags=("py3-none-linux_sparc64",), files={"demo/__init__.py": b"x = 1\n"}
    )
    result = validate(wheel, _NoEngine(), Options(), lambda _: None)  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert result.skipped == ("no container platform is known for sparc64: not checked",)
