"""Small lookups and file builders shared by the importer tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.trade.importers.common import Lookups

USCC_A = synthetic_uscc(1)  # in the register, id 1
USCC_B = synthetic_uscc(2)  # in the register, id 2
USCC_NEW = synthetic_uscc(3)  # not in the register
BAD_USCC = USCC_A[:-1] + ("0" if USCC_A[-1] != "0" else "1")  # final check character wrong

PARTNERS = [
    ("110", "中国香港"),
    ("116", "日本"),
    ("133", "韩国"),
    ("142", "中国"),
    ("143", "中国台湾"),
    ("344", "俄罗斯联邦"),
    ("502", "美国"),
    ("303", "德国"),
]
TRADE_MODES = [
    ("10", "一般贸易", "10"),
    ("14", "来料加工贸易", "14"),
    ("15", "进料加工贸易", "15"),
    ("0110", "一般贸易", "0110"),
    ("0615", "进料对口", "0615"),
    ("9610", "跨境贸易电子商务", "9610"),
]


def lookups() -> Lookups:
    return Lookups.build(
        partners=PARTNERS,
        partner_aliases={"俄罗斯": "344", "US": "502", "USA": "502"},
        trade_modes=TRADE_MODES,
        enterprises=[
            (1, USCC_A, "4103960001", "洛阳一号机械有限公司"),
            (2, USCC_B, "", "洛阳二号（国际）贸易有限公司"),
        ],
        former_names=[(1, "洛阳一号机械厂")],
    )


def csv_bytes(
    rows: Sequence[Sequence[object]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    trailing: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([*row, ""] if trailing else row)
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = None,
    sheet: str = "Sheet1",
    number_format: dict[int, str] | None = None,
) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
    for row in rows:
        ws.append(list(row))
    if number_format:
        for column, fmt in number_format.items():
            for cells in ws.iter_rows(min_col=column + 1, max_col=column + 1):
                for cell in cells:
                    cell.number_format = fmt
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_bytes(
    sheets: dict[str, Sequence[Sequence[object]]], *, hidden: Sequence[str] = ()
) -> bytes:
    """A workbook with one sheet per entry (name → rows), in order; ``hidden`` sheets hidden."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if name in hidden:
            ws.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
