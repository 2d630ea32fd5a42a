"""Propose candidate tasks from a source document — deterministic, offline, no database.

Why this exists: the supervision office turns every speech, set of minutes, instruction and work
plan into a ledger of tasks. This module reads the text the way an officer does — the structure
of Chinese official texts, the directive words, the unit annotations, the deadline phrases — and
proposes candidates that a person then merges, splits, edits and confirms.

For the lead: the public API
----------------------------

``from kaifang.supervision.decompose import ...`` (all pure functions on plain data):

- ``clean_text(text) -> str`` (alias ``rejoin_scraped``): normalise and rejoin scraped page
  fragments. **Store its output**: every offset below refers to it. It is idempotent.
- ``decompose(text, *, doc_date, units) -> list[Candidate]``: candidates in document order.
  ``text`` is cleaned again internally (a no-op on cleaned text); ``units`` is a sequence of
  ``UnitRef(name, aliases)`` built from the unit tree.
- ``decompose_table(rows, *, doc_date, units) -> list[Candidate]``: one candidate per row of a
  任务分解表 (rows of cell texts, the first row(s) holding 序号/任务/牵头单位/责任单位/完成时限).
  Offsets refer to ``render_table(rows)``.
- ``read_docx(path_or_bytes) -> DocxContent(text, tables)``: paragraphs and tables of a .docx in
  order; tables also appear in ``text`` as tab-separated lines, so ``decompose(content.text)``
  finds them.
- ``parse_deadline(phrase_or_sentence, doc_date) -> Deadline | None`` and
  ``match_units(text, directory) -> list[str]`` for forms and review edits.

``Candidate`` fields: ``text`` (the task wording, trimmed of enumerators, connectives, a leading
要 and unit annotations), ``source_sentence`` (exact substring of the cleaned text, at
``sentence_start:sentence_end``), ``start``/``end`` (the span to highlight: the sentence itself,
or for one item of an enumeration "一是…；二是…" the item inside the shared sentence, or for a
table row the task cell), ``section`` (the nearest heading above, e.g. "第三,平台要建好"),
``lead_unit``, ``co_units`` (canonical names, or the names as written when the directory has no
match), ``units_in_tree`` (which of them matched the directory), ``deadline``, ``deadline_text``
(the phrase as written; a relative period says it counts from the document's date),
``recurring`` and ``recurrence`` ("monthly:23", "weekly:5", "yearly:02-end" …), ``milestones``
(the dated stages of one task, the last being its deadline), ``kind`` ("sentence",
"enumeration", "item" or "table"). For a text in traditional characters the wording is
converted to simplified; ``source_sentence`` keeps the original.

What is not a task: retrospective passages (回顾, 去年, 近年来, 取得了, 同比增长 …), pure
exhortations (提高认识, 增强责任感, 提升站位, 学习贯彻 …, 希望大家 …), quotations of 总书记 and
what follows them in the same sentence, and enumerations of questions ("一是‘开’什么").
Lead-ins ("现将……纪要如下", "会议议定以下事项：") and purpose clauses ("为……，制定本方案") are
not tasks either. A sentence counts as a task when it is an item of an enumeration or a list,
carries a unit annotation, has a directive (要, 确保, 务必, 力争, 必须, 着力, 抓好, 加快 …, or 请 at
its start, as in a leader's instruction), or has a dated deadline and an action verb.

Inheritance: a bracketed annotation closing a paragraph covers every sentence of it that names
no unit; a plan's list item "1.短标题。细则……。（责任单位：…）" is one task ("短标题：细则");
in an instruction "请市商务局……。……务必……。", later sentences of the paragraph that name no unit
are addressed to the same units.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaifang.supervision.decompose.cleanup import clean_text, fold, has_traditional, to_simplified
from kaifang.supervision.decompose.deadlines import Deadline, find_deadlines, parse_deadline
from kaifang.supervision.decompose.sentences import (
    Marker,
    Sentence,
    find_enumerators,
    marker_at,
    outline,
    split_sentences,
)
from kaifang.supervision.decompose.units import (
    Conventions,
    UnitAssignment,
    UnitRef,
    find_assignments,
    looks_like_unit,
    read_conventions,
    resolve_unit,
    split_unit_names,
)

__all__ = ["Candidate", "MilestoneProposal", "decompose", "decompose_table", "render_table"]


@dataclass
class Candidate:
    """A proposed task; see the module docstring for the meaning of each field."""

    text: str
    source_sentence: str
    start: int
    end: int
    section: str | None = None
    lead_unit: str | None = None
    co_units: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    deadline_text: str | None = None
    recurring: bool = False
    recurrence: str | None = None
    sentence_start: int = 0
    sentence_end: int = 0
    kind: str = "sentence"
    milestones: list[MilestoneProposal] = field(default_factory=list)
    units_in_tree: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MilestoneProposal:
    """One dated stage of a task ("9月底前完成方案；12月底前建成"): the stage's words, its date
    and the phrase as written."""

    text: str
    deadline: dt.date | None
    deadline_text: str


# --- what is and is not a task ---------------------------------------------------------------

_RETROSPECTIVE_RE = re.compile(
    r"回顾|过去[的]?一年|过去[几五]年|去年|上年|近年来|近几年|以来|取得了|完成了|实现了|"
    r"同比(?:增长|下降|提高)|作出了贡献|总的来看|总体来看|已经|已(?:建成|完成|实现|获批|开通|落地)"
)
_LESSONS_RE = re.compile(r"体会|经验|启示|成绩|成效|收获")
_EXHORTATION_RE = re.compile(
    r"充分认识|深刻认识|重要意义|为指导|精神状态|新篇章|新征程|新局面|奋力谱写|凝心聚力|[！!]$|(?:贯彻|落实|学习)[^，。；]{0,12}精神$|提高(?:思想)?认识|提升(?:政治)?站位|提高(?:政治)?站位|责任感|使命感|紧迫感|思想自觉|"
    r"行动自觉|履职尽责|希望大家|学习贯彻|与时俱进|敢于担当|要看到|要认识到|统一思想|树牢|"
    r"转变.{0,4}理念|高度重视|政治站位"
)
_QUOTE_RE = re.compile(
    r"^(?:[^，。]{0,6}，)?(?:习近平)?(?:同志|总书记)(?:在[^，。“]{0,20})?(?:指出|强调|说|讲|要求|提出)"
)
_QUOTE_CONTINUATION_RE = re.compile(r"^(?:强调|指出|倡议|提出|要求)")
# Signatures, copy-to lines, attendance lists and web-page furniture.
_BOILERPLATE_RE = re.compile(
    r"^(?:出席|列席|记录|参加(?:人员|单位)?|抄送|抄报|主送|联系人|联系电话|电话|传真|附件|来源|"
    r"信息来源|文章来源|责任编辑|编辑|审核|校对|作者|发布时间|发布日期|发文日期|成文日期|浏览次数|"
    r"点击数|索引号|文号|发布机构|主题分类|公开方式|公开时限|文件编号)\s*[：:]|"
    r"打印本页|关闭窗口|【?字体[：:]?\s*[【\[]?大|分享到|扫一扫|上一篇|下一篇|返回顶部|"
    r"^(?:首页|当前位置)\s*[>＞》]|^（此件[^）]*）$|^\(此件[^)]*\)$"
)
_QUESTION_RE = re.compile(r"什么|怎么|如何|为什么|哪些|[？]")
# Lead-ins and purpose clauses: "现将会议议定事项纪要如下", "会议议定以下事项：",
# "为……，结合我市实际，制定本方案".
_PROCEDURAL_RE = re.compile(
    r"(?:如下|以下(?:事项|几点|意见|工作)?)[：。]?$|"
    r"^为.{4,}(?:制定|制订|特制定|特制订|提出|现提出)(?:本方案|本实施方案|本意见|本计划|如下|以下)|"
    r"(?:[一二三四五六七八九十两几\d]+|以下|下列|如下)(?:个方面|方面|点|项)(?:的?工作|要求|意见|任务)?[：。]?$|"
    r"(?:印发给你们|请遵照(?:执行|实施)|请认真(?:贯彻|组织|抓好)|请结合实际|已经.{1,12}同意)"
)
# A paragraph that states the document's purpose ("为……，制定本方案", "现提出以下意见：",
# "通知如下：") or its cover letter ("现印发给你们，请遵照执行") holds no task, except a
# dated instruction in it
# ("各单位工作落实情况请于每月23日前报市政府办公厅").
_PREAMBLE_RE = re.compile(
    r"(?:制定|制订|特制定|特制订)(?:本方案|本实施方案|本意见|本计划|本办法)|"
    r"(?:现|特)?(?:提出|通知)(?:以下|如下)(?:意见)?[：。]|(?:意见|通知|事项)如下[：。]|"
    r"印发给你们|请遵照(?:执行|实施)|决定成立"
)
# Sections that hold no tasks: 重大意义, 指导思想, 基本原则 … ; target sections (工作目标, 发展目标)
# hold only the targets that are measured or dated.
_NON_TASK_SECTION_RE = re.compile(
    r"^(?:[^，。]{0,6})?(?:重大意义|重要意义|指导思想|基本原则|工作原则|总体思路|基本思路|背景|形势)[。：]?$"
)
_TARGET_SECTION_RE = re.compile(r"^[^，。]{0,8}目标[。：]?$")
_MEASURED_RE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|个百分点)|\d+(?:\.\d+)?\s*(?:万|亿)?(?:元|美元|家|个|人|次|班|吨|亩)"
    r"|确保|力争|务必|位居|前列"
)
# "请市商务局……": a leader's instruction addresses a unit with 请.
_ADDRESSED_RE = re.compile(r"^请")
# 要 as a modal verb, not inside 重要/主要/需要/要求/要素/纪要 …
_MODAL_YAO_RE = re.compile(r"(?<![重主需只首必纪摘概提简紧想])要(?![求素点件闻害领务])")
_STRONG_RE = re.compile(
    r"确保|务必|力争|必须|着力|狠抓|抓好|加快|争取|全力|应当|会议(?:要求|议定|明确|决定|同意|研究决定)|"
    r"牵头"
)
_ACTION_RE = re.compile(
    r"推进|推动|建设|建成|打造|培育|开展|实施|落实|完成|完善|制定|出台|组织|举办|引进|"
    r"加强|强化|提升|提高|优化|扩大|支持|争取|推广|搭建|建立|健全|启动|编制|报送|申建|"
    r"研究|开发|拓展|服务|迁|投用|获批|把握|抓住|深化|促进|安排|报(?=[省市区县局])"
)
_LEADING_TRIM_RE = re.compile(
    r"^(?:(?:同时|此外|另外|对此|总之|尤其|特别是|在这方面|需要强调的是|当前|下一步|"
    r"会议(?:要求|议定|明确|决定|同意|指出|强调|认为|研究决定)|对[^，。]{1,10}(?:来讲|来说|而言)|"
    r"[^，。]{1,5}，就是)[，：]?)+"
)
_LEADING_MODAL_RE = re.compile(r"^(?:尤其|一定|还|也|都|更|就)?(?:要|必须|务必)(?=.)")
_TRAILING = " 。；，：、\n\t"


def _has_directive(folded: str) -> bool:
    return bool(
        _MODAL_YAO_RE.search(folded) or _STRONG_RE.search(folded) or _ADDRESSED_RE.match(folded)
    )


def _is_questions(folded_items: list[str]) -> bool:
    questions = sum(1 for item in folded_items if _QUESTION_RE.search(item) and len(item) < 16)
    return questions * 2 > len(folded_items)


# --- building candidates ----------------------------------------------------------------------


def _strip_spans(text: str, base: int, spans: list[tuple[int, int]]) -> str:
    """``text`` (which starts at offset ``base``) without the given absolute spans."""
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        s, e = max(0, start - base), min(len(text), end - base)
        if s >= e or s < cursor:
            continue
        pieces.append(text[cursor:s])
        cursor = e
    pieces.append(text[cursor:])
    return "".join(pieces)


def _task_wording(raw: str, marker_len: int = 0) -> str:
    body = raw[marker_len:].strip(_TRAILING)
    folded = fold(body)
    trimmed = _LEADING_TRIM_RE.match(folded)
    if trimmed and trimmed.end() < len(body):
        body, folded = body[trimmed.end() :], folded[trimmed.end() :]
    modal = _LEADING_MODAL_RE.match(folded)
    if modal:
        body = body[modal.end() :]
    return body.strip(_TRAILING)


@dataclass
class _Context:
    text: str
    folded: str
    doc_date: dt.date
    units: Sequence[UnitRef]
    conventions: Conventions | None = None


def _units_for(
    ctx: _Context, start: int, end: int
) -> tuple[str | None, list[str], UnitAssignment | None]:
    for assignment in find_assignments(
        ctx.text, ctx.units, start, end, conventions=ctx.conventions
    ):
        if assignment.lead or assignment.co:
            lead = assignment.lead[0] if assignment.lead else None
            co = [*assignment.lead[1:], *assignment.co]
            return lead, co, assignment
    return None, [], None


def _deadline_for(
    ctx: _Context, start: int, end: int, assignment: UnitAssignment | None
) -> Deadline | None:
    if assignment is not None and assignment.deadline_text:
        found = parse_deadline(assignment.deadline_text, ctx.doc_date)
        if found is not None:
            return found
    return parse_deadline(ctx.text[start:end], ctx.doc_date)


def _trailing_annotation(ctx: _Context, end: int) -> UnitAssignment | None:
    """The bracketed unit annotation later on the line of ``end``, if any."""
    line_end = ctx.text.find("\n", end)
    line_end = len(ctx.text) if line_end < 0 else line_end
    for assignment in find_assignments(
        ctx.text, ctx.units, end, line_end, conventions=ctx.conventions
    ):
        if assignment.bracketed and (assignment.lead or assignment.co):
            return assignment
    return _label_lines(ctx, line_end)


_LABEL_LINE_RE = re.compile(
    r"^(?:牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|完成时限|完成时间|时间节点)[：:]"
)


def _label_lines(ctx: _Context, line_end: int) -> UnitAssignment | None:
    """ "1.推进综保区申建。" followed by lines "牵头单位：…" "责任单位：…" "完成时限：…"."""
    start = cursor = line_end + 1
    while cursor < len(ctx.text) and _LABEL_LINE_RE.match(ctx.folded[cursor : cursor + 8]):
        next_end = ctx.text.find("\n", cursor)
        cursor = len(ctx.text) if next_end < 0 else next_end + 1
    if cursor == start:
        return None
    block = ctx.text[start:cursor].replace("\n", "；")
    found = find_assignments(block, ctx.units, prose=False)
    if not found:
        return None
    first = found[0]
    return UnitAssignment(
        lead=first.lead,
        co=first.co,
        start=start,
        end=cursor,
        deadline_text=first.deadline_text,
        bracketed=True,
        labels=first.labels,
    )


def _annotation_spans(ctx: _Context, start: int, end: int) -> list[tuple[int, int]]:
    return [
        (a.start, a.end)
        for a in find_assignments(
            ctx.text, ctx.units, start, end, conventions=ctx.conventions, prose=False
        )
        if a.bracketed or a.labels
    ]


def _make(
    ctx: _Context,
    *,
    span: tuple[int, int],
    sentence: tuple[int, int],
    section: str | None,
    marker_len: int,
    kind: str,
    fallback: tuple[int, int] | None = None,
) -> Candidate | None:
    start, end = span
    lead, co, assignment = _units_for(ctx, start, end)
    deadline = _deadline_for(ctx, start, end, assignment)
    if fallback is not None:
        if lead is None and not co:
            lead, co, _ = _units_for(ctx, *fallback)
        if deadline is None:
            deadline = parse_deadline(ctx.text[fallback[0] : fallback[1]], ctx.doc_date)
    raw_subject = assignment is not None and assignment.subject
    if (lead is None and not co) or raw_subject:
        # "制定方案，4月25日前印发实施；组织……。（牵头单位：…）": the annotation closing the
        # paragraph covers every sentence of it (and outweighs a subject read from prose).
        trailing = _trailing_annotation(ctx, end)
        if trailing is not None:
            lead = trailing.lead[0] if trailing.lead else None
            co = [*trailing.lead[1:], *trailing.co]
            if deadline is None and trailing.deadline_text:
                deadline = parse_deadline(trailing.deadline_text, ctx.doc_date)
    raw = _strip_spans(ctx.text[start:end], start, _annotation_spans(ctx, start, end))
    wording = _task_wording(raw, marker_len)
    if len(wording) < 4:
        return None
    return Candidate(
        text=wording,
        source_sentence=ctx.text[sentence[0] : sentence[1]],
        start=start,
        end=end,
        section=section,
        lead_unit=lead,
        co_units=co,
        deadline=deadline.date if deadline else None,
        deadline_text=deadline.label if deadline else None,
        recurring=deadline.recurring if deadline else False,
        recurrence=deadline.recurrence if deadline else None,
        sentence_start=sentence[0],
        sentence_end=sentence[1],
        kind=kind,
    )


def _item_spans(ctx: _Context, sentence: Sentence, markers: list[Marker]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start if index + 1 < len(markers) else sentence.end
        while end > marker.start and ctx.folded[end - 1] in _TRAILING:
            end -= 1
        spans.append((marker.start, end))
    return spans


def _enumeration(ctx: _Context, sentence: Sentence, markers: list[Marker]) -> list[Candidate]:
    spans = _item_spans(ctx, sentence, markers)
    if _is_questions([ctx.folded[s:e] for s, e in spans]):
        return []
    lead_in = (sentence.start, markers[0].start)
    if _RETROSPECTIVE_RE.search(ctx.folded, *lead_in) or _LESSONS_RE.search(ctx.folded, *lead_in):
        return []  # "回顾一年来的工作，我们有以下几点体会：一是……"
    result: list[Candidate] = []
    for (start, end), marker in zip(spans, markers, strict=True):
        folded_item = ctx.folded[start:end]
        if _EXHORTATION_RE.search(folded_item) or _RETROSPECTIVE_RE.search(folded_item):
            continue
        candidate = _make(
            ctx,
            span=(start, end),
            sentence=(sentence.start, sentence.end),
            section=sentence.section,
            marker_len=marker.end - marker.start,
            kind="enumeration",
            fallback=lead_in,
        )
        if candidate is not None:
            result.append(candidate)
    return result


def _sentence_candidate(
    ctx: _Context, sentence: Sentence, *, force: bool = False
) -> Candidate | None:
    folded = ctx.folded[sentence.start : sentence.end]
    annotated = bool(_annotation_spans(ctx, sentence.start, sentence.end))
    deadline = parse_deadline(sentence.text, ctx.doc_date)
    concrete = annotated or (
        deadline is not None
        and deadline.date is not None
        and deadline.date.year >= ctx.doc_date.year
        and deadline.text not in ("全年", "年度", "今年", "本年")
    )
    if (_EXHORTATION_RE.search(folded) or _RETROSPECTIVE_RE.search(folded)) and not concrete:
        return None
    if _PROCEDURAL_RE.search(folded.rstrip("。；，")) and not annotated:
        return None
    marker = sentence.marker
    listed = marker is not None  # 1. / （一） / 第一， / 一是 … as the first words
    if force:
        pass
    elif listed:
        body = fold(_task_wording(sentence.text, marker.end - marker.start if marker else 0))
        if not (
            _ACTION_RE.search(folded)
            or _MEASURE_START_RE.match(body)
            or _has_directive(folded)
            or annotated
        ):
            return None
    elif not (
        annotated
        or _has_directive(folded)
        or _ACTION_RE.match(_task_wording(folded))
        or _MEASURE_START_RE.match(_task_wording(folded))
        or (concrete and _ACTION_RE.search(folded))  # "各单位每月23日前将进展报市商务局"
        or (_ACTION_RE.search(folded) and _names_subject(ctx, sentence))  # "国务院办公厅将…"
    ):
        return None
    return _make(
        ctx,
        span=(sentence.start, sentence.end),
        sentence=(sentence.start, sentence.end),
        section=sentence.section,
        marker_len=(marker.end - marker.start) if marker is not None else 0,
        kind=("enumeration" if marker.kind == "shi" else "item") if marker else "sentence",
    )


def _names_subject(ctx: _Context, sentence: Sentence) -> bool:
    """Whether a clause of the sentence opens with a unit that acts ("X将…", "X会同Y…")."""
    lead, _, assignment = _units_for(ctx, sentence.start, sentence.end)
    return lead is not None and assignment is not None and not assignment.bracketed


# --- tables -----------------------------------------------------------------------------------

_CELL_SEPARATOR_RE = re.compile(r"\t|[ \u3000]{2,}|\u3000")
_HEADER_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("index", re.compile(r"^(?:序号|编号|序)$")),
    ("lead", re.compile(r"牵头")),
    ("co", re.compile(r"配合|协办|参与|协同")),
    ("guide", re.compile(r"指导")),
    ("responsible", re.compile(r"责任|承办|主体|实施(?:单位|部门)")),
    ("deadline", re.compile(r"时限|时间|期限|节点|截止")),
    ("scope", re.compile(r"范围|备注|说明")),
    ("task", re.compile(r"任务|内容|事项|措施|工作|举措")),
)


@dataclass(frozen=True)
class _Cell:
    start: int
    end: int


def _cells(text: str, start: int, end: int) -> list[_Cell]:
    cells: list[_Cell] = []
    cursor = start
    for separator in _CELL_SEPARATOR_RE.finditer(text, start, end):
        cells.append(_Cell(cursor, separator.start()))
        cursor = separator.end()
    cells.append(_Cell(cursor, end))
    return cells


def _header_roles(text: str, cells: list[_Cell]) -> dict[str, int]:
    """Column roles by header text, in any order. Of several task columns (上级部署任务 |
    本地落实措施) the last is the task and the first its context."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        value = text[cell.start : cell.end].strip()
        for role, pattern in _HEADER_ROLES:
            if pattern.search(value):
                if role == "task" and "task" in roles:
                    roles.setdefault("context", roles["task"])
                    roles["task"] = index
                elif role not in roles:
                    roles[role] = index
                break
    return roles


