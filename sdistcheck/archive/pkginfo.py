"""Name and Version from an sdist's PKG-INFO (RFC 822 headers)."""

from __future__ import annotations


def name_version(text: str | None) -> tuple[str | None, str | None]:
    # Only two header fields are needed; email.parser would cost more start-up than the check.
    fields: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            break  # end of the headers
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version"):
            fields.setdefault(key, value.strip())
    return fields.get("Name"), fields.get("Version")
