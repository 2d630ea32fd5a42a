"""Demo loader: a year of liaison, visits and appeals in 示范市, written through the real
actions with back-dated timestamps, so the timeline, the SLA clock and the statistics are
what the system itself would have produced: most appeals resolved on time and rated, some
paused for material, some late, some reopened, and a few open and overdue today (escalated
by the real scan, the worst ones supervised). Runs after the enterprises loader; without
enterprises it says so and does nothing. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone

from kaifang.core import calendar, demo
from kaifang.core.models import Notification, RoleCode, Unit, User
from kaifang.enterprises.models import Enterprise, EnterpriseEvent
from kaifang.servicedesk import actions, escalation
from kaifang.servicedesk.models import (
    Appeal,
    AppealStatus,
    Category,
    RoutingRule,
    Source,
    Visit,
    VisitTarget,
)
from kaifang.servicedesk.selectors import quarter_of

TZ = ZoneInfo("Asia/Shanghai")

ROUTING = {
    Category.LABOUR: "示范市人力资源和社会保障局",
    Category.FINANCE: "外贸科",
    Category.LOGISTICS: "示范市口岸和物流办公室",
    Category.CUSTOMS: "示范海关",
    Category.FOREX: "国家外汇管理局示范市分局",
    Category.TAX_REBATE: "国家税务总局示范市税务局",
    Category.MARKET: "外贸科",
    Category.LAND_ENERGY: "示范市自然资源和规划局",
    Category.APPROVAL: "示范市市场监督管理局",
    Category.POLICY: "外贸科",
    Category.IP: "示范市市场监督管理局",
    Category.TRADE_FRICTION: "对外经济合作科",
    Category.OTHER: "办公室",
}

TEXTS = {
    Category.LABOUR: [
        "旺季订单集中，缺少熟练缝纫工约{n}人，希望协助对接职业院校和劳务输出地。",
        "外籍技术人员工作许可续签材料多、周期长，希望简化办理。",
    ],
    Category.FINANCE: [
        "出口订单增长，流动资金缺口约{n}00万元，希望对接银行出口信用保险保单融资。",
        "申请外贸企业贴息贷款，不清楚申报条件和流程。",
    ],
    Category.LOGISTICS: [
        "中欧班列舱位紧张，{n}个集装箱排队等待，希望协调增加舱位。",
        "海运运费上涨，希望了解多式联运补贴政策。",
    ],
    Category.CUSTOMS: [
        "出口货物查验时间较长，平均等待{n}天，影响交货期，希望协调加快通关。",
        "申请海关AEO高级认证，需要辅导培训。",
    ],
    Category.FOREX: [
        "跨境人民币结算开户手续繁琐，希望银行提供便利化服务。",
        "外汇收汇时间长，汇率波动损失较大，希望了解避险工具。",
    ],
    Category.TAX_REBATE: [
        "出口退税到账慢，已申报{n}笔超过一个月未到账，资金周转困难。",
        "新办出口企业退税备案不熟悉，希望税务部门辅导。",
    ],
    Category.MARKET: [
        "希望参加广交会和中亚地区展会，申请展位补贴。",
        "海外客户订单减少{n}成，希望帮助拓展RCEP市场。",
    ],
    Category.LAND_ENERGY: [
        "扩建厂房需新增用地约{n}0亩，希望协调土地指标。",
        "夏季用电高峰限电，影响生产，希望协调保障用电。",
    ],
    Category.APPROVAL: [
        "新建项目环评审批进度慢，希望协调加快办理。",
        "进出口经营权备案变更，需要到多个部门办理，希望一窗受理。",
    ],
    Category.POLICY: [
        "咨询跨境电商综试区扶持政策，希望了解申报条件。",
        "咨询外资企业再投资奖励政策的申报时间和材料。",
    ],
    Category.IP: [
        "出口产品在海外被抢注商标，希望获得维权指导。",
        "申请PCT国际专利，希望了解资助政策。",
    ],
    Category.TRADE_FRICTION: [
        "出口产品遭遇反倾销调查，希望获得应诉指导和费用支持。",
        "目标市场提高技术性贸易壁垒，需要标准认证方面的帮助。",
    ],
    Category.OTHER: [
        "企业员工子女入学问题，希望协调解决。",
        "园区道路破损影响货车通行，希望尽快修复。",
    ],
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _units() -> dict[str, Unit]:
    return {u.name: u for u in Unit.objects.filter(name__in=set(ROUTING.values()))}


def _handler(unit: Unit, office: User) -> User:
    staff = User.objects.filter(unit=unit, is_active=True).exclude(roles__code=RoleCode.LEADER)
    return staff.first() or office


def load_servicedesk(ctx: demo.DemoContext) -> None:
    enterprises = list(Enterprise.objects.exclude(uscc=None).order_by("id"))
    if not enterprises:
        ctx.log("企业服务：名录中没有企业，跳过（请先加载企业演示数据）")
        return
    if Appeal.objects.filter(is_synthetic=True).exists():
        ctx.log("企业服务：演示数据已存在，未重复加载")
        return
    office = (
        User.objects.filter(username="waimao").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if office is None:
        ctx.log("企业服务：没有演示账号，跳过")
        return
    rng = ctx.rng
    units = _units()
    for category, name in ROUTING.items():
        if name in units:
            RoutingRule.objects.update_or_create(category=category, defaults={"unit": units[name]})
    today = timezone.localdate()
    started = timezone.now()
    visits = _liaison_and_visits(ctx, enterprises, office, today)
    count = 120 if not ctx.large else 600
    outcomes: dict[str, int] = {}
    for _ in range(count):
        enterprise = rng.choice(enterprises)
        category = rng.choice(list(Category))
        day = today - dt.timedelta(days=rng.randint(0, 364))
        while not calendar.is_workday(day):
            day -= dt.timedelta(days=1)
        text = rng.choice(TEXTS[category]).format(n=rng.randint(2, 9))
        outcome = _one(ctx, enterprise, category, text, day, office, today)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # The back-dated steps notified people as they went; only today's reminders matter.
    Notification.objects.filter(category="appeal", created_at__gte=started).delete()
    report = escalation.scan(today)
    ctx.log(
        f"企业服务：{visits} 次走访，{count} 件诉求（"
        + "，".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        + f"）；升级提醒 {len(report.escalated)} 件，转督办 {len(report.supervised)} 件"
    )


def _liaison_and_visits(
    ctx: demo.DemoContext, enterprises: list[Enterprise], office: User, today: dt.date
) -> int:
    rng = ctx.rng
    officers = list(User.objects.filter(roles__code=RoleCode.LIAISON, is_active=True))
    if not officers:
        return 0
    leader = User.objects.filter(username="juzhang").first()
    # Each officer keeps the firms of their own district that the enterprises loader gave
    # them (a plausible few dozen); here they only get their leader, dated a year back.
    assigned_on = _at(today - dt.timedelta(days=365), 9)
    for officer in officers:
        mine = list(Enterprise.objects.filter(liaison=officer, is_synthetic=True))
        if mine and leader is not None:
            since = _last_event_id()
            actions.liaison_assign(actor=office, enterprises=mine, officer=officer, leader=leader)
            _backdate_events(since, assigned_on)
    year, quarter, _, _ = quarter_of(today)
    visits = 0
    for officer in officers:
        VisitTarget.objects.update_or_create(
            officer=officer, year=year, quarter=quarter, defaults={"target": 6}
        )
        for enterprise in Enterprise.objects.filter(liaison=officer)[:40]:
            for _ in range(rng.randint(0, 3)):
                day = today - dt.timedelta(days=rng.randint(0, 364))
                problem = rng.choice(TEXTS[rng.choice(list(Category))]).format(n=3)
                since = _last_event_id()
                visit = actions.visit_create(
                    actor=officer,
                    enterprise=enterprise,
                    visited_on=day,
                    officers=[officer],
                    people_met=rng.choice(["总经理", "外贸部经理", "财务总监", "董事长"]),
                    enterprise_said=rng.choice(
                        [
                            "订单基本稳定，一季度出口同比增长。",
                            "海外需求放缓，正在开拓新市场。",
                            "计划扩大产能，新上一条生产线。",
                        ]
                    ),
                    problems=problem if rng.random() < 0.5 else "",
                    plans=rng.choice(["拓展中亚市场", "建设海外仓", "申报高新技术企业", ""]),
                    is_synthetic=True,
                )
                # The timeline and the record carry the day of the visit, not the load time.
                _backdate_events(since, _at(day, 17))
                Visit.objects.filter(pk=visit.pk).update(created_at=_at(day, 17))
                visits += 1
    return visits


def _last_event_id() -> int:
    return EnterpriseEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _backdate_events(after_id: int, at: dt.datetime) -> None:
    """Date the timeline events written since `after_id` at `at` (demo history is written
    today but describes the past year)."""
    EnterpriseEvent.objects.filter(id__gt=after_id).update(created_at=at)


def _one(
    ctx: demo.DemoContext,
    enterprise: Enterprise,
    category: str,
    text: str,
    day: dt.date,
    office: User,
    today: dt.date,
) -> str:
    rng = ctx.rng
    source = rng.choice([Source.PUBLIC, Source.PUBLIC, Source.PHONE, Source.VISIT, Source.HOTLINE])
    appeal = actions.appeal_create(
        actor=None if source == Source.PUBLIC else office,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc or "",
        category=category,
        description=text,
        source=source,
        contact_name=enterprise.contact_name or "企业联系人",
        contact_phone=enterprise.contact_phone or "13800000000",
        at=_at(day, 9),
        is_synthetic=True,
    )
    if appeal.duplicate_of is not None:
        actions.appeal_merge(appeal=appeal, into=appeal.duplicate_of, actor=office)
        return "合并"

    def step(workdays: int, hour: int) -> dt.datetime | None:
        when = calendar.add_workdays(day, workdays)
        return _at(when, hour) if when < today else None

    at = step(0, 10)
    if at is None:
        return "新登记"
    appeal = actions.appeal_route(appeal=appeal, actor=office, at=at)
    assert appeal.unit is not None  # noqa: S101 (routing table set above)
    handler = _handler(appeal.unit, office)
    roll = rng.random()
    if roll < 0.05 and (at := step(1, 9)):
        appeal = actions.appeal_return(
            appeal=appeal, actor=handler, reason="不属于本单位职责", at=at
        )
        appeal = actions.appeal_route(appeal=appeal, actor=office, unit=units_fallback(), at=at)
        handler = _handler(appeal.unit, office) if appeal.unit else office
    at = step(1 if roll > 0.1 else 2, 11)
    if at is None:
        return "待签收"
    appeal = actions.appeal_accept(appeal=appeal, actor=handler, at=at)
    appeal = actions.appeal_start(appeal=appeal, actor=handler, at=at)
    if (at := step(2, 15)) is None:
        return "办理中"
    appeal = actions.appeal_reply(
        appeal=appeal, actor=handler, text="已与企业联系，正在协调", at=at
    )
    late = roll > 0.9
    if 0.75 < roll <= 0.85:
        appeal = actions.appeal_pause(
            appeal=appeal, actor=handler, reason="请企业补充相关合同和报关单据", at=at
        )
        if (at := step(5, 10)) is None:
            return "待企业补充"
        appeal = actions.appeal_resume(appeal=appeal, actor=handler, at=at)
    done_in = 4 if not late else rng.randint(7, 12)
    if late and roll > 0.95:
        done_in = 400  # open and overdue today
    at = _at(calendar.add_workdays(appeal.resolve_due, done_in - 5), 16)
    if at.date() >= today:
        return "逾期未办结" if late else "办理中"
    appeal = actions.appeal_resolve(
        appeal=appeal, actor=handler, resolution="经协调已解决，已向企业反馈办理结果。", at=at
    )
    rated_at = _at(calendar.add_workdays(at.date(), 1), 10)
    if rated_at.date() >= today:
        return "已办结"
    if rng.random() < 0.08:
        appeal = actions.appeal_reopen(appeal=appeal, comment="问题尚未根本解决", at=rated_at)
        again = _at(calendar.add_workdays(rated_at.date(), 3), 16)
        if again.date() >= today:
            return "重办中"
        appeal = actions.appeal_resolve(
            appeal=appeal, actor=handler, resolution="重新办理，已彻底解决。", at=again
        )
        rated_at = _at(calendar.add_workdays(again.date(), 1), 10)
        if rated_at.date() >= today:
            return "已办结"
    if rng.random() < 0.85:
        rating = rng.choices([5, 4, 3, 2], weights=[60, 28, 9, 3])[0]
        actions.appeal_rate(appeal=appeal, rating=rating, comment="", at=rated_at)
        return "已评价"
    return "已办结" if appeal.status == AppealStatus.RESOLVED else "其他"


def units_fallback() -> Unit | None:
    return Unit.objects.filter(name="办公室").first()


def register_loader() -> None:
    demo.register("servicedesk", 400, load_servicedesk)