def _is_header(roles: dict[str, int]) -> bool:
    return "task" in roles and bool({"lead", "responsible", "co", "deadline"} & roles.keys())


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in text.split("\n"):
        spans.append((cursor, cursor + len(line)))
        cursor += len(line) + 1
    return spans


def _cell_text(ctx: _Context, cells: list[_Cell], index: int | None) -> tuple[str, _Cell | None]:
    if index is None or index >= len(cells):
        return "", None
    cell = cells[index]
    return ctx.text[cell.start : cell.end].strip(), cell


def _row_units(
    ctx: _Context, cells: list[_Cell], roles: dict[str, int]
) -> tuple[list[str], list[str]]:
    names = {
        role: [
            resolve_unit(n, ctx.units)
            for n in split_unit_names(
                _split_joined_names(_cell_text(ctx, cells, roles.get(role))[0])
            )
        ]
        for role in ("lead", "responsible", "co", "guide")
    }
    lead_names = names["lead"] or names["responsible"][:1]
    co_names = [
        n for n in [*names["responsible"], *names["co"], *names["guide"]] if n not in lead_names
    ]
    return lead_names, [*lead_names[1:], *dict.fromkeys(co_names)]


def _split_joined_names(value: str) -> str:
    """ "市行政审批局市司法局" (two names run together in a cell) → "市行政审批局、市司法局"."""
    return re.sub(r"(?<=[局委办厅署院府])(?=[市县区省州](?!场|民|级))", "、", value)


