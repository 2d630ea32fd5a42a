"""The exposure rollup off the import's path: an import only marks its months stale, a scenario
over a stale month reads the records (the same figures), the background refresh rewrites the
months and is idempotent, and a real worker runs it after an import's commit."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.tests.worker import running_worker
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.risk import rollup
from kaifang.risk.models import ExposureRollup, ExposureStale, Scenario, ScenarioProduct
from kaifang.risk.selectors import Spec, exposure, spec_for
from kaifang.risk.tests.conftest import d
from kaifang.risk.tests.test_rollup import _facts_grouped, _figures, _rollup_rows
from kaifang.trade import actions
from kaifang.trade.actions import batches, import_commit_result
from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.models import CustomsRecord, ImportBatch, ImportStatus
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors.imports import import_lookups

HEADER = "数据年月,统一社会信用代码,海关编码,企业名称,商品编码,贸易伙伴编码,贸易方式,美元,人民币"
FIRM = synthetic_uscc(41)
NAME = "示范精密机械有限公司"
SEPTEMBER = [
    f"202509,{FIRM},,{NAME},84571010,502,10,1000.50,7100.25",
    f"202509,{FIRM},,{NAME},84571010,502,15,99.5,700",  # another trade mode: one rollup row
    f"202509,{FIRM},,{NAME},85171300,116,10,3,21",
]
OCTOBER = [
    f"202510,{FIRM},,{NAME},85171300,502,10,10,71",
    f"202510,{FIRM},,{NAME},85044000,502,14,2.25,16",
    f"202509,{FIRM},,{NAME},84571010,502,10,400,2840",  # September's first key, replaced
]
SPEC = Spec(
    partner_codes=frozenset({"502"}),
    lines=("84", "85"),
    shock="tariff",
    tariff_pp=Decimal(25),
    elasticity=Decimal("1.5"),
    until=d(2025, 10),
)


def _import(lines: list[str]) -> None:
    """What an import's commit does (trade.actions), in this process and transaction."""
    data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode("gb18030")
    table = read_table(data, "customs.csv", kind="customs")
    result = parse_customs(
        table, detect_mapping(table.header), lookups=import_lookups(), file_flow="export"
    )
    assert not result.errors, result.errors
    import_commit_result(
        result=result, actor=None, batch=None, source="customs", replace_period=False
    )


@pytest.fixture
def firm(city, trade_reference):
    return EnterpriseFactory(name=NAME, uscc=FIRM, district=city.district_a)


@pytest.mark.django_db
def test_after_an_import_the_scenario_equals_the_records_before_and_after_the_refresh(firm):
    _import(SEPTEMBER)
    assert rollup.stale_months() == {d(2025, 9)}
    assert rollup.refresh_stale() == 1
    settled = exposure(viewer=None, spec=SPEC)
    assert not settled.refreshing and settled.total_exposed == Decimal("1100.0000")

    _import(OCTOBER)  # the import only marks its months: the rollup lags the records
    assert rollup.stale_months() == {d(2025, 9), d(2025, 10)}
    assert _rollup_rows() != _facts_grouped()
    stale = exposure(viewer=None, spec=SPEC)
    facts = exposure(viewer=None, spec=SPEC, source="facts")
    assert stale.refreshing and _figures(stale) == _figures(facts)
    assert stale.total_exposed == Decimal("511.7500")  # 400 + 99.5 + 10 + 2.25
    assert (stale.records, stale.by_line["85"].codes) == (4, 2)

    # The background job: every stale month rewritten, the marks cleared.
    assert rollup.refresh_stale() == 2
    assert not ExposureStale.objects.exists()
    assert _rollup_rows() == _facts_grouped()
    fresh = exposure(viewer=None, spec=SPEC)
    assert not fresh.refreshing and _figures(fresh) == _figures(facts)

    # Run again (a second queued refresh, the periodic sweep): nothing to do, nothing changed.
    before = sorted(ExposureRollup.objects.values_list("pk", "value_usd", "rows"))
    assert rollup.refresh_stale() == 0
    assert sorted(ExposureRollup.objects.values_list("pk", "value_usd", "rows")) == before


