"""Issue 17: the gate adds DISTINCT only where a scope path can repeat a row."""

from __future__ import annotations

import pytest

from kaifang.core.scope import visible_to
from kaifang.trade.models import CustomsRecord

pytestmark = pytest.mark.django_db


def test_foreign_key_scope_paths_add_no_distinct(city):
    """`enterprise__district` is a chain of foreign keys and cannot repeat a row, so the gate
    must not add DISTINCT (it sorted every record of a district's drill-down)."""
    sql = str(visible_to(CustomsRecord.objects.all(), city.district_a_user).query).upper()
    assert "DISTINCT" not in sql
    assert "ENTERPRISE" in sql  # the scope filter is there all the same
