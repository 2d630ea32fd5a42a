"""Display of amounts the way Chinese statistical reports print them: 亿元 or 万美元 with one
decimal and thousands separators, growth in %. Pure; storage keeps full precision."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "—"
_SCALES = {
    "yi": (Decimal(100_000_000), "亿"),
    "wan": (Decimal(10_000), "万"),
    "one": (Decimal(1), ""),
}


def grouped(value: Decimal, places: int = 1) -> str:
    """`value` rounded half-up to `places` decimals, with thousands separators."""
    step = Decimal(1).scaleb(-places)
    rounded = value.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0.0"
    return f"{rounded:,.{places}f}"


def scaled(value: Decimal | None, scale: str, places: int = 1) -> str:
    """`value` in 亿 (scale "yi"), 万 ("wan") or units ("one")."""
    if value is None:
        return DASH
    divisor, _ = _SCALES[scale]
    return grouped(Decimal(value) / divisor, places)


def amount_scale(currency: str, *, small: bool = False) -> str:
    """City tables: 亿元 and 万美元. Enterprise tables (`small`): 万元 and 万美元."""
    return "wan" if currency == "usd" or small else "yi"


def amount_unit(currency: str, *, small: bool = False) -> str:
    return _SCALES[amount_scale(currency, small=small)][1] + ("美元" if currency == "usd" else "元")


def percent(value: Decimal | None, places: int = 1) -> str:
    """同比/占比 as "12.3%"; a dash where the base is zero."""
    return DASH if value is None else grouped(value, places) + "%"


def points(value: Decimal | None, places: int = 1) -> str:
    """拉动 in percentage points."""
    return DASH if value is None else grouped(value, places)


MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL (bigint) can hold


def db_id(raw: str) -> int | None:
    """A primary key from a URL parameter: ASCII digits within the database's integer range,
    else None (never "²" or "１２", which str.isdigit accepts and int() refuses or reads)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None
