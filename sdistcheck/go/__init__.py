"""Go: the modules a Python package builds with `go build`, and the files they read.

May import `sdistcheck.archive` and `_model`.
"""
