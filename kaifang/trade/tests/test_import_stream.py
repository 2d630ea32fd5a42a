"""The streaming commit (parse in a forked child, write chunk by chunk) leaves the database
exactly as parsing the whole file and committing it in one piece does."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade import bulk, rollups
from kaifang.trade.actions import import_commit_result, import_customs_table, stream
from kaifang.trade.importers import stream as stream_module
from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.tabular import Table, read_table
from kaifang.trade.models import (
    CustomsRecord,
    LiaisonCommodityRollup,
    LiaisonRollup,
    ScopeRollup,
    TradeRollup,
)
from kaifang.trade.selectors.imports import import_lookups
from kaifang.trade.signals import rollups_rebuilt
from kaifang.trade.tests.stages import assert_stages_equal_the_facts, stage_tables

pytestmark = pytest.mark.django_db

HEADER = (
    "数据年月,统一社会信用代码,海关编码,企业名称,商品编码,贸易伙伴编码,贸易方式,"
    "第一数量,第一计量单位,美元,人民币"
)
KNOWN = synthetic_uscc(31)
NEW = synthetic_uscc(32)
NEW_CUSTOMS = "4101960123"
LINES = [
    f"202509,{KNOWN},,示范精密机械有限公司,84571010,502,10,2,台,1000.50,7100.25",
    f"202509,{NEW},,新发现外贸有限公司,85171300,116,10,5,台,2000,14200",
    f"202510,{KNOWN},,示范精密机械有限公司,84571010,502,10,1,台,10,71",
    f"202509,{KNOWN},,示范精密机械有限公司,8517,99999,10,,,5,35",  # unknown partner: rejected
    f"202509,{KNOWN},,示范精密机械有限公司,84571010,502,10,1,台,200,?",  # first key again
    f"202510,{NEW},,新发现外贸有限公司,85171300,116,10,1,台,3,21",
    f"202510,{NEW},,新发现外贸有限公司,85171300,116,10,1,台,4,28",  # key of the line above
    f"202511,{KNOWN},,示范精密机械有限公司,84571010,133,15,,,7.25,51.5",
]


@pytest.fixture
def known(trade_reference, city):
    return EnterpriseFactory(
        name="示范精密机械有限公司", uscc=KNOWN, district=city.district_a, liaison=city.liaison
    )


def _data(lines: list[str]) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("gb18030")


def _table(data: bytes) -> Table:
    return read_table(data, "customs.csv", kind="customs")


def _one_piece(data: bytes, **options: Any) -> None:
    table = _table(data)
    result = parse_customs(
        table, detect_mapping(table.header), lookups=import_lookups(), file_flow="export"
    )
    import_commit_result(result=result, actor=None, batch=None, source="customs", **options)


def _streamed(
    data: bytes, *, progress: Callable[[int, str], None] | None = None, **options: Any
) -> Any:
    table = _table(data)
    return import_customs_table(
        table=table,
        reread=lambda: _table(data),
        mapping=detect_mapping(table.header),
        lookups=import_lookups(),
        file_flow="export",
        actor=None,
        batch=None,
        source="customs",
        chunk_rows=2,
        progress=progress or (lambda percent, message: None),
        **options,
    )


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    firm = {e.pk: (e.uscc, e.customs_code, e.status) for e in Enterprise.objects.all()}
    records = CustomsRecord.objects.values_list(
        "enterprise_id", "period", "flow", "hs_code", "partner_code", "trade_mode",
        "qty1", "unit1", "value_usd", "value_cny", "source",
    )  # fmt: skip
    rollups = TradeRollup.objects.values_list(
        "dimension", "key", "period", "flow", "value_usd", "value_cny", "rows"
    )
    scoped = ScopeRollup.objects.values_list(
        "district_id", "park_id", "dimension", "key", "period", "flow", "value_usd", "rows"
    )
    liaison = LiaisonRollup.objects.values_list("liaison_id", "dimension", "key", "value_usd")
    officer_codes = LiaisonCommodityRollup.objects.values_list(
        "liaison_id", "district_id", "park_id", "period", "flow", "code", "value_usd", "rows"
    )
    stages = {
        f"stage {stage}": sorted(((firm[r[0]], *r[1:]) for r in rows), key=str)
        for stage, rows in stage_tables().items()
    }
    return {
        **stages,  # the enterprise stage rollups, the firm named too
        "firms": sorted(firm.values(), key=str),
        "records": sorted(((firm[r[0]], *r[1:]) for r in records), key=str),
        # the enterprise rollup's key is an id: name the firm instead
        "rollups": sorted(
            ((r[0], firm[int(r[1])] if r[0] == "enterprise" else r[1], *r[2:]) for r in rollups),
            key=str,
        ),
        "scoped": sorted(scoped, key=str),
        "liaison": sorted(liaison, key=str),
        "liaison codes": sorted(officer_codes, key=str),
    }


def expected(data: bytes, **options: Any) -> dict[str, list[tuple[Any, ...]]]:
    """What the one-piece commit leaves, then rolled back."""
    savepoint = transaction.savepoint()
    _one_piece(data, **options)
    state = snapshot()
    transaction.savepoint_rollback(savepoint)
    return state


@pytest.mark.parametrize("fork", [True, False])
def test_streamed_commit_equals_one_piece(known, fork):
    data = _data(LINES)
    want = expected(data, replace_period=False)
    assert len(want["records"]) == 5  # duplicates summed, the bad line rejected
    assert want["liaison codes"]  # the known firm has a liaison officer
    with mock.patch.object(rollups, "_stage", wraps=rollups._stage) as stage:
        result, summary = _streamed(data, replace_period=False, fork=fork)
    # the months were empty: the rollups came from the file's own sums, not the facts
    assert stage.call_count == 0
    assert snapshot() == want
    assert_stages_equal_the_facts()  # the stage tables too came from the file's own sums
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (8, 7, 1)
    assert result.totals["export"].usd == sum(
        r[8] for r in want["records"]
    )  # the file's total is what the database holds
    assert summary.rows_written == 5
    assert summary.enterprises_created == 1


def test_reimport_and_replace_period_equal_one_piece(known):
    _one_piece(_data(LINES[:3]), replace_period=False)
    # an older record of 2025-09 that the new file no longer has: gone with --replace-period
    corrected = [line.replace("1000.50", "900") for line in LINES]
    data = _data(corrected)
    want = expected(data, replace_period=True)
    _streamed(data, replace_period=True)
    assert snapshot() == want
    assert_stages_equal_the_facts()  # the replaced month's old record left its stages
    again = snapshot()
    with mock.patch.object(rollups, "_stage", wraps=rollups._stage) as stage:
        _streamed(data, replace_period=False)
    assert snapshot() == again  # re-importing the same file changes nothing
    assert stage.call_count == 2  # the months held facts: the rollups read them again
    assert_stages_equal_the_facts()


def test_one_new_enterprise_under_two_identifiers_is_summed_in_one_piece(known):
    both = f"202509,{NEW},{NEW_CUSTOMS},新发现外贸有限公司,85171300,116,10,1,台,10,71"
    code_only = f"202509,,{NEW_CUSTOMS},新发现外贸有限公司,85171300,116,10,1,台,5,35"
    data = _data([both, LINES[0], code_only])  # chunks of two: the identifiers meet late
    want = expected(data, replace_period=False)
    messages: list[str] = []
    _streamed(data, replace_period=False, progress=lambda p, m: messages.append(m))
    assert snapshot() == want
    assert "同一企业有多个标识，合并后导入" in messages
    record = CustomsRecord.objects.get(enterprise__uscc=NEW)
    assert record.value_usd == Decimal("15")
    assert_stages_equal_the_facts()


def _db_state() -> tuple[list[Any], int, dict[str, list[tuple[Any, ...]]]]:
    records = list(CustomsRecord.objects.values_list("id", "value_usd"))
    return records, Enterprise.objects.count(), stage_tables()


def test_a_write_failing_mid_stream_leaves_the_database_as_it_was(known):
    _one_piece(_data(LINES[:1]), replace_period=False)
    before = _db_state()
    calls = {"n": 0}

    real = stream.upsert_rows

    def flaky(rows: Any, **options: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("断电")
        return real(rows, **options)

    with mock.patch.object(stream, "upsert_rows", flaky), pytest.raises(RuntimeError):
        _streamed(_data(LINES), replace_period=True)
    assert calls["n"] == 2
    assert _db_state() == before
    assert_stages_equal_the_facts()


def test_a_parse_failing_mid_stream_leaves_the_database_as_it_was(known):
    _one_piece(_data(LINES[:1]), replace_period=False)
    before = _db_state()
    calls = {"n": 0}
    real = stream_module.parse_customs

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1  # counted in the child
        if calls["n"] == 3:
            raise MemoryError("解析进程内存不足")
        return real(*args, **kwargs)

    with mock.patch.object(stream_module, "parse_customs", flaky), pytest.raises(MemoryError):
        _streamed(_data(LINES), replace_period=True)
    assert _db_state() == before


def test_rollups_of_odd_trade_modes_equal_the_facts(known):
    """The file's own sums go into the rollup tables by COPY on PostgreSQL: a code with a
    backslash (unknown modes are kept as written) must arrive as written, not as COPY's
    escapes (\\N is NULL there, \\t a tab)."""
    odd = [
        f"202509,{KNOWN},,示范精密机械有限公司,84571010,502,\\N,1,台,10,71",
        f"202509,{KNOWN},,示范精密机械有限公司,84571010,502,7\\t,1,台,20,142",
    ]
    data = _data([*LINES, *odd])
    want = expected(data, replace_period=False)
    assert {r[5] for r in want["records"]} >= {"\\N", "7\\t"}
    _streamed(data, replace_period=False)
    assert snapshot() == want  # the one-piece commit sums the facts in SQL
    assert_stages_equal_the_facts()


_TRADE_WRITE = re.compile(r'(INSERT INTO|UPDATE|DELETE FROM) "?TRADE_')


def _writes_inside_a_savepoint(statements: list[str]) -> list[str]:
    """The writes to the trade tables that ran while a savepoint was open, from every
    statement the SQLite connection ran (its trace: the raw executemany rows too). A
    savepoint stays open after ROLLBACK TO until it is released or the transaction ends."""
    open_savepoints = 0
    inside = []
    for statement in statements:
        sql = statement.lstrip().upper()
        if sql.startswith("SAVEPOINT"):
            open_savepoints += 1
        elif sql.startswith("RELEASE"):
            open_savepoints -= 1
        elif sql.startswith(("BEGIN", "COMMIT", "ROLLBACK")) and not sql.startswith("ROLLBACK TO"):
            open_savepoints = 0
        elif open_savepoints and _TRADE_WRITE.match(sql):
            inside.append(statement[:80])
    return inside


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL keeps a savepoint per chunk (cheap there)"
)
def test_a_new_months_import_opens_no_savepoint_on_sqlite(known):
    """Inside a savepoint SQLite copies every page the import changes to a sub-journal
    first: a month's import (124,265 rows into 5.6 M) wrote for 11.7–12.8 s, without 8.2–8.6 s."""
    statements: list[str] = []
    connection.ensure_connection()
    raw = connection.connection
    raw.set_trace_callback(statements.append)
    try:
        _streamed(_data(LINES), replace_period=False)
    finally:
        if connection.connection is raw:  # the enqueue at commit may have closed it
            raw.set_trace_callback(None)
    assert CustomsRecord.objects.count() == 5
    written = [s for s in statements if s.startswith("INSERT INTO trade_customsrecord")]
    assert len(written) == 5  # the trace saw the raw inserts, one statement per record
    assert _writes_inside_a_savepoint(statements) == []


