"""Route matrix rows of library.

Documents and support items are public to staff (every signed-in persona reads them, district
B included); who may change the library is the bureau's divisions and administrators (officer,
admin). Matches and ledger entries are scoped like their enterprise: district B gets 404 on
district A's, and never sees its name on an item's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps

from kaifang.core.tests.route_matrix import Route

POLICY = "示范市外贸稳增长措施\n第一条 支持外贸企业。\n（一）给予补贴。\n"


def make(city: Any) -> dict[str, Any]:
    """Objects belonging to district A (city.district_a / city.district_a_park) that rows name."""
    from kaifang.enterprises.tests.factories import EnterpriseFactory
    from kaifang.library.actions import document_create, support_item_save
    from kaifang.library.models import LedgerEntry

    enterprise = EnterpriseFactory(
        name="东城政策匹配示范公司", district=city.district_a, ownership="private"
    )
    document = document_create(
        actor=city.officer,
        title="示范市外贸稳增长措施",
        text=POLICY,
        original=POLICY.encode(),
        original_name="措施.txt",
    )
    item = support_item_save(
        actor=city.officer,
        document=document,
        title="外贸补贴",
        amount=Decimal("5"),
        no_application=True,
        conditions=[{"type": "district", "units": [city.district_a.pk]}],
    )
    source = apps.get_model("supervision", "SourceDocument").objects.create(
        title="东城区工作会议讲话",
        kind="speech",
        date=dt.date(2026, 3, 1),
        text="一、要做好外贸工作。",
    )
    # Keys are prefixed: every app's make() fills one dictionary, and a kwargs value naming a
    # key is replaced by that object's pk (trade's by="enterprise" must stay a word).
    return {
        "library_document": document,
        "library_item": item,
        "library_enterprise": enterprise,
        "library_ledger": LedgerEntry.objects.get(item=item, enterprise=enterprise),
        "library_source": source,
    }


PUBLIC = {"district_b": 200, "park": 200, "liaison": 200, "officer": 200, "admin": 200}
EDITORS_ONLY = {
    "leader": 403,
    "officer": 200,
    "admin": 200,
    "district_a": 403,
    "district_b": 403,
    "park": 403,
    "liaison": 403,
}
EDITORS_POST = {**EDITORS_ONLY, "officer": 302, "admin": 302}
# A source document created by the office, with no task yet: only whole-city users see it.
OFFICE_ONLY = {"district_a": 404, "district_b": 404, "park": 404, "liaison": 404}

ROUTES = [
    Route("library:document_list", expect=PUBLIC),
    Route("library:document_create", expect=EDITORS_ONLY),
    Route("library:document_detail", kwargs={"pk": "library_document"}, expect=PUBLIC),
    Route("library:document_edit", kwargs={"pk": "library_document"}, expect=EDITORS_ONLY),
    Route("library:version_create", kwargs={"pk": "library_document"}, expect=EDITORS_ONLY),
    Route("library:version_detail", kwargs={"pk": "library_document", "number": 1}, expect=PUBLIC),
    Route(
        "library:version_original", kwargs={"pk": "library_document", "number": 1}, expect=PUBLIC
    ),
    Route("library:item_create", kwargs={"pk": "library_document"}, expect=EDITORS_ONLY),
    Route("library:source_read", kwargs={"pk": "library_source"}, expect=OFFICE_ONLY),
    Route(
        "library:item_detail",
        kwargs={"pk": "library_item"},
        hides="library_enterprise",
        expect=PUBLIC,
    ),
    Route("library:item_edit", kwargs={"pk": "library_item"}, expect=EDITORS_ONLY),
    Route(
        "library:item_evaluate", kwargs={"pk": "library_item"}, method="POST", expect=EDITORS_POST
    ),
    Route(
        "library:ledger_advance",
        kwargs={"pk": "library_ledger"},
        method="POST",
        data={"to": "confirmed"},
        expect={
            "leader": 403,
            "officer": 302,
            "admin": 302,
            "district_a": 403,
            "park": 404,
            "liaison": 404,
        },
    ),
    Route("library:enterprise_matches", kwargs={"pk": "library_enterprise"}),
    Route("api:library_documents", expect=PUBLIC),
    Route("api:library_document", kwargs={"pk": "library_document"}, expect=PUBLIC),
    Route("api:library_search", query={"q": "外贸"}, expect=PUBLIC),
    Route("api:library_enterprise_matches", kwargs={"pk": "library_enterprise"}),
]