def _row_candidates(
    ctx: _Context,
    line: tuple[int, int],
    cells: list[_Cell],
    roles: dict[str, int],
    section: str | None,
) -> list[Candidate]:
    """One candidate per measure of the row's task cell (usually one), with the row's units and
    deadline unless the measure states its own ("市审改办要每月调度…")."""
    task, task_cell = _cell_text(ctx, cells, roles.get("task"))
    if not task or task_cell is None:
        return []
    lead_names, co_names = _row_units(ctx, cells, roles)
    deadline_cell, _ = _cell_text(ctx, cells, roles.get("deadline"))
    row_deadline = parse_deadline(deadline_cell, ctx.doc_date) if deadline_cell else None
    context, _ = _cell_text(ctx, cells, roles.get("context"))
    raw_task = ctx.text[task_cell.start : task_cell.end]
    start = task_cell.start + len(raw_task) - len(raw_task.lstrip())
    end = start + len(task)
    pieces = [
        Sentence(start + s.start, start + s.end, s.text, s.marker)
        for s in split_sentences(ctx.text[start:end])
    ]
    groups = _measures(ctx, pieces) if len(pieces) > 1 else [pieces]
    spans: list[tuple[int, int]] = []
    for group in groups:
        spans.extend(_parallel_stages(ctx, group[0].start, group[-1].end))
    found: list[Candidate] = []
    for span_start, span_end in spans:
        body = ctx.text[span_start:span_end]
        marker = marker_at(ctx.folded, span_start)
        own = parse_deadline(body, ctx.doc_date)
        deadline = own or row_deadline
        if deadline is None and not deadline_cell:
            deadline = parse_deadline(task, ctx.doc_date)
        lead, co = (lead_names[0] if lead_names else None), list(co_names)
        if len(spans) > 1:
            subject = [a for a in find_assignments(ctx.text, ctx.units, span_start, span_end)
                       if not a.bracketed and a.lead]  # fmt: skip
            if subject:
                lead, co = subject[0].lead[0], [*subject[0].lead[1:], *subject[0].co]
        wording = _task_wording(body, (marker.end - marker.start) if marker else 0)
        if len(wording) < 4:
            continue
        found.append(
            Candidate(
                text=wording,
                source_sentence=ctx.text[line[0] : line[1]],
                start=span_start,
                end=span_end,
                section=section or (context[:200] if context else None),
                lead_unit=lead,
                co_units=co,
                deadline=deadline.date if deadline else None,
                deadline_text=deadline.label if deadline else (deadline_cell or None),
                recurring=deadline.recurring if deadline else False,
                recurrence=deadline.recurrence if deadline else None,
                sentence_start=line[0],
                sentence_end=line[1],
                kind="table",
            )
        )
    if len(found) == 1:
        found[0].text = _task_wording(task, _marker_length(ctx, start))
        found[0].start, found[0].end = start, end
        head = marker_at(fold(context), 0) if context else None
        title = _task_wording(context, (head.end - head.start) if head else 0) if context else ""
        if title and len(title) <= _MAX_TITLE and "。" not in title and title not in task:
            # 改革事项 | 主要内容: "企业登记“一网通办”：推行企业开办全程网上办理……"
            found[0].text = f"{title}：{found[0].text}"
    else:
        # Several measures in one cell: each points at its own words, not the whole row.
        for candidate in found:
            candidate.sentence_start, candidate.sentence_end = candidate.start, candidate.end
            candidate.source_sentence = ctx.text[candidate.start : candidate.end]
    return found


