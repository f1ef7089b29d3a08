"""One finding per problem, listing the tags it concerns: MarkupSafe's x86_64 module under two
aarch64 spellings (fabricated from the real wheel, RECORD consistent) is one finding, not two."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fabricate import fabricate
from real_wheels import MARKUPSAFE_CP312

from retag._jobs import check
from retag.audit.findings import Finding, merge
from retag.audit.interpreter import PLATFORM_RULE
from retag.audit.platform import ARCH

Fetch = Callable[[str, str], Path]


def test_merge_gathers_tags() -> None:
    a = Finding("rule", "m", "ELF code for x86_64", ("manylinux_2_17_aarch64",))
    b = Finding("rule", "m", "ELF code for x86_64", ("manylinux2014_aarch64",))
    c = Finding("rule", "n", "ELF code for x86_64", ("manylinux2014_aarch64",))
    merged = merge([a, b, c, a])
    assert [f.tags for f in merged] == [
        ("manylinux_2_17_aarch64", "manylinux2014_aarch64"),
        ("manylinux2014_aarch64",),
    ]
    assert str(merged[0]) == (
        "m: ELF code for x86_64, but the wheel is tagged manylinux_2_17_aarch64, "
        "manylinux2014_aarch64 [rule]"
    )


@pytest.mark.network
def test_alias_tags_make_one_finding(pypi: Fetch, tmp_path: Path) -> None:
    src = pypi(MARKUPSAFE_CP312.filename, MARKUPSAFE_CP312.sha256)
    tags = ["manylinux_2_17_aarch64", "manylinux2014_aarch64"]
    lie = fabricate(
        src,
        tmp_path,
        f"MarkupSafe-3.0.2-cp312-cp312-{'.'.join(tags)}.whl",
        wheel_tags=[f"cp312-cp312-{t}" for t in tags],
    )
    result = check(lie)
    # the code's architecture and the module name's are two claims: one finding each, not two
    (code, name) = result.extra["findings"]
    assert code["tags"] == name["tags"] == tags
    assert code["member"] == "markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so"
    assert code["rule"] == ARCH and name["rule"] == PLATFORM_RULE
    assert len(result.reasons) == 2
