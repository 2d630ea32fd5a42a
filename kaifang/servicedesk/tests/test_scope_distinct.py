"""Appeals and visits hang off their enterprise by foreign keys: no DISTINCT (issue 17)."""

from __future__ import annotations

import pytest

from kaifang.core.scope import visible_to
from kaifang.servicedesk.models import Appeal, Visit

pytestmark = pytest.mark.django_db


def test_appeals_and_visits_need_no_distinct(city):
    for model in (Appeal, Visit):
        sql = str(visible_to(model.objects.all(), city.district_a_user).query).upper()
        assert "DISTINCT" not in sql, model.__name__
