"""The console script's entry: the command imported with the garbage collector paused, while
the archive it names is inflated (archive.prefetch)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_helpers import make_sdist

# A fresh interpreter, so the command's modules are imported by the entry under test; it notes
# every collection that starts while sdistcheck._cli is being imported (in sys.modules, its last
# import not yet), then prints the exit code, whether collection is back on and the freeze count,
# and whether the reader was handed the inflated archive.
_PROBE = """
import gc, sys
from sdistcheck.archive import prefetch
taken = []
def take(path, _take=prefetch.take):
    taken.append(_take(path))
    return taken[-1]
prefetch.take = take
during = []
def note(phase, info):
    if phase == "start":
        mods = sys.modules
        during.append("sdistcheck._cli" in mods and "sdistcheck.report.text" not in mods)
gc.callbacks.append(note)
from sdistcheck.__main__ import console_main
sys.argv = ["sdistcheck", sys.argv[1]]
code = console_main()
print(code, any(during), gc.isenabled(), gc.get_freeze_count() > 0, taken[0] is not None)
"""


def test_imports_without_collecting_then_runs_with_collection_on(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "p"\n',
        "PKG-INFO": "Metadata-Version: 2.1\nName: p\nVersion: 1\n",
        "Cargo.toml": '[package]\nname = "p"\nversion = "1.0.0"\n',
        "src/lib.rs": "mod a;\n",  # src/a.rs missing
    }
    sdist = make_sdist(tmp_path / "p-1.tar.gz", files)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(sdist)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    # main's exit code 1 (incomplete); no pass during the imports; collection on again; frozen;
    # the archive came inflated.
    assert out.split() == ["1", "False", "True", "True", "True"], out
