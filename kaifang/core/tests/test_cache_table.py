"""`migrate` creates the database cache table (a post-migrate step), so a fresh database
needs no separate `createcachetable`."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection


@pytest.mark.django_db
def test_post_migrate_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS kaifang_cache")
    assert "kaifang_cache" not in connection.introspection.table_names()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert "kaifang_cache" in connection.introspection.table_names()
    cache.set("probe", "ok")
    assert cache.get("probe") == "ok"
