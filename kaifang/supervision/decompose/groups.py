"""Measures closed by a responsibility bracket: a State Council style plan ends each measure with
"（X负责）" / "（X牵头，Y参与）" / "（X指导）", and the sentences such a bracket closes — the
measure's title ("完善跨境电商服务体系，拓展线上销售渠道。"), its details and its dated step —
are one task, the way the office's 任务分工 lists one row per bracket. A paragraph may hold
several of them ("……。（X负责）……。（Y负责）"). A numbered item with a short label ("3.优化市场
准入。措施一。措施二。（牵头单位：…）") is left to ``candidates._titled_item``, which lists its
measures one by one. Pure functions on plain data."""

from __future__ import annotations

import re
from collections.abc import Callable

from kaifang.supervision.decompose.build import (
    TRAILING,
    Candidate,
    Context,
    annotation_spans,
    is_generic,
    line_of,
    make,
    strip_spans,
    task_wording,
)
from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.sentences import Sentence

__all__ = ["closed_measure", "item_title"]

_MAX_MEASURE_TITLE = 30
_ITEM_KINDS = ("cn_dun", "cn_paren", "di")


# "（海关总署、商务部负责）", "（生态环境部牵头，国家统计局参与）", "（农业农村部指导）": the
# roles close the bracket. A labelled one ("（牵头单位：…；配合单位：…）") is a city plan's
# annotation of a whole paragraph of tasks and is left as it was.
_ROLE_CLOSED_RE = re.compile(
    r"（[^（）：:]*(?:负责|牵头|指导|参与|配合|协助|落实|下同|不再列出)）$"
)


def _closed(ctx: Context, sentence: Sentence) -> bool:
    """Whether the sentence ends with a role annotation ("……。（X负责）")."""
    end = sentence.end
    while end > sentence.start and ctx.folded[end - 1] in TRAILING:
        end -= 1
    return bool(_ROLE_CLOSED_RE.search(ctx.folded, sentence.start, end)) and any(
        e >= end - 1 for _, e in annotation_spans(ctx, sentence.start, sentence.end)
    )


def _closing_index(ctx: Context, sentences: list[Sentence], index: int) -> int | None:
    """The index of the sentence that closes the run starting at ``index`` on its line, or None
    when the line has no annotation ahead or a list item intervenes."""
    _, line_end = line_of(ctx.text, sentences[index].start)
    for j in range(index, len(sentences)):
        sentence = sentences[j]
        if sentence.start >= line_end or (j > index and sentence.marker is not None):
            return None
        if _closed(ctx, sentence):
            return j
    return None


def item_title(ctx: Context, sentences: list[Sentence], index: int) -> bool:
    """ "（四）践行绿色生活方式，推动源头减量。以……为引领，……。（X指导）": the numbered first
    sentence of a paragraph whose measures are closed by brackets is the item's title."""
    sentence = sentences[index]
    marker = sentence.marker
    return (
        marker is not None
        and marker.kind in _ITEM_KINDS
        and sentence.start == line_of(ctx.text, sentence.start)[0]
        and not _closed(ctx, sentence)
        and index + 1 < len(sentences)
        and sentences[index + 1].marker is None
        and _closing_index(ctx, sentences, index + 1) is not None
    )


def closed_measure(
    ctx: Context,
    sentences: list[Sentence],
    index: int,
    section: str | None,
    *,
    background: Callable[[Sentence], bool],
) -> tuple[list[Candidate], int]:
    """The measure of the sentences from ``index`` to the bracket that closes them, when there
    are two or more; returns the candidate (if it is more than an exhortation) and the number of
    sentences used (0: not such a run). Leading ``background`` sentences (a look back, an
    exhortation) are not part of the measure."""
    if sentences[index].marker is not None:
        return [], 0
    closing = _closing_index(ctx, sentences, index)
    if closing is None or closing == index:
        return [], 0
    first = index
    while first < closing and background(sentences[first]):
        first += 1
    run = sentences[first : closing + 1]
    if len(run) < 2:
        return [], 0
    start, end = run[0].start, run[-1].end
    used = closing - index + 1
    index = first
    spans = annotation_spans(ctx, start, end)
    if is_generic(fold(strip_spans(ctx.text[start:end], start, spans))):
        return [], used
    candidate = make(
        ctx, span=(start, end), sentence=(start, end), section=section, marker_len=0, kind="item"
    )
    if candidate is None:
        return [], used
    title = task_wording(run[0].text)
    details = task_wording(strip_spans(ctx.text[run[1].start : end], run[1].start, spans))
    opens = index == 0 or sentences[index - 1].start < line_of(ctx.text, run[0].start)[0]
    opens = opens or item_title(ctx, sentences, index - 1)
    if opens and len(title) <= _MAX_MEASURE_TITLE and "，" in fold(title) and details:
        candidate.text = f"{title}：{details}"  # "完善……，拓展……" names the measure
    return [candidate], used
