"""Match unit names in text against the unit directory, and read unit annotations.

Why this exists: a candidate task needs its lead unit and co-units. Official texts name them in
annotations — （牵头单位：市商务局；责任单位：市发改委、市财政局）, 〔责任单位：…〕, or
"牵头单位：…  配合单位：…" — or in prose ("由市商务局牵头，会同市发改委", "商务部门要…"), and
with informal names (商务部门 for 市商务局, 发改委 for 市发展和改革委员会). The directory is plain
data (the caller builds it from the unit tree), so this module needs no database.

Public API:

- ``UnitRef(name, aliases)``: one directory entry.
- ``match_units(text, directory) -> list[str]``: canonical names mentioned in ``text``, in order of
  first mention, each once. Longest match wins; overlapping matches are not counted twice.
- ``resolve_unit(raw, directory) -> str``: the canonical name for a raw name, or the raw name
  itself when nothing matches (a person fixes it on review).
- ``find_assignments(text, directory) -> list[UnitAssignment]``: annotations and prose roles,
  with lead units and co-units separately. When only 责任单位 is given, the first unit listed is
  the lead (the usual convention of 任务分解表).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kaifang.supervision.decompose.cleanup import fold

__all__ = [
    "UnitAssignment",
    "UnitMatch",
    "UnitRef",
    "find_assignments",
    "find_units",
    "match_units",
    "resolve_unit",
    "split_unit_names",
]


@dataclass(frozen=True)
class UnitRef:
    """A unit of the directory: its canonical name and the other names it goes by."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitMatch:
    """A mention of a unit: canonical ``name``, and where it stands in the text."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class UnitAssignment:
    """Who does a task, as one annotation or prose phrase states it (offsets in the text)."""

    lead: list[str]
    co: list[str]
    start: int
    end: int
    deadline_text: str | None = None
    bracketed: bool = False
    labels: tuple[str, ...] = field(default=())


_LEAD_LABELS = ("牵头单位", "牵头部门", "主办单位", "主责单位", "主责部门", "牵头")
_CO_LABELS = (
    "配合单位", "配合部门", "协办单位", "参与单位", "协同单位", "协助单位", "会办单位", "配合",
)  # fmt: skip
_RESPONSIBLE_LABELS = ("责任单位", "责任部门", "承办单位", "实施单位", "责任主体")
_DEADLINE_LABELS = ("完成时限", "完成时间", "时间节点", "办理时限", "完成期限", "时限")
_ALL_LABELS = _LEAD_LABELS + _CO_LABELS + _RESPONSIBLE_LABELS + _DEADLINE_LABELS
_LABEL_RE = re.compile("(" + "|".join(sorted(_ALL_LABELS, key=len, reverse=True)) + r")\s*[：]\s*")
_OPEN = "（〔【"
_CLOSE = {"（": "）", "〔": "〕", "【": "】"}
_NAME_SPLIT_RE = re.compile(r"[、，,；;/／\s]+")
_NAME_TRAILERS = ("等相关单位", "等有关单位", "等单位", "等部门", "按职责分工负责", "等")
_TOGETHER_RE = re.compile(r"(?:会同|协同|联合)([^，。；：\n]{2,40}?)(?=[，。；]|共同|$)")
_UNIT_LIKE_RE = re.compile(
    r"^[^，。；：]{1,14}(?:局|委|办|厅|部|部门|委员会|管委会|中心|政府|海关|分行|支行|集团|公司|"
    r"处|科|室|站|队|署|所)$"
)
_SUBJECT_FOLLOWERS = ("要", "在", "作为", "应", "须", "必须", "一定", "将", "务必", "负责", "牵头")
# "请市商务局会同…": a leader's instruction names its addressee after 请.
_ADDRESSEE_FOLLOWERS = (
    "会同", "牵头", "负责", "认真", "抓紧", "尽快", "研究", "进一步", "督促", "组织",
)  # fmt: skip


def _keys(directory: Sequence[UnitRef]) -> dict[str, str]:
    return _keys_cached(tuple(directory))


@functools.lru_cache(maxsize=16)
def _keys_cached(directory: tuple[UnitRef, ...]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for unit in directory:
        for key in (unit.name, *unit.aliases):
            folded = fold(key.strip())
            if folded and folded not in keys:  # first entry wins: deterministic
                keys[folded] = unit.name
    return keys


def find_units(text: str, directory: Sequence[UnitRef]) -> list[UnitMatch]:
    """Every non-overlapping mention of a directory unit, longest match first, in text order."""
    folded = fold(text)
    keys = _keys(directory)
    found: list[UnitMatch] = []
    for key, name in keys.items():
        start = folded.find(key)
        while start >= 0:
            found.append(UnitMatch(name, start, start + len(key)))
            start = folded.find(key, start + 1)
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[UnitMatch] = []
    for match in found:
        if not any(match.start < other.end and other.start < match.end for other in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def match_units(text: str, directory: Sequence[UnitRef]) -> list[str]:
    """Canonical names of the units mentioned in ``text``, in order of first mention, once each."""
    names: list[str] = []
    for match in find_units(text, directory):
        if match.name not in names:
            names.append(match.name)
    return names


def resolve_unit(raw: str, directory: Sequence[UnitRef]) -> str:
    """The canonical name for ``raw``; ``raw`` itself (trimmed) when no unit matches it well."""
    raw = raw.strip()
    keys = _keys(directory)
    folded = fold(raw)
    if folded in keys:
        return keys[folded]
    matches = find_units(raw, directory)
    if len(matches) == 1:
        rest = folded[: matches[0].start] + folded[matches[0].end :]
        if len(rest) <= 1:  # "市发改委" for alias "发改委"
            return matches[0].name
    return raw


def split_unit_names(value: str) -> list[str]:
    """Split a list of unit names ("市发改委、市财政局等") into names."""
    names: list[str] = []
    for part in _NAME_SPLIT_RE.split(value.strip(" ：:；;。，,")):
        name = part.strip(" ）)〕】")
        for trailer in _NAME_TRAILERS:
            if name.endswith(trailer) and len(name) > len(trailer):
                name = name[: -len(trailer)]
                break
        if name:
            names.append(name)
    return names


def _matching_close(folded: str, start: int) -> int:
    """Index just after the bracket closing the one at ``start`` (nesting aware), or -1."""
    opener = folded[start]
    closer = _CLOSE[opener]
    depth = 0
    for i in range(start, len(folded)):
        if folded[i] == opener:
            depth += 1
        elif folded[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        elif folded[i] == "\n":
            return -1
    return -1


def _assignment(
    text: str, start: int, end: int, directory: Sequence[UnitRef], *, bracketed: bool
) -> UnitAssignment | None:
    folded = fold(text)
    labels = list(_LABEL_RE.finditer(folded, start, end))
    if not labels:
        return None
    lead: list[str] = []
    co: list[str] = []
    responsible: list[str] = []
    deadline_text: str | None = None
    for index, label in enumerate(labels):
        value_end = labels[index + 1].start() if index + 1 < len(labels) else end
        value = text[label.end() : value_end]
        if bracketed and index + 1 == len(labels):
            value = value[:-1]  # the closing bracket
        name = label.group(1)
        if name in _DEADLINE_LABELS:
            deadline_text = value.strip(" ；;，,。）)〕】") or None
            continue
        resolved = [resolve_unit(raw, directory) for raw in split_unit_names(value)]
        target = lead if name in _LEAD_LABELS else co if name in _CO_LABELS else responsible
        target.extend(n for n in resolved if n not in target)
    if not lead and responsible:
        lead, responsible = responsible[:1], responsible[1:]
    co = [n for n in responsible + co if n not in lead]
    co = list(dict.fromkeys(co))
    return UnitAssignment(
        lead=lead,
        co=co,
        start=start,
        end=end,
        deadline_text=deadline_text,
        bracketed=bracketed,
        labels=tuple(label.group(1) for label in labels),
    )


def _leading_unit_names(value: str, directory: Sequence[UnitRef]) -> list[str]:
    """The unit names a phrase such as "市发改委、市市场监管局研究提出意见" starts with."""
    names: list[str] = []
    for part in split_unit_names(value):
        resolved = resolve_unit(part, directory)
        if resolved != part or _UNIT_LIKE_RE.search(part):
            names.append(resolved)
            continue
        head = find_units(part, directory)
        if head and head[0].start == 0:
            names.append(head[0].name)  # "市发改委研究提出意见": the unit, then the predicate
        break
    return names


def _prose_assignment(
    text: str, start: int, end: int, directory: Sequence[UnitRef]
) -> UnitAssignment | None:
    """Roles stated in prose: "由X牵头，会同Y、Z" / "X负责" / "X要…" (X as the subject)."""
    folded = fold(text)
    matches = [m for m in find_units(text[:end], directory) if m.start >= start]
    lead: list[str] = []
    co: list[str] = []
    for match in matches:
        after = folded[match.end : match.end + 4]
        before = folded[max(start, match.start - 3) : match.start]
        at_clause_start = match.start == start or folded[match.start - 1] in "，；：。、由请\n"
        if before.endswith(("会同", "配合", "协同", "联合", "、")) and (lead or co):
            if match.name not in lead and match.name not in co:
                co.append(match.name)
        elif (
            after.startswith(("牵头", "负责"))
            or (at_clause_start and after.startswith(_SUBJECT_FOLLOWERS) and not lead)
            or (before.endswith("请") and after.startswith(_ADDRESSEE_FOLLOWERS) and not lead)
        ):
            if match.name not in lead:
                lead.append(match.name)
        elif after.startswith(("配合", "参与", "协助", "协同")) and match.name not in co:
            co.append(match.name)
    if lead:
        # "会同X、Y" names co-units; keep names the directory does not know as raw strings.
        for together in _TOGETHER_RE.finditer(folded, start, end):
            value = text[together.start(1) : together.end(1)]
            for name in _leading_unit_names(value, directory):
                if name not in lead and name not in co:
                    co.append(name)
    if not lead and not co:
        return None
    return UnitAssignment(lead=lead, co=[n for n in co if n not in lead], start=start, end=end)


def find_assignments(
    text: str, directory: Sequence[UnitRef], start: int = 0, end: int | None = None
) -> list[UnitAssignment]:
    """Unit annotations in ``text[start:end]`` (offsets into ``text``).

    Bracketed annotations come first; a labelled line without brackets next; prose roles only
    when there is no annotation at all.
    """
    end = len(text) if end is None else end
    return [
        replace(a, start=a.start + start, end=a.end + start)
        for a in _assignments_in(text[start:end], directory)
    ]


def _assignments_in(text: str, directory: Sequence[UnitRef]) -> list[UnitAssignment]:
    end = len(text)
    folded = fold(text)
    found: list[UnitAssignment] = []
    covered: list[tuple[int, int]] = []
    i = 0
    while i < end:
        if folded[i] in _OPEN:
            close = _matching_close(folded, i)
            if 0 < close <= end and _LABEL_RE.search(folded, i, close):
                assignment = _assignment(text, i, close, directory, bracketed=True)
                if assignment is not None:
                    found.append(assignment)
                    covered.append((i, close))
                    i = close
                    continue
        i += 1
    for label in _LABEL_RE.finditer(folded):
        if any(s <= label.start() < e for s, e in covered):
            continue
        line_end = folded.find("\n", label.start())
        stop = end if line_end < 0 else line_end
        assignment = _assignment(text, label.start(), stop, directory, bracketed=False)
        if assignment is not None and (assignment.lead or assignment.co):
            found.append(assignment)
            covered.append((label.start(), stop))
            break
    if not found:
        prose = _prose_assignment(text, 0, end, directory)
        if prose is not None:
            found.append(prose)
    return sorted(found, key=lambda a: a.start)