@pytest.mark.django_db(transaction=True)
def test_the_merge_fallback_starts_from_the_database_as_it_was(known):
    """The fallback to the one-piece path rolls the whole transaction back (there is no
    savepoint to return to): when it starts, nothing the stream wrote is left."""
    both = f"202509,{NEW},{NEW_CUSTOMS},新发现外贸有限公司,85171300,116,10,1,台,10,71"
    code_only = f"202509,,{NEW_CUSTOMS},新发现外贸有限公司,85171300,116,10,1,台,5,35"
    data = _data([both, LINES[0], code_only])  # chunks of two: the first is written
    at_fallback: list[tuple[int, bool]] = []

    def progress(percent: int, message: str) -> None:
        if message == "同一企业有多个标识，合并后导入":
            at_fallback.append(
                (CustomsRecord.objects.count(), Enterprise.objects.filter(uscc=NEW).exists())
            )

    _streamed(data, replace_period=False, progress=progress)
    assert at_fallback == [(0, False)]
    assert sorted(CustomsRecord.objects.values_list("enterprise__uscc", "value_usd")) == [
        (KNOWN, Decimal("1000.50")),
        (NEW, Decimal("15")),
    ]
    assert Enterprise.objects.filter(uscc=NEW).count() == 1
    assert_stages_equal_the_facts()


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_rollups_reaches_the_caller_as_itself(known):
    """`rebuild_rollups` joins the import's transaction (no savepoint), so its failure marks
    that transaction for rollback: nothing may run a query after it before the rollback
    (the page cache's restore did, and Django's TransactionManagementError hid the cause)."""
    before = _db_state()

    def fails(**kwargs: Any) -> None:
        raise RuntimeError("汇总失败")

    rollups_rebuilt.connect(fails, dispatch_uid="test.fails")
    try:
        with pytest.raises(RuntimeError, match="汇总失败"):
            _streamed(_data(LINES), replace_period=False)
    finally:
        rollups_rebuilt.disconnect(dispatch_uid="test.fails")
    assert _db_state() == before
    with connection.cursor() as cursor:  # the bulk page cache did not stay on the connection
        cursor.execute("PRAGMA main.cache_size" if connection.vendor == "sqlite" else "SELECT 1")
        (value,) = cursor.fetchone()
    assert connection.vendor != "sqlite" or -value < bulk.SQLITE_BULK_CACHE_KIB