def _split_parallel(ctx: _Context, candidate: Candidate) -> list[Candidate]:
    """A sentence of parallel dated deliverables becomes one candidate per deliverable."""
    spans = _parallel_stages(ctx, candidate.start, candidate.end)
    if len(spans) < 2:
        return [candidate]
    parts = []
    for start, end in spans:
        part = _make(
            ctx,
            span=(start, end),
            sentence=(start, end),
            section=candidate.section,
            marker_len=_marker_length(ctx, start),
            kind=candidate.kind,
            fallback=(candidate.start, candidate.end),
        )
        if part is not None:
            parts.append(part)
    return parts or [candidate]


def _marker_length(ctx: _Context, pos: int) -> int:
    marker = marker_at(ctx.folded, pos)
    return (marker.end - marker.start) if marker else 0


def _parallel_stages(ctx: _Context, start: int, end: int) -> list[tuple[int, int]]:
    """ "8月底前编制完成市级清单并公布，9月底前编制完成区县级清单并公布": dated clauses that repeat
    the same verb are separate deliverables, one task each. Otherwise the span stays whole."""
    stages = _stages(ctx, start, end)
    if len(stages) < 2:
        return [(start, end)]
    verbs = {ctx.folded[d.end : d.end + 6].lstrip("，")[:2] for _, d in stages}
    if len(verbs) != 1:
        return [(start, end)]
    cuts = [start] + [clause for clause, _ in stages[1:]] + [end]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _stages(ctx: _Context, start: int, end: int) -> list[tuple[int, Deadline]]:
    """Dated one-off deadlines of a span, each with the start of its clause (absolute offsets)."""
    found: list[tuple[int, Deadline]] = []
    for deadline in find_deadlines(ctx.text[start:end], ctx.doc_date):
        if deadline.recurring or deadline.date is None:
            continue
        absolute = Deadline(
            deadline.date,
            deadline.text,
            start=start + deadline.start,
            end=start + deadline.end,
            relative=deadline.relative,
        )
        clause = start
        for i in range(absolute.start - 1, start - 1, -1):
            if ctx.folded[i] in "，；：。":
                clause = i + 1
                break
        if found and found[-1][0] == clause:
            continue  # two phrases in one clause ("到2020年…6月底前") are one stage
        found.append((clause, absolute))
    return found


