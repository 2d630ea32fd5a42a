"""Reads with a deadline (kaifang/core/lib/deadline.py) on the database the suite runs on:
SQLite here, PostgreSQL in `.ci/run`."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from kaifang.core.lib.deadline import DeadlinePassed, read_deadline
from kaifang.core.models import Unit

pytestmark = pytest.mark.django_db


def _long_statement() -> None:
    """A statement that runs for seconds on either database, reading no table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_sleep(5)")
        else:
            cursor.execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                " WHERE x < 200000000) SELECT count(*) FROM c"
            )
        cursor.fetchall()


def test_a_statement_that_runs_past_the_deadline_is_cancelled_and_the_connection_goes_on():
    unit = Unit.objects.create(name="截止前的单位", kind="district")
    started = time.perf_counter()
    with pytest.raises(DeadlinePassed), read_deadline(0.1):
        _long_statement()
    assert time.perf_counter() - started < 2  # cancelled, not run to its end
    # the request's transaction is still usable, and holds what it wrote before
    assert Unit.objects.filter(pk=unit.pk).exists()
    with read_deadline(5):
        assert Unit.objects.get(pk=unit.pk).name == "截止前的单位"


def test_a_statement_after_the_deadline_is_not_run():
    ran = []
    with pytest.raises(DeadlinePassed), read_deadline(0):
        ran.append("python")
        list(Unit.objects.all())
        ran.append("after")
    assert ran == ["python"]


def test_reads_within_the_deadline_return_their_rows_and_leave_no_limit_behind():
    Unit.objects.create(name="测试单位", kind="district")
    with read_deadline(5):
        names = list(Unit.objects.values_list("name", flat=True))
    assert "测试单位" in names
    with read_deadline(None):  # no deadline
        assert Unit.objects.filter(name="测试单位").count() == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"  # restored, though the test's transaction goes on
    else:
        started = time.perf_counter()
        with connection.cursor() as cursor:  # no progress handler left to cut it
            cursor.execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                " WHERE x < 300000) SELECT count(*) FROM c"
            )
            assert cursor.fetchone()[0] == 300000
        assert time.perf_counter() - started < 5


def test_other_database_errors_are_not_taken_for_the_deadline():
    from django.db import DatabaseError

    with pytest.raises(DatabaseError) as raised, read_deadline(5), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    assert not isinstance(raised.value, DeadlinePassed)


@pytest.mark.django_db(transaction=True)
def test_a_read_under_the_deadline_does_not_wait_for_an_imports_write_lock():
    """SQLite's transactions are IMMEDIATE here (config/env.py): a read that opened one would
    wait for the write lock an import's commit holds. The deadline opens none."""
    import sqlite3

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    connection.ensure_connection()
    units = Unit.objects.count()
    lock = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=1)
    lock.execute("BEGIN IMMEDIATE")  # what an import's commit holds until it ends
    try:
        started = time.perf_counter()
        with read_deadline(5):
            assert Unit.objects.count() == units
        assert time.perf_counter() - started < 1
    finally:
        lock.execute("ROLLBACK")
        lock.close()
