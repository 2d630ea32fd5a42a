from decimal import Decimal

from kaifang.core.templatetags.amounts import amount


def test_amount_formats_like_a_report():
    assert amount(Decimal("1234567.891")) == "1,234,567.89"
    assert amount("205000.0") == "205,000.00"
    assert amount(None) == "—"
    assert amount("n/a") == "n/a"
    assert amount(3, 0) == "3"
