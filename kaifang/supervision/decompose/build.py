"""A candidate task built from a span of a source document: its units (the annotation, the
subject, or the paragraph's closing annotation), its deadline and its wording trimmed of
enumerators, connectives and a leading 要. Shared by the prose reader (``candidates``) and the
table reader (``tables``); pure functions on plain data, like the rest of the package."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.deadlines import Deadline, find_deadlines, parse_deadline
from kaifang.supervision.decompose.prose import clause_subject
from kaifang.supervision.decompose.sentences import (
    Sentence,
    marker_at,
)
from kaifang.supervision.decompose.units import (
    Conventions,
    UnitAssignment,
    UnitRef,
    find_assignments,
    is_deadline_clause,
)


@dataclass
class Candidate:
    """A proposed task; the docstring of ``candidates`` says what each field means."""

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
    warnings: list[str] = field(default_factory=list)  # for the reviewer ("截止日期早于…")


@dataclass(frozen=True)
class MilestoneProposal:
    """One dated stage of a task ("9月底前完成方案；12月底前建成"): the stage's words, its date
    and the phrase as written."""

    text: str
    deadline: dt.date | None
    deadline_text: str


_LEADING_TRIM_RE = re.compile(
    r"^(?:(?:同时|此外|另外|对此|总之|尤其|特别是|在这方面|需要强调的是|当前|下一步|"
    r"会议(?:原则上?)?(?:要求|议定|明确|决定|同意|指出|强调|认为|研究决定)|对[^，。]{1,10}(?:来讲|来说|而言)|"
    r"[^，。]{1,5}，就是|(?:督办|交办|重点|工作)?(?:事项|任务)[一二三四五六七八九十\d]{1,3}|"
    r"(?:督办|交办)(?:事项|任务)(?=[：:]))[，：:]?)+"
)
_LEADING_MODAL_RE = re.compile(r"^(?:尤其|一定|还|也|都|更|就)?(?:要|必须|务必)(?=.)")
TRAILING = " 。；，：、\n\t.;,:!！?？"  # ASCII too: "…形成问题清单.", "…编制!"


# Clauses that only exhort, whoever says them: "压实工作责任", "营造良好氛围", "认真抓好落实",
# "确保各项任务落到实处", "按照职责分工", "加强统筹协调" (the work itself is named elsewhere).
_GENERIC_CLAUSE_RE = re.compile(
    r"(?:(?:加强|强化|健全|完善)(?:组织领导|统筹协调|协调配合|沟通协调|督导检查|督查督办|督促检查|"
    r"宣传引导|跟踪问效|工作调度)(?:工作)?|压实(?:工作|主体|各方|属地|各级)?责任|"
    r"营造(?:良好|浓厚)?的?(?:社会|舆论|工作)?氛围|(?:抓好|狠抓|抓紧|推动)?(?:贯彻)?落实|"
    r"(?:确保|推动|保证)?(?:各项)?(?:工作|任务|措施|政策|部署|目标任务)?"
    r"(?:落到实处|取得实效|落地见效|落实到位|见到实效)|按照(?:各自)?(?:职责)?分工|明确(?:职责)?分工|"
    r"形成(?:工作)?合力|(?:强化|加强|做好)(?:工作|组织|要素)?保障|提高(?:工作)?(?:效率|效能)|"
    r"严格执行[^，。；]{0,12}(?:要求|规定|制度|纪律))"
)
_GENERIC_SUBJECT_RE = re.compile(
    r"^(?:[^，。；：]{0,14}?(?:要|必须|务必|应当|应))?(?:进一步|切实|认真|坚决|扎实|全面|着力|持续|"
    r"不断|真正|共同|密切)*"
)


_ENUMERATED_SUBJECT_RE = re.compile(
    r"^[^，。；：]{1,30}?、[^，。；：]{1,30}?"
    r"(?:(?<![重主需只首必纪摘概提简紧想])要(?![求素点件闻害领务])|必须|务必|应当)(?=[^，。；：])"
)


def is_generic(folded: str) -> bool:
    """Whether every clause of ``folded`` only exhorts (see ``_GENERIC_CLAUSE_RE``)."""
    unbracketed = re.sub(r"（[^（）]*）", "", folded)  # "各县（市、区）要…"
    lead_in = _LEADING_TRIM_RE.match(unbracketed)
    if lead_in is not None and lead_in.end() < len(unbracketed):  # "会议强调，各科室要…"
        unbracketed = unbracketed[lead_in.end() :]
    subject = _ENUMERATED_SUBJECT_RE.match(unbracketed)
    if subject is not None:  # "各县、市直各有关部门要按照职责分工…": 、 lists the subject
        unbracketed = unbracketed[subject.end() :]
    clauses = [c for c in re.split(r"[，；。、：！\s]+", unbracketed) if c]
    if not clauses:
        return False
    for clause in clauses:
        rest = clause[_GENERIC_SUBJECT_RE.match(clause).end() :]  # type: ignore[union-attr]
        if not _GENERIC_CLAUSE_RE.fullmatch(rest):
            return False
    return True


# --- building candidates ----------------------------------------------------------------------


def strip_spans(text: str, base: int, spans: list[tuple[int, int]]) -> str:
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


# "…报市商务局，联系人：王五，电话：…": whom to call is no part of the task.
_CONTACT_TAIL_RE = re.compile(
    r"[，；。（(]\s*(?:联系人|联系电话|联系方式|电话|邮箱|传真)\s*[：:].*$"
)


def task_wording(raw: str, marker_len: int = 0) -> str:
    body = raw[marker_len:].strip(TRAILING)
    contact = _CONTACT_TAIL_RE.search(fold(body))
    if contact is not None and contact.start() > 0:
        body = body[: contact.start()]
    folded = fold(body)
    trimmed = _LEADING_TRIM_RE.match(folded)
    if trimmed and trimmed.end() < len(body):
        body, folded = body[trimmed.end() :], folded[trimmed.end() :]
    modal = _LEADING_MODAL_RE.match(folded)
    if modal:
        body = body[modal.end() :]
    body = body.strip(TRAILING)
    dated = _DATED_BRACKET_RE.search(fold(body))
    if dated is not None and dated.start() > 0 and is_deadline_clause(dated.group(1)):
        body = body[: dated.start()].strip(TRAILING)  # "推进综试区建设（6月底前）"
    return body


_DATED_BRACKET_RE = re.compile(r"（([^（）]{2,16})）$")


@dataclass
class Context:
    text: str
    folded: str
    doc_date: dt.date
    units: Sequence[UnitRef]
    conventions: Conventions | None = None


def units_for(
    ctx: Context, start: int, end: int
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
    ctx: Context, start: int, end: int, assignment: UnitAssignment | None
) -> Deadline | None:
    if assignment is not None and assignment.deadline_text:
        found = parse_deadline(assignment.deadline_text, ctx.doc_date)
        if found is not None:
            return found
    return parse_deadline(ctx.text[start:end], ctx.doc_date)


def _trailing_annotation(ctx: Context, end: int) -> UnitAssignment | None:
    """The bracketed unit annotation later on the line of ``end``, if any."""
    line_end = ctx.text.find("\n", end)
    line_end = len(ctx.text) if line_end < 0 else line_end
    for assignment in find_assignments(
        ctx.text, ctx.units, end, line_end, conventions=ctx.conventions
    ):
        if assignment.bracketed and (assignment.lead or assignment.co):
            return assignment
    return _label_lines(ctx, line_end)


LABEL_LINE_RE = re.compile(
    r"^(?:(?:牵头|责任|配合|协办|承办|主办)(?:单位|部门|科室|处室)|完成时限|完成时间|时间节点|办理时限|"
    r"完成期限|办结时限)[：:]"
)


def _label_lines(ctx: Context, line_end: int) -> UnitAssignment | None:
    """ "1.推进综保区申建。" followed by lines "牵头单位：…" "责任单位：…" "完成时限：…"."""
    start = cursor = line_end + 1
    while cursor < len(ctx.text) and LABEL_LINE_RE.match(ctx.folded[cursor : cursor + 8]):
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


def annotation_spans(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    return [
        (a.start, a.end)
        for a in find_assignments(
            ctx.text, ctx.units, start, end, conventions=ctx.conventions, prose=False
        )
        if a.bracketed or a.labels
    ]


def make(
    ctx: Context,
    *,
    span: tuple[int, int],
    sentence: tuple[int, int],
    section: str | None,
    marker_len: int,
    kind: str,
    fallback: tuple[int, int] | None = None,
) -> Candidate | None:
    start, end = span
    lead, co, assignment = units_for(ctx, start, end)
    deadline = _deadline_for(ctx, start, end, assignment)
    if fallback is not None:
        if lead is None and not co:
            lead, co, _ = units_for(ctx, *fallback)
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
    raw = strip_spans(ctx.text[start:end], start, annotation_spans(ctx, start, end))
    wording = task_wording(raw, marker_len)
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


def split_parallel(ctx: Context, candidate: Candidate) -> list[Candidate]:
    """A sentence of parallel dated deliverables becomes one candidate per deliverable."""
    spans = parallel_stages(ctx, candidate.start, candidate.end)
    fallback: tuple[int, int] | None = (candidate.start, candidate.end)
    if len(spans) < 2:
        spans, fallback = addressee_clauses(ctx, candidate.start, candidate.end), None
    if len(spans) < 2:
        return [candidate]
    parts = []
    for start, end in spans:
        part = make(
            ctx,
            span=(start, end),
            sentence=(start, end),
            section=candidate.section,
            marker_len=marker_length(ctx, start),
            kind=candidate.kind,
            fallback=fallback,
        )
        if part is not None:
            parts.append(part)
    return parts or [candidate]


_HELPING_RE = re.compile(r"(?:配合|参与|协助|协同|指导|支持)(?:工作)?$")


def addressee_clauses(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """ "市督查室要将外贸工作纳入月度督查，各县区政府每月10日前将进展报市商务局": a clause that
    opens with another unit as its subject is a second task, for that unit."""
    first, _, assignment = units_for(ctx, start, end)
    if first is None or assignment is None or assignment.bracketed or assignment.labels:
        return [(start, end)]  # an annotation assigns the whole sentence
    cuts = [start]
    depth = 0
    for i in range(start, end):
        ch = ctx.folded[i]
        if ch in "（“":
            depth += 1
        elif ch in "）”":
            depth = max(0, depth - 1)
        elif ch == "，" and depth == 0 and end - i > 8:
            clause = re.split(r"[，；。]", ctx.folded[i + 1 : end], maxsplit=1)[0]
            if _HELPING_RE.search(clause):
                continue  # "…，市工商联、市贸促会积极参与": co-units, not a new addressee
            other = clause_subject(ctx.text, i + 1, end, ctx.units)
            if other is not None and other != first:
                cuts.append(i + 1)
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def marker_length(ctx: Context, pos: int) -> int:
    marker = marker_at(ctx.folded, pos)
    return (marker.end - marker.start) if marker else 0


def parallel_stages(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """ "8月底前编制完成市级清单并公布，9月底前编制完成区县级清单并公布": dated clauses that repeat
    the same verb are separate deliverables, one task each. Otherwise the span stays whole."""
    stages = dated_stages(ctx, start, end)
    if len(stages) < 2:
        return [(start, end)]
    verbs = {ctx.folded[d.end : d.end + 6].lstrip("，")[:2] for _, d in stages}
    if len(verbs) != 1:
        return [(start, end)]
    cuts = [start] + [clause for clause, _ in stages[1:]] + [end]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def dated_stages(ctx: Context, start: int, end: int) -> list[tuple[int, Deadline]]:
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


MAX_TITLE = 24


def line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


# A sentence that opens a measure of its own: an action verb first, after an adverb or two.
MEASURE_START_RE = re.compile(
    r"^(?:(?:以[^，。；]{1,30}?为(?:重点|核心|引领|抓手|主线|基础|契机|导向|目标|突破口|载体)|"
    r"按照[^，。；]{1,30}?(?:原则|要求|部署)|在[^，。；]{1,20}?(?:中|方面|上|基础上))，)?"
    r"(?:(?:持续|扎实|积极|大力|进一步|全面|深入|加快|切实|着力|稳步|认真|依法|严格|不断|逐步|"
    r"主动|继续|同步|抓紧|及时|统筹|稳妥)(?:地)?)*"
    r"(?:推进|推动|推行|推广|建设|建成|建立|健全|打造|培育|开展|实施(?!方案|意见|细则|办法)|实行|落实|完成|完善|制定|出台|"
    r"组织|举办|办好|引进|加强|强化|提升|提高|优化|扩大|支持|争取|搭建|启动|编制|报送|申建|研究|"
    r"开发|拓展|深化|促进|配合|利用|依托|允许|鼓励|简化|规范|整治|清理|创新|探索|发布|引导|限制|"
    r"禁止|加大|增加|降低|减少|创建|倡导|构建|筛选|确定|印发|新增|开行|增强|释放|整合|设立|成立|组建|"
    r"开通|上线|召开|督促|指导|摸清|摸排|排查|清查)"
)


def _opens_with_subject(ctx: Context, sentence: Sentence) -> bool:
    """ "市审改办要坚持每月调度…": the sentence opens with the unit that acts."""
    return any(
        a.subject and not a.bracketed
        for a in find_assignments(ctx.text, ctx.units, sentence.start, sentence.end)
    ) and not fold(sentence.text).startswith(("要", "并", "同时"))


def measures(ctx: Context, body: list[Sentence]) -> list[list[Sentence]]:
    """Group an item's sentences into measures: each opens with an action verb; a sentence that
    does not (a condition, a clarification) belongs to the measure before it."""
    groups: list[list[Sentence]] = []
    for sentence in body:
        wording = fold(task_wording(sentence.text))
        folded = ctx.folded[sentence.start : sentence.end].strip()
        if folded.startswith(("（", "〔", "【")) and annotation_spans(
            ctx, sentence.start, sentence.end
        ):
            if groups:
                groups[-1].append(sentence)
            continue
        if groups and is_generic(folded):
            groups[-1].append(sentence)  # "要加强统筹协调，确保取得实效" is no measure of its own
        elif not groups or MEASURE_START_RE.match(wording) or _opens_with_subject(ctx, sentence):
            groups.append([sentence])
        else:
            groups[-1].append(sentence)
    return groups
