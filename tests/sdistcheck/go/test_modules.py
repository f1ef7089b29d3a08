from __future__ import annotations

from sdistcheck._check import satisfied
from sdistcheck._model import Scope
from sdistcheck.archive.tree import SdistTree
from sdistcheck.go import modules as _go


def missing(files: dict[str, str]) -> dict[str, Scope]:
    tree = SdistTree.from_mapping("t", files)
    return {r.target: r.scope for r in _go.analyse(tree) if not satisfied(tree, r)}


def test_embeds_scopes_and_module_files() -> None:
    files = {
        "go/go.mod": "module x\n\ngo 1.22\n\nrequire example.com/y v1.0.0\n"
        "replace example.com/z => ./vendor/z\n",
        "go/main.go": '//go:embed assets/*.json "templates/page.html"\nvar fs embed.FS\n',
        "go/assets/a.json": "{}",
        "go/win_windows.go": "//go:embed win.ico\nvar icon []byte\n",
        "go/extra.go": "//go:build linux && arm64\n\n//go:embed arm.bin\nvar b []byte\n",
        "go/opt.go": "//go:build withgui\n\n//go:embed gui.dat\nvar g []byte\n",
        "go/gen.go": "//go:build ignore\n\n//go:embed never.txt\nvar n []byte\n",
        "go/main_test.go": "//go:embed testdata/case.txt\nvar c []byte\n",
    }
    assert missing(files) == {
        "go/go.sum": Scope.ALWAYS,
        "go/vendor/z/go.mod": Scope.ALWAYS,
        "go/templates/page.html": Scope.ALWAYS,
        "go/win.ico": Scope.PLATFORM,
        "go/arm.bin": Scope.PLATFORM,
        "go/gui.dat": Scope.OPTION,
        "go/testdata/case.txt": Scope.TEST,
    }


def test_no_go_module_no_references() -> None:
    assert missing({"main.go": "//go:embed x\n"}) == {}
