"""The public page: validation, attachments checked by their bytes, the arithmetic challenge,
the rate limit, and the tracking page that opens one appeal and nothing else."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.servicedesk import actions
from kaifang.servicedesk.forms import CHALLENGE_KEY
from kaifang.servicedesk.models import Appeal, AppealStatus

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _cache_table(db):
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    cache.clear()


def _answer(client) -> int:
    response = client.get("/service/")
    assert response.status_code == 200
    return client.session[CHALLENGE_KEY]


def _data(client, **over):
    data = {
        "enterprise_name": "示范新能源进出口有限公司",
        "uscc": synthetic_uscc(4242),
        "category": "customs",
        "description": "出口锂电池通关查验时间长，影响交货，请求协调海关。",
        "contact_name": "李经理",
        "contact_phone": "13912345678",
        "answer": _answer(client),
    }
    data.update(over)
    return data


def test_submit_gives_a_tracking_code_and_the_page_shows_it(client, city):
    response = client.post("/service/", _data(client), follow=True)
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    assert appeal.source == "public" and appeal.created_by is None
    assert appeal.tracking_code in response.content.decode()
    assert appeal.enterprise.uscc == synthetic_uscc(4242)


def test_validation_messages_are_chinese(client, city):
    data = _data(client, uscc="123", category="", description="太短", contact_phone="12")
    response = client.post("/service/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "统一社会信用代码" in text and "至少10个字" in text and "手机号码" in text
    assert not Appeal.objects.exists()


def test_wrong_answer_to_the_challenge_is_refused(client, city):
    data = _data(client)
    data["answer"] = data["answer"] + 1
    response = client.post("/service/", data)
    assert response.status_code == 400
    assert "验证问题回答错误" in response.content.decode()
    assert not Appeal.objects.exists()


def test_no_challenge_in_session_is_refused(client, city):
    data = _data(client)
    session = client.session
    del session[CHALLENGE_KEY]
    session.save()
    assert client.post("/service/", data).status_code == 400


def test_attachment_type_is_checked_against_its_bytes(client, city):
    fake = SimpleUploadedFile("扫描件.png", b"MZ\x90\x00 this is an exe", content_type="image/png")
    response = client.post("/service/", _data(client, attachments=fake))
    assert response.status_code == 400
    assert "内容与扩展名" in response.content.decode()
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "类型不允许" in client.post("/service/", _data(client, attachments=exe)).content.decode()
    good = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    assert client.post("/service/", _data(client, attachments=good)).status_code == 302
    attachment = Appeal.objects.get().attachments.get()
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)


def test_oversized_attachment_is_refused(client, city, settings):
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post("/service/", _data(client, attachments=big))
    assert response.status_code == 400
    assert "超过 10 MB" in response.content.decode()


def test_submissions_are_rate_limited_per_address(client, city):
    for i in range(5):
        data = _data(client, description=f"第{i}个完全不同的问题：{'甲乙丙丁戊己庚辛'[i] * 12}")
        assert client.post("/service/", data).status_code == 302
    response = client.post("/service/", _data(client))
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    # another address is not affected
    other = client.post("/service/", _data(client), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def _resolved(city, firm, make_appeal):
    appeal = make_appeal(firm)
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    appeal = actions.appeal_accept(appeal=appeal, actor=city.district_a_user)
    appeal = actions.appeal_start(appeal=appeal, actor=city.district_a_user)
    actions.appeal_reply(appeal=appeal, actor=city.district_a_user, text="内部备注不应公开")
    return actions.appeal_resolve(appeal=appeal, actor=city.district_a_user, resolution="已解决")


def test_tracking_page_shows_status_and_public_timeline_only(client, city, firm, make_appeal):
    appeal = _resolved(city, firm, make_appeal)
    response = client.get(f"/service/track/{appeal.tracking_code}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "已办结" in text and "已解决" in text
    assert "13800000000" not in text  # contact data is not echoed
    assert city.district_a_user.username not in text  # no staff names


def test_code_typed_loosely_is_found(client, city, firm, make_appeal):
    appeal = make_appeal(firm)
    loose = appeal.tracking_code.replace("-", " ").lower()
    response = client.post("/service/track/", {"code": loose})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/service/track/{appeal.tracking_code}/")


def test_rating_and_reopen_from_the_tracking_page(client, city, firm, make_appeal):
    appeal = _resolved(city, firm, make_appeal)
    url = f"/service/track/{appeal.tracking_code}/"
    response = client.post(url, {"reopen-comment": "问题依旧"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REOPENED
    appeal = actions.appeal_resolve(
        appeal=appeal, actor=city.district_a_user, resolution="再次办理"
    )
    assert client.post(url, {"rate-rating": "4", "rate-comment": "好"}).status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating, appeal.rating_comment) == (AppealStatus.RATED, 4, "好")
    # a rated appeal cannot be rated again from the page
    client.post(url, {"rate-rating": "1"})
    appeal.refresh_from_db()
    assert appeal.rating == 4


def test_guessing_codes_opens_nothing_else(client, city, firm, firm_b, make_appeal):
    mine = make_appeal(firm)
    theirs = make_appeal(firm_b, description="西城纺织品企业的保密诉求内容，涉及客户名单。")
    page = client.get(f"/service/track/{mine.tracking_code}/").content.decode()
    assert theirs.tracking_code not in page and "客户名单" not in page
    # a neighbouring code (last character changed) is unknown: 404, nothing revealed
    code = mine.tracking_code
    neighbour = code[:-1] + ("2" if code[-1] != "2" else "3")
    response = client.get(f"/service/track/{neighbour}/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
    assert client.get("/service/track/1/").status_code == 404


def test_lookups_are_rate_limited(client, city):
    for _ in range(30):
        client.get("/service/track/ABCD-EFGH-JKMN/")
    assert client.get("/service/track/ABCD-EFGH-JKMN/").status_code == 429


def test_public_pages_need_no_login_and_carry_no_staff_menu(client, city):
    response = client.get("/service/")
    assert response.status_code == 200
    assert "主菜单" not in response.content.decode()
    assert re.search(r"验证问题：\d \+ \d = \?", response.content.decode())
    assert client.get("/service/track/").status_code == 200


def test_a_docx_carrying_a_program_is_refused(client, city):
    from kaifang.core.tests.uploads import docx_bytes, with_member

    bad = SimpleUploadedFile("说明.docx", with_member(docx_bytes("说明"), "word/setup.exe"))
    response = client.post("/service/", _data(client, attachments=bad))
    assert response.status_code == 400 and "可执行程序" in response.content.decode()
    assert not Appeal.objects.exists()
    good = SimpleUploadedFile("说明.docx", docx_bytes("说明"))
    assert client.post("/service/", _data(client, attachments=good)).status_code == 302


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("ab3d ef4h jk5m", True),  # lower case, spaces
        ("AB3DEF4HJK5M", True),  # no dashes
        ("AB3D-EF4H-JK5", False),  # 11 characters
        ("AB3D-EF4H-JK50", False),  # 0 is not used
        ("AB3D-EF4H-JK5I", False),  # nor I, L, O
    ],
)
def test_format_message_says_what_is_accepted(typed, accepted):
    from kaifang.servicedesk import codes
    from kaifang.servicedesk.forms import TrackForm

    form = TrackForm({"code": typed})
    assert form.is_valid() is accepted
    if not accepted:
        message = form.errors["code"][0]
        assert "数字 2–9" in message and "不含 I、L、O" in message and "12 位" in message
    assert bool(codes.normalise(typed)) is accepted
