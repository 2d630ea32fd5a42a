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

Name matching lives in ``names`` and prose roles in ``prose``; the public names are re-exported
here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.deadlines import find_deadlines
from kaifang.supervision.decompose.names import (
    UnitAssignment,
    UnitMatch,
    UnitRef,
    find_units,
    looks_like_unit,
    match_units,
    resolve_unit,
    resolve_unit_match,
    split_outside_brackets,
    split_unit_names,
)
from kaifang.supervision.decompose.prose import prose_assignment

__all__ = [
    "Conventions",
    "UnitAssignment",
    "UnitMatch",
    "UnitRef",
    "find_assignments",
    "find_units",
    "is_deadline_clause",
    "looks_like_unit",
    "match_units",
    "read_conventions",
    "resolve_unit",
    "resolve_unit_match",
    "split_outside_brackets",
    "split_unit_names",
]


@dataclass(frozen=True)
class Conventions:
    """How a document reads its own unit annotations, from the notes it states.

    ``first_leads``: "排在第一位的部门为牵头部门" / "列第一位者为牵头单位" (also the usual reading
    when no note says otherwise). ``implementers``: "以下均需试点城市政府落实" — from that offset
    on, a measure annotated only with guiding units (（…指导）) is implemented by that unit.
    """

    first_leads: bool = True
    implementers: tuple[tuple[int, str], ...] = ()

    def implementer_at(self, pos: int) -> str | None:
        found = None
        for offset, name in self.implementers:
            if offset <= pos:
                found = name
        return found


# A bureau's own plans name its offices: 责任科室, 责任处室, 配合科室.
_BODIES = ("单位", "部门", "科室", "处室")
_LEAD_LABELS = (*(f"{r}{b}" for r in ("牵头", "主办", "主责") for b in _BODIES), "牵头")
_CO_LABELS = (
    *(f"{r}{b}" for r in ("配合", "协办", "参与", "协同", "协助", "会办") for b in _BODIES),
    "配合",
)
_RESPONSIBLE_LABELS = (
    *(f"{r}{b}" for r in ("责任", "承办", "实施") for b in _BODIES),
    "责任主体",
)
_DEADLINE_LABELS = ("完成时限", "完成时间", "时间节点", "办理时限", "完成期限", "时限")
_ALL_LABELS = _LEAD_LABELS + _CO_LABELS + _RESPONSIBLE_LABELS + _DEADLINE_LABELS
_LABEL_RE = re.compile("(" + "|".join(sorted(_ALL_LABELS, key=len, reverse=True)) + r")\s*[：]\s*")
_OPEN = "（〔【"
_CLOSE = {"（": "）", "〔": "〕", "【": "】"}
# Notes of a document about its own annotations.
_FIRST_LEADS_RE = re.compile(
    r"(?:排在|排|列|位列|列在)第一位的?(?:部门|单位|者)?(?:为|是)牵头(?:部门|单位)"
)
_IMPLEMENTER_RE = re.compile(
    r"以下(?:各项)?(?:任务)?(?:均需|均由|均须|需|由)(?P<who>[^，。；）〕】]{2,20}?)(?:负责)?"
    r"(?:落实|实施|承担)"
)
_NOTE_RE = re.compile(
    r"^(?:下同|不再列出|以下.{0,24}(?:落实|实施|承担|列出)|.{0,6}第一位.{0,12}牵头(?:部门|单位))$"
)
# "（税务总局、财政部、海关总署负责）", "（县商务局牵头）", "（生态环境部牵头，…参与）",
# "（商务部指导，供销合作总社参与）", "（国家发展改革委会同有关部门负责）".
_ROLE_CLAUSE_RE = re.compile(
    r"^(?P<names>.+?)(?P<role>按职责分工负责|按职责负责|分别负责|共同负责|牵头负责|负责落实|具体负责|"
    r"负责|牵头|指导|参与|配合|协助|协同|落实)$"
)
_LEAD_ROLES = ("牵头", "牵头负责")
_GUIDE_ROLES = ("指导",)
_CO_ROLES = ("参与", "配合", "协助", "协同")


def read_conventions(text: str) -> Conventions:
    """The notes a document states about its annotations (see ``Conventions``)."""
    folded = fold(text)
    implementers = tuple(
        (m.start(), m.group("who").strip()) for m in _IMPLEMENTER_RE.finditer(folded)
    )
    return Conventions(first_leads=True, implementers=implementers)


