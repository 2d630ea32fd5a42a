"""Passes over a document's candidates once they are all proposed: who does what when a
sentence names no unit (an instruction's addressee, the subject before 要, the parent item of a
sub-item, "以上工作由X负责" after the measures) and one candidate for a measure that the
document's 责任分工 table restates. Split out of ``candidates``; pure functions on plain data."""

from __future__ import annotations

import itertools
import re

from kaifang.supervision.decompose.build import Candidate, Context, line_of
from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.deadlines import parse_deadline
from kaifang.supervision.decompose.sentences import marker_at

__all__ = [
    "ADDRESSED_RE",
    "ASSIGNING_SENTENCE_RE",
    "assign_back",
    "drop_restated",
    "inherit_addressee",
    "inherit_frame",
    "inherit_from_parent_item",
    "join_steps",
]

# "请市商务局……": a leader's instruction addresses a unit with 请.
ADDRESSED_RE = re.compile(r"^请")


def inherit_addressee(ctx: Context, candidates: list[Candidate]) -> None:
    """In an instruction "请市商务局……。……务必……确保年内获批。", the later sentences of the
    paragraph are addressed to the same units as the first (not those of a new numbered point)."""
    addressed: Candidate | None = None
    for candidate in candidates:
        if ADDRESSED_RE.match(fold(candidate.source_sentence)) and candidate.lead_unit:
            addressed = candidate
        elif addressed is not None and not _new_block(ctx, addressed, candidate):
            if candidate.lead_unit is None and not candidate.co_units:
                candidate.lead_unit = addressed.lead_unit
                candidate.co_units = list(addressed.co_units)
        else:
            addressed = None
    _inherit_subject(ctx, candidates)


_CONTINUED_RE = re.compile(r"^(?:同时|并|还|也|更|另外|此外)?[，]?(?:要|务必|必须|须)")
_SENTENCE_END = "。；！？!?\n"


def _new_block(ctx: Context, before: Candidate, after: Candidate) -> bool:
    """Whether ``after`` starts a new paragraph or a new numbered point or item ("第二，…",
    "（三）…", "2.…", "二是…") since ``before``: the text of a scraped speech is one line, its
    points are the paragraphs."""
    if line_of(ctx.text, before.sentence_start)[0] != line_of(ctx.text, after.sentence_start)[0]:
        return True
    folded = ctx.folded
    for pos in range(before.sentence_end, after.sentence_start + 1):
        at_start = pos == after.sentence_start or (pos > 0 and folded[pos - 1] in _SENTENCE_END)
        if at_start and marker_at(folded, pos) is not None:
            return True
    return False


def _inherit_subject(ctx: Context, candidates: list[Candidate]) -> None:
    """ "海关总署要继续做好牵头工作……。要继续促进……。要加大……": a sentence that opens with 要
    and names no unit continues the unit that opened its run of directives in the paragraph or
    numbered point. Not a unit named in passing in a run addressed to everyone ("要……。在这方面，
    X要发挥示范作用。要……"), nor after a second unit ("X要…。Y要…。要…"): those stay
    unaddressed, for the reviewer to assign."""
    opener: Candidate | None = None
    everyone = False  # a directive to no one in particular opened the run
    last: Candidate | None = None
    for candidate in candidates:
        if last is not None and _new_block(ctx, last, candidate):
            opener, everyone = None, False
        last = candidate
        if candidate.lead_unit is not None or candidate.co_units:
            if opener is not None and opener.lead_unit != candidate.lead_unit:
                everyone = True  # "X要…。Y要…。要…": whose the next one is, the text does not say
            opener = None if everyone else candidate
            continue
        if opener is not None and _CONTINUED_RE.match(fold(candidate.source_sentence)):
            candidate.lead_unit = opener.lead_unit
            candidate.co_units = list(opener.co_units)
        else:
            opener, everyone = None, True


# "此项工作由市商务局牵头负责，…配合。", "以上工作由市投资促进局负责。": the owners of the
# measure(s) just stated, not a task of their own.
_ASSIGNING_RE = re.compile(r"^(?:此项|该项|这项|以上|上述|前述)(?:各项)?(?:工作|任务|事项|措施)?由")
# The same sentence inside a plan's item "1.短标题。细则。此项工作由X牵头负责。"
ASSIGNING_SENTENCE_RE = re.compile(
    r"(?:(?<=^)|(?<=[。；\s]))(?:此项|该项|这项|以上|上述|前述)(?:各项)?(?:工作|任务|事项|措施)?由"
    r"[^。；\n]*[。；]?"
)


def assign_back(ctx: Context, candidates: list[Candidate]) -> list[Candidate]:
    """A sentence that only names who does the measures before it in the paragraph gives them
    its units (where they name none) and is dropped."""
    kept: list[Candidate] = []
    for candidate in candidates:
        if _ASSIGNING_RE.match(fold(candidate.text)) and (
            candidate.lead_unit is not None or candidate.co_units
        ):
            line = line_of(ctx.text, candidate.sentence_start)[0]
            earlier = [c for c in kept if line_of(ctx.text, c.sentence_start)[0] == line]
            if earlier:
                for previous in earlier:
                    if previous.lead_unit is None and not previous.co_units:
                        previous.lead_unit = candidate.lead_unit
                        previous.co_units = list(candidate.co_units)
                continue
        kept.append(candidate)
    return kept


