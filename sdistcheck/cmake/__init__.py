"""CMake build files, read statically and never run (see `analysis` for what is modelled).

Layers, each importing only the ones before it: `lexer` -> `variables` -> `conditions` ->
`interpreter` -> `set_commands` -> `recorder` -> `targets`/`modules` -> `commands` -> `analysis`
(the entry point, `analyse`).  May import `sdistcheck.archive`, `sdistcheck.native` and `_model`.
"""
