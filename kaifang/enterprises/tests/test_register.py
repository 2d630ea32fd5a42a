"""The register: validation in Chinese, scope on list/detail/export, merge keeps every row."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import AuditEntry
from kaifang.enterprises import actions
from kaifang.enterprises.models import Enterprise, EnterpriseEvent
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(city):
    a = EnterpriseFactory(name="东城精密机械有限公司", district=city.district_a)
    a_park = EnterpriseFactory(
        name="东城经开区光电科技有限公司", district=city.district_a, park=city.district_a_park
    )
    b = EnterpriseFactory(name="西城纺织品进出口有限公司", district=city.district_b)
    return a, a_park, b


def test_invalid_uscc_is_refused_with_reason(city):
    with pytest.raises(ValidationError) as info:
        actions.enterprise_create(actor=city.officer, name="某公司", uscc="91410300MA44XXXX1X")
    assert "uscc" in info.value.message_dict
    assert not Enterprise.objects.filter(name="某公司").exists()


def test_uscc_with_bad_organisation_code_check_is_refused(city):
    good = synthetic_uscc(7)
    # Change the organisation code's check character (position 17) and re-compute the
    # final check so only the embedded GB 11714 check is wrong.
    from stdnum.cn import uscc as stdnum_uscc

    body = good[:16] + ("0" if good[16] != "0" else "1")
    bad = body + stdnum_uscc.calc_check_digit(body)
    assert stdnum_uscc.is_valid(bad)
    with pytest.raises(ValidationError):
        actions.enterprise_create(actor=city.officer, name="某公司", uscc=bad)


def test_duplicate_uscc_points_to_merge(city, firms):
    with pytest.raises(ValidationError) as info:
        actions.enterprise_create(actor=city.officer, name="另一家", uscc=firms[0].uscc)
    assert "合并" in info.value.message_dict["uscc"][0]


def test_list_is_scoped(city, firms, client: Client):
    client.force_login(city.district_a_user)
    page = client.get("/enterprises/").content.decode()
    assert "东城精密机械" in page and "东城经开区光电" in page
    assert "西城纺织品" not in page


def test_guessed_url_outside_scope_is_404(city, firms, client: Client):
    client.force_login(city.district_a_user)
    assert client.get(f"/enterprises/{firms[2].pk}/").status_code == 404
    assert client.get(f"/enterprises/{firms[2].pk}/edit/").status_code == 404
    assert client.get(f"/enterprises/{firms[2].pk}/merge/").status_code == 404
    assert client.get(f"/enterprises/{firms[0].pk}/").status_code == 200


def test_search_finds_former_names_and_codes(city, firms):
    actions.enterprise_update(actor=city.officer, enterprise=firms[2], name="西城新材料有限公司")
    from kaifang.enterprises.selectors import EnterpriseFilters, enterprise_list

    found = enterprise_list(user=city.officer, filters=EnterpriseFilters(q="纺织品"))
    assert list(found) == [firms[2]]
    found = enterprise_list(user=city.officer, filters=EnterpriseFilters(q=firms[1].uscc))
    assert list(found) == [firms[1]]


def test_export_is_scoped_and_audited(city, firms, client: Client):
    client.force_login(city.district_b_user)
    response = client.get("/enterprises/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["西城纺织品进出口有限公司"]
    entry = AuditEntry.objects.get(action="export.enterprises")
    assert entry.actor == city.district_b_user
    assert entry.changes["rows"] == 1
    # named in Chinese like the other modules' exports (UX review, 2026-12-05)
    assert (
        "%E5%A4%96%E5%90%91%E5%9E%8B%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-"
        in (response["Content-Disposition"])
    )  # 外向型企业名录-


def test_create_form_shows_chinese_errors(city, client: Client):
    client.force_login(city.officer)
    response = client.post(
        "/enterprises/new/", {"name": "测试公司", "uscc": "123", "status": "active"}
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not Enterprise.objects.filter(name="测试公司").exists()


def test_update_records_former_name_timeline_and_audit(city, firms):
    actions.enterprise_update(actor=city.officer, enterprise=firms[0], name="东城智能装备有限公司")
    firms[0].refresh_from_db()
    assert firms[0].former_names == ["东城精密机械有限公司"]
    assert EnterpriseEvent.objects.filter(enterprise=firms[0], kind="updated").exists()
    assert AuditEntry.objects.filter(
        action="enterprise.update", object_id=str(firms[0].pk)
    ).exists()


def test_merge_keeps_every_related_row(city, firms, client: Client):
    keep, _, drop = firms
    EnterpriseEvent.objects.create(enterprise=drop, kind="note", text="走访记录")
    client.force_login(city.officer)
    response = client.post(f"/enterprises/{keep.pk}/merge/", {"other": drop.uscc, "confirm": "on"})
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=drop.pk).exists()
    keep.refresh_from_db()
    assert "西城纺织品进出口有限公司" in keep.former_names
    assert EnterpriseEvent.objects.filter(enterprise=keep, text="走访记录").exists()
    assert AuditEntry.objects.filter(action="enterprise.merge").count() == 1


def test_merge_outside_scope_finds_nothing(city, firms, client: Client):
    client.force_login(city.district_a_user)
    response = client.post(
        f"/enterprises/{firms[0].pk}/merge/", {"other": firms[2].uscc, "confirm": "on"}
    )
    assert "没有找到" in response.content.decode()
    assert Enterprise.objects.filter(pk=firms[2].pk).exists()


def test_a_district_cannot_create_an_enterprise_in_another_district(city):
    # Issue 9: a district user created a firm in another district, then lost sight of it.
    with pytest.raises(ValidationError) as error:
        actions.enterprise_create(
            actor=city.district_a_user, name="跨区登记的企业有限公司", district=city.district_b
        )
    assert "西城区商务局" in str(error.value.message_dict["district"])
    assert not Enterprise.objects.filter(name="跨区登记的企业有限公司").exists()


def test_creator_keeps_no_window_on_an_enterprise_moved_away(city):
    # Owner access is the liaison's only: typing a record in does not grant its appeals/trade.
    made = actions.enterprise_create(
        actor=city.district_a_user, name="后来迁出的企业有限公司", district=city.district_a
    )
    actions.enterprise_update(actor=city.officer, enterprise=made, district=city.district_b)
    from kaifang.enterprises.selectors import EnterpriseFilters, enterprise_list

    assert made not in enterprise_list(user=city.district_a_user, filters=EnterpriseFilters())
    assert made in enterprise_list(user=city.district_b_user, filters=EnterpriseFilters())


def test_export_keeps_formula_like_names_as_text(city, client: Client):
    from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text

    EnterpriseFactory(name=EVIL, district=city.district_a, contact_name="@SUM(1,1)")
    client.force_login(city.officer)
    content = client.get("/enterprises/export.xlsx").content
    assert_stored_as_text(content)
    assert_stored_as_text(content, "@SUM(1,1)")


def test_a_liaison_officer_cannot_merge_his_firms_files(city):
    """Merging two files cannot be undone: the district's staff may, the liaison officer who
    serves both firms may not (403 on the page and the POST, no 合并 button, nothing merged)."""
    from django.urls import reverse

    keep = EnterpriseFactory(name="东城包联甲有限公司", district=city.district_a)
    drop = EnterpriseFactory(name="东城包联甲有限公司（重复）", district=city.district_a)
    Enterprise.objects.filter(pk__in=[keep.pk, drop.pk]).update(liaison=city.liaison)
    liaison = Client()
    liaison.force_login(city.liaison)
    url = reverse("enterprises:merge", args=[keep.pk])
    detail = liaison.get(reverse("enterprises:detail", args=[keep.pk]))
    assert detail.status_code == 200 and "编辑档案" in detail.content.decode()
    assert url not in detail.content.decode()
    assert liaison.get(url).status_code == 403
    assert liaison.post(url, {"other": drop.uscc, "confirm": "on"}).status_code == 403
    assert Enterprise.objects.filter(pk=drop.pk).exists()
    staff = Client()
    staff.force_login(city.district_a_user)
    assert url in staff.get(reverse("enterprises:detail", args=[keep.pk])).content.decode()
    response = staff.post(url, {"other": drop.uscc, "confirm": "on"})
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=drop.pk).exists()