def _tables(ctx: _Context) -> tuple[list[tuple[int, Candidate]], list[tuple[int, int]]]:
    """Candidates from tables written as text, and the spans those tables cover."""
    found: list[tuple[int, Candidate]] = []
    covered: list[tuple[int, int]] = []
    lines = _line_spans(ctx.text)
    index = 0
    while index < len(lines):
        start, end = lines[index]
        cells = _cells(ctx.folded, start, end)
        roles = _header_roles(ctx.text, cells) if len(cells) >= 2 else {}
        if not _is_header(roles):
            index += 1
            continue
        table_start = start
        section: str | None = None
        filled: list[int] = []
        index += 1
        while index < len(lines):
            row_start, row_end = lines[index]
            row = _cells(ctx.folded, row_start, row_end)
            values = [ctx.text[c.start : c.end].strip() for c in row]
            non_empty = [v for v in values if v]
            if not non_empty:
                break
            if len(row) < 2 or (len(set(non_empty)) == 1 and not non_empty[0].isdigit()):
                if len(row) < 2 and index + 1 < len(lines):
                    nxt = _cells(ctx.folded, *lines[index + 1])
                    if len(nxt) < 2:
                        break
                section = non_empty[0]  # a merged row such as "一、平台建设"
                index += 1
                continue
            row = _align_row(ctx, row, filled, roles)
            filled = [i for i, c in enumerate(row) if ctx.text[c.start : c.end].strip()]
            found.extend(
                (c.start, c)
                for c in _row_candidates(ctx, (row_start, row_end), row, roles, section)
            )
            index += 1
        covered.append((table_start, lines[index - 1][1]))
    return found, covered


