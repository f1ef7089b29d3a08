"""The coverage matrix from real releases' recorded file lists (no network)."""

from __future__ import annotations

from releases import recorded

from sdistcheck.coverage.matrix import SDIST, WHEEL, compute, grid


def _cells(matrix, key):  # type: ignore[no-untyped-def]
    env = next(e for e in matrix.environments if e.key == key)
    return matrix.row(env)


def test_uv_052_windows_arm64_builds_the_sdist() -> None:
    m = compute(recorded("uv", "0.5.2"))
    assert {c.status for c in _cells(m, "win_arm64")} == {SDIST}
    assert {c.history for c in _cells(m, "win_arm64")} == {"gap"}  # later releases had one
    assert {c.short for c in _cells(m, "win_amd64")} == {"win_amd64"}
    # the most specific tag wins: glibc 2.34 aarch64 takes the manylinux_2_28 wheel
    (best,) = {c.wheel for c in _cells(m, "manylinux_2_34_aarch64")}
    assert best == "uv-0.5.2-py3-none-manylinux_2_28_aarch64.whl"
    (low,) = {c.wheel for c in _cells(m, "manylinux_2_17_aarch64")}
    assert low is not None and "manylinux_2_17_aarch64" in low
    assert not m.regressions
    assert {c.history for c in _cells(m, "manylinux_2_17_riscv64")} == {"never"}


def test_uv_0140_old_glibc_aarch64_builds_the_sdist() -> None:
    m = compute(recorded("uv", "0.1.40"))
    assert {c.status for c in _cells(m, "manylinux_2_17_aarch64")} == {SDIST}
    assert {c.short for c in _cells(m, "manylinux_2_28_aarch64")} == {"manylinux_2_28"}
    assert {c.short for c in _cells(m, "musllinux_1_2_aarch64")} == {"musllinux_1_2"}


def test_pandas_221_win32_builds_for_every_cpython() -> None:
    m = compute(recorded("pandas", "2.2.1"))
    assert [p.label for p in m.pythons] == [
        "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.13t", "3.14t"
    ]  # fmt: skip
    assert {c.status for c in _cells(m, "win32")} == {SDIST}
    amd64 = {c.python.label: c.status for c in _cells(m, "win_amd64")}
    assert amd64["3.12"] == WHEEL and amd64["3.13"] == SDIST  # 2.2.1 predates 3.13
    wheel = next(c for c in _cells(m, "win_amd64") if c.python.label == "3.11").wheel
    assert wheel == "pandas-2.2.1-cp311-cp311-win_amd64.whl"


def test_uv_058_dropped_musl_ppc64le_is_a_regression() -> None:
    m = compute(recorded("uv", "0.5.8"))
    keys = {c.env.key for c in m.regressions}
    assert keys == {"musllinux_1_1_ppc64le", "musllinux_1_2_ppc64le"}
    cell = m.regressions[0]
    assert cell.previous_wheel == "uv-0.5.7-py3-none-musllinux_1_1_ppc64le.whl"


def test_pypy_wheels_add_pypy_columns() -> None:
    m = compute(recorded("pydantic-core", "2.27.1"))
    pypy = [p.label for p in m.pythons if p.label.startswith("PyPy")]
    assert pypy == ["PyPy 3.9", "PyPy 3.10"]
    (cell,) = [c for c in _cells(m, "win_amd64") if c.python.label == "PyPy 3.10"]
    assert cell.wheel is not None and "-pp310-pypy310_pp73-win_amd64" in cell.wheel


def test_grid_merges_rows_and_columns() -> None:
    headers, rows = grid(compute(recorded("uv", "0.5.2")))
    assert headers == ["3.9-3.14t"]  # py3-none wheels: one column
    labels = [label for _, label, _ in rows]
    assert "Linux x86_64 glibc 2.17/2.28/2.34" in labels
    assert "Linux aarch64 glibc 2.17" in labels and "Linux aarch64 glibc 2.28/2.34" in labels
    assert ("Windows ARM64 (win_arm64)", ["sdist"]) in [(lab, c) for _, lab, c in rows]
    headers, _ = grid(compute(recorded("pandas", "2.2.1")))
    assert headers == ["3.9-3.12", "3.13-3.14t"]
