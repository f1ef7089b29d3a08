from __future__ import annotations

from sdistcheck.archive.tree import SdistTree
from sdistcheck.backends import generated as _generated


def test_write_targets_become_patterns() -> None:
    tree = SdistTree.from_mapping(
        "t",
        {
            "gen_wrap.py": (
                'for part in parts:\n    f = open(f"src/wrapper/gen-expose-{part}.inc", "wt")\n'
            ),
            "tools/ver.py": 'open("_version.py", "w").write(v)\nPath("x/%s.txt" % n).read_text()\n',
            "setup.py": 'Path(f"pkg/{name}.h").write_text(h)\nopen("README.md").read()\n',
        },
    )
    found = _generated.writers(tree)
    writer = _generated.written_by("src/wrapper/gen-expose-part1.inc", found)
    assert writer is not None and (writer.source, writer.line) == ("gen_wrap.py", 2)
    assert _generated.written_by("tools/_version.py", found) is not None  # beside the script
    assert _generated.written_by("pkg/demo.h", found) is not None
    assert _generated.written_by("README.md", found) is None  # read, not written
    assert _generated.written_by("x/a.txt", found) is None


def test_a_path_of_parts_opened_for_writing_is_generated() -> None:
    # pycurl 7.49.0's setup.py writes src/docstrings.c, which its Extension then compiles
    tree = SdistTree.from_mapping(
        "t", {"setup.py": 'with Path("src", "docstrings.c").open("w", encoding="utf-8") as f:\n'}
    )
    found = _generated.writers(tree)
    writer = _generated.written_by("src/docstrings.c", found)
    assert writer is not None and writer.line == 1
    assert _generated.written_by("src/docstrings.h", found) is None
