"""Rust: what cargo needs from the sdist.

Owns: Rust source scanning (`include_bytes!`/`include_str!`/`include!`, `mod x;`, `#[path]`),
`cfg(...)` predicates and the platforms they select, Cargo manifests (workspaces, targets, path
dependencies, features) and the walk from a root manifest to every file (`crates`).
May import `sdistcheck.archive`, `sdistcheck.backends.toml` and `_model`.
"""