_ITEM_LEVEL = {"cn_dun": 0, "cn_paren": 1, "num_dot": 2, "num_dun": 2, "num_paren": 3, "circled": 4}


def inherit_from_parent_item(ctx: Context, candidates: list[Candidate]) -> None:
    """ "2.申建市场采购贸易方式试点（牵头单位：市商务局）" then "（1）上半年完成申报材料；
    （2）三季度上报商务部": sub-items that name no unit are the parent item's stages, done by
    its units."""
    stack: list[tuple[int, Candidate]] = []
    for candidate in candidates:
        line_start = line_of(ctx.text, candidate.sentence_start)[0]
        marker = marker_at(ctx.folded, line_start)
        level = _ITEM_LEVEL.get(marker.kind) if marker is not None else None
        if level is None:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        if stack and candidate.lead_unit is None and not candidate.co_units:
            parent = stack[-1][1]
            candidate.lead_unit, candidate.co_units = parent.lead_unit, list(parent.co_units)
        stack.append((level, candidate))


def _bigrams(text: str) -> set[str]:
    kept = "".join(ch for ch in fold(text) if ch.isalnum())
    return {kept[i : i + 2] for i in range(len(kept) - 1)}


_RESTATED = 0.6  # share of the shorter wording's character pairs found in the other


def drop_restated(candidates: list[Candidate]) -> list[Candidate]:
    """A plan whose 责任分工 table restates the measures of its body: a body measure that names
    no unit and that a table row restates is dropped, the row (with its units and deadline)
    stands for it. Measures the table does not restate stay."""
    rows = [(c, _bigrams(c.text)) for c in candidates if c.kind == "table"]
    if not rows:
        return candidates
    kept: list[Candidate] = []
    for candidate in candidates:
        if candidate.kind != "table" and candidate.lead_unit is None and not candidate.co_units:
            own = _bigrams(candidate.text)
            if own and any(
                len(own & row) >= _RESTATED * min(len(own), len(row)) for _, row in rows if row
            ):
                continue
        kept.append(candidate)
    return kept


# "实施方案按程序报市商务局审核后实施": the deliverable the measure before made, as the subject.
_DELIVERABLE_RE = re.compile(r"^[^，。；]{0,8}?(?:方案|意见|细则|办法|计划|清单|报告|规划)")


def _step_of(ctx: Context, made: Candidate, step: Candidate) -> bool:
    """Whether ``step`` sends, issues or dates what ``made`` makes (see ``join_steps``)."""
    lead, own = made.lead_unit or "", step.lead_unit or ""
    if own and not (own.startswith(lead) or lead.startswith(own)):
        return False  # "试点城市" and "试点城市政府" are one
    if _new_block(ctx, made, step) or not re.search(
        "[。；]", ctx.folded[made.end - 1 : step.start]
    ):
        return False  # "8月底前编制…，9月底前编制…" was cut into parallel stages on purpose
    if made.kind not in ("sentence", "item") or step.kind not in ("sentence", "item"):
        return False
    wording = fold(step.text)
    subject = _DELIVERABLE_RE.match(wording)
    if subject is not None and step.lead_unit is None and not step.co_units:
        return len(subject.group()) >= 4 and subject.group() in fold(made.text)
    found = parse_deadline(wording, ctx.doc_date)
    if found is None or found.date is None or found.recurring or found.start > 1:
        return False
    rest = wording[found.end :].lstrip("，,")
    return 4 <= len(rest) <= 30 and "，" not in rest and rest[-4:] in fold(made.text)


def join_steps(ctx: Context, candidates: list[Candidate]) -> list[Candidate]:
    """ "试点县区负责编制……实施方案……。实施方案按程序报市商务局审核后实施。2026年5月底前，试点县区
    印发实施方案。": a sentence whose subject is the deliverable the measure before it makes, or
    that issues it by a date, is a step of that measure, not a task of its own; the measure
    takes its words, its span and, having none, its deadline."""
    kept: list[Candidate] = []
    for candidate in candidates:
        if kept and _step_of(ctx, kept[-1], candidate):
            made = kept[-1]
            made.text = f"{made.text}；{candidate.text}"
            made.end, made.sentence_end = candidate.end, candidate.sentence_end
            made.source_sentence = ctx.text[made.sentence_start : made.sentence_end]
            if made.deadline is None and candidate.deadline is not None:
                made.deadline, made.deadline_text = candidate.deadline, candidate.deadline_text
                made.recurring, made.recurrence = candidate.recurring, candidate.recurrence
            continue
        kept.append(candidate)
    return kept


def inherit_frame(ctx: Context, candidates: list[Candidate]) -> None:
    """ "到2028年，交易额突破300亿元；培育龙头企业10家。": a date that opens a sentence frames
    the clauses after its semicolons too (split into candidates of their own), not the next
    sentence."""
    for before, after in itertools.pairwise(candidates):
        if after.deadline is not None or before.deadline is None or before.recurring:
            continue
        if ctx.folded[before.sentence_end - 1 : before.sentence_end] != "；":
            continue
        if ctx.text[before.sentence_end : after.sentence_start].strip():
            continue
        opening = parse_deadline(fold(before.source_sentence), ctx.doc_date)
        if opening is None or opening.start > 1 or opening.date != before.deadline:
            continue
        after.deadline, after.deadline_text = before.deadline, before.deadline_text
