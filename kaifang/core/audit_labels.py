"""The audit log in words: a Chinese description of each action code and a field-by-field
table of what changed, for the administrators' audit page (the stored entries stay as they
are: dotted codes and JSON). Pure but for Django's app registry, which names models and
fields (`apps.get_model(entry.object_type)`), so core imports no domain app. A relation
stored by code or id (`{"indicator": "cbec"}`) is named from its record through the same
registry (跨境电商交易额), read once per page by `RelatedNames`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

ACTIONS: dict[str, str] = {
    "export.briefing_annex": "下载月报附表",
    "export.risk_scenario_docx": "导出风险情景报告（Word）",
    "export.risk_scenario_xlsx": "导出风险情景明细（Excel）",
    "export.indicator": "导出指标数据",
    "export.library_ledger": "导出免申即享台账",
    "export.library_matches": "导出政策匹配企业",
    "export.library_original": "下载政策文件原件",
    "export.zones.chain": "导出产业链图谱",
    "export.zones.chains": "导出产业链清单",
    "export.zones.park_enterprises": "导出园区企业",
    "export.zones.parks": "导出园区清单",
    "export.zones.platform_kpis": "导出平台指标",
    "export.zones.platforms": "导出开放平台清单",
    "export.zones.project_funnel": "导出招商项目漏斗",
    "export.zones.project_reconcile": "导出项目与外资数据核对",
    "export.zones.projects": "导出招商项目清单",
    "indicators.import_commit": "确认导入指标数据",
    "indicators.import_upload": "上传指标数据文件",
    "indicators.official_import": "导入海关统计数据",
    "indicators.seed": "载入指标定义",
    "indicators.target_save": "保存年度目标",
    "indicators.value_save": "保存指标数值",
    "library.document_create": "录入政策文件",
    "library.document_expire": "政策文件到期",
    "library.document_update": "修改政策文件",
    "library.document_version": "上传政策文件新版本",
    "library.fair_import": "导入参展企业名单",
    "library.fair_save": "登记展会",
    "library.item_evaluate": "测算可享企业",
    "library.item_save": "保存支持条款",
    "library.ledger_advance": "更新免申即享兑现状态",
    "library.template_delete": "删除答复模板",
    "library.template_save": "保存答复模板",
    "reports.briefing_generate": "生成工作月报",
    "risk_follow_up.visited": "风险走访已完成",
    "scenario.create": "新建风险情景",
    "scenario.delete": "删除风险情景",
    "scenario.follow_ups": "派发风险走访任务",
    "scenario.import_products": "导入加征关税清单",
    "scenario.update": "修改风险情景",
    "supervision.candidate.unit_map": "对应候选任务的单位",
    "unit.alias.add": "添加单位别名",
    "watch_entry.delete": "移出关注国别",
    "watch_entry.update": "修改关注国别",
    "zones.park.kpi_target": "设置园区年度目标",
    "zones.park.kpi_month": "录入园区月度指标",
    "zones.park.kpi_import": "导入园区指标",
    "zones.platform.appeal_raise": "平台企业问题转诉求",
    "zones.platform.appeal_link": "关联平台诉求",
    "zones.platform.appeal_unlink": "取消关联平台诉求",
    "zones.chain.create": "新建产业链",
    "zones.chain.update": "修改产业链",
    "zones.chain.segment_add": "新增产业链环节",
    "zones.chain.segment_update": "修改产业链环节",
    "zones.chain.segment_move": "调整产业链环节顺序",
    "zones.chain.segment_remove": "删除产业链环节",
    "export.zones.park_kpis": "导出园区指标",
    "zones.kpi.import": "导入平台指标",
    "zones.kpi.month": "录入平台月度指标",
    "zones.kpi.target": "设置平台年度目标",
    "zones.milestone.add": "添加平台节点",
    "zones.milestone.complete": "完成平台节点",
    "zones.milestone.supervise": "平台节点转督办",
    "zones.park.create": "新建园区",
    "zones.park.output": "录入园区营收产值",
    "zones.park.team_add": "添加园区专班成员",
    "zones.park.team_remove": "移出园区专班成员",
    "zones.park.update": "修改园区",
    "zones.platform.create": "新建开放平台",
    "zones.platform.enterprises": "调整平台企业",
    "zones.platform.status": "变更平台状态",
    "zones.platform.update": "修改开放平台",
    "zones.project.create": "新建招商项目",
    "zones.project.problem": "项目问题转诉求",
    "zones.project.stage": "推进招商项目阶段",
    "zones.project.supervise": "招商项目转督办",
    "zones.project.update": "修改招商项目",
    "api_token.create": "签发接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "appeal.escalate": "诉求逾期升级提醒",
    "appeal.supervise": "诉求转为督办事项",
    "calendar_day.delete": "删除节假日安排",
    "calendar_day.save": "保存节假日安排",
    "channel.issue": "签发接口渠道令牌",
    "channel.revoke": "吊销接口渠道令牌",
    "enterprise.create": "新建企业档案",
    "enterprise.merge": "合并重复企业",
    "enterprise.update": "修改企业档案",
    "export.appeal_attachment": "下载诉求附件",
    "export.appeal_stats": "导出诉求统计",
    "export.appeals": "导出诉求清单",
    "export.audit": "导出审计日志",
    "export.document_original": "下载讲话、纪要原件",
    "export.enterprises": "导出企业名录",
    "export.import_errors": "下载导入错误报告",
    "export.job_result": "下载后台任务结果",
    "export.report_attachment": "下载进展报送附件",
    "export.supervision.ledger_docx": "导出督办台账（Word）",
    "export.supervision.ledger_xlsx": "导出督办台账（Excel）",
    "export.trade_records": "导出外贸明细",
    "export.visits": "导出走访记录",
    "import.commit": "确认导入数据",
    "import.remap": "调整导入表头对应",
    "import.template_save": "保存表头模板",
    "import.upload": "上传导入文件",
    "import.validate": "校验导入文件",
    "job.enqueue": "提交后台任务",
    "liaison.assign": "指定包联干部",
    "notification_preference.update": "修改通知设置",
    "partner.update": "修改贸易伙伴",
    "partnergroup.members": "调整国别分组成员",
    "reference.load": "载入数据字典",
    "supervision.candidate.discard": "舍弃候选任务",
    "supervision.candidate.merge": "合并候选任务",
    "supervision.candidate.split": "拆分候选任务",
    "supervision.candidate.update": "修改候选任务",
    "supervision.document.create": "录入讲话、纪要",
    "supervision.document.decompose": "分解讲话、纪要",
    "supervision.extension.approve": "批准延期",
    "supervision.extension.refuse": "不同意延期",
    "supervision.extension.request": "申请延期",
    "supervision.milestone.add": "添加节点",
    "supervision.milestone.complete": "完成节点",
    "supervision.task.accept": "审核销号",
    "supervision.task.assign": "交办督办事项",
    "supervision.task.escalate": "逾期督办升级",
    "supervision.task.report": "报送进展",
    "supervision.task.request_completion": "申请办结",
    "supervision.task.return": "驳回办结申请",
    "supervision.task.sign": "签收督办事项",
    "supervision.task.update": "修改督办事项",
    "unit.create": "新建单位",
    "unit.delete": "删除单位",
    "unit.update": "修改单位",
    "visit.create": "登记走访",
    "visit_target.set": "设定走访目标",
}

APPEAL_STEPS = {
    "accept": "签收",
    "commit": "承诺办理",
    "create": "登记",
    "mark": "标记",
    "merge": "合并",
    "pause": "暂停计时",
    "rate": "评价",
    "reopen": "重新办理",
    "reply": "阶段答复",
    "resolve": "办结",
    "resume": "恢复计时",
    "return": "退回",
    "route": "派单",
    "start": "开始办理",
}

VERBS = {"create": "新建", "update": "修改", "delete": "删除", "save": "保存"}

IMPORT_KINDS = {
    "customs": "海关进出口数据",
    "enterprises": "企业名录",
    "fdi": "实际使用外资",
    "odi": "对外直接投资",
}

# Keys of `changes` that are not model fields.
KEYS = {
    "status": "状态",
    "reason": "理由",
    "note": "说明",
    "file": "文件",
    "filename": "文件名",
    "rows": "行数",
    "count": "条数",
    "filters": "筛选条件",
    "year": "年度",
    "quarter": "季度",
    "target": "目标",
    "kind": "类型",
    "title": "标题",
    "date": "日期",
    "deadline": "完成时限",
    "recipients": "接收人",
    "officers": "走访人员",
    "officer": "包联干部",
    "level": "级别",
    "stage": "环节",
    "overdue": "逾期",
    "task": "督办事项",
    "members": "成员",
    "candidates": "候选任务数",
    "percent": "进度（%）",
    "attachments": "附件数",
    "attachment": "附件",
    "rows_read": "读取行数",
    "rows_rejected": "拒绝行数",
    "rows_written": "写入行数",
    "errors": "错误数",
    "by": "维度",
    "span": "口径",
    "month": "月份",
    "flow": "进出口",
    "currency": "币种",
    "name": "名称",
    "parent": "上级",
    "lead_unit": "牵头单位",
    "tags": "标签",
    "on_time": "按期完成",
    "requested_deadline": "申请延至",
    "done_on": "完成日期",
    "milestone": "节点",
    "due": "节点时限",
    "merged": "被合并的编号",
    "new": "新建",
    "prefix": "令牌前缀",
    "sha256": "文件指纹",
    "fields": "表头对应",
    "chars": "字数",
    "at": "拆分位置",
    "candidate": "候选任务",
    "hs": "商品编码",
    "partner": "贸易伙伴",
    "district": "县区",
    "park": "园区",
    "platform": "平台",
    "chain": "产业链",
    "group": "国别分组",
    "appeals": "诉求数",
    "indicator": "指标",
    "indicators": "新增指标",
    "regions": "新增地区",
    "skipped_errors": "跳过的错误行",
    "periods": "月份",
    "source": "来源",
    "definition": "指标",
    "values": "数值",
    "period": "月份",
    # keys of actions' own records (not model fields), found by test_every_audit_key_reads
    "added": "新增",
    "removed": "移除",
    "on": "日期",
    "via": "途径",
    "lines": "行数",
    "top": "前N家",
    "created": "新建",
    "existing": "已有",
    "updated": "更新",
    "deactivated": "停用",
    "total": "合计",
    "event": "走访记录",
    "follow_ups": "风险走访任务",
    "alias": "新增别名",
    "aliases": "别名",
    "from": "来源",
    "phrase": "原文单位",
    "unit": "单位",
    "enterprise": "企业",
    "enterprises": "企业",
    "leader": "带队领导",
    "enterprises_created": "新建企业数",
    "replace_period": "按整月替换",
    "replaced_rows": "替换的记录数",
    "unplaced_examples": "未对应的示例",
    "user": "用户",
    "expiry": "到期日",
    "amount": "金额",
    "conditions": "条件",
    "no_application": "免申即享",
    "doc_number": "文号",
    "version": "版本",
    "session": "届次",
    "member": "成员",
    "output": "产值",
    "tier": "能级",
    "segment": "环节",
    "direction": "方向",
    "appeal": "诉求",
    "category": "类别",
    "text": "内容",
}

# Codes stored under these keys, in words: the trade pages' filters an export records, and
# model fields that keep a code without declaring choices (指标's 进出口方向, 币种, 投资类型).
VALUE_WORDS: dict[str, dict[str, str]] = {
    "currency": {"usd": "美元", "cny": "人民币"},
    "flow": {"total": "进出口", "export": "出口", "import": "进口"},
    "span": {"ytd": "年初至今", "month": "当月"},
    "investment_kind": {"fdi": "实际使用外资", "odi": "对外直接投资"},
    "by": {
        "partner": "贸易伙伴",
        "group": "国别分组",
        "hs2": "商品章",
        "hs4": "商品品目",
        "mode": "贸易方式",
        "district": "县区",
        "park": "园区",
        "industry": "行业",
        "enterprise": "企业",
    },
}

EMPTY = "（空）"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str | None  # None: the entry records a value, not a change
    new: str


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def describe(action: str, object_type: str = "") -> str:
    """「导出督办台账（Word）」 for `export.supervision.ledger_docx`; the code itself only
    when nothing is known of it."""
    if action in ACTIONS:
        return ACTIONS[action]
    head, _, rest = action.partition(".")
    if head == "appeal" and rest in APPEAL_STEPS:
        return f"诉求{APPEAL_STEPS[rest]}"
    if action.startswith("import.commit.") and rest.removeprefix("commit.") in IMPORT_KINDS:
        return f"确认导入{IMPORT_KINDS[rest.removeprefix('commit.')]}"
    if action.startswith("export.trade_"):
        return "导出外贸分析表"
    verb = action.rsplit(".", 1)[-1]
    model = _model(object_type)
    if verb in VERBS and model is not None:
        return f"{VERBS[verb]}{model._meta.verbose_name}"
    return action


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def label_for(key: str, model: type[models.Model] | None) -> str:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return KEYS.get(key, key)


def show(value: Any, field: Any = None) -> str:
    """A stored value in words: 是/否, （空）, a choice's label, a model's name, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and not isinstance(value, list | dict) and value in choices:
        return str(choices[value])
    if isinstance(value, Mapping):
        if set(value) == {"id", "repr"}:
            return str(value["repr"])
        return "；".join(f"{KEYS.get(str(k), k)}：{show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(show(v) for v in value)
    return str(value)


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


def _is_reference(field: Any, value: Any) -> bool:
    """A relation whose stored value is a bare code or id (not `{"id", "repr"}`)."""
    return (
        field is not None
        and field.is_relation
        and field.related_model is not None
        and isinstance(value, str | int)
        and not isinstance(value, bool)
        and value != ""
    )


def _lookup(related: type[models.Model]) -> str:
    """How a stored value finds its record: by a unique `code` (指标 cbec), else by id."""
    code = _field(related, "code")
    return "code" if code is not None and getattr(code, "unique", False) else "pk"


def _name(obj: models.Model) -> str:
    name = getattr(obj, "name", None)
    return str(name) if isinstance(name, str) and name else str(obj)


class RelatedNames:
    """Names of the records changes refer to by code or id, one query per related model for a
    whole page (`prefetch`); a value no record has any more stays as stored."""

    def __init__(self) -> None:
        self._known: dict[tuple[type[models.Model], str], str] = {}

    def prefetch(self, entries: Iterable[tuple[str, Any]]) -> None:
        """`entries`: (object_type, changes) of the entries about to be shown."""
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for object_type, changes in entries:
            model = _model(object_type)
            if model is None or not isinstance(changes, Mapping):
                continue
            for key, value in changes.items():
                field = _field(model, str(key))
                for one in value if _is_pair(value) else [value]:
                    if _is_reference(field, one):
                        wanted[field.related_model].add(str(one))
        for related, values in wanted.items():
            self._load(related, values)

    def _load(self, related: type[models.Model], values: set[str]) -> None:
        missing = {v for v in values if (related, v) not in self._known}
        key = _lookup(related)
        wanted = missing if key == "code" else {v for v in missing if v.isdigit()}
        if wanted:
            for obj in related._default_manager.filter(**{f"{key}__in": wanted}):
                self._known[(related, str(getattr(obj, key)))] = _name(obj)
        for value in missing:
            self._known.setdefault((related, value), value)

    def name(self, field: Any, value: str | int) -> str:
        related, text = field.related_model, str(value)
        if (related, text) not in self._known:
            self._load(related, {text})
        return self._known[(related, text)]


def _shown(value: Any, field: Any, words: Mapping[str, str] | None, names: RelatedNames) -> str:
    if words and isinstance(value, str):
        value = words.get(value, value)
    if _is_reference(field, value):
        return names.name(field, value)
    return show(value, field)


def change_rows(
    action: str, object_type: str, changes: Any, names: RelatedNames | None = None
) -> list[ChangeRow]:
    """One row per key. Entries written from `audit.diff` ({field: [old, new]}) give 原值 and
    新值; other entries record values (a filter, a file name, a count), shown as 新值 alone.
    `names` carries the related records' names a page has prefetched."""
    if not isinstance(changes, Mapping):
        return [] if changes in (None, "", []) else [ChangeRow("内容", None, show(changes))]
    names = names if names is not None else RelatedNames()
    model = _model(object_type)
    diff_like = action.endswith((".update", ".save", ".approve")) or action == "enterprise.update"
    rows = []
    for key, value in changes.items():
        field = _field(model, str(key))
        label = label_for(str(key), model)
        # a field with its own choices names its values; a bare code field uses VALUE_WORDS
        own_choices = field is not None and (field.is_relation or getattr(field, "choices", None))
        words = None if own_choices else VALUE_WORDS.get(str(key))
        if (diff_like or key == "deadline") and _is_pair(value):
            old, new = (_shown(v, field, words, names) for v in value)
            rows.append(ChangeRow(label, old, new))
        else:
            rows.append(ChangeRow(label, None, _shown(value, field, words, names)))
    return rows
