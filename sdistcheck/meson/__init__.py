"""meson build files, read statically and never run: what a meson-python build needs.

Layers, each importing only the ones before it: `lexer` -> `values` -> `interpreter` ->
`references` -> `analysis` (the entry point).  May import `sdistcheck.archive`,
`sdistcheck.native` and `_model`.
"""