def _align_row(
    ctx: _Context, row: list[_Cell], filled: list[int], roles: dict[str, int]
) -> list[_Cell]:
    """A row whose first cells are merged with the row above (a text or web table drops them):
    its cells may belong to the last columns the previous row filled. The reading whose cells
    fit their columns better (a task, units, a deadline) wins."""
    values = [ctx.text[c.start : c.end].strip() for c in row]
    count = sum(1 for v in values if v)
    if not filled or count >= len(filled) or any(not v for v in values[:count]):
        return row
    aligned = [_Cell(row[0].start, row[0].start) for _ in range(max(filled) + 1)]
    for cell, column in zip(row[:count], filled[-count:], strict=True):
        aligned[column] = cell
    return aligned if _fit(ctx, aligned, roles) > _fit(ctx, row, roles) else row


def _fit(ctx: _Context, row: list[_Cell], roles: dict[str, int]) -> int:
    """How well a row's cells fit the columns the header names."""
    score = 0
    task, _ = _cell_text(ctx, row, roles.get("task"))
    if len(task) >= 6 and not all(looks_like_unit(n) for n in split_unit_names(task)):
        score += 1
    for role in ("lead", "responsible", "co", "guide"):
        value, _ = _cell_text(ctx, row, roles.get(role))
        names = split_unit_names(_split_joined_names(value))
        if names and all(looks_like_unit(n, ctx.units) for n in names):
            score += 1
    deadline, _ = _cell_text(ctx, row, roles.get("deadline"))
    if deadline and parse_deadline(deadline, ctx.doc_date) is not None:
        score += 1
    return score


def render_table(rows: Sequence[Sequence[str]]) -> str:
    """A table as text: one line per row, tab-separated cells (newlines in a cell → space)."""
    return "\n".join(
        "\t".join(" ".join(cell.replace("\t", " ").split()) for cell in row) for row in rows
    )


# --- entry points -----------------------------------------------------------------------------


_TITLE_KINDS = ("num_dot", "num_dun", "num_paren", "cn_paren", "circled", "cn_dun")
_MAX_TITLE = 24


def _line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


# A sentence that opens a measure of its own: an action verb first, after an adverb or two.
_MEASURE_START_RE = re.compile(
    r"^(?:(?:以[^，。；]{1,30}?为(?:重点|核心|引领|抓手|主线|基础|契机|导向|目标|突破口|载体)|"
    r"按照[^，。；]{1,30}?(?:原则|要求|部署)|在[^，。；]{1,20}?(?:中|方面|上|基础上))，)?"
    r"(?:(?:持续|扎实|积极|大力|进一步|全面|深入|加快|切实|着力|稳步|认真|依法|严格|不断|逐步|"
    r"主动|继续|同步|抓紧|及时|统筹|稳妥)(?:地)?)*"
    r"(?:推进|推动|推行|推广|建设|建成|建立|健全|打造|培育|开展|实施|实行|落实|完成|完善|制定|出台|"
    r"组织|举办|办好|引进|加强|强化|提升|提高|优化|扩大|支持|争取|搭建|启动|编制|报送|申建|研究|"
    r"开发|拓展|深化|促进|配合|利用|依托|允许|鼓励|简化|规范|整治|清理|创新|探索|发布|引导|限制|"
    r"禁止|加大|增加|降低|减少|创建|倡导|构建|筛选|确定|印发|新增|开行|增强|释放|整合|设立|"
    r"开通|上线|召开|督促|指导|摸清|摸排|排查|清查)"
)


def _opens_with_subject(ctx: _Context, sentence: Sentence) -> bool:
    """ "市审改办要坚持每月调度…": the sentence opens with the unit that acts."""
    return any(
        a.subject and not a.bracketed
        for a in find_assignments(ctx.text, ctx.units, sentence.start, sentence.end)
    ) and not fold(sentence.text).startswith(("要", "并", "同时"))


def _measures(ctx: _Context, body: list[Sentence]) -> list[list[Sentence]]:
    """Group an item's sentences into measures: each opens with an action verb; a sentence that
    does not (a condition, a clarification) belongs to the measure before it."""
    groups: list[list[Sentence]] = []
    for sentence in body:
        wording = fold(_task_wording(sentence.text))
        folded = ctx.folded[sentence.start : sentence.end].strip()
        if folded.startswith(("（", "〔", "【")) and _annotation_spans(
            ctx, sentence.start, sentence.end
        ):
            if groups:
                groups[-1].append(sentence)
            continue
        if not groups or _MEASURE_START_RE.match(wording) or _opens_with_subject(ctx, sentence):
            groups.append([sentence])
        else:
            groups[-1].append(sentence)
    return groups


def _titled_item(
    ctx: _Context, sentences: list[Sentence], index: int
) -> tuple[list[Candidate], int]:
    """A plan's list item "1.加快综合保税区申建。完善申报材料……。（责任单位：…）": a short title
    and its body on one line. One measure makes one task ("title：details"); several measures
    (each sentence opening with its own action verb) make one task each, with the item's title
    as their section. Returns the candidates and the number of sentences used."""
    title = sentences[index]
    marker = title.marker
    if marker is None or marker.kind not in _TITLE_KINDS or title.heading:
        return [], 0
    body = title.text[marker.end - title.start :].rstrip("。；：:")
    if not body or len(body) > _MAX_TITLE or "，" in fold(body):
        return [], 0
    _, line_end = _line_of(ctx.text, title.start)
    used = 1
    while (
        index + used < len(sentences)
        and sentences[index + used].start < line_end
        and sentences[index + used].marker is None
    ):
        used += 1
    if used == 1:
        return [], 0
    last = sentences[index + used - 1]
    groups = _measures(ctx, sentences[index + 1 : index + used])
    if len(groups) >= 2:
        found: list[Candidate] = []
        section = _heading_title_text(title)
        for group in groups:
            start, end = group[0].start, group[-1].end
            candidate = _make(
                ctx,
                span=(start, end),
                sentence=(start, end),
                section=section,
                marker_len=0,
                kind="item",
            )
            if candidate is not None:
                found.append(candidate)
        return found, used
    candidate = _make(
        ctx,
        span=(title.start, last.end),
        sentence=(title.start, last.end),
        section=title.section,
        marker_len=marker.end - marker.start,
        kind="item",
    )
    if candidate is None:
        return [], used
    rest = _strip_spans(
        ctx.text[title.end : last.end], title.end, _annotation_spans(ctx, title.end, last.end)
    )
    details = _task_wording(rest)
    candidate.text = f"{_task_wording(body)}：{details}" if details else _task_wording(body)
    return [candidate], used


