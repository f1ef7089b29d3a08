"""What to add to the build configuration so the next sdist carries the missing files."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable

from .._model import Finding, Fix


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
    return sorted(out)


# backend -> (file, table header, item format, why the files were left out)
_TOML_FIXES: dict[str, tuple[str, str, str, str]] = {
    "maturin": (
        "pyproject.toml",
        "[tool.maturin]\ninclude",
        '{{ path = "{}", format = "sdist" }}',
        "maturin only puts files that cargo reports for the built crate into the sdist; list the "
        "others explicitly (merge with an existing include).",
    ),
    "hatch": (
        "pyproject.toml",
        "[tool.hatch.build.targets.sdist]\ninclude",
        '"{}"',
        "hatchling builds the sdist from version-control-tracked files and `include`; files "
        "ignored by .gitignore need `include` or `artifacts`.",
    ),
    "scikit-build-core": (
        "pyproject.toml",
        "[tool.scikit-build]\nsdist.include",
        '"{}"',
        "scikit-build-core's sdist follows git and .gitignore; force files in.",
    ),
    "py-build-cmake": (
        "pyproject.toml",
        "[tool.py-build-cmake.sdist]\ninclude",
        '"{}"',
        "py-build-cmake's sdist holds the module, and what `[tool.py-build-cmake.sdist] "
        "include` adds.",
    ),
    "flit": (
        "pyproject.toml",
        "[tool.flit.sdist]\ninclude",
        '"{}"',
        "flit's sdist includes only the module and what `[tool.flit.sdist] include` adds.",
    ),
    "pdm": (
        "pyproject.toml",
        "[tool.pdm.build]\nsource-includes",
        '"{}"',
        "pdm-backend adds these to the sdist.",
    ),
    "poetry": (
        "pyproject.toml",
        "[tool.poetry]\ninclude",
        '{{ path = "{}", format = "sdist" }}',
        "poetry-core adds these to the sdist.",
    ),
}


def suggest(backend: str | None, findings: Iterable[Finding]) -> tuple[Fix, ...]:
    paths = [f.path for f in findings if not f.path.startswith("../")]
    if not paths:
        return ()
    patterns = _patterns(paths)
    if backend in _TOML_FIXES:
        file, header, item, why = _TOML_FIXES[backend]
        items = "\n".join(f"    {item.format(p)}," for p in patterns)
        return (Fix(file, f"{header} = [\n{items}\n]", why),)
    if backend == "meson-python":
        return (
            Fix(
                "(git)",
                "\n".join(f"git add {p}" for p in patterns),
                "meson-python builds the sdist with `meson dist`, which ships only files "
                "committed to git (and not marked export-ignore in .gitattributes).",
            ),
        )
    # setuptools (and legacy setup.py builds): MANIFEST.in decides what the sdist holds.
    return (
        Fix(
            "MANIFEST.in",
            "\n".join(f"include {p}" for p in patterns),
            "setuptools puts only package files, declared sources and MANIFEST.in "
            "matches into the sdist (setuptools-scm adds git-tracked files).",
        ),
    )
