"""Route matrix rows of the service desk (staff pages, and the enterprises' public pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.tests.route_matrix import Route
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.servicedesk import actions
from kaifang.servicedesk.models import AppealAttachment, Category, Source, Visit

PUBLIC = {"anonymous": 200}


def make(city: Any) -> dict[str, Any]:
    firm = EnterpriseFactory(
        name="矩阵东城服务对象有限公司", district=city.district_a, uscc=synthetic_uscc(77001)
    )
    appeal = actions.appeal_create(
        actor=city.officer,
        enterprise_name=firm.name,
        uscc=firm.uscc,
        category=Category.CUSTOMS,
        description="矩阵诉求：出口查验时间过长，希望协调加快。",
        source=Source.PHONE,
        title="矩阵东城诉求",
    )
    attachment = AppealAttachment(
        appeal=appeal, original_name="证明.pdf", content_type="application/pdf", size=4
    )
    attachment.file.save("matrix.pdf", ContentFile(b"%PDF"), save=True)
    visit = Visit.objects.create(
        enterprise=firm,
        visited_on=dt.date(2026, 11, 2),
        unit=city.district_a,
        enterprise_said="矩阵走访：企业反映订单下滑",
        created_by=city.district_a_user,
    )
    visit.officers.set([city.district_a_user])
    return {
        "service_firm": firm,
        "appeal_a": appeal,
        "attachment_a": attachment,
        "visit_a": visit,
    }


ROUTES = [
    Route("servicedesk:appeal_list", hides="service_firm"),
    Route("core:search", query={"q": "矩阵东城诉求"}, hides="service_firm"),
    # a visit is found by what the firm said, through the firm's scope
    Route("core:search", query={"q": "矩阵走访"}, hides="visit_a"),
    Route("servicedesk:appeal_export", hides="service_firm"),
    Route("servicedesk:appeal_new", expect={"leader": 200}),
    Route("servicedesk:appeal_detail", kwargs={"pk": "appeal_a"}),
    Route(
        "servicedesk:attachment_download",
        kwargs={"pk": "appeal_a", "attachment_pk": "attachment_a"},
    ),
    Route("servicedesk:appeal_act", kwargs={"pk": "appeal_a", "action": "accept"}, method="POST"),
    Route("servicedesk:stats"),
    Route("servicedesk:stats_export"),
    Route("servicedesk:roster", hides="service_firm"),
    Route("servicedesk:bulk_assign", method="POST", expect={"leader": 403}),
    Route("servicedesk:set_target", method="POST", expect={"leader": 403}),
    Route("servicedesk:visit_list", hides="service_firm"),
    Route("servicedesk:visit_export", hides="service_firm"),
    Route("servicedesk:visit_new", kwargs={"enterprise_pk": "service_firm"}),
    Route("servicedesk:visit_detail", kwargs={"pk": "visit_a"}),
    Route("servicedesk:visit_to_appeal", kwargs={"pk": "visit_a"}, method="POST"),
    Route("service:submit", expect=PUBLIC),
    # Without a submission in the session the done page sends back to the form.
    Route(
        "service:done",
        expect={
            p: 302 for p in ("anonymous", "leader", "district_a", "district_b", "liaison", "park")
        },
    ),
    Route("service:track", expect=PUBLIC),
    # An unknown code opens nothing, for anyone.
    Route(
        "service:track_code",
        kwargs={"code": "ABCDEFGHJKMN"},
        expect={
            p: 404 for p in ("anonymous", "leader", "district_a", "district_b", "liaison", "park")
        },
    ),
]
