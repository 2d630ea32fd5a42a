"""Route matrix rows of trade (imports and the analysis pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from kaifang.core.models import Job
from kaifang.core.tests.route_matrix import Route
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord, ImportBatch, ImportKind
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory

# Imports: only who may import (the bureau's divisions); a batch is its uploader's.
IMPORTER = {
    "leader": 403,
    "district_a": 403,
    "district_b": 403,
    "liaison": 403,
    "park": 403,
    "officer": 200,
}
BATCH = {"leader": 200, "district_a": 404, "district_b": 404, "officer": 200}
PERIOD = {"year": 2026, "month": 10}


def make(city: Any) -> dict[str, Any]:
    firm = EnterpriseFactory(name="矩阵东城外贸有限公司", district=city.district_a)
    CustomsRecordFactory(enterprise=firm, period=dt.date(2026, 10, 1), value_usd=Decimal("12345"))
    CustomsRecordFactory(
        enterprise=firm, period=dt.date(2025, 10, 1), value_usd=Decimal("100"), partner_code="116"
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    batch = ImportBatch(
        kind=ImportKind.CUSTOMS, filename="矩阵导入.csv", sha256="0" * 64, uploaded_by=city.officer
    )
    batch.file.save("matrix.csv", ContentFile(b"a,b\n"), save=False)
    batch.error_report.save("errors.xlsx", ContentFile(b"PK"), save=False)
    # a batch whose validation job is still queued: its page polls (204 until the job ends)
    job = Job.objects.create(kind="trade.import_validate", title="矩阵校验", owner=city.officer)
    batch.current_job = job.pk
    batch.save()
    return {"trade_firm": firm, "batch": batch}


ROUTES = [
    Route("trade:import_list", expect=IMPORTER),
    Route("trade:import_detail", kwargs={"pk": "batch"}, expect=BATCH),
    Route(
        "trade:import_poll", kwargs={"pk": "batch"}, expect={**BATCH, "leader": 204, "officer": 204}
    ),
    Route("trade:import_error_report", kwargs={"pk": "batch"}, expect=BATCH),
    Route("trade:import_remap", kwargs={"pk": "batch"}, method="POST", expect={"district_a": 404}),
    Route("trade:import_commit", kwargs={"pk": "batch"}, method="POST", expect={"district_a": 404}),
    Route("trade:analysis_overview", query=PERIOD),
    Route(
        "trade:analysis_breakdown", kwargs={"by": "enterprise"}, query=PERIOD, hides="trade_firm"
    ),
    Route(
        "trade:analysis_breakdown_export",
        kwargs={"by": "enterprise"},
        query=PERIOD,
        hides="trade_firm",
    ),
    Route("trade:analysis_records", query=PERIOD, hides="trade_firm"),
    Route("trade:analysis_records_export", query=PERIOD, hides="trade_firm"),
    Route("trade:analysis_dynamic", kwargs={"kind": "concentration"}, query=PERIOD),
    Route("trade:analysis_dynamic_export", kwargs={"kind": "concentration"}, query=PERIOD),
]