def _heading_title_text(sentence: Sentence) -> str:
    return sentence.text.rstrip("。：:；;，, ")


def _inherit_addressee(ctx: _Context, candidates: list[Candidate]) -> None:
    """In an instruction "请市商务局……。……务必……确保年内获批。", the later sentences of the
    paragraph are addressed to the same units as the first."""
    addressed: tuple[int, Candidate] | None = None
    for candidate in candidates:
        line = _line_of(ctx.text, candidate.sentence_start)
        if _ADDRESSED_RE.match(fold(candidate.source_sentence)) and candidate.lead_unit:
            addressed = (line[0], candidate)
        elif addressed is not None and addressed[0] == line[0]:
            if candidate.lead_unit is None and not candidate.co_units:
                candidate.lead_unit = addressed[1].lead_unit
                candidate.co_units = list(addressed[1].co_units)
        else:
            addressed = None
    _inherit_subject(ctx, candidates)


_CONTINUED_RE = re.compile(r"^(?:同时|并|还|也|更|另外|此外)?[，]?(?:要|务必|必须|须)")


def _inherit_subject(ctx: _Context, candidates: list[Candidate]) -> None:
    """ "海关总署要继续做好牵头工作……。要继续促进……。要加大……": a sentence that opens with 要
    and names no unit continues the subject of the sentence before it in the paragraph."""
    previous: tuple[int, Candidate] | None = None
    for candidate in candidates:
        line = _line_of(ctx.text, candidate.sentence_start)[0]
        if candidate.lead_unit is not None or candidate.co_units:
            previous = (line, candidate)
            continue
        if (
            previous is not None
            and previous[0] == line
            and _CONTINUED_RE.match(fold(candidate.source_sentence))
        ):
            candidate.lead_unit = previous[1].lead_unit
            candidate.co_units = list(previous[1].co_units)
        else:
            previous = None


_SECTION_KINDS = ("cn_dun", "cn_paren", "di", "num_dot", "num_dun", "num_paren", "circled")
_MAX_RUN_IN_TITLE = 12
# Headings that are tasks themselves: "一、要加快推进综保区申建，确保年底前获批".
_HEADING_DIRECTIVE_RE = re.compile(
    r"确保|务必|必须|力争|(?<![重主需只首必纪摘概提简紧想])要(?=[^求素点件闻害领务])"
)


def _marker_title(sentence: Sentence) -> str:
    """The title of a marked sentence: its body up to the first full stop."""
    marker = sentence.marker
    body = sentence.text[(marker.end - marker.start) if marker else 0 :]
    return fold(body).split("。")[0].strip(" ：:；")


_LOOKING_BACK_RE = re.compile(
    r"^(?:过去的?一年|过去[几五]年|回顾|一年来|去年|上年|2\d{3}年(?:是|以来))"
)


def _preamble_lines(ctx: _Context, sentences: list[Sentence]) -> set[int]:
    """Line starts of the paragraphs that state the purpose, are the cover letter, or look back
    ("过去的一年，……"): none of their sentences is a task unless it carries a date ahead."""
    lines: set[int] = set()
    for sentence in sentences:
        line_start = _line_of(ctx.text, sentence.start)[0]
        if _PREAMBLE_RE.search(ctx.folded, sentence.start, sentence.end) or (
            sentence.start == line_start
            and _LOOKING_BACK_RE.match(ctx.folded[sentence.start : sentence.end])
        ):
            lines.add(line_start)
    return lines


def _dated_ahead(ctx: _Context, sentence: Sentence) -> bool:
    found = parse_deadline(sentence.text, ctx.doc_date)
    return found is not None and (
        found.recurring or (found.date is not None and found.date >= ctx.doc_date)
    )


# A speech's points: "一要抓外资到位。", "二要抓招商引资。"
_POINT_RE = re.compile(r"^[一二三四五六七八九十]{1,2}(?:要|是)[^，。]{2,10}$")


def _run_in_title(ctx: _Context, sentences: list[Sentence], index: int) -> bool:
    """ "突出重点事项攻坚。制定……。实施……。": a short first sentence of a paragraph, with no
    comma, that the paragraph's other sentences spell out, is a label, not a task."""
    sentence = sentences[index]
    body = fold(sentence.text).rstrip("。：；")
    if index + 1 >= len(sentences):
        return False
    if sentence.marker is not None and not (
        sentence.marker.kind == "shi"
        and _POINT_RE.match(body)
        and sentences[index + 1].marker is None  # details follow, not the next point
    ):
        return False
    line_start, line_end = _line_of(ctx.text, sentence.start)
    return (
        (sentence.start == line_start or bool(_POINT_RE.match(body)))
        and 0 < len(body) <= _MAX_RUN_IN_TITLE
        and "，" not in body
        and fold(sentence.text)[-1:] in "。："
        and sentences[index + 1].start < line_end
        and not _annotation_spans(ctx, sentence.start, sentence.end)
        and parse_deadline(sentence.text, ctx.doc_date) is None
    )


def _heading_task(ctx: _Context, sentence: Sentence) -> bool:
    folded = fold(_marker_title(sentence))
    deadline = parse_deadline(sentence.text, ctx.doc_date)
    return bool(_HEADING_DIRECTIVE_RE.search(folded)) and (
        (deadline is not None and deadline.date is not None)
        or (len(folded) >= 10 and bool(_ACTION_RE.search(folded)))
    )


