"""Reference data: the shipped dictionaries load completely, reloading changes nothing and
repairs edited names, and the dictionary pages are for administrators only."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from kaifang.core.models import (
    AdminDivision,
    AuditEntry,
    HSCode,
    Industry,
    Partner,
    PartnerGroup,
    RegistrationProvince,
    SupervisionMode,
    TradeMode,
)
from kaifang.core.reference import hs_display_names
from kaifang.core.reference_loader import reference_load


@pytest.fixture(scope="module")
def _loaded(django_db_setup, django_db_blocker):
    """Load once per module, outside the per-test transactions (about a second)."""
    with django_db_blocker.unblock():
        reference_load()
    yield
    with django_db_blocker.unblock():
        for model in (PartnerGroup, SupervisionMode, TradeMode, RegistrationProvince):
            model.objects.all().delete()
        for model in (HSCode, Industry, AdminDivision):
            for level in sorted(model.Level.values, reverse=True):
                model.objects.filter(level=level).delete()
        Partner.objects.all().delete()
        AuditEntry.objects.filter(action="reference.load").delete()


@pytest.fixture
def ref(_loaded, db):
    """The loaded reference data; reloaded if a transactional test flushed it."""
    if not Partner.objects.exists():
        reference_load()


def counts() -> dict[str, object]:
    return {
        "industry": [Industry.objects.filter(level=lv).count() for lv in (1, 2, 3, 4)],
        "partner": Partner.objects.count(),
        "group": PartnerGroup.objects.count(),
        "hs": [HSCode.objects.filter(level=lv).count() for lv in (1, 2, 3, 4, 5)],
        "trade_mode": TradeMode.objects.count(),
        "supervision": SupervisionMode.objects.count(),
        "division": [AdminDivision.objects.filter(level=lv).count() for lv in (1, 2, 3)],
        "registration": RegistrationProvince.objects.count(),
    }


EXPECTED = {
    "industry": [20, 97, 473, 1382],
    "partner": 243,
    "group": 13,
    "hs": [21, 97, 1229, 5613, 8957],
    "trade_mode": 20,
    "supervision": 94,
    "division": [31, 342, 2978],
    "registration": 31,
}


def test_every_dictionary_is_loaded_complete(ref):
    assert counts() == EXPECTED


def test_trees_are_linked(ref):
    cls = Industry.objects.select_related("parent__parent__parent").get(code="0111")
    assert [cls.parent.code, cls.parent.parent.code, cls.parent.parent.parent.code] == [
        "011",
        "01",
        "A",
    ]
    assert Industry.objects.filter(level__gt=1, parent__isnull=True).count() == 0
    hs8 = HSCode.objects.select_related("parent__parent__parent__parent").get(code="01012100")
    assert hs8.name_zh == "改良种用马"
    assert hs8.parent.parent.parent.parent.code == "I"
    assert AdminDivision.objects.get(code="410302").parent.parent.name == "河南省"
    assert AdminDivision.objects.filter(level__gt=1, parent__isnull=True).count() == 0


def test_reload_is_idempotent_and_restores_edited_names(ref):
    Partner.objects.filter(code="116").update(name_zh="日夲", is_active=False)
    Industry.objects.filter(code="0111").update(name="改错的名字")
    before_rows = counts()
    out = io.StringIO()
    call_command("load-reference", stdout=out)
    assert counts() == before_rows == EXPECTED
    japan = Partner.objects.get(code="116")
    assert (japan.name_zh, japan.is_active) == ("日本", True)
    assert Industry.objects.get(code="0111").name == "稻谷种植"
    text = out.getvalue()
    assert "贸易伙伴 Partner: 243 条 rows (新增 created 0, 更新 updated 1" in text
    assert "国民经济行业分类 Industry: 1972 条 rows (新增 created 0, 更新 updated 1" in text


def test_codes_no_longer_shipped_are_deactivated_not_deleted(ref):
    Partner.objects.create(code="998", name_zh="已撤销代码", continent="9")
    reference_load()
    gone = Partner.objects.get(code="998")
    assert gone.is_active is False
    assert Partner.objects.filter(is_active=True).count() == 243


def test_administrators_group_edits_survive_a_reload(ref):
    g7 = PartnerGroup.objects.get(code="g7")
    g7.members.remove(Partner.objects.get(code="502"))
    reference_load()
    assert g7.members.count() == 6
    reference_load(reset_groups=True)
    assert g7.members.count() == 7


@pytest.mark.parametrize(
    ("code", "iso3", "iso2"),
    [("116", "JPN", "JP"), ("502", "USA", "US"), ("344", "RUS", "RU"), ("110", "HKG", "HK")],
)
def test_iso_codes(ref, code, iso3, iso2):
    partner = Partner.objects.get(code=code)
    assert (partner.iso3, partner.iso2) == (iso3, iso2)


def members(code: str) -> set[str]:
    return set(PartnerGroup.objects.get(code=code).members.values_list("code", flat=True))


def test_group_memberships(ref):
    # RCEP has 15 parties; China is not its own trade partner, so the group holds the other 14.
    rcep = members("rcep")
    assert len(rcep) == 14
    assert {"116", "133", "601", "609", "132"} <= rcep
    assert not any("142" in members(g.code) for g in PartnerGroup.objects.all())
    assert len(members("eu")) == 27
    assert "303" not in members("eu")  # the United Kingdom left in 2020
    assert members("central_asia") == {"145", "146", "147", "148", "149"}
    assert members("hk_mo_tw") == {"110", "121", "143"}
    assert members("g7") == {"502", "116", "304", "303", "305", "307", "501"}
    assert all(code.startswith("2") for code in members("africa"))
    assert len(members("africa")) == Partner.objects.filter(code__startswith="2").count()


def test_supervision_modes_are_unverified_and_unmapped_when_unclear(ref):
    assert not SupervisionMode.objects.filter(is_verified=True).exists()
    mode = SupervisionMode.objects.get(code="0245")  # 来料料件内销: 45 is no statistics mode
    assert (mode.trade_mode, mode.name_zh) == (None, "来料料件内销")
    assert SupervisionMode.objects.get(code="0110").trade_mode.code == "10"
    assert not TradeMode.objects.filter(code="99").exists()


def test_hs_codes(ref):
    active = HSCode.objects.filter(is_active=True)
    assert {"85171300", "851713", "8517", "85"} <= set(
        active.filter(code__startswith="85").values_list("code", flat=True)
    )  # 智能手机 and its ancestors
    assert not active.filter(code="01019999").exists()
    node = HSCode.objects.get(code="01012100")
    assert (node.name_zh, node.section) == ("改良种用马", "I")


ADMIN_PAGES = [
    "/admin/core/industry/",
    "/admin/core/partner/",
    "/admin/core/partnergroup/",
    "/admin/core/hscode/",
    "/admin/core/trademode/",
    "/admin/core/supervisionmode/",
    "/admin/core/admindivision/",
    "/admin/core/registrationprovince/",
    "/admin/core/industry/?level__exact=4&q=谷物",
    "/admin/core/partner/?groups__id__exact=1",
    "/admin/core/hscode/?q=0101",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_changelists_for_administrators_only(ref, city, client: Client, url):
    client.force_login(city.officer)
    refused = client.get(url)
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")
    client.force_login(city.admin)
    assert client.get(url).status_code == 200


def test_partner_group_edit_page_offers_the_member_picker(ref, city, client: Client):
    client.force_login(city.admin)
    group = PartnerGroup.objects.get(code="rcep")
    page = client.get(f"/admin/core/partnergroup/{group.pk}/change/").content.decode()
    assert "selectfilter" in page.lower() or "SelectFilter" in page
    assert "日本" in page


def test_admin_edit_is_audited(ref, city, client: Client):
    client.force_login(city.admin)
    partner = Partner.objects.get(code="133")
    response = client.post(
        f"/admin/core/partner/{partner.pk}/change/",
        {
            "code": "133",
            "name_zh": "韩国",
            "name_en": "Korea",
            "name_zh_clean": "韩国",
            "name_en_clean": "South Korea",
            "iso3": "KOR",
            "iso2": "KR",
            "continent": "1",
            "aliases": "大韩民国、南韩、南朝鲜",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="partner.update")
    assert entry.actor == city.admin
    assert "aliases" in entry.changes
    assert "南朝鲜" in Partner.objects.get(code="133").alias_list()


def test_dictionary_overview_page(ref, city, client: Client):
    client.force_login(city.admin)
    page = client.get("/dictionaries/").content.decode()
    assert "国民经济行业分类" in page
    assert "1972" in page
    assert "小类 1382" in page
    assert "/admin/core/partnergroup/" in page
    client.force_login(city.officer)
    assert client.get("/dictionaries/").status_code == 302
    assert "数据字典" not in client.get("/").content.decode()
    client.force_login(city.admin)
    assert "数据字典" in client.get("/").content.decode()


def test_hs_chapters_and_headings_carry_chinese_titles(ref):
    chapters = HSCode.objects.filter(level=HSCode.Level.CHAPTER)
    # every chapter of the tariff (77 is reserved and has no node; 99 is not a tariff chapter)
    without = sorted(chapters.filter(name_zh="").values_list("code", flat=True))
    assert without == ["99"]
    assert HSCode.objects.get(code="84").name_zh == "核反应堆、锅炉、机器、机械器具及其零件"
    assert HSCode.objects.get(code="0101").name_zh == "马、驴、骡"
    assert HSCode.objects.get(code="0304").name_zh == "鲜、冷、冻鱼片及其他鱼肉（不论是否绞碎）"


def test_hs_display_names_fall_back_visibly_never_to_english(ref):
    names = hs_display_names(["85", "0102", "8517", "851713", "85171300", "99"])
    assert names["85"].startswith("电机、电气设备及其零件")
    assert names["0102"] == "牛"
    # a heading without a Chinese title says so and names its chapter
    assert names["8517"] == (
        "暂无中文名称（属第85章 电机、电气设备及其零件；录音机及放声机、电视图像、"
        "声音的录制和重放设备及其零件、附件）"
    )
    assert names["851713"].startswith("暂无中文名称（属第85章")
    assert names["85171300"] == HSCode.objects.get(code="85171300").name_zh != ""
    assert names["99"] == "暂无中文名称"
    english = HSCode.objects.get(code="8517").name_en
    assert all(english not in shown for shown in names.values())
    assert not any(re.search(r"[A-Za-z]{3,}", shown) for shown in names.values())


def test_hs_display_names_of_many_codes_read_every_name_and_show_the_same(ref, monkeypatch):
    """Past HS_NAMES_LISTED codes and prefixes the names come from one read of every named
    code, not an IN list: the same names, the fallbacks included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.core import reference

    codes = ["85", "0102", "8517", "851713", "85171300", "99", "01", ""]
    listed = hs_display_names(codes)
    monkeypatch.setattr(reference, "HS_NAMES_LISTED", 3)
    with CaptureQueriesContext(connection) as read:
        every = hs_display_names(codes)
    assert every == listed
    assert len(read.captured_queries) == 1
    assert " IN " not in read.captured_queries[0]["sql"].upper()


def test_partners_are_found_by_the_short_names_files_use(ref):
    """Customs files from bureaus write 沙特, 印尼, 澳洲 where the official list says 沙特阿拉伯,
    印度尼西亚, 澳大利亚: the import finds them instead of refusing the rows."""
    from kaifang.trade.selectors.imports import import_lookups

    found = import_lookups()
    names = ["沙特", "印尼", "澳洲", "沙特阿拉伯"]
    assert [found.partner_from_name(n) for n in names] == ["131", "112", "601", "131"]
