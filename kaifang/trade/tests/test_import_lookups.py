"""The partner column as files fill it: the customs platform's English download names partners
in English (United States), and bureau files often give ISO codes (US, USA). The register's
partners carry both; the importer's lookups did not read them, so such rows were refused as
未知的贸易伙伴."""

from __future__ import annotations

import pytest

from kaifang.trade.selectors.imports import import_lookups

pytestmark = pytest.mark.django_db(transaction=False)


def test_partners_by_iso_code_and_english_name(trade_reference: None) -> None:
    found = import_lookups()
    names = ["US", "USA", "JP", "JPN", "United States", "Japan", "Russia", "俄罗斯", "美国"]
    assert [found.partner_from_name(n) for n in names] == [
        "502",
        "502",
        "116",
        "116",
        "502",
        "116",
        "344",
        "344",
        "502",
    ]


def test_na_is_no_partner(trade_reference: None) -> None:
    assert import_lookups().partner_from_name("NA") is None  # Namibia's ISO code, or "n/a"