def _role_assignment(
    text: str,
    start: int,
    end: int,
    directory: Sequence[UnitRef],
    conventions: Conventions | None,
) -> UnitAssignment | None:
    """A bracket whose clauses state roles ("A、B负责", "A牵头，B参与", "A指导"), or None."""
    # Clauses of the original text: names are copied as written ("各县(区)政府"), the
    # patterns read each clause's folded copy (same length).
    clauses = [c.strip() for c in re.split(r"[，；。,;]", text[start + 1 : end - 1]) if c.strip()]
    if not clauses:
        return None
    lead: list[str] = []
    responsible: list[str] = []
    guides: list[str] = []
    co: list[str] = []
    each = False
    roles = 0
    deadline_text: str | None = None
    for clause in clauses:
        if _NOTE_RE.match(fold(clause)) or _ONGOING_RE.match(fold(clause)):
            continue
        match = _ROLE_CLAUSE_RE.match(fold(clause))
        if match is None:
            if deadline_text is None and is_deadline_clause(clause):
                deadline_text = clause  # "（外贸科牵头，…配合，年底前完成）"
                continue
            return None
        role = match.group("role")
        names_text = clause[: match.end("names")]
        together: list[str] = []
        together_at = fold(names_text).find("会同")
        if together_at >= 0:
            together = split_unit_names(names_text[together_at + 2 :])
            names_text = names_text[:together_at]
        names = split_unit_names(names_text)
        if not names or not all(looks_like_unit(n, directory) for n in names):
            return None
        resolved = [resolve_unit(n, directory) for n in names]
        together = [resolve_unit(n, directory) for n in together if looks_like_unit(n, directory)]
        roles += 1
        if role in _LEAD_ROLES:
            lead.extend(resolved)
        elif role in _GUIDE_ROLES:
            guides.extend(resolved)
        elif role in _CO_ROLES:
            co.extend(resolved)
        else:
            each = each or role == "分别负责"
            responsible.extend(resolved)
        co.extend(together)
    if not roles:
        return None
    if not lead and responsible:
        if each:
            co = [*responsible, *co]
        else:
            lead, co = responsible[:1], [*responsible[1:], *co]
    elif lead:
        co = [*responsible, *co]
    if not lead and not each:
        implementer = conventions.implementer_at(start) if conventions else None
        if implementer:
            lead = [resolve_unit(implementer, directory)]
    co = [n for n in dict.fromkeys([*co, *guides]) if n not in lead]
    return UnitAssignment(
        lead=lead,
        co=co,
        start=start,
        end=end,
        deadline_text=deadline_text,
        bracketed=True,
        labels=("负责",),
    )


# "持续推进", "长期坚持": a role bracket's note that the work has no end date.
_ONGOING_RE = re.compile(r"^(?:持续|长期|常态化|逐年|分年度)(?:推进|坚持|开展|实施)$")
_DEADLINE_REST_RE = re.compile(r"^(?:前|内)?(?:完成|办结|出台|到位|建成|落实|实现)?$")


def is_deadline_clause(clause: str) -> bool:
    """Whether a clause of a role bracket is only a deadline ("年底前完成", "2026年6月底前")."""
    found = find_deadlines(clause, _ANY_DATE)
    if len(found) != 1:
        return False
    rest = fold(clause[: found[0].start] + clause[found[0].end :]).strip()
    return bool(_DEADLINE_REST_RE.match(rest))


_ANY_DATE = dt.date(2000, 1, 1)  # only the phrase's extent matters here, not its date


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


def find_assignments(
    text: str,
    directory: Sequence[UnitRef],
    start: int = 0,
    end: int | None = None,
    *,
    conventions: Conventions | None = None,
    prose: bool = True,
) -> list[UnitAssignment]:
    """Unit annotations in ``text[start:end]`` (offsets into ``text``).

    Bracketed annotations come first (labelled ones such as （牵头单位：…） and role ones such as
    （…负责） （…牵头，…参与） （…指导）); a labelled line without brackets next; prose roles only
    when there is no annotation at all. ``conventions`` (``read_conventions`` of the whole text)
    gives the document's own notes.
    """
    end = len(text) if end is None else end
    if conventions is not None and start:
        conventions = Conventions(
            conventions.first_leads,
            tuple((offset - start, name) for offset, name in conventions.implementers),
        )
    return [
        replace(a, start=a.start + start, end=a.end + start)
        for a in _assignments_in(text[start:end], directory, conventions, prose=prose)
    ]


def _assignments_in(
    text: str,
    directory: Sequence[UnitRef],
    conventions: Conventions | None = None,
    *,
    prose: bool = True,
) -> list[UnitAssignment]:
    end = len(text)
    folded = fold(text)
    found: list[UnitAssignment] = []
    covered: list[tuple[int, int]] = []
    i = 0
    while i < end:
        if folded[i] in _OPEN:
            close = _matching_close(folded, i)
            if close < 0 and _LABEL_RE.search(folded, i):
                # A labelled bracket cut off at the end of a (truncated) line.
                line_end = folded.find("\n", i)
                close = end if line_end < 0 else line_end
                assignment = _assignment(text, i, close, directory, bracketed=False)
                if assignment is not None and (assignment.lead or assignment.co):
                    found.append(replace(assignment, bracketed=True))
                    covered.append((i, close))
                    i = close
                    continue
            if 0 < close <= end:
                assignment = None
                if _LABEL_RE.search(folded, i, close):
                    assignment = _assignment(text, i, close, directory, bracketed=True)
                else:
                    assignment = _role_assignment(text, i, close, directory, conventions)
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
    if not found and prose:
        stated = prose_assignment(text, 0, end, directory)
        if stated is not None:
            found.append(stated)
    return sorted(found, key=lambda a: a.start)
