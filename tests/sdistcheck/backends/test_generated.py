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
