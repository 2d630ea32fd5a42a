"""HS code lines against the customs records' codes, and the shock arithmetic. Pure: no
database, so the rules are stated and tested in one place.

A line matches a record's code when the code starts with the line (a chapter "85" matches
every code of chapter 85), or, for a line longer than the record's code (a partner's 10-digit
tariff line against the city's 8-digit codes), when the line starts with the code and the code
has at least 6 digits. A record matching several lines counts once, under the longest line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MIN_REVERSE_DIGITS = 6  # a shorter data code is too coarse to stand for a longer line

LOSS_FORMULAS = {
    "tariff": (
        "预计损失 = 受影响金额 × 需求弹性 × 加征税率(百分点) ÷ 100，最高按受影响金额的100%计"
    ),
    "share": "预计损失 = 受影响金额 × 减少比例",
    "stop": "预计损失 = 受影响金额（贸易完全中断）",
}


def clean_code(raw: object) -> str:
    """Digits of an HS code as written in lists: "8501.10.20", "8501 10 20", 85011020.0."""
    text = str(raw if raw is not None else "").strip()
    if text.endswith(".0") and text[:-2].replace(".", "").isdigit() and text.count(".") == 1:
        text = text[:-2]
    return "".join(ch for ch in text if ch.isdigit())


def minimal_lines(lines: Iterable[str]) -> list[str]:
    """The lines a query must match: drop those covered by a shorter line of the list."""
    ordered = sorted(set(lines), key=lambda c: (len(c), c))
    kept: list[str] = []
    for code in ordered:
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return kept


def reverse_prefixes(line: str) -> list[str]:
    """Record codes shorter than `line` that stand for it (its prefixes of 6 digits or more)."""
    return [line[:k] for k in range(MIN_REVERSE_DIGITS, len(line))]


def upper_bound(line: str) -> str | None:
    """The smallest digit string above every code starting with `line` ("61" → "62",
    "6199" → "62", "99" → None): with `line` itself, a range an index can walk, where a LIKE
    cannot (SQLite's LIKE is case-insensitive; PostgreSQL's needs pattern operators)."""
    stripped = line.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + str(int(stripped[-1]) + 1)


def matches(line: str, code: str) -> bool:
    if code.startswith(line):
        return True
    return len(line) > len(code) >= MIN_REVERSE_DIGITS and line.startswith(code)


def best_line(lines: Sequence[str], code: str) -> str | None:
    """The longest line matching `code`, or None."""
    found = [line for line in lines if matches(line, code)]
    return max(found, key=lambda c: (len(c), c)) if found else None


def loss(
    exposed: Decimal,
    *,
    shock: str,
    rate_pp: Decimal = ZERO,
    elasticity: Decimal = ZERO,
    share_lost_pct: Decimal = ZERO,
) -> Decimal:
    """The estimated loss of `exposed` under the shock (LOSS_FORMULAS states it in words)."""
    if shock == "stop":
        return exposed
    if shock == "share":
        return exposed * min(share_lost_pct, HUNDRED) / HUNDRED
    if shock == "tariff":
        fraction = min(elasticity * rate_pp / HUNDRED, Decimal(1))
        return exposed * max(fraction, ZERO)
    raise ValueError(f"unknown shock {shock!r}")


PLACES = Decimal("0.0001")  # the storage precision of customs values (as `trade-stats`)


def amount_text(value: Decimal) -> str:
    """An amount at full precision, printed alike on SQLite and PostgreSQL."""
    return str(value.quantize(PLACES))


def ratio_text(value: Decimal | None) -> str | None:
    """A fraction at full precision without trailing zeros; None if undefined."""
    if value is None:
        return None
    return format(value.normalize(), "f") if value else "0"
