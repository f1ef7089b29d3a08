#!/usr/bin/env python3
"""Write small synthetic wheels, good and hostile, for testing retag's wheel reader and rewrite.

    python scripts/make_test_wheels.py OUT_DIR

Deterministic: fixed dates, modes and member order, so the same call gives the same bytes.
Importable (tests put `scripts/` on sys.path): `make_wheel(...)` for one wheel, `build_hostile`
for the broken ones, each in its own subdirectory so that they can share a file name.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import stat
import struct
import sys
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

from packaging.tags import parse_tag

DATE = (2023, 11, 14, 22, 13, 20)
NAME, VERSION = "demo", "1.0"
GOOD_FILES: dict[str, bytes] = {
    "demo/__init__.py": b"from demo._core import answer\n",
    "demo/_core.py": b"def answer() -> int:\n    return 42\n" * 40,
    "demo-1.0.data/scripts/demo": b"\x7fELF" + bytes(range(256)) * 64,
}


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def _info(name: str, mode: int, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, DATE)
    info.create_system, info.compress_type = 3, compression  # 3: Unix, so the mode is honoured
    info.external_attr = mode << 16
    return info


def make_wheel(
    out_dir: Path,
    name: str = NAME,
    version: str = VERSION,
    tags: Sequence[str] = ("py3-none-any",),
    files: dict[str, bytes] | None = None,
    build: str | None = None,
    *,
    filename: str | None = None,
    wheel_tags: Sequence[str] | None = None,
    wheel_text: str | None = None,
    record: dict[str, tuple[str, str] | None] | None = None,
    unrecorded: dict[str, bytes] | None = None,
    modes: dict[str, int] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    skip: Sequence[str] = (),
) -> Path:
    """A wheel in OUT_DIR: FILES (archive path -> content), then METADATA, WHEEL, RECORD.

    TAGS are full tags ("py3-none-any", compressed sets allowed); the file name gets each tag set
    sorted.  The keyword-only arguments break it on purpose: another FILENAME, other WHEEL Tag
    lines or text, RECORD rows replaced by RECORD's (hash, size), dropped (None) or added,
    UNRECORDED members, other MODES, members in SKIP not written.
    """
    files = dict(GOOD_FILES if files is None else files)
    expanded = [str(t) for tag in tags for t in sorted(parse_tag(tag), key=str)]
    if filename is None:
        sets = [".".join(sorted({t.split("-")[i] for t in expanded})) for i in range(3)]
        filename = "-".join([name, version, *([build] if build else []), *sets]) + ".whl"
    dist_info = f"{name}-{version}.dist-info"
    if wheel_text is None:
        lines = ["Wheel-Version: 1.0", "Generator: make_test_wheels 1.0", "Root-Is-Purelib: true"]
        lines += [f"Tag: {t}" for t in (expanded if wheel_tags is None else wheel_tags)]
        lines += [f"Build: {build}"] if build else []
        wheel_text = "\n".join(lines) + "\n"
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    )
    files[f"{dist_info}/WHEEL"] = wheel_text.encode()
    rows = {path: (record_hash(data), str(len(data))) for path, data in files.items()}
    rows.update(record or {})
    rows[f"{dist_info}/RECORD"] = ("", "")
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(
        [path, *row] for path, row in rows.items() if row is not None
    )
    files.update(unrecorded or {})
    files[f"{dist_info}/RECORD"] = text.getvalue().encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / filename
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in files.items():
            if member in skip:
                continue
            default = 0o755 if ".data/scripts/" in member else 0o644
            mode = (modes or {}).get(member, stat.S_IFREG | default)
            zf.writestr(_info(member, mode, compression), data)
    return path


def _rewrite_bytes(path: Path, change: bytes, to: bytes) -> Path:
    data = path.read_bytes()
    assert data.count(change) >= 1, change
    path.write_bytes(data.replace(change, to))
    return path


def _central_field(path: Path, member: str, offset: int, fmt: str, value: int) -> Path:
    """Overwrite one field of MEMBER's central directory entry (OFFSET from its signature)."""
    data = bytearray(path.read_bytes())
    pos = data.rfind(b"PK\x01\x02", 0, data.rfind(member.encode()))
    struct.pack_into(fmt, data, pos + offset, value)
    path.write_bytes(bytes(data))
    return path


def with_duplicate(out_dir: Path) -> Path:
    """A valid wheel, then one of its members added again (zip allows it; a wheel must not)."""
    path = make_wheel(out_dir)
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as zf:
        warnings.simplefilter("ignore")  # "Duplicate name": the point of this wheel
        zf.writestr(_info("demo/__init__.py", stat.S_IFREG | 0o644, zipfile.ZIP_DEFLATED), b"x")
    return path


