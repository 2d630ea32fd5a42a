"""Split cleaned text into sentences with offsets, and recognise the outline of official texts.

Why this exists: a candidate task must point at the exact sentence it came from (the review page
highlights it in place), and it must know which heading it falls under. Chinese official texts
mark their structure with a small set of enumerators — 一、 （一） 1. 1、 （1） ① for headings
and list items, 第一，… for a speech's points, 一是…二是… for inline enumerations — which this
module recognises.

- `split_sentences(text, *, semicolons=True)`: sentences ending at 。！？, line breaks and (by
  default) ；. Quotes (“…”, 「…」) and brackets (（…）, 〔…〕, 【…】) are never split, and an
  enumeration "一是…；二是…；三是…" stays one sentence. A bracketed annotation after the
  full stop ("……。（牵头单位：…）") is attached to the sentence before it.
- `find_enumerators(text, start, end)`: the inline enumerators (一是/二是, 第一/第二, （1）（2）,
  ①②) inside a span, when they count 1, 2, 3 …
- `outline(text)`: the sentences with their marker, whether each is a heading, and the nearest
  heading above each (``section``).

Offsets are character offsets into the text given (which should be ``cleanup.clean_text``'s
output). Matching runs on ``cleanup.fold(text)``, which has the same length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kaifang.supervision.decompose.cleanup import fold

__all__ = ["Marker", "Sentence", "find_enumerators", "outline", "split_sentences"]

CN_DIGITS = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(CN_DIGITS)}

_OPEN_QUOTES = "“「『‘"
_CLOSE_QUOTES = "”」』’"
_OPEN_BRACKETS = "（【〔《"
_CLOSE_BRACKETS = "）】〕》"
_TERMINATORS = "。！？"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Heading / list markers at the start of a sentence, in folded text.
_START_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("di", re.compile(rf"第([{CN_DIGITS}]{{1,3}})[，、：.]")),
    ("cn_dun", re.compile(rf"([{CN_DIGITS}]{{1,3}})、")),
    ("cn_paren", re.compile(rf"（([{CN_DIGITS}]{{1,3}})）")),
    ("num_paren", re.compile(r"（(\d{1,2})）")),
    ("num_dot", re.compile(r"(\d{1,2})\.(?!\d)\s*")),
    ("num_dun", re.compile(r"(\d{1,2})、")),
    ("circled", re.compile(rf"([{_CIRCLED}])")),
    ("shi", re.compile(rf"([{CN_DIGITS}]{{1,3}})是")),
)
# Inline enumerators: after the start of a sentence or a ，；：。 inside it.
_INLINE_KINDS = ("shi", "di", "num_paren", "circled", "cn_paren")
_HEADING_KINDS = ("di", "cn_dun", "cn_paren", "num_paren", "num_dot", "num_dun", "circled")
_LINE_ONLY_KINDS = ("num_paren", "num_dot", "num_dun", "circled")
_UNIT_LABEL_RE = re.compile(
    r"(?:牵头|责任|配合|协办|参与|主办|承办)(?:单位|部门|科室|处室)|完成时[限间]|办理时限|完成期限|"
    r"办结时限"
)
# "（海关总署、商务部负责）", "（县商务局牵头）", "（…指导，…参与）", "（…负责，…，下同）".
_ROLE_TAIL_RE = re.compile(r"(?:负责|牵头|指导|参与|配合|协助|落实|下同|不再列出)[）〕】]$")
_MAX_HEADING_BODY = 24
_STAGE_START_RE = re.compile(
    r"(?:到)?(?:(?:\d{4}|今|明)年)?(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|\d{1,2}日)?"
    r"|年底|年内|年末|上半年|下半年|[一二三四1-4]季度末?)(?:之前|以前|前)"
)
_DATED_RE = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|\d{1,2}日)?(?:之前|以前|前)|"
    r"年底前|年内|季度末?前|半年|到\d{4}年|\d{4}年底"
)


@dataclass(frozen=True)
class Marker:
    """An enumerator such as 第三， or （一） or 二是, with its span and its number."""

    kind: str
    ordinal: int
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A span of the text; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    marker: Marker | None = None
    heading: bool = False
    section: str | None = None


def _ordinal(kind: str, token: str) -> int:
    if kind in ("num_paren", "num_dot", "num_dun"):
        return int(token)
    if kind == "circled":
        return _CIRCLED.index(token) + 1
    if len(token) == 1:
        return _CN_VALUE[token]
    if token[0] == "十":  # 十一 … 十九
        return 10 + _CN_VALUE.get(token[1], 0)
    if len(token) == 2 and token[1] == "十":  # 二十
        return _CN_VALUE[token[0]] * 10
    if len(token) == 3 and token[1] == "十":  # 二十一
        return _CN_VALUE[token[0]] * 10 + _CN_VALUE[token[2]]
    return 0


def marker_at(folded: str, pos: int, kinds: tuple[str, ...] | None = None) -> Marker | None:
    """The enumerator starting exactly at ``pos`` in folded text, if any."""
    for kind, pattern in _START_MARKERS:
        if kinds is not None and kind not in kinds:
            continue
        match = pattern.match(folded, pos)
        if match:
            ordinal = _ordinal(kind, match.group(1))
            if ordinal:
                return Marker(kind, ordinal, match.start(), match.end())
    return None


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


_AFTER_WORD = "）”」』】〕"
_NEXT_ITEM_RE = re.compile(r"\d{1,2}[.、](?!\d)")


def _ascii_full_stop(folded: str, i: int) -> bool:
    """Whether the "." at ``i`` ends a sentence, as in text pasted from a PDF or a web page
    ("…企业名单.各县区要…"): it follows a Chinese word and no letter or digit follows it, unless
    the next list item's number ("…工作.2.推进…"). A decimal (1.5亿元), an item number ("1."),
    a web address or an abbreviation has a letter or digit before the dot, and "方案.docx" or an
    ellipsis ("...") a letter or dot after it."""
    before = folded[i - 1] if i > 0 else ""
    if not ("\u4e00" <= before <= "\u9fff" or before in _AFTER_WORD):
        return False
    after = folded[i + 1] if i + 1 < len(folded) else ""
    return not (after.isascii() and (after.isalnum() or after in "./_-@")) or bool(
        _NEXT_ITEM_RE.match(folded, i + 1)
    )


def _raw_spans(folded: str, *, semicolons: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    n = len(folded)
    seg = 0
    quotes = 0
    brackets = 0
    opened = -1  # where the outermost open bracket opened
    straight = False
    i = 0
    while i < n:
        ch = folded[i]
        cut = -1
        if ch == "\n":
            cut = i
            quotes = brackets = 0
            straight = False
        elif ch in _OPEN_QUOTES:
            quotes += 1
        elif ch in _CLOSE_QUOTES:
            quotes = max(0, quotes - 1)
            if quotes == 0 and brackets == 0 and i > 0 and folded[i - 1] in _TERMINATORS:
                cut = i + 1
        elif ch == '"':
            straight = not straight
        elif ch in _OPEN_BRACKETS:
            if brackets == 0:
                opened = i
            brackets += 1
        elif ch in _CLOSE_BRACKETS:
            brackets = max(0, brackets - 1)
            if (
                brackets == 0
                and quotes == 0
                and opened == seg  # the bracket that opened the segment closes here
                and folded[seg] in _OPEN_BRACKETS
                and not marker_at(folded, seg, ("cn_paren", "num_paren"))
                and i - seg > 5
                and i + 1 < n
                and folded[i + 1] not in _TERMINATORS + "；，\n"
            ):
                cut = i + 1  # "……。（海关总署负责）推广一批……": the annotation ends its sentence
        elif quotes == 0 and brackets == 0 and not straight:
            if (
                ch in _TERMINATORS
                or (semicolons and ch == "；")
                or (ch == "." and _ascii_full_stop(folded, i))
            ):
                cut = i + 1
                while cut < n and folded[cut] in _TERMINATORS:
                    cut += 1
            elif ch == "：" and marker_at(folded, i + 1, ("di", "cn_dun", "cn_paren")):
                cut = i + 1
        if cut >= 0:
            spans.append((seg, cut))
            seg = cut if ch != "\n" else cut + 1
            i = max(i + 1, seg)
            continue
        i += 1
    spans.append((seg, n))
    return spans


def _semicolon_cuts(folded: str, start: int, end: int) -> list[int]:
    """Offsets just after each ； of ``folded[start:end]`` outside quotes and brackets."""
    cuts: list[int] = []
    depth = 0
    for i in range(start, end):
        ch = folded[i]
        if ch in _OPEN_QUOTES or ch in _OPEN_BRACKETS:
            depth += 1
        elif ch in _CLOSE_QUOTES or ch in _CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif ch == "；" and depth == 0 and i + 1 < end:
            cuts.append(i + 1)
    return cuts


def _is_annotation(folded: str, start: int, end: int) -> bool:
    body = folded[start:end].rstrip("。；")
    return (
        len(body) >= 2
        and body[0] in "（【〔"
        and body[-1] in "）】〕"
        and bool(_UNIT_LABEL_RE.search(body) or _ROLE_TAIL_RE.search(body))
    )


def find_enumerators(text: str, start: int, end: int) -> list[Marker]:
    """Inline enumerators in ``text[start:end]`` that count 1, 2, 3 … (at least two of them)."""
    folded = fold(text[start:end])
    found: dict[str, list[Marker]] = {}
    quotes = 0
    for i, ch in enumerate(folded):
        if ch in _OPEN_QUOTES:
            quotes += 1
        elif ch in _CLOSE_QUOTES:
            quotes = max(0, quotes - 1)
        if quotes or (i > 0 and folded[i - 1] not in "，；：。 "):
            continue
        marker = marker_at(folded, i, _INLINE_KINDS)
        if marker is None:
            continue
        sequence = found.setdefault(marker.kind, [])
        if marker.ordinal == len(sequence) + 1:
            sequence.append(replace(marker, start=marker.start + start, end=marker.end + start))
    best = max(found.values(), key=len, default=[])
    return best if len(best) >= 2 else []


def split_sentences(text: str, *, semicolons: bool = True) -> list[Sentence]:
    """Split ``text`` into sentences (see the module docstring); offsets into ``text``."""
    folded = fold(text)
    merged: list[tuple[int, int]] = []
    for raw_start, raw_end in _raw_spans(folded, semicolons=False):
        start, end = _trim(text, raw_start, raw_end)
        if start >= end:
            continue
        if merged and _is_annotation(folded, start, end):
            prev_start, prev_end = merged[-1]
            between = text[prev_end:start]
            if "\n\n" not in between:
                merged[-1] = (prev_start, end)
                continue
        merged.append((start, end))
    spans: list[tuple[int, int]] = []
    for start, end in merged:
        if not semicolons or "；" not in folded[start:end] or find_enumerators(text, start, end):
            spans.append((start, end))
            continue
        cursor = start
        for cut in [*_semicolon_cuts(folded, start, end), end]:
            s, e = _trim(text, cursor, cut)
            if s >= e:
                cursor = cut
                continue
            if (
                spans
                and spans[-1][1] == _trim(text, cursor - 1, cursor)[0] + 1
                and _STAGE_START_RE.match(folded, s)
                and _DATED_RE.search(folded, spans[-1][0], spans[-1][1])
            ):
                # "9月底前完成围网工程；12月底前通过验收": dated stages of one task.
                spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
            cursor = cut
    return [Sentence(s, e, text[s:e], marker_at(folded, s)) for s, e in spans]


def _line_end(text: str, pos: int) -> int:
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline


def _heading_title(sentence: Sentence) -> str:
    return sentence.text.rstrip("。：:；;，, ")


# The official hierarchy of enumerators: 一、 above （一） above 1. above （1） above ①.
_LEVEL = {"cn_dun": 0, "cn_paren": 1, "num_dot": 2, "num_dun": 2, "num_paren": 3, "circled": 4}


def _returns_up(kind: str, following: str, seen: set[str]) -> bool:
    """Whether an item of kind ``following`` after an item of ``kind`` goes back up a level:
    "5.开展招商活动。（1）聚焦重点国别。（2）建立专员制度。6.…": the "6." is the next of the
    items above, not a child of "（2）" (the "5." was no heading, so no stack holds it)."""
    return following in seen and _LEVEL.get(following, 9) < _LEVEL.get(kind, -1)


def outline(text: str) -> list[Sentence]:
    """Sentences of ``text`` with ``heading`` and ``section`` filled in.

    A sentence is a heading when it starts with a heading enumerator, its body is short
    (at most 24 characters, no unit annotation) and it has content under it — the next sentence is
    neither its sibling (same enumerator kind) nor a higher-level item. Numeric kinds (1. （1） ①)
    are headings only when they fill their line. The ``section`` of a sentence is the title of the
    nearest heading above it, with its enumerator ("第三,平台要建好").
    """
    folded = fold(text)
    sentences = split_sentences(text)
    stack: list[tuple[str, str]] = []
    result: list[Sentence] = []
    seen: set[str] = set()
    for index, sentence in enumerate(sentences):
        marker = sentence.marker
        heading = False
        if marker is not None:
            seen.add(marker.kind)
        if marker is not None and marker.kind in _HEADING_KINDS:
            kinds_above = [kind for kind, _ in stack]
            if marker.kind in kinds_above:  # a sibling of an earlier heading: its level's above
                kinds_above = kinds_above[: kinds_above.index(marker.kind)]
            body = _heading_title(sentence)[marker.end - sentence.start :]
            fills_line = (
                _line_end(text, sentence.start) <= sentence.end
                or not text[sentence.end : _line_end(text, sentence.end)].strip()
            )
            following = sentences[index + 1] if index + 1 < len(sentences) else None
            has_children = (
                following is not None
                and (
                    not _UNIT_LABEL_RE.match(folded, following.start)  # "牵头单位：…" lines
                )
                and (
                    following.marker is None
                    or (
                        following.marker.kind != marker.kind
                        and following.marker.kind not in kinds_above
                        and not _returns_up(marker.kind, following.marker.kind, seen)
                    )
                )
            )
            heading = (
                0 < len(body) <= _MAX_HEADING_BODY
                and not _UNIT_LABEL_RE.search(folded, sentence.start, sentence.end)
                and has_children
                and (fills_line or marker.kind not in _LINE_ONLY_KINDS)
            )
            kinds = [kind for kind, _ in stack]
            if marker.kind in kinds:
                del stack[kinds.index(marker.kind) :]
        section = stack[-1][1] if stack else None
        result.append(replace(sentence, heading=heading, section=section))
        if heading and marker is not None:
            stack.append((marker.kind, _heading_title(sentence)))
    return result
