"""retag: give wheels with statically linked binaries the manylinux tags they honestly deserve."""

__version__ = "0.1.0"
