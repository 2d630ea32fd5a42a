"""The gate keeps DISTINCT where a scope path is many-valued (issue 17 removed it elsewhere)."""

from __future__ import annotations

import pytest

from kaifang.core.scope import visible_to
from kaifang.supervision.models import Task

pytestmark = pytest.mark.django_db


def test_many_valued_scope_paths_keep_distinct(city):
    sql = str(visible_to(Task.objects.all(), city.district_a_user).query).upper()
    assert "DISTINCT" in sql  # co_units is many-to-many: a task could repeat
