"""Staff pages through the scope gate: a district user cannot see another district's appeals
by list, detail URL, action URL, export or statistics; the office handles the flow; visits
feed the register; the roster, coverage and workbench panels."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from kaifang.core.models import AuditEntry
from kaifang.core.tests.factories import UserFactory
from kaifang.enterprises.models import EnterpriseEvent
from kaifang.servicedesk import actions
from kaifang.servicedesk.models import Appeal, AppealStatus, Visit, VisitTarget


@pytest.fixture
def two(city, firm, firm_b, make_appeal):
    a = make_appeal(firm, description="东城企业的通关问题需要协调海关加快查验。")
    b = make_appeal(firm_b, description="西城企业的融资难题，希望对接银行授信支持。")
    return a, b


def login(client, user):
    client.force_login(user)
    return client


def test_list_shows_only_own_district(client, city, two):
    a, b = two
    text = login(client, city.district_a_user).get("/servicedesk/").content.decode()
    assert a.tracking_code in text and b.tracking_code not in text
    text = login(client, city.officer).get("/servicedesk/").content.decode()
    assert a.tracking_code in text and b.tracking_code in text


def test_guessed_detail_and_action_urls_give_404(client, city, two):
    a, b = two
    login(client, city.district_a_user)
    assert client.get(f"/servicedesk/appeals/{a.pk}/").status_code == 200
    response = client.get(f"/servicedesk/appeals/{b.pk}/")
    assert response.status_code == 404 and b.enterprise_name not in response.content.decode()
    assert client.post(f"/servicedesk/appeals/{b.pk}/accept/").status_code == 404
    assert Appeal.objects.get(pk=b.pk).status == AppealStatus.REGISTERED


def test_export_is_scoped_and_audited(client, city, two):
    a, b = two
    response = login(client, city.district_a_user).get("/servicedesk/appeals/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert a.tracking_code in codes and b.tracking_code not in codes
    assert AuditEntry.objects.filter(action="export.appeals", actor=city.district_a_user).exists()


def test_stats_and_stats_export_are_scoped(client, city, two):
    a, b = two
    login(client, city.district_b_user)
    page = client.get("/servicedesk/stats/", {"year": b.registered_at.year})
    assert page.status_code == 200
    report = page.context["report"]
    assert report.total.volume == 1
    assert [r.label for r in report.by_category] == [b.get_category_display()]
    assert a.enterprise_name not in page.content.decode()
    response = client.get("/servicedesk/stats/export.xlsx")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="export.appeal_stats").exists()


def test_anonymous_is_sent_to_login_everywhere(client, city, two):
    a, _ = two
    for url in [
        "/servicedesk/",
        f"/servicedesk/appeals/{a.pk}/",
        "/servicedesk/appeals/export.xlsx",
        "/servicedesk/appeals/new/",
        "/servicedesk/stats/",
        "/servicedesk/stats/export.xlsx",
        "/servicedesk/liaison/",
        "/servicedesk/visits/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_office_routes_and_unit_handles_over_http(client, city, firm, make_appeal):
    appeal = make_appeal(firm)
    login(client, city.officer)
    client.post(f"/servicedesk/appeals/{appeal.pk}/route/", {"route-unit": city.district_a.pk})
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED
    login(client, city.district_a_user)
    page = client.get("/").content.decode()
    assert appeal.title[:10] in page  # workbench: waiting for my unit to accept
    client.post(f"/servicedesk/appeals/{appeal.pk}/accept/")
    client.post(f"/servicedesk/appeals/{appeal.pk}/start/")
    response = client.post(
        f"/servicedesk/appeals/{appeal.pk}/resolve/", {"resolve-resolution": ""}, follow=True
    )
    assert "办结未完成" in response.content.decode()
    client.post(f"/servicedesk/appeals/{appeal.pk}/resolve/", {"resolve-resolution": "已解决"})
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.RESOLVED
    # an illegal step through the URL is refused with the Chinese message
    response = client.post(f"/servicedesk/appeals/{appeal.pk}/accept/", follow=True)
    assert "不能执行“签收”" in response.content.decode()


def test_staff_intake_form(client, city, firm):
    login(client, city.officer)
    response = client.post(
        "/servicedesk/appeals/new/",
        {
            "enterprise_name": firm.name,
            "uscc": firm.uscc,
            "category": "labour",
            "description": "企业反映熟练工招聘困难，需要人社部门支持对接。",
            "source": "hotline",
            "priority": "normal",
            "contact_name": "",
            "contact_phone": "",
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.source == "hotline" and appeal.enterprise == firm


def test_visit_feeds_the_register_and_becomes_an_appeal(client, city, firm):
    login(client, city.district_a_user)
    response = client.post(
        f"/servicedesk/visits/new/{firm.pk}/",
        {
            "visited_on": "2026-11-20",
            "officers": [city.district_a_user.pk, city.liaison.pk],
            "people_met": "总经理",
            "enterprise_said": "订单饱满",
            "problems": "出口退税到账慢",
            "plans": "拓展中亚市场",
            "follow_ups": "",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    firm.refresh_from_db()
    assert "出口退税到账慢" in firm.problems and "拓展中亚市场" in firm.development_direction
    assert EnterpriseEvent.objects.filter(enterprise=firm, kind="visit").exists()
    response = client.post(
        f"/servicedesk/visits/{visit.pk}/appeal/",
        {"category": "tax_rebate", "description": "出口退税到账慢，希望税务部门加快审核。"},
    )
    appeal = Appeal.objects.get()
    assert (appeal.visit, appeal.source) == (visit, "visit")
    # the enterprise's profile shows liaison, visits and appeals panels
    page = client.get(f"/enterprises/{firm.pk}/").content.decode()
    assert "包联服务" in page and "走访记录" in page and appeal.tracking_code in page


def test_visit_form_for_another_districts_enterprise_is_404(client, city, firm_b):
    login(client, city.district_a_user)
    assert client.get(f"/servicedesk/visits/new/{firm_b.pk}/").status_code == 404


def test_bulk_assignment_roster_and_coverage(client, city, firm, firm_b):
    login(client, city.officer)
    response = client.post(
        "/servicedesk/liaison/assign/",
        {"officer": city.liaison.pk, "leader": city.leader.pk, "enterprise": [firm.pk, firm_b.pk]},
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.liaison == city.liaison and firm.liaison_leader.leader == city.leader
    VisitTarget.objects.create(officer=city.liaison, year=2026, quarter=4, target=3)
    page = client.get("/servicedesk/liaison/")
    progress = {p.officer: p for p in page.context["progress"]}
    assert progress[city.liaison].behind
    assert city.liaison in page.context["coverage"]["idle"]
    text = page.content.decode()
    assert firm.name in text and "落后" in text


def test_district_user_cannot_assign_outside_scope(client, city, firm_b):
    login(client, city.district_a_user)
    client.post(
        "/servicedesk/liaison/assign/", {"officer": city.liaison.pk, "enterprise": [firm_b.pk]}
    )
    firm_b.refresh_from_db()
    assert firm_b.liaison is None


def test_liaison_sees_appeals_of_own_enterprises_only(client, city, firm, firm_b, make_appeal):
    firm.liaison = city.liaison
    firm.save()
    mine = make_appeal(firm)
    other = make_appeal(firm_b)
    login(client, city.liaison)
    text = client.get("/servicedesk/").content.decode()
    assert mine.tracking_code in text and other.tracking_code not in text
    liaison_only = UserFactory(username="nobody", unit=city.customs)
    login(client, liaison_only)
    assert client.get(f"/servicedesk/appeals/{mine.pk}/").status_code == 404


def test_leader_marks_for_supervision(client, city, firm, make_appeal):
    appeal = make_appeal(firm)
    actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    login(client, city.leader)
    client.post(f"/servicedesk/appeals/{appeal.pk}/mark/", {"mark-text": "请尽快办理"})
    appeal.refresh_from_db()
    assert appeal.leader_marked and appeal.supervised
    page = client.get(f"/servicedesk/appeals/{appeal.pk}/").content.decode()
    assert f"/supervision/tasks/{appeal.supervision_ref}/" in page


def test_list_query_count_does_not_grow_with_rows(
    client, city, firm, make_appeal, django_assert_max_num_queries
):
    for i in range(12):
        make_appeal(
            firm, description=f"第{i}件互不相同的诉求：{'甲乙丙丁戊己庚辛壬癸子丑'[i] * 15}"
        )
    login(client, city.officer)
    with django_assert_max_num_queries(20):
        response = client.get("/servicedesk/")
    assert response.status_code == 200 and len(response.context["page"]) == 12


def test_exports_keep_formula_like_text_as_text(client, city, make_appeal):
    """An enterprise named like a formula (or a unit, in the statistics) is text in Excel."""
    from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text
    from kaifang.enterprises.tests.factories import EnterpriseFactory

    firm = EnterpriseFactory(name=EVIL, district=city.district_a)
    appeal = make_appeal(firm)
    actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    type(city.district_a).objects.filter(pk=city.district_a.pk).update(name="=1+2")
    login(client, city.officer)
    assert_stored_as_text(client.get("/servicedesk/appeals/export.xlsx").content)
    year = appeal.registered_at.year
    stats = client.get("/servicedesk/stats/export.xlsx", {"year": year}).content
    assert_stored_as_text(stats, "=1+2")


def test_a_supervised_appeal_links_its_task_only_for_those_who_may_open_it(
    client, city, firm, make_appeal
):
    """The district sees its firm's appeal that customs handles, not customs' task: the tag
    shows without a link that would answer 404 (found by the QA crawl, session 37)."""
    appeal = make_appeal(firm)
    actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.customs)
    login(client, city.leader)
    client.post(f"/servicedesk/appeals/{appeal.pk}/mark/", {"mark-text": "请尽快办理"})
    appeal.refresh_from_db()
    task_url = f"/supervision/tasks/{appeal.supervision_ref}/"
    assert task_url in client.get(f"/servicedesk/appeals/{appeal.pk}/").content.decode()
    login(client, city.district_a_user)
    page = client.get(f"/servicedesk/appeals/{appeal.pk}/").content.decode()
    assert "督办事项" in page and task_url not in page
    assert client.get(task_url).status_code == 404


def test_export_file_names_carry_their_date(client, city, firm, make_appeal):
    """Two downloads on different days no longer overwrite each other (QA crawl, session 37),
    and are named in Chinese like the other modules' exports (UX review, 2026-12-05)."""
    import re
    from urllib.parse import unquote

    make_appeal(firm)
    login(client, city.officer)
    ledger = unquote(client.get("/servicedesk/appeals/export.xlsx")["Content-Disposition"])
    assert re.search(r"企业诉求台账-\d{8}-\d{4}\.xlsx", ledger)
    stats = unquote(client.get("/servicedesk/stats/export.xlsx")["Content-Disposition"])
    assert re.search(r"诉求统计-\d{4}\.xlsx", stats)
    visits = unquote(client.get("/servicedesk/visits/export.xlsx")["Content-Disposition"])
    assert re.search(r"企业走访记录-\d{8}-\d{4}\.xlsx", visits)


