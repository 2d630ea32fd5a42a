"""Every transition of the appeal state machine, every illegal one refused with a Chinese
message, and two people acting on one appeal at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from kaifang.core.models import AuditEntry
from kaifang.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseStatus
from kaifang.servicedesk import actions
from kaifang.servicedesk.models import Appeal, AppealStatus, Category, RoutingRule

S = AppealStatus


def test_full_happy_path_writes_timeline_and_audit(city, firm, make_appeal):
    appeal = make_appeal(firm)
    assert appeal.status == S.REGISTERED
    RoutingRule.objects.create(category=Category.CUSTOMS, unit=city.district_a)
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer)  # by the routing table
    assert (appeal.status, appeal.unit) == (S.ROUTED, city.district_a)
    appeal = actions.appeal_accept(appeal=appeal, actor=city.district_a_user)
    assert appeal.status == S.ACCEPTED and appeal.accepted_at
    appeal = actions.appeal_start(appeal=appeal, actor=city.district_a_user)
    assert appeal.status == S.IN_PROGRESS
    appeal = actions.appeal_reply(appeal=appeal, actor=city.district_a_user, text="已对接海关")
    assert appeal.replied_at
    appeal = actions.appeal_pause(appeal=appeal, actor=city.district_a_user, reason="补充报关单")
    assert appeal.status == S.WAITING
    appeal = actions.appeal_resume(appeal=appeal, actor=city.district_a_user)
    assert appeal.status == S.IN_PROGRESS
    appeal = actions.appeal_resolve(
        appeal=appeal, actor=city.district_a_user, resolution="海关已开通绿色通道"
    )
    assert appeal.status == S.RESOLVED and appeal.resolved_on_time
    appeal = actions.appeal_rate(appeal=appeal, rating=5, comment="很及时")
    assert (appeal.status, appeal.rating) == (S.RATED, 5)
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == [
        "registered",
        "routed",
        "accepted",
        "started",
        "reply",
        "paused",
        "resumed",
        "resolved",
        "rated",
    ]
    audited = set(
        AuditEntry.objects.filter(
            object_id=str(appeal.pk), object_type="servicedesk.appeal"
        ).values_list("action", flat=True)
    )
    assert {"appeal.create", "appeal.route", "appeal.accept", "appeal.rate"} <= audited
    assert EnterpriseEvent.objects.filter(enterprise=firm, kind="appeal.resolved").exists()


def test_reopen_goes_back_to_the_same_unit_with_the_comment(city, accepted):
    appeal = accepted()
    appeal = actions.appeal_resolve(appeal=appeal, actor=city.district_a_user, resolution="已答复")
    appeal = actions.appeal_reopen(appeal=appeal, comment="问题没有解决，查验仍然很慢")
    assert appeal.status == S.REOPENED
    assert appeal.unit == city.district_a and appeal.reopen_count == 1
    assert "查验仍然很慢" in appeal.events.last().text
    appeal = actions.appeal_resolve(
        appeal=appeal, actor=city.district_a_user, resolution="已协调专人查验"
    )
    assert actions.appeal_rate(appeal=appeal, rating=4).status == S.RATED


def test_return_with_reason_is_counted_and_transfer_too(city, firm, make_appeal):
    appeal = make_appeal(firm)
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    with pytest.raises(ValidationError, match="退回必须说明理由"):
        actions.appeal_return(appeal=appeal, actor=city.district_a_user, reason=" ")
    appeal = actions.appeal_return(appeal=appeal, actor=city.district_a_user, reason="不属本单位")
    assert (appeal.status, appeal.unit, appeal.return_count) == (S.REGISTERED, None, 1)
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.customs)
    assert appeal.transfer_count == 1
    assert appeal.events.filter(kind="transferred", unit=city.district_a).exists()
    assert appeal.events.filter(kind="returned", unit=city.district_a).exists()


ILLEGAL = [
    ("registered", "accept"),
    ("registered", "resolve"),
    ("registered", "rate"),
    ("routed", "start"),
    ("routed", "pause"),
    ("accepted", "resolve"),
    ("accepted", "accept"),
    ("in_progress", "resume"),
    ("in_progress", "rate"),
    ("waiting", "resolve"),
    ("waiting", "pause"),
    ("resolved", "pause"),
    ("resolved", "resolve"),
    ("rated", "reopen"),
    ("rated", "rate"),
    ("rated", "route"),
]


def _bring(city, firm, make_appeal, status):
    appeal = make_appeal(firm)
    steps = {
        "routed": lambda a: actions.appeal_route(
            appeal=a, actor=city.officer, unit=city.district_a
        ),
        "accepted": lambda a: actions.appeal_accept(appeal=a, actor=city.district_a_user),
        "in_progress": lambda a: actions.appeal_start(appeal=a, actor=city.district_a_user),
        "waiting": lambda a: actions.appeal_pause(appeal=a, actor=city.district_a_user, reason="x"),
        "resolved": lambda a: actions.appeal_resolve(
            appeal=a, actor=city.district_a_user, resolution="ok"
        ),
        "rated": lambda a: actions.appeal_rate(appeal=a, rating=3),
    }
    order = ["routed", "accepted", "in_progress", "waiting", "resolved", "rated"]
    for step in order[: order.index(status) + 1] if status != "registered" else []:
        if step == "waiting" and status not in ("waiting",):
            continue
        if step == "resolved" and status in ("waiting",):
            break
        appeal = steps[step](appeal)
    return appeal


def _do(action, appeal, city):
    u = city.district_a_user
    calls = {
        "accept": lambda: actions.appeal_accept(appeal=appeal, actor=u),
        "start": lambda: actions.appeal_start(appeal=appeal, actor=u),
        "resolve": lambda: actions.appeal_resolve(appeal=appeal, actor=u, resolution="结果"),
        "rate": lambda: actions.appeal_rate(appeal=appeal, rating=5),
        "pause": lambda: actions.appeal_pause(appeal=appeal, actor=u, reason="补充"),
        "resume": lambda: actions.appeal_resume(appeal=appeal, actor=u),
        "reopen": lambda: actions.appeal_reopen(appeal=appeal, comment="不满意"),
        "route": lambda: actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.customs),
    }
    return calls[action]()


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transitions_are_refused(city, firm, make_appeal, status, action):
    appeal = _bring(city, firm, make_appeal, status)
    assert appeal.status == status
    with pytest.raises(ValidationError) as error:
        _do(action, appeal, city)
    message = error.value.messages[0]
    assert f"诉求当前状态为“{S(status).label}”" in message
    assert Appeal.objects.get(pk=appeal.pk).status == status


def test_resolution_text_and_rating_range_are_required(city, accepted):
    appeal = accepted()
    with pytest.raises(ValidationError, match="办理结果"):
        actions.appeal_resolve(appeal=appeal, actor=city.district_a_user, resolution="  ")
    appeal = actions.appeal_resolve(appeal=appeal, actor=city.district_a_user, resolution="好")
    with pytest.raises(ValidationError, match="1 到 5"):
        actions.appeal_rate(appeal=appeal, rating=6)


def test_only_the_receiving_unit_handles_and_only_the_office_routes(city, firm, make_appeal):
    appeal = make_appeal(firm)
    with pytest.raises(ValidationError, match="派单"):
        actions.appeal_route(appeal=appeal, actor=city.district_a_user, unit=city.district_a)
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    with pytest.raises(ValidationError, match="承办单位"):
        actions.appeal_accept(appeal=appeal, actor=city.district_b_user)
    with pytest.raises(ValidationError, match="领导"):
        actions.appeal_mark(appeal=appeal, actor=city.officer)
    marked = actions.appeal_mark(appeal=appeal, actor=city.leader, note="尽快解决")
    assert marked.leader_marked and marked.supervised


def test_public_intake_creates_a_pending_enterprise_for_an_unknown_code(city, make_appeal):
    from kaifang.core.lib.uscc import synthetic_uscc

    appeal = actions.appeal_create(
        actor=None,
        enterprise_name="新来的外贸有限公司",
        uscc=synthetic_uscc(777),
        category=Category.FINANCE,
        description="出口订单增加，流动资金紧张，希望对接银行出口信用保险保单融资。",
        source="public",
    )
    assert appeal.enterprise.status == EnterpriseStatus.PENDING
    assert Enterprise.objects.filter(uscc=synthetic_uscc(777)).count() == 1
    with pytest.raises(ValidationError) as error:
        actions.appeal_create(
            actor=None,
            enterprise_name="x",
            uscc="91410300MA00000000",
            category="finance",
            description="描述足够长的一段问题说明文字",
            source="public",
        )
    assert "uscc" in error.value.message_dict


def test_duplicate_is_flagged_and_merged(city, firm, make_appeal):
    first = make_appeal(
        firm, description="出口货物通关查验时间过长，影响交货期，希望协调加快查验。"
    )
    other = make_appeal(firm, category=Category.LABOUR, description="招工难，缺少熟练焊工二十名。")
    assert other.duplicate_of is None
    second = make_appeal(firm, description="出口货物通关查验时间太长，影响交货，希望协调加快。")
    assert second.duplicate_of == first and second.similarity >= 0.5
    merged = actions.appeal_merge(appeal=second, into=first, actor=city.officer)
    assert merged.status == S.MERGED and merged.merged_into == first
    # Whoever follows the merged appeal's code must not learn the other appeal's code (the
    # public page identifies an enterprise only by its public credit code).
    public = " ".join(e.public_text for e in merged.events.all())
    assert first.tracking_code not in public


def test_tracking_codes_are_random_not_sequential(city, firm, make_appeal):
    codes = [
        make_appeal(firm, description=f"第{i}个不同的问题描述内容{i * 7919}").tracking_code
        for i in range(5)
    ]
    assert len(set(codes)) == 5
    assert len({c[:4] for c in codes}) > 1  # no shared prefix counting upwards
    for code in codes:
        assert len(code) == 14 and code.count("-") == 2
        assert not any(c in code for c in "01OIL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_one_wins_the_other_is_told(city, firm, make_appeal):
    appeal = make_appeal(firm, when=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(kind: str) -> None:
        stale = Appeal.objects.get(pk=appeal.pk)
        barrier.wait()
        try:
            if kind == "accept":
                actions.appeal_accept(appeal=stale, actor=city.district_a_user)
            else:
                actions.appeal_return(appeal=stale, actor=city.district_a_user, reason="非本单位")
            results.append(f"ok:{kind}")
        except ValidationError as error:
            results.append(f"refused:{error.messages[0]}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=act, args=(k,)) for k in ("accept", "return")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    oks = [r for r in results if r.startswith("ok:")]
    refused = [r for r in results if r.startswith("refused:")]
    assert len(oks) == 1 and len(refused) == 1
    assert "刚被他人处理" in refused[0]
    final = Appeal.objects.get(pk=appeal.pk)
    assert final.status == (S.ACCEPTED if oks[0] == "ok:accept" else S.REGISTERED)
