"""`retag check`'s audits, one module per claim a wheel's name makes: the rules PyPI applies at
upload (`pypi_rules` for the name and metadata, `zip_hygiene` for the archive), the architecture
and libc of its code (`platform`), what a manylinux policy allows it to need from the system
(`manylinux`), the x86-64 ISA level it needs (`isa`, warnings), the interpreter, ABI and platform
its extension modules were built for (`interpreter`, `abi3`), and the macOS floor of its Mach-O
code (`macos`); `findings` is the finding they all return, one per problem with the tags it
concerns.
May import `retag._policy`, `retag.archive` and `retag.binaries` (which import none of it).
"""
