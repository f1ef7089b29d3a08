"""Getting an sdist and reading it safely.

Owns: fetching artifacts from a package index (`fetch`), reading tar/zip archives with limits
against traversal, links, devices, bombs and truncation (`read`), the in-memory view of the
sdist's files that every analyser reads (`tree`), PKG-INFO (`pkginfo`), and the `--source`
checkout (`source`).  Imports nothing of sdistcheck but `sdistcheck._errors`.
"""