def build_hostile(out_dir: Path) -> dict[str, Path]:
    """Every broken wheel, keyed by case name, each in OUT_DIR/<case>/."""
    d = {
        case: out_dir / case
        for case in (
            "bad_hash",
            "bad_size",
            "missing_wheel",
            "missing_record",
            "bad_filename",
            "tag_mismatch",
            "build_mismatch",
            "no_wheel_version",
            "dotdot",
            "absolute",
            "backslash",
            "drive",
            "duplicate",
            "truncated",
            "not_zip",
            "empty",
            "not_in_record",
            "record_extra",
            "symlink",
            "corrupt_data",
            "lying_size",
            "encrypted",
            "bad_data_key",
            "two_dist_info",
            "bomb",
            "weak_hash",
        )
    }
    good = dict(GOOD_FILES)
    dist = f"{NAME}-{VERSION}.dist-info"
    core = "demo/_core.py"
    size = str(len(GOOD_FILES[core]))
    md5 = base64.urlsafe_b64encode(hashlib.md5(GOOD_FILES[core]).digest()).rstrip(b"=").decode()
    out = {
        "bad_hash": make_wheel(d["bad_hash"], record={core: (record_hash(b"other"), size)}),
        "bad_size": make_wheel(d["bad_size"], record={core: (record_hash(good[core]), "7")}),
        "missing_wheel": make_wheel(
            d["missing_wheel"], skip=[f"{dist}/WHEEL"], record={f"{dist}/WHEEL": None}
        ),
        "missing_record": make_wheel(d["missing_record"], skip=[f"{dist}/RECORD"]),
        "bad_filename": make_wheel(d["bad_filename"], filename="demo-1.0-py3-none.whl"),
        "tag_mismatch": make_wheel(d["tag_mismatch"], wheel_tags=["py3-none-linux_x86_64"]),
        "build_mismatch": make_wheel(
            d["build_mismatch"], wheel_text=("Wheel-Version: 1.0\nTag: py3-none-any\nBuild: 1\n")
        ),
        "no_wheel_version": make_wheel(d["no_wheel_version"], wheel_text="Tag: py3-none-any\n"),
        "dotdot": make_wheel(d["dotdot"], files={**good, "demo/../../evil.py": b"x"}),
        "absolute": make_wheel(d["absolute"], files={**good, "/etc/evil": b"x"}),
        "backslash": make_wheel(d["backslash"], files={**good, "demo\\evil.py": b"x"}),
        "drive": make_wheel(d["drive"], files={**good, "C:/evil.py": b"x"}),
        "duplicate": with_duplicate(d["duplicate"]),
        "not_in_record": make_wheel(d["not_in_record"], unrecorded={"demo/extra.py": b"x = 1\n"}),
        "record_extra": make_wheel(
            d["record_extra"], record={"demo/gone.py": (record_hash(b""), "0")}
        ),
        "symlink": make_wheel(
            d["symlink"],
            files={**good, "demo/link": b"/etc/passwd"},
            modes={"demo/link": stat.S_IFLNK | 0o777},
        ),
        "bad_data_key": make_wheel(d["bad_data_key"], files={**good, "demo-1.0.data/evil/x": b""}),
        "two_dist_info": make_wheel(
            d["two_dist_info"], files={**good, "other-2.0.dist-info/X": b""}
        ),
        "bomb": make_wheel(d["bomb"], files={**good, "demo/zeros.bin": bytes(64 * 1024**2)}),
        "weak_hash": make_wheel(d["weak_hash"], record={core: (f"md5={md5}", size)}),
    }
    truncated = make_wheel(d["truncated"])
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    out["truncated"] = truncated
    for case, data in (("not_zip", b"this is not a zip file\n" * 10), ("empty", b"")):
        d[case].mkdir(parents=True)
        out[case] = d[case] / "demo-1.0-py3-none-any.whl"
        out[case].write_bytes(data)
    # A run of 0xAB stored in a member, overwritten in place: the zip is intact, the data is not.
    out["corrupt_data"] = make_wheel(
        d["corrupt_data"],
        compression=zipfile.ZIP_STORED,
        files={**good, "demo/data.bin": b"\xab" * 999},
    )
    _rewrite_bytes(out["corrupt_data"], b"\xab" * 999, b"\xab" * 500 + b"\xcd" + b"\xab" * 498)
    out["lying_size"] = _central_field(make_wheel(d["lying_size"]), core, 24, "<I", 10)
    out["encrypted"] = _central_field(make_wheel(d["encrypted"]), core, 8, "<H", 1)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "test-wheels")
    print(make_wheel(target / "good"))
    for case, path in build_hostile(target / "hostile").items():
        print(f"{case}: {path}")
