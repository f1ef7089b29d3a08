"""Building for real: `--build` (an isolated wheel build after the static check), `--project`
(building a checkout's sdist), and the diagnosis of a failed build's log (`diagnose`, with its
`cause`, `log`, `hints` and `rules`).  May import `sdistcheck.archive` and `_model`.
"""