@pytest.mark.django_db
def test_a_mark_made_again_is_a_new_version_and_settling_clears_it(firm):
    _import(SEPTEMBER)
    first = ExposureStale.objects.get().version
    _import(SEPTEMBER)
    assert ExposureStale.objects.get().version == first + 1
    # `kaifang rebuild-rollups` (and the demo loader) leave the rollup current at once.
    call_command("rebuild-rollups", stdout=None)
    assert not ExposureStale.objects.exists()
    assert _rollup_rows() == _facts_grouped()
    _import(OCTOBER)
    rebuild_rollups([d(2025, 9), d(2025, 10)], settle=True)
    assert not ExposureStale.objects.exists() and _rollup_rows() == _facts_grouped()


@pytest.mark.django_db
def test_the_drill_down_counts_the_records_while_the_rollup_lags(firm, city):
    """A scenario of some products reads the records while a month of its window waits for
    the exposure rollup's refresh, and says so. One of every product reads trade's partner
    stage, rebuilt in the import's own transaction: it never waits, and equals the records
    all the same (session 48)."""
    _import(SEPTEMBER)
    rollup.refresh_stale()
    _import(OCTOBER)

    def scenario(name: str, *lines: str) -> Scenario:
        made = Scenario.objects.create(
            name=name,
            created_by=city.leader,
            unit=city.leader.unit,
            flow="export",
            shock="tariff",
            tariff_pp=Decimal(25),
            elasticity=Decimal("1.5"),
            until=d(2025, 10),
        )
        for n, code in enumerate(lines, start=1):
            ScenarioProduct.objects.create(scenario=made, line=n, hs_code=code)
        return made

    machines = scenario("对美机电加征关税", "84", "85")
    everything = scenario("全部商品加征关税")
    client = Client()
    client.force_login(city.leader)
    page = client.get(f"/risk/scenarios/{machines.pk}/").content.decode()
    assert "汇总更新中" in page
    records = client.get(f"/risk/scenarios/{machines.pk}/records/").content.decode()
    assert "全部 5 条" in records
    assert "汇总更新中" not in client.get(f"/risk/scenarios/{everything.pk}/").content.decode()
    assert "全部 5 条" in client.get(f"/risk/scenarios/{everything.pk}/records/").content.decode()
    spec = spec_for(everything)
    assert _figures(exposure(viewer=city.leader, spec=spec)) == _figures(
        exposure(viewer=city.leader, spec=spec, source="facts")
    )
    assert exposure(viewer=city.leader, spec=spec).total_exposed == Decimal(
        "514.7500"
    )  # 400 + 99.5 + 3 + 10 + 2.25
    rollup.refresh_stale()
    page = client.get(f"/risk/scenarios/{machines.pk}/").content.decode()
    assert "汇总更新中" not in page
    assert "全部 5 条" in client.get(f"/risk/scenarios/{machines.pk}/records/").content.decode()


def _wait_for(predicate, *, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_the_rollup_after_an_import_commits(firm, city, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    data = ("\r\n".join([HEADER, *SEPTEMBER, *OCTOBER[:2]]) + "\r\n").encode("gb18030")
    batch = actions.import_upload(
        actor=city.officer,
        kind="customs",
        filename="出口.csv",
        content=data,
        file_flow="export",
        replace_period=False,
        source="customs",
    )
    assert batches.batch_start_validation(batch_id=batch.pk)
    actions.import_validate(batch=ImportBatch.objects.get(pk=batch.pk), actor=city.officer)
    client = Client()
    client.force_login(city.officer)
    with running_worker(media_root=tmp_path):
        assert client.post(f"/trade/imports/{batch.pk}/commit/").status_code == 302
        assert _wait_for(
            lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTED,
            seconds=120,
        ), ImportBatch.objects.get(pk=batch.pk).message
        # The commit queued the refresh; the same worker runs it next.
        assert _wait_for(
            lambda: CustomsRecord.objects.exists() and not ExposureStale.objects.exists(),
            seconds=60,
        )
    assert _rollup_rows() == _facts_grouped() != {}
    result = exposure(viewer=None, spec=SPEC)
    assert not result.refreshing
    assert _figures(result) == _figures(exposure(viewer=None, spec=SPEC, source="facts"))
