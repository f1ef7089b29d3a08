"""What the build backends read, and what they put into an sdist.

Owns: pyproject.toml (which backend builds, and the files its configuration names:
setuptools, maturin, hatch, scikit-build-core, meson-python, pdm, flit), setup.py (parsed with
`ast`, never run; `pyexpr` evaluates its static expressions), setup.cfg, tolerant TOML reading,
files a build script writes itself (`generated`), and the configuration fix that would ship a
missing file (`fixes`).  May import `sdistcheck.archive`, `sdistcheck.native` and `_model`.
"""
