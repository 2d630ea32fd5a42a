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
"enumeration", "item" or "table"), ``warnings`` (what the reviewer should check: a one-off
deadline earlier than the document's date, "截止日期早于文件日期，请核实", and each earlier
stage that is, "时间节点“5月底前”早于文件日期，请核实"). For a text in traditional characters
the wording is converted to simplified; ``source_sentence`` keeps the original.

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
are addressed to the same units. In a State Council style plan, the sentences a role bracket
closes ("完善……，拓展……。支持……。（X负责）") are one measure, one task ("title：details"; see
``groups``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from kaifang.supervision.decompose.build import (
    LABEL_LINE_RE,
    MAX_TITLE,
    MEASURE_START_RE,
    TRAILING,
    Candidate,
    Context,
    MilestoneProposal,
    annotation_spans,
    dated_stages,
    is_generic,
    line_of,
    make,
    measures,
    split_parallel,
    strip_spans,
    task_wording,
    units_for,
)
from kaifang.supervision.decompose.cleanup import clean_text, fold, has_traditional, to_simplified
from kaifang.supervision.decompose.deadlines import deadline_warnings, parse_deadline
from kaifang.supervision.decompose.groups import closed_measure, item_title
from kaifang.supervision.decompose.passes import (
    ADDRESSED_RE,
    ASSIGNING_SENTENCE_RE,
    assign_back,
    drop_restated,
    inherit_addressee,
    inherit_frame,
    inherit_from_parent_item,
    join_steps,
)
from kaifang.supervision.decompose.sentences import (
    Marker,
    Sentence,
    find_enumerators,
    outline,
)
from kaifang.supervision.decompose.tables import render_table, tables
from kaifang.supervision.decompose.units import (
    UnitRef,
    read_conventions,
)

__all__ = ["Candidate", "MilestoneProposal", "decompose", "decompose_table", "render_table"]


# --- what is and is not a task ---------------------------------------------------------------

_RETROSPECTIVE_RE = re.compile(
    r"回顾|过去[的]?一年|过去[几五]年|去年|上年|近年来|近几年|以来|取得了|完成了|实现了|"
    r"同比(?:增长|下降|提高)|作出了贡献|总的来看|总体来看|已经|已(?:建成|完成|实现|获批|开通|落地)"
)
# "较上年增长8%以上", "比上年提高10个百分点", "同比增长6%左右": a target measured against last
# year, not a look back at it, when the sentence aims ("力争", "以上", "左右", "要" …).
_COMPARED_RE = re.compile(
    r"(?:较|比|与)(?:上年|去年|上一年)(?:同期)?|同比(?=(?:增长|提高|增加|下降|减少|降低|提升)\d)"
)
_AIMED_RE = re.compile(
    r"力争|确保|目标|以上|左右|不低于|不少于|突破|达到|预期|(?<![重主需只首必纪摘概提简紧想])要(?![求素点件闻害领务])"
)


def _looks_back(folded: str) -> bool:
    if _AIMED_RE.search(folded):
        folded = _COMPARED_RE.sub(lambda m: "＿" * len(m.group()), folded)
    return bool(_RETROSPECTIVE_RE.search(folded))


_LESSONS_RE = re.compile(r"体会|经验|启示|成绩|成效|收获")
_EXHORTATION_RE = re.compile(
    r"充分认识|深刻认识|重要意义|为指导|精神状态|新篇章|新征程|新局面|奋力谱写|凝心聚力|[！!]$|(?:贯彻|落实|学习)[^，。；]{0,12}精神$|提高(?:思想)?认识|提升(?:政治)?站位|提高(?:政治)?站位|责任感|使命感|紧迫感|思想自觉|"
    r"行动自觉|履职尽责|希望大家|学习贯彻|与时俱进|敢于担当|要看到|要认识到|统一思想|树牢|"
    r"清醒(?:地)?(?:看到|认识)|忧患意识|底线思维|"
    r"转变.{0,4}理念|高度重视|政治站位|牢固树立|坚决克服(?:形式主义|官僚主义)"
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
# "会议同意市商务局提出的综保区申建工作方案": the meeting approves a document, no one's work.
_APPROVES_DOCUMENT_RE = re.compile(
    r"^(?:会议|会上)(?:原则上?)?(?:同意|通过|审议通过)[^，。；]*"
    r"(?:方案|意见|办法|计划|规划|报告|请示|建议|细则|草案)[》”]?[。；]?$"
)
_QUESTION_RE = re.compile(r"什么|怎么|如何|为什么|哪些|[？]")
# Lead-ins and purpose clauses: "现将会议议定事项纪要如下", "会议议定以下事项：",
# "为……，结合我市实际，制定本方案".
_PROCEDURAL_RE = re.compile(
    r"(?:如下|以下(?:事项|几点|意见|工作)?)[：。]?$|"
    r"^为.{4,}(?:制定|制订|特制定|特制订|提出|现提出)(?:本方案|本实施方案|本意见|本计划|如下|以下)|"
    r"(?:[一二三四五六七八九十两几]+|以下|下列|如下)(?:个方面|方面|点)(?:的?工作|要求|意见|任务)?[：。]?$|"
    # "做好以下几项工作：", "3项工作：" — not a measured count ending a task ("复制推广30项。")
    r"(?:[一二三四五六七八九十两几]+|以下|下列|如下)项(?:的?工作|要求|意见|任务)[：。]?$|"
    r"\d+(?:个方面|方面|点|项)(?:的?工作|要求|意见|任务)?：$|"
    r"(?:印发给你们|请遵照(?:执行|实施)|请认真(?:贯彻|组织|抓好)|请结合实际|已经.{1,12}同意)|"
    r"^现将[^，。]{0,20}如下，请[^，。]{0,12}(?:抓好|认真|做好)?落实$"
    # "请承办单位按时限要求办结，并将办理结果报…": a notice's closing, asked of whoever handles each
    r"|^请(?:各)?(?:承办|责任|相关|有关)?(?:单位|部门)按(?:时限|时|期|要求)"
    r"|^(?:会议|会上|经研究)(?:研究)?(?:议定|决定|要求|明确|同意|强调|指出|认为|确定)"
    r"(?:的?(?:事项|意见))?(?:如下)?[：。]?$"
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
    r"^(?:[^，。]{0,6})?(?:重大意义|重要意义|指导思想|基本原则|工作原则|总体思路|基本思路|背景|形势)[。：]?$|"
    # "准确把握当前外贸外资形势", "充分认识扩大开放的重要意义": a speech's look at the situation
    r"^(?:准确|全面|深刻|清醒|充分|科学)?(?:把握|认识|研判|分析|看清|认清)[^，。]{0,14}"
    r"(?:形势|意义|机遇|挑战)[。：]?$"
)
_TARGET_SECTION_RE = re.compile(r"^[^，。]{0,8}目标[。：]?$")
_MEASURED_RE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|个百分点)|\d+(?:\.\d+)?\s*(?:万|亿)?(?:元|美元|家|个|人|次|班|吨|亩)"
    r"|确保|力争|务必|位居|前列"
)
# 要 as a modal verb, not inside 重要/主要/需要/要求/要素/纪要 …
_MODAL_YAO_RE = re.compile(r"(?<![重主需只首必纪摘概提简紧想])要(?![求素点件闻害领务])")
_STRONG_RE = re.compile(
    r"确保|务必|力争|必须|着力|狠抓|抓好|加快|争取|全力|应当|会议(?:原则上?)?(?:要求|议定|明确|决定|同意|研究决定)|"
    r"牵头"
)
_ACTION_RE = re.compile(
    r"推进|推动|建设|建成|打造|培育|开展|实施(?!方案|意见|细则|办法)|落实|完成|完善|制定|出台|组织|举办|引进|"
    r"加强|强化|提升|提高|优化|扩大|支持|争取|推广|搭建|建立|健全|启动|编制|报送|申建|"
    r"研究|开发|拓展|服务|迁|投用|获批|把握|抓住|深化|促进|安排|印发|报(?=[省市区县局])"
)

