"""Months written in English, as Excel shows them: Sep-25 (mmm-yy), Sep 2025, September
2025, 01-Sep-25, 2025-Sep. Pure."""

from __future__ import annotations

import re

__all__ = ["NoYearError", "english_month"]


class NoYearError(ValueError):
    """The text names a month but no year (25-Sep, Excel's d-mmm)."""


_MONTHS_EN = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_EN = r"([a-z]+)\.?"
# Sep-25 (Excel's mmm-yy), Sep 2025, September 2025, Sep 1, 2025
_EN_MONTH_YEAR = re.compile(rf"^{_EN}[\s\-/,']*(?:\d{{1,2}}\s*,\s*)?(\d{{4}}|\d{{2}})$")
# 2025-Sep; 01-Sep-25 and 1 September 2025 (day, month, year)
_EN_YEAR_MONTH = re.compile(rf"^(\d{{4}})[\s\-/]*{_EN}$")
_EN_DAY_MONTH_YEAR = re.compile(rf"^\d{{1,2}}[\s\-/]*{_EN}[\s\-/,]*(\d{{4}}|\d{{2}})$")
# 25-Sep (Excel's d-mmm), Sep: no year at all
_EN_NO_YEAR = re.compile(rf"^(?:\d{{1,2}}[\s\-/]*)?{_EN}(?:[\s\-/]*\d{{1,2}})?$")


def english_month(text: str) -> tuple[int, int] | None:
    """(year, month) of a month written in English, None when the text names no English month;
    NoYearError when it names one but no year. A two-digit year is of the 2000s."""
    lower = text.lower()
    if not any("a" <= ch <= "z" for ch in lower):
        return None
    for pattern, name_group, year_group in (
        (_EN_MONTH_YEAR, 1, 2),
        (_EN_YEAR_MONTH, 2, 1),
        (_EN_DAY_MONTH_YEAR, 1, 2),
    ):
        match = pattern.match(lower)
        if match and match.group(name_group) in _MONTHS_EN:
            year = match.group(year_group)
            return int(year) + (2000 if len(year) == 2 else 0), _MONTHS_EN[match.group(name_group)]
    match = _EN_NO_YEAR.match(lower)
    if match and match.group(1) in _MONTHS_EN:
        raise NoYearError(text)
    return None
