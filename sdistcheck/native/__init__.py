"""What the native-build analysers share: compile units and build analyses (`model`), the guard
algebra that says in which builds a reference is followed (`guards`), and anchored paths
(`paths`).  Used by `cmake`, `meson`, `c` and the setup.py reader.
May import `sdistcheck.archive` and `_model`; nothing else of sdistcheck.
"""