# "市商务局负责统筹调度": a unit that opens a clause and is given a duty.
_DUTY_RE = re.compile(r"[^，。；“”]{2,30}?负责(?!同志|人|的)[^，。；]{2}")


def _has_directive(folded: str) -> bool:
    return bool(
        _MODAL_YAO_RE.search(folded)
        or _STRONG_RE.search(folded)
        or ADDRESSED_RE.match(folded)
        or _ASKED_RE.search(folded)
    )


# "会议原则同意…规划，请市口岸办修改完善后印发": an instruction after the decision.
# The unit asked must be named: "…，请按时限要求办结" in a cover letter asks no one in particular.
_ASKED_RE = re.compile(
    r"[，；：]请(?:各|[市县区省州](?!场)|海关|税务|人行|外汇|[^，。；]{1,8}?(?:管委会|办公室|中心))"
)


_PUTS_IN_PLACE_RE = re.compile(r"成立|设立|组建|纳入|列入|列为")
# An attitude asked for before the work: "要高度重视，…", "要提高认识，…".
_ATTITUDE_RE = re.compile(
    r"高度重视|提高(?:思想)?认识|提(?:升|高)(?:政治)?站位|统一思想|责任感|使命感|紧迫感"
)


def _exhorts_only(folded: str) -> bool:
    """Whether the sentence exhorts and names no measure: "各县区要高度重视，把…纳入年度重点
    工作，成立工作专班，建立…机制" opens with an attitude asked for but names two measures
    after it. Framing ("以…为指导", "充分认识…重要意义", "学习贯彻…") never makes a task."""
    if not _EXHORTATION_RE.search(folded):
        return False
    clauses = [c for c in re.split(r"[，；：。！]", re.sub(r"（[^（）]*）", "", folded)) if c]
    if not _ATTITUDE_RE.search(clauses[0]) or any(
        _EXHORTATION_RE.search(clause) for clause in clauses[1:]
    ):
        return True
    measures = [
        clause
        for clause in clauses[1:]
        if not is_generic(clause)
        and (_ACTION_RE.search(clause) or _PUTS_IN_PLACE_RE.search(clause))
    ]
    return len(measures) < 2