def _visit(city, firm, day, said, problems=""):
    return actions.visit_create(
        actor=city.district_a_user if firm.district == city.district_a else city.officer,
        enterprise=firm,
        visited_on=day,
        officers=[city.district_a_user if firm.district == city.district_a else city.officer],
        people_met="",
        enterprise_said=said,
        problems=problems,
        plans="",
        follow_ups="",
    )


def test_visit_list_filters_and_exports_what_it_shows(client, city, firm, firm_b):
    """走访记录 had no filter and no export (UX review, 2026-12-05): a keyword and a date range
    narrow the list, and 导出 Excel writes the same rows, audited, within the user's scope."""
    _visit(city, firm, dt.date(2026, 9, 3), "订单稳定", problems="出口退税到账慢")
    _visit(city, firm, dt.date(2026, 11, 20), "计划扩大产能")
    _visit(city, firm_b, dt.date(2026, 11, 21), "西城企业扩大产能")
    login(client, city.district_a_user)
    query = "?q=扩大产能&date_from=2026-10-01&date_to=2026-11-30"
    page = client.get("/servicedesk/visits/" + query).content.decode()
    assert "计划扩大产能" in page and "订单稳定" not in page and "西城企业扩大产能" not in page
    assert 'href="/servicedesk/visits/export.xlsx?q=' in page

    response = client.get("/servicedesk/visits/export.xlsx" + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "计划扩大产能" in values and firm.name in values
    assert (
        "订单稳定" not in values and "西城企业扩大产能" not in values and firm_b.name not in values
    )
    entry = AuditEntry.objects.get(action="export.visits")
    assert entry.actor == city.district_a_user and entry.changes["rows"] == 1

    # district B's user exports none of district A's visits, whatever the filter
    login(client, city.district_b_user)
    response = client.get("/servicedesk/visits/export.xlsx?q=计划扩大产能")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert firm.name not in [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_a_long_visit_export_is_written_by_the_worker_within_the_users_scope(
    client, city, firm, firm_b, settings, django_capture_on_commit_callbacks
):
    """Visits pile up over the years: past the budget the worker writes the same file, as
    the user who asked, through the list's filters and his scope (session 55)."""
    from kaifang.core.tests.queue import export_through_worker
    from kaifang.servicedesk.exports import VISIT_HEADERS

    _visit(city, firm, dt.date(2026, 9, 3), "订单稳定")
    _visit(city, firm, dt.date(2026, 11, 20), "计划扩大产能")
    _visit(city, firm_b, dt.date(2026, 11, 21), "西城企业扩大产能")
    login(client, city.district_a_user)
    path = "/servicedesk/visits/export.xlsx?q=扩大产能"
    settings.EXPORT_SYNC_CELLS = len(VISIT_HEADERS) - 1
    job, rows = export_through_worker(client, path, django_capture_on_commit_callbacks)
    said = [row[5] for row in rows[3:]]
    assert said == ["计划扩大产能"] and job.result["filename"].startswith("企业走访记录-")
    assert AuditEntry.objects.filter(action="export.visits", actor=city.district_a_user).exists()
    settings.EXPORT_SYNC_CELLS = len(VISIT_HEADERS)  # one visit: written at once, the same rows
    sheet = load_workbook(io.BytesIO(client.get(path).content)).active
    assert [row[5] for row in sheet.iter_rows(min_row=4, values_only=True)] == said


def test_visit_list_date_range_errors_are_in_chinese(client, city):
    login(client, city.district_a_user)
    page = client.get("/servicedesk/visits/?date_from=2026-11-01&date_to=2026-10-01")
    assert "走访日期的起始日期不能晚于截止日期。" in page.content.decode()
    page = client.get("/servicedesk/visits/?date_from=2026-13-01")
    assert "“走访日期自”请填写有效日期" in page.content.decode()


def test_a_leader_reading_a_visit_is_offered_no_to_appeal_form(client, city, firm):
    """转为诉求 answered a leader 403 (UX review, 2026-12-05): a read-only role sees no form."""
    visit = _visit(city, firm, dt.date(2026, 11, 20), "订单稳定", problems="出口退税到账慢")
    url = f"/servicedesk/visits/{visit.pk}/"
    login(client, city.leader)
    page = client.get(url).content.decode()
    assert "出口退税到账慢" in page and 'id="to-appeal"' not in page
    assert client.post(url + "appeal/", {"category": "tax_rebate"}).status_code == 403
    login(client, city.district_a_user)
    assert 'id="to-appeal"' in client.get(url).content.decode()


def test_stats_print_satisfaction_with_two_decimals_in_every_row():
    """The statistics mixed 4.33, 4.5 and 5.0 in one column (UX review, 2026-12-05)."""
    from django.template.loader import render_to_string

    from kaifang.servicedesk.stats import Row

    html = render_to_string(
        "servicedesk/partials/stats_row.html", {"row": Row("x", "外贸科", rating_sum=9, rated=2)}
    )
    assert '<td class="num">4.50</td>' in html
    html = render_to_string("servicedesk/partials/stats_row.html", {"row": Row("y", "外资科")})
    assert '<td class="num">—</td>' in html


def test_appeal_list_and_export_sort_by_the_resolve_deadline(client, city, two):
    """The appeal list was newest first only (UX review, 2026-12-05): a handler sorts by the
    nearest 办结期限, and the export follows the page."""
    a, b = two
    Appeal.objects.filter(pk=a.pk).update(resolve_due=dt.date(2026, 12, 20))
    Appeal.objects.filter(pk=b.pk).update(resolve_due=dt.date(2026, 12, 10))
    login(client, city.officer)
    page = client.get("/servicedesk/", {"sort": "resolve_due"}).content.decode()
    assert page.index(b.tracking_code) < page.index(a.tracking_code)
    page = client.get("/servicedesk/", {"sort": "registered_at"}).content.decode()
    assert page.index(a.tracking_code) < page.index(b.tracking_code)
    sheet = load_workbook(
        io.BytesIO(client.get("/servicedesk/appeals/export.xlsx?sort=resolve_due").content)
    ).active
    codes = [
        row[0]
        for row in sheet.iter_rows(values_only=True)
        if row[0] in (a.tracking_code, b.tracking_code)
    ]
    assert codes == [b.tracking_code, a.tracking_code]


def test_roster_offers_select_all_for_the_unassigned_firms(client, city, firm, firm_b):
    """Bulk assignment meant ticking up to 200 boxes one by one (UX review, 2026-12-05)."""
    login(client, city.officer)
    text = client.get("/servicedesk/liaison/").content.decode()
    assert 'data-check-all="#bulk-assign input[name=enterprise]"' in text and "全选下列企业" in text


def test_a_long_appeals_export_is_written_by_the_worker_within_the_users_scope(
    client, city, two, settings, django_capture_on_commit_callbacks
):
    from kaifang.core.tests.queue import export_through_worker
    from kaifang.servicedesk.exports import APPEAL_HEADERS

    a, _other = two
    login(client, city.district_a_user)
    settings.EXPORT_SYNC_CELLS = 0
    job, rows = export_through_worker(
        client, "/servicedesk/appeals/export.xlsx", django_capture_on_commit_callbacks
    )
    assert [row[0] for row in rows[3:]] == [a.tracking_code] and len(rows[2]) == len(APPEAL_HEADERS)
    assert job.result["filename"].startswith("企业诉求台账-")
    assert AuditEntry.objects.filter(action="export.appeals", actor=city.district_a_user).exists()
    settings.EXPORT_SYNC_CELLS = len(APPEAL_HEADERS)  # his one appeal: at once
    assert (
        login(client, city.district_a_user).get("/servicedesk/appeals/export.xlsx").status_code
        == 200
    )
