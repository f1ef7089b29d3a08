"""setup.cfg: the `file:` directives setuptools reads (and silently skips when missing)."""

from __future__ import annotations

import configparser
import posixpath
from collections.abc import Iterator

from .._model import Reference
from ..archive.tree import SdistTree
from .setuppy import SetupAnalysis


def analyse(tree: SdistTree, path: str = "setup.cfg") -> SetupAnalysis:
    out = SetupAnalysis()
    text = tree.read_text(path)
    if text is None:
        return out
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        out.notes.append(f"{path} does not parse ({type(exc).__name__}): not analysed")
        return out
    lines = text.splitlines()
    note = "setuptools skips a missing `file:` silently: the wheel's metadata would lack it"
    for section, key, value in _cfg_items(parser):
        if value.strip().startswith("file:"):
            for p in value.strip()[5:].split(","):
                p = p.strip()
                if p:
                    line = next((i for i, ln in enumerate(lines, 1) if p in ln and key in ln), 0)
                    text_line = lines[line - 1].strip() if line else f"{key} = {value.strip()}"
                    out.references.append(
                        Reference(
                            target=posixpath.normpath(p),
                            source=path,
                            line=line,
                            text=text_line,
                            kind=f"setup.cfg-{section}-{key}",
                            note=note,
                            # the readme: the build goes on, the metadata loses it
                            tolerated=key == "long_description",
                        )
                    )
    return out


def _cfg_items(parser: configparser.RawConfigParser) -> Iterator[tuple[str, str, str]]:
    for section in parser.sections():
        for key, value in parser.items(section):
            yield section, key, value
