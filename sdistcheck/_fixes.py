"""What to add to the build configuration so the next sdist carries the missing files."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable

from ._model import Finding, Fix


def _patterns(paths: Iterable[str]) -> list[str]:
    """Group files of one directory and extension into `dir/*.ext` when there are several."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in sorted(set(paths)):
        groups[(posixpath.dirname(p), posixpath.splitext(p)[1])].append(p)
    out: list[str] = []
    for (directory, ext), members in sorted(groups.items()):
        if len(members) > 1 and ext:
            out.append(f"{directory}/*{ext}" if directory else f"*{ext}")
        else:
            out.extend(members)
    return out


def _toml_list(items: list[str], fmt: str) -> str:
    return "\n".join(f"    {fmt.format(p)}," for p in items)


def suggest(backend: str | None, findings: Iterable[Finding]) -> tuple[Fix, ...]:
    paths = [f.path for f in findings if not f.path.startswith("../")]
    if not paths:
        return ()
    patterns = _patterns(paths)
    if backend == "maturin":
        return (
            Fix(
                "pyproject.toml",
                "[tool.maturin]\ninclude = [\n"
                + _toml_list(patterns, '{{ path = "{}", format = "sdist" }}')
                + "\n]",
                "maturin only puts files that cargo reports for the built crate into the "
                "sdist; list the others explicitly (merge with an existing include).",
            ),
        )
    if backend == "hatch":
        return (
            Fix(
                "pyproject.toml",
                "[tool.hatch.build.targets.sdist]\ninclude = [\n"
                + _toml_list(patterns, '"{}"')
                + "\n]",
                "hatchling builds the sdist from version-control-tracked files and "
                "`include`; files ignored by .gitignore need `include` or `artifacts`.",
            ),
        )
    if backend == "scikit-build-core":
        return (
            Fix(
                "pyproject.toml",
                "[tool.scikit-build]\nsdist.include = [\n" + _toml_list(patterns, '"{}"') + "\n]",
                "scikit-build-core's sdist follows git and .gitignore; force files in.",
            ),
        )
    if backend == "meson-python":
        return (
            Fix(
                "(git)",
                "\n".join(f"git add {p}" for p in patterns),
                "meson-python builds the sdist with `meson dist`, which ships only files "
                "committed to git (and not marked export-ignore in .gitattributes).",
            ),
        )
    if backend == "flit":
        return (
            Fix(
                "pyproject.toml",
                "[tool.flit.sdist]\ninclude = [\n" + _toml_list(patterns, '"{}"') + "\n]",
                "flit's sdist includes only the module and what `[tool.flit.sdist] include` adds.",
            ),
        )
    if backend == "pdm":
        return (
            Fix(
                "pyproject.toml",
                "[tool.pdm.build]\nsource-includes = [\n" + _toml_list(patterns, '"{}"') + "\n]",
                "pdm-backend adds these to the sdist.",
            ),
        )
    if backend == "poetry":
        return (
            Fix(
                "pyproject.toml",
                "[tool.poetry]\ninclude = [\n"
                + _toml_list(patterns, '{{ path = "{}", format = "sdist" }}')
                + "\n]",
                "poetry-core adds these to the sdist.",
            ),
        )
    # setuptools (and legacy setup.py builds): MANIFEST.in decides what the sdist holds.
    lines = [f"include {p}" for p in patterns]
    return (
        Fix(
            "MANIFEST.in",
            "\n".join(lines),
            "setuptools puts only package files, declared sources and MANIFEST.in "
            "matches into the sdist (setuptools-scm adds git-tracked files).",
        ),
    )
