"""Can this host run a foreign architecture's binaries (in containers)?  binfmt_misc decides.

A foreign ELF runs only when a binfmt_misc handler (qemu-user) matches its header.  Inside a
container the handler's interpreter must have been opened at registration (flag F), since the
container cannot see the host's /usr/bin/qemu-*.  Without a handler the kernel says "exec format
error", which would read as a broken binary: we check first and say what to register instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import platforms as _platforms

BINFMT_DIR = Path("/proc/sys/fs/binfmt_misc")


@dataclass(frozen=True)
class Handler:
    name: str
    enabled: bool
    interpreter: str
    flags: str
    offset: int
    magic: bytes | None  # None: an extension-matching handler, never an ELF one
    mask: bytes | None

    def matches(self, head: bytes) -> bool:
        if self.magic is None:
            return False
        window = head[self.offset : self.offset + len(self.magic)]
        if len(window) < len(self.magic):
            return False
        mask = self.mask or b"\xff" * len(self.magic)
        return all((h & m) == (g & m) for h, m, g in zip(window, mask, self.magic, strict=True))


@dataclass(frozen=True)
class Emulation:
    """Whether binaries of ARCH can run here, and if not, why and how to fix it."""

    arch: str
    native: bool
    handler: str | None = None  # the binfmt_misc entry that will run them
    problem: str | None = None
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def parse_handler(name: str, text: str) -> Handler:
    """One /proc/sys/fs/binfmt_misc/<name> file."""
    enabled = False
    fields: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line in ("enabled", "disabled"):
            enabled = line == "enabled"
        elif " " in line:
            key, _, value = line.partition(" ")
            fields[key.rstrip(":")] = value.strip()
    magic = bytes.fromhex(fields["magic"]) if "magic" in fields else None
    mask = bytes.fromhex(fields["mask"]) if "mask" in fields else None
    return Handler(
        name,
        enabled,
        fields.get("interpreter", ""),
        fields.get("flags", ""),
        int(fields.get("offset", "0")),
        magic,
        mask,
    )


def handlers(root: Path | None = None) -> list[Handler]:
    root = root or BINFMT_DIR
    found = []
    for entry in sorted(root.iterdir()):
        if entry.name in ("register", "status"):
            continue
        try:
            found.append(parse_handler(entry.name, entry.read_text("utf-8", "replace")))
        except (OSError, ValueError):
            continue  # a handler we cannot read is one we cannot count on
    return found


def _register_fix(arch: str) -> str:
    qemu = _platforms.qemu_name(arch)
    return (
        f"install qemu-user-static (apt-get install qemu-user-static) and register it as "
        f"root: cat /usr/lib/binfmt.d/qemu-{qemu}.conf > {BINFMT_DIR}/register (or `docker "
        f"run --privileged --rm tonistiigi/binfmt --install {arch}`)"
    )


def emulation(
    arch: str, head: bytes, root: Path | None = None, host: str | None = None
) -> Emulation:
    """Can a binary of ARCH whose first bytes are HEAD (b"": a typical ARCH executable) run
    here, natively or through binfmt?"""
    root = root or BINFMT_DIR
    if not head and _platforms.known(arch):
        head = _platforms.elf_header(arch)
    if _platforms.runs_natively(arch, host):
        return Emulation(arch, native=True)
    if not (root / "register").exists():
        return Emulation(
            arch,
            native=False,
            problem=f"{arch} code needs emulation and binfmt_misc is not mounted on this host",
            fix=f"as root: mount -t binfmt_misc binfmt_misc {root}; then {_register_fix(arch)}",
        )
    status = (
        (root / "status").read_text("utf-8", "replace").strip()
        if (root / "status").exists()
        else "enabled"
    )
    if status != "enabled":
        return Emulation(
            arch,
            native=False,
            problem="binfmt_misc is disabled on this host",
            fix=f"as root: echo 1 > {root}/status",
        )
    matching = [h for h in handlers(root) if h.matches(head)]
    # an enabled handler with flag F wins over others that match the same header
    matching.sort(key=lambda h: (not h.enabled, "F" not in h.flags))
    for handler in matching[:1]:
        if not handler.enabled:
            return Emulation(
                arch,
                native=False,
                handler=handler.name,
                problem=f"the binfmt handler {handler.name} for {arch} is disabled",
                fix=f"as root: echo 1 > {root}/{handler.name}",
            )
        if "F" not in handler.flags:
            return Emulation(
                arch,
                native=False,
                handler=handler.name,
                problem=f"the binfmt handler {handler.name} lacks flag F, so containers cannot "
                f"reach its interpreter {handler.interpreter}",
                fix=f"as root: echo -1 > {root}/{handler.name}; then {_register_fix(arch)} "
                "(its flags include F)",
            )
        return Emulation(arch, native=False, handler=handler.name)
    return Emulation(
        arch,
        native=False,
        problem=f"no binfmt_misc handler runs {arch} binaries "
        "on this host (qemu-user is not registered)",
        fix=_register_fix(arch),
    )