class _Sections:
    """Sections that hold no tasks (重大意义, 指导思想, 基本原则) or only measured targets
    (目标)."""

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.mode: tuple[str, str] | None = None

    def enter(self, sentence: Sentence) -> None:
        marker = sentence.marker
        if marker is None or marker.kind not in _SECTION_KINDS:
            return
        if marker.kind not in self.kinds:
            self.kinds.append(marker.kind)
        level = self.kinds.index(marker.kind)
        if self.mode is not None and level <= self.kinds.index(self.mode[0]):
            self.mode = None
        if self.mode is None:
            title = _marker_title(sentence)
            if _NON_TASK_SECTION_RE.match(title):
                self.mode = (marker.kind, "none")
            elif _TARGET_SECTION_RE.match(title):
                self.mode = (marker.kind, "targets")

    def allows(self, ctx: _Context, sentence: Sentence) -> bool:
        if self.mode is None:
            return True
        if self.mode[1] == "none":
            return False
        folded = ctx.folded[sentence.start : sentence.end]
        return bool(_MEASURED_RE.search(folded)) or _dated_ahead(ctx, sentence)

    def forces(self, ctx: _Context, sentence: Sentence) -> bool:
        """In a target section, a measured target is a task even without a directive."""
        return self.mode is not None and self.mode[1] == "targets" and self.allows(ctx, sentence)


def decompose(text: str, *, doc_date: dt.date, units: Sequence[UnitRef]) -> list[Candidate]:
    """Candidate tasks of a source document, in document order (see the module docstring)."""
    cleaned = clean_text(text)
    ctx = _Context(cleaned, fold(cleaned), doc_date, units, read_conventions(cleaned))
    ordered, covered = _tables(ctx)
    in_quote = False
    sentences = outline(cleaned)
    preamble = _preamble_lines(ctx, sentences)
    sections = _Sections()
    run_in: tuple[int, str] | None = None
    skip = 0
    for index, sentence in enumerate(sentences):
        if skip:
            skip -= 1
            continue
        if any(s <= sentence.start < e for s, e in covered):
            continue
        sections.enter(sentence)
        line_start = _line_of(cleaned, sentence.start)[0]
        if line_start in preamble and not _dated_ahead(ctx, sentence):
            continue
        if not sections.allows(ctx, sentence):
            continue
        if _BOILERPLATE_RE.search(ctx.folded[sentence.start : sentence.end]):
            continue
        if _LABEL_LINE_RE.match(ctx.folded[sentence.start : sentence.end]):
            continue  # "牵头单位：…" on its own line belongs to the task above
        if _run_in_title(ctx, sentences, index):
            run_in = (line_start, fold(sentence.text).rstrip("。：；"))
            continue
        title = run_in[1] if run_in is not None and run_in[0] == line_start else None
        items, used = _titled_item(ctx, sentences, index)
        if used:
            ordered.extend((item.start, item) for item in items)
            skip = used - 1
            continue
        folded = ctx.folded[sentence.start : sentence.end]
        body = fold(_task_wording(sentence.text))
        if _QUOTE_RE.match(folded) or (in_quote and _QUOTE_CONTINUATION_RE.match(body)):
            in_quote = folded.endswith("；")
            continue
        in_quote = False
        if sentence.heading and not _heading_task(ctx, sentence):
            continue
        markers = find_enumerators(cleaned, sentence.start, sentence.end)
        if markers and (
            sentence.marker is None
            or sentence.marker.kind == markers[0].kind
            or markers[0].start > sentence.start
        ):
            ordered.extend((c.start, c) for c in _enumeration(ctx, sentence, markers))
            continue
        candidate = _sentence_candidate(ctx, sentence, force=sections.forces(ctx, sentence))
        if candidate is not None:
            for part in _split_parallel(ctx, candidate):
                if title is not None:
                    part.section = title
                ordered.append((part.start, part))
    ordered.sort(key=lambda pair: pair[0])
    result = [candidate for _, candidate in ordered]
    _inherit_addressee(ctx, result)
    _finish(ctx, result)
    return result


def _finish(ctx: _Context, candidates: list[Candidate]) -> None:
    """Milestones, which units are in the tree, and simplified wording for traditional text."""
    in_tree = {unit.name for unit in ctx.units}
    traditional = has_traditional(ctx.text)
    for candidate in candidates:
        stages = _stages(ctx, candidate.start, candidate.end)
        if len({d.date for _, d in stages}) >= 2:
            cuts = [clause for clause, _ in stages[1:]] + [candidate.end]
            candidate.milestones = [
                MilestoneProposal(
                    text=_task_wording(
                        _strip_spans(
                            ctx.text[clause:cut], clause, _annotation_spans(ctx, clause, cut)
                        )
                    ),
                    deadline=deadline.date,
                    deadline_text=deadline.label,
                )
                for (clause, deadline), cut in zip(stages, cuts, strict=True)
            ]
            last = stages[-1][1]
            candidate.deadline, candidate.deadline_text = last.date, last.label
            candidate.recurring, candidate.recurrence = False, None
        names = [n for n in [candidate.lead_unit, *candidate.co_units] if n]
        candidate.units_in_tree = [n for n in names if n in in_tree]
        if traditional:
            candidate.text = to_simplified(candidate.text)
            candidate.section = to_simplified(candidate.section) if candidate.section else None
            if candidate.lead_unit and candidate.lead_unit not in in_tree:
                candidate.lead_unit = to_simplified(candidate.lead_unit)
            candidate.co_units = [
                n if n in in_tree else to_simplified(n) for n in candidate.co_units
            ]
            candidate.milestones = [
                MilestoneProposal(to_simplified(m.text), m.deadline, m.deadline_text)
                for m in candidate.milestones
            ]


def decompose_table(
    rows: Sequence[Sequence[str]], *, doc_date: dt.date, units: Sequence[UnitRef]
) -> list[Candidate]:
    """Candidates from a table's rows (offsets refer to ``render_table(rows)``)."""
    rendered = render_table(rows)
    ctx = _Context(rendered, fold(rendered), doc_date, units)
    found, _ = _tables(ctx)
    result = [candidate for _, candidate in found]
    _finish(ctx, result)
    return result
