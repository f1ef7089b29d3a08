"""sdistcheck against real builds traced with strace (testdata/traces/, made by
scripts/trace_build.py): the oracle no rule can tune.  Compared without building:

- an sdist whose traced build succeeded has no error finding (any would be false);
- every native input the build read (compiled sources, included headers, Cython files, CMake
  and meson files) is named by a static ALWAYS or PLATFORM reference, except the recall gaps
  recorded with their class in testdata/traces/known-gaps.tsv: a new gap fails, and so does a
  recorded one that is gone (then the record is stale).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from oracle import Manifest, judge, known_gaps, manifests

pytestmark = pytest.mark.network
BUILT = [m for m in manifests() if m.build_ok]
KNOWN = known_gaps()


@pytest.mark.parametrize("manifest", BUILT, ids=lambda m: m.sdist)
def test_static_references_agree_with_the_traced_build(
    manifest: Manifest, pypi: Callable[[str, str], Path]
) -> None:
    judgement = judge(manifest, pypi(manifest.sdist, manifest.sha256))
    assert judgement.false_errors == ()
    recorded = {path for sdist, path in KNOWN if sdist == manifest.sdist}
    assert set(judgement.gaps) == recorded


def test_every_recorded_gap_belongs_to_a_traced_build() -> None:
    traced = {m.sdist for m in BUILT}
    assert {sdist for sdist, _path in KNOWN} <= traced
