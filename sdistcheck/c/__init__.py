"""C, C++ and Cython: from the files a build compiles to every header, `.pxd` and `.pxi`.

Owns: the preprocessor's view of one file (`preprocessor`, `if_scope`: what an `#if` branch
means), Cython's (`cython_scan`), the shared include walk, system headers that are never the
sdist's, headers a build generates, and the follow-up walks (`includes`, `cython`).
May import `sdistcheck.archive`, `sdistcheck.native` and `_model`.
"""