def _is_questions(folded_items: list[str]) -> bool:
    questions = sum(1 for item in folded_items if _QUESTION_RE.search(item) and len(item) < 16)
    return questions * 2 > len(folded_items)


def _item_spans(ctx: Context, sentence: Sentence, markers: list[Marker]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start if index + 1 < len(markers) else sentence.end
        while end > marker.start and ctx.folded[end - 1] in TRAILING:
            end -= 1
        spans.append((marker.start, end))
    return spans


def _enumeration(ctx: Context, sentence: Sentence, markers: list[Marker]) -> list[Candidate]:
    spans = _item_spans(ctx, sentence, markers)
    if _is_questions([ctx.folded[s:e] for s, e in spans]):
        return []
    lead_in = (sentence.start, markers[0].start)
    if _looks_back(ctx.folded[lead_in[0] : lead_in[1]]) or _LESSONS_RE.search(ctx.folded, *lead_in):
        return []  # "回顾一年来的工作，我们有以下几点体会：一是……"
    result: list[Candidate] = []
    for (start, end), marker in zip(spans, markers, strict=True):
        folded_item = ctx.folded[start:end]
        if (
            _EXHORTATION_RE.search(folded_item)
            or _looks_back(folded_item)
            or is_generic(folded_item[marker.end - marker.start :])
        ):
            continue
        candidate = make(
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
    ctx: Context, sentence: Sentence, *, force: bool = False
) -> Candidate | None:
    folded = ctx.folded[sentence.start : sentence.end]
    annotated = bool(annotation_spans(ctx, sentence.start, sentence.end))
    deadline = parse_deadline(sentence.text, ctx.doc_date)
    concrete = annotated or (
        deadline is not None
        and deadline.date is not None
        and deadline.date.year >= ctx.doc_date.year
        and deadline.text not in ("全年", "年度", "今年", "本年")
    )
    if (_exhorts_only(folded) or _looks_back(folded)) and not concrete:
        return None
    marker_end = sentence.marker.end if sentence.marker else sentence.start
    spans = annotation_spans(ctx, sentence.start, sentence.end)
    if is_generic(strip_spans(ctx.folded[marker_end : sentence.end], marker_end, spans)):
        return None  # "要加强统筹协调，确保工作取得实效。（责任单位：…）"
    if _PROCEDURAL_RE.search(folded.rstrip("。；，")) and not annotated:
        return None
    if _APPROVES_DOCUMENT_RE.match(folded) and not annotated:
        return None
    marker = sentence.marker
    listed = marker is not None  # 1. / （一） / 第一， / 一是 … as the first words
    if force:
        pass
    elif listed:
        body = fold(task_wording(sentence.text, marker.end - marker.start if marker else 0))
        if not (
            _ACTION_RE.search(folded)
            or MEASURE_START_RE.match(body)
            or _has_directive(folded)
            or annotated
        ):
            return None
    elif not (
        annotated
        or _has_directive(folded)
        or _ACTION_RE.match(task_wording(folded))
        or MEASURE_START_RE.match(task_wording(folded))
        or (concrete and _ACTION_RE.search(folded))  # "各单位每月23日前将进展报市商务局"
        or (_ACTION_RE.search(folded) and _names_subject(ctx, sentence))  # "国务院办公厅将…"
        or (_DUTY_RE.match(folded) and _names_subject(ctx, sentence))  # "市商务局负责统筹调度"
    ):
        return None
    return make(
        ctx,
        span=(sentence.start, sentence.end),
        sentence=(sentence.start, sentence.end),
        section=sentence.section,
        marker_len=(marker.end - marker.start) if marker is not None else 0,
        kind=("enumeration" if marker.kind == "shi" else "item") if marker else "sentence",
    )


def _names_subject(ctx: Context, sentence: Sentence) -> bool:
    """Whether a clause of the sentence opens with a unit that acts ("X将…", "X会同Y…")."""
    lead, _, assignment = units_for(ctx, sentence.start, sentence.end)
    return lead is not None and assignment is not None and not assignment.bracketed


# --- entry points -----------------------------------------------------------------------------


_TITLE_KINDS = ("num_dot", "num_dun", "num_paren", "cn_paren", "circled", "cn_dun")


def _titled_item(
    ctx: Context, sentences: list[Sentence], index: int
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
    if not body or len(body) > MAX_TITLE or "，" in fold(body):
        return [], 0
    _, line_end = line_of(ctx.text, title.start)
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
    groups = measures(ctx, sentences[index + 1 : index + used])
    if len(groups) >= 2:
        found: list[Candidate] = []
        section = _heading_title_text(title)
        for group in groups:
            start, end = group[0].start, group[-1].end
            candidate = make(
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
    candidate = make(
        ctx,
        span=(title.start, last.end),
        sentence=(title.start, last.end),
        section=title.section,
        marker_len=marker.end - marker.start,
        kind="item",
    )
    if candidate is None:
        return [], used
    rest = strip_spans(
        ctx.text[title.end : last.end], title.end, annotation_spans(ctx, title.end, last.end)
    )
    details = task_wording(ASSIGNING_SENTENCE_RE.sub("", rest))  # its owners are its units
    candidate.text = f"{task_wording(body)}：{details}" if details else task_wording(body)
    return [candidate], used


def _heading_title_text(sentence: Sentence) -> str:
    return sentence.text.rstrip("。：:；;，, ")


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


def _preamble_lines(ctx: Context, sentences: list[Sentence]) -> set[int]:
    """Line starts of the paragraphs that state the purpose, are the cover letter, or look back
    ("过去的一年，……"): none of their sentences is a task unless it carries a date ahead."""
    lines: set[int] = set()
    for sentence in sentences:
        line_start = line_of(ctx.text, sentence.start)[0]
        if _PREAMBLE_RE.search(ctx.folded, sentence.start, sentence.end) or (
            sentence.start == line_start
            and _LOOKING_BACK_RE.match(ctx.folded[sentence.start : sentence.end])
        ):
            lines.add(line_start)
    return lines


# A document's or an attachment's title: "关于加快推进…的实施意见", "…重点任务清单".
_TITLE_RE = re.compile(
    r"^[^，。；！？：“”]{4,80}(?:通知|意见|方案|清单|要点|计划|办法|纪要|决定|报告|规划|细则|措施|"
    r"通报|安排|函|批复|分工|任务表|台账)$"
)
_ATTACHMENT_RE = re.compile(r"^附件\s*\d*[：:]?\s*")


def _title_line(ctx: Context, sentence: Sentence) -> bool:
    """Whether ``sentence`` is a whole line that is a title: one that starts with 关于, opens a
    document of several lines, or follows (or starts with) 附件."""
    line_start, line_end = line_of(ctx.text, sentence.start)
    if sentence.marker is not None or sentence.end < line_end:
        return False
    line = ctx.folded[line_start:line_end].strip()
    attachment = _ATTACHMENT_RE.match(line)
    if attachment is not None:
        line = line[attachment.end() :]
    if not _TITLE_RE.match(line):
        return False
    previous = ctx.folded[:line_start].rstrip().rsplit("\n", 1)[-1].strip()
    return (
        line.startswith("关于")
        or attachment is not None
        or (not previous and bool(ctx.text[line_end:].strip()))
        or bool(_ATTACHMENT_RE.fullmatch(previous))
    )


def _dated_ahead(ctx: Context, sentence: Sentence) -> bool:
    found = parse_deadline(sentence.text, ctx.doc_date)
    return found is not None and (
        found.recurring or (found.date is not None and found.date >= ctx.doc_date)
    )


# A speech's points: "一要抓外资到位。", "二要抓招商引资。"
_POINT_RE = re.compile(r"^[一二三四五六七八九十]{1,2}(?:要|是)[^，。]{2,10}$")


def _run_in_title(ctx: Context, sentences: list[Sentence], index: int) -> bool:
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
    line_start, line_end = line_of(ctx.text, sentence.start)
    return (
        (sentence.start == line_start or bool(_POINT_RE.match(body)))
        and 0 < len(body) <= _MAX_RUN_IN_TITLE
        and "，" not in body
        and fold(sentence.text)[-1:] in "。："
        and sentences[index + 1].start < line_end
        and not annotation_spans(ctx, sentence.start, sentence.end)
        and parse_deadline(sentence.text, ctx.doc_date) is None
    )


def _heading_task(ctx: Context, sentence: Sentence) -> bool:
    folded = fold(_marker_title(sentence))
    deadline = parse_deadline(sentence.text, ctx.doc_date)
    return (
        bool(_HEADING_DIRECTIVE_RE.search(folded))
        and not is_generic(folded)
        and (
            (deadline is not None and deadline.date is not None)
            or (len(folded) >= 10 and bool(_ACTION_RE.search(folded)))
        )
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

    def allows(self, ctx: Context, sentence: Sentence) -> bool:
        if self.mode is None:
            return True
        if self.mode[1] == "none":
            return False
        folded = ctx.folded[sentence.start : sentence.end]
        return bool(_MEASURED_RE.search(folded)) or _dated_ahead(ctx, sentence)

    def forces(self, ctx: Context, sentence: Sentence) -> bool:
        """In a target section, a measured target is a task even without a directive."""
        return self.mode is not None and self.mode[1] == "targets" and self.allows(ctx, sentence)


def decompose(text: str, *, doc_date: dt.date, units: Sequence[UnitRef]) -> list[Candidate]:
    """Candidate tasks of a source document, in document order (see the module docstring)."""
    cleaned = clean_text(text)
    ctx = Context(cleaned, fold(cleaned), doc_date, units, read_conventions(cleaned))
    ordered, covered = tables(ctx)
    in_quote = False
    sentences = outline(cleaned)
    preamble = _preamble_lines(ctx, sentences)
    sections = _Sections()
    run_in: tuple[int, str] | None = None
    skip = 0

    def background(sentence: Sentence) -> bool:
        folded = ctx.folded[sentence.start : sentence.end]
        return bool(_EXHORTATION_RE.search(folded)) or _looks_back(folded)

    for index, sentence in enumerate(sentences):
        if skip:
            skip -= 1
            continue
        if any(s <= sentence.start < e for s, e in covered):
            continue
        sections.enter(sentence)
        line_start = line_of(cleaned, sentence.start)[0]
        if line_start in preamble and not _dated_ahead(ctx, sentence):
            continue
        if not sections.allows(ctx, sentence):
            continue
        if _BOILERPLATE_RE.search(ctx.folded[sentence.start : sentence.end]):
            continue
        if LABEL_LINE_RE.match(ctx.folded[sentence.start : sentence.end]):
            continue  # "牵头单位：…" on its own line belongs to the task above
        if _title_line(ctx, sentence):
            continue
        if _run_in_title(ctx, sentences, index):
            run_in = (line_start, fold(sentence.text).rstrip("。：；"))
            continue
        title = run_in[1] if run_in is not None and run_in[0] == line_start else None
        items, used = _titled_item(ctx, sentences, index)
        if not used:
            if item_title(ctx, sentences, index):
                run_in = (line_start, _heading_title_text(sentence))
                continue
            items, used = closed_measure(
                ctx, sentences, index, title or sentence.section, background=background
            )
        if used:
            ordered.extend((item.start, item) for item in items)
            skip = used - 1
            continue
        folded = ctx.folded[sentence.start : sentence.end]
        body = fold(task_wording(sentence.text))
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
            for part in split_parallel(ctx, candidate):
                if title is not None:
                    part.section = title
                ordered.append((part.start, part))
    ordered.sort(key=lambda pair: pair[0])
    result = [candidate for _, candidate in ordered]
    result = assign_back(ctx, result)
    result = join_steps(ctx, result)
    inherit_addressee(ctx, result)
    inherit_from_parent_item(ctx, result)
    inherit_frame(ctx, result)
    result = drop_restated(result)
    _finish(ctx, result)
    return result


def _finish(ctx: Context, candidates: list[Candidate]) -> None:
    """Milestones, which units are in the tree, and simplified wording for traditional text."""
    in_tree = {unit.name for unit in ctx.units}
    traditional = has_traditional(ctx.text)
    for candidate in candidates:
        stages = dated_stages(ctx, candidate.start, candidate.end)
        if len({d.date for _, d in stages}) >= 2:
            cuts = [clause for clause, _ in stages[1:]] + [candidate.end]
            candidate.milestones = [
                MilestoneProposal(
                    text=task_wording(
                        strip_spans(
                            ctx.text[clause:cut], clause, annotation_spans(ctx, clause, cut)
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
        candidate.warnings = deadline_warnings(
            candidate.deadline,
            ctx.doc_date,
            recurring=candidate.recurring,
            stages=[(m.deadline, m.deadline_text) for m in candidate.milestones[:-1]],
        )
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
    ctx = Context(rendered, fold(rendered), doc_date, units)
    found, _ = tables(ctx)
    result = [candidate for _, candidate in found]
    _finish(ctx, result)
    return result
