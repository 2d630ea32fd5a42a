"""Tracking codes (查询码): random, not sequential, easy to read aloud and type on a phone.

12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), grouped by four:
31^12 ≈ 7.9 × 10^17 codes, so guessing one that exists is hopeless at any rate limit."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 3
GROUP_SIZE = 4
_STRIP = re.compile(r"[\s\-－_]")
# What normalise() accepts, in the words the public form shows (its help and its error).
FORMAT_HINT = (
    "12 位，由数字 2–9 和字母（不含 I、L、O）组成，大小写均可，"
    "可用短横线或空格分组，如 AB3D-EF4H-JK5M"
)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def normalise(value: str) -> str:
    """Accept what a person types: lower case, spaces or no dashes, O for 0 and so on."""
    raw = _STRIP.sub("", value or "").upper().replace("O", "0").replace("I", "1")
    raw = raw.replace("L", "1")
    if len(raw) != GROUPS * GROUP_SIZE or any(c not in ALPHABET for c in raw):
        return ""
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))
