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


class TrackingCode(str):
    """A tracking code standing in a kwargs slot: the matrix puts an object's `pk` there."""

    @property
    def pk(self) -> str:
        return str(self)


def make(city: Any) -> dict[str, Any]:
    """Objects belonging to district A (city.district_a / city.district_a_park) that rows name."""
    from kaifang.enterprises.tests.factories import EnterpriseFactory
    from kaifang.library.actions import document_create, support_item_save
    from kaifang.library.actions.fairs import reply_template_save
    from kaifang.library.models import Fair, FairExhibitor, LedgerEntry
    from kaifang.servicedesk import actions as appeal_actions

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
    fair = Fair.objects.create(name="示范市进出口商品交易会", session="2026")
    FairExhibitor.objects.create(fair=fair, enterprise=enterprise, booth="A-01")
    template = reply_template_save(
        actor=city.officer,
        category="policy",
        title="外贸补贴答复",
        text="您好，可按以下条款申报。",
        document=document,
        anchor="a1.s1",
    )
    # An appeal of the enterprise whose stage reply cites the document's clause: its
    # tracking code opens that document's public reading page.
    appeal = appeal_actions.appeal_create(
        actor=city.officer,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        category="policy",
        description="请问外贸补贴怎么申请？",
        source="phone",
        contact_name="李经理",
        contact_phone="13800000001",
    )
    appeal = appeal_actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    appeal = appeal_actions.appeal_accept(appeal=appeal, actor=city.district_a_user)
    appeal_actions.appeal_reply(
        appeal=appeal,
        actor=city.district_a_user,
        text=f"依据 第一条（一） http://testserver/library/{document.pk}/#a1.s1",
    )
    # Keys are prefixed: every app's make() fills one dictionary, and a kwargs value naming a
    # key is replaced by that object's pk (trade's by="enterprise" must stay a word).
    return {
        "library_document": document,
        "library_item": item,
        "library_enterprise": enterprise,
        "library_ledger": LedgerEntry.objects.get(item=item, enterprise=enterprise),
        "library_source": source,
        "library_fair": fair,
        "library_template": template,
        "library_code": TrackingCode(appeal.tracking_code),
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
    Route("library:document_list", expect=PUBLIC, city_wide=True),
    # the header search finds policies as the library does: public to staff
    Route("core:search", query={"q": "稳增长"}, expect=PUBLIC, city_wide=True),
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
    Route("api:library_documents", expect=PUBLIC, city_wide=True),
    Route("api:library_document", kwargs={"pk": "library_document"}, expect=PUBLIC),
    Route("api:library_search", query={"q": "外贸"}, expect=PUBLIC, city_wide=True),
    Route("api:library_enterprise_matches", kwargs={"pk": "library_enterprise"}),
    # Exports: an item's matches and ledger are read by every staff user, each seeing only the
    # enterprises of their scope; an enterprise's matches are behind the enterprise's scope.
    Route(
        "library:item_matches_export",
        kwargs={"pk": "library_item"},
        hides="library_enterprise",
        expect=PUBLIC,
    ),
    Route(
        "library:item_ledger_export",
        kwargs={"pk": "library_item"},
        hides="library_enterprise",
        expect=PUBLIC,
    ),
    Route("library:enterprise_matches_export", kwargs={"pk": "library_enterprise"}),
    Route("library:ledger_list", hides="library_enterprise", expect=PUBLIC),
    Route("library:ledger_export", hides="library_enterprise", expect=PUBLIC),
    # Fairs are reference data; their exhibitors are scoped like the enterprise.
    Route("library:fair_list", expect=PUBLIC, city_wide=True),
    Route("library:fair_create", expect=EDITORS_ONLY),
    Route(
        "library:fair_detail",
        kwargs={"pk": "library_fair"},
        hides="library_enterprise",
        expect=PUBLIC,
    ),
    Route("library:template_list", expect=PUBLIC, city_wide=True),
    Route("library:template_create", expect=EDITORS_ONLY),
    Route("library:template_edit", kwargs={"pk": "library_template"}, expect=EDITORS_ONLY),
    # The officer's delete succeeds; the administrator, asked after, finds it gone.
    Route(
        "library:template_delete",
        kwargs={"pk": "library_template"},
        method="POST",
        expect={**EDITORS_POST, "admin": 404},
    ),
    # The public reading page of a cited document: the tracking code is the key, for anyone.
    Route(
        "library_public:cited_document",
        kwargs={"code": "library_code", "pk": "library_document"},
        expect={
            "anonymous": 200,
            "leader": 200,
            "district_a": 200,
            "district_b": 200,
            "park": 200,
            "liaison": 200,
        },
    ),
    # The channel's policies endpoint takes a channel token, never a user's session.
    Route(
        "api:get_appeal_policies",
        kwargs={"tracking_code": "ABCDEFGHJKMN"},
        expect={
            p: 401 for p in ("anonymous", "leader", "district_a", "district_b", "liaison", "park")
        },
    ),
]
