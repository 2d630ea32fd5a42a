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
from kaifang.supervision.decompose.sentences import marker_at

__all__ = [
    "Conventions",
    "UnitAssignment",
    "UnitMatch",
    "UnitRef",
    "find_assignments",
    "find_units",
    "looks_like_unit",
    "match_units",
    "read_conventions",
    "resolve_unit",
    "resolve_unit_match",
    "split_outside_brackets",
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
    subject: bool = False  # named as the subject of a sentence ("海关总署要…")


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
_NAME_TRAILERS = (
    "按职责分工负责", "等有关部门", "等相关部门", "等相关单位", "等有关单位", "等单位",
    "等部门", "等",
)  # fmt: skip
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


# Raw names (not in the unit tree) that read as units: 海关总署, 国家发展改革委, 各县区,
# 试点城市政府.
_UNIT_SUFFIX = (
    r"(?:部|委|局|署|办|厅|院|银行|分行|支行|总社|社|委员会|管委会|协会|商会|联合会|中心|政府|"
    r"部门|单位|海关|集团|公司|处|科|室|站|队|所|机构|区|县|州|盟|旗|城市|街道|乡镇|园区|省|市|"
    r"会|联社)"
)
_RAW_UNIT_RE = re.compile(r"^[^，。；：“”\s]{1,22}?" + _UNIT_SUFFIX + r"$")
_NOT_UNITS = re.compile(
    r"^(?:全|我|本|该|其|这)[市县区省州国]|^(?:地区|社会|市场|企业)$|的|"
    r"^(?:支持|推动|推进|鼓励|允许|引导|加快|配合|建设|打造|实施|开展|落实|促进|完善|建立|优化|"
    r"提升|加强|强化|深化|组织|对|在|为|从|以|把|将|经|按照|根据|通过|围绕|确保|力争|会同|协同|"
    r"联合|由|并|同时|及时|加大|指导|督促|帮助|引导)"
)
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


_SECOND_NAME_RE = re.compile(r"(?<=.)（([^（）]{2,12})）$")
_GROUP_RE = re.compile(r"^各(?:有关|相关|级|责任|成员)?[^，。；：“”\s的]{1,8}$")


def looks_like_unit(name: str, directory: Sequence[UnitRef] = ()) -> bool:
    """Whether ``name`` reads as a unit: in the tree, or shaped like one (…局, …部, 各县区)."""
    name = fold(name.strip())
    if not name or len(name) > 30:
        return False
    if resolve_unit_match(name, directory)[1]:
        return True
    if _GROUP_RE.match(name):
        return True  # 各地方, 各地区, 各有关部门, 各省（区、市）
    bracket = _SECOND_NAME_RE.search(name)
    if bracket is not None:  # "市商务局（市口岸办）": a unit and the other name it goes by
        return looks_like_unit(name[: bracket.start()], directory) and looks_like_unit(
            bracket.group(1), directory
        )
    return bool(_RAW_UNIT_RE.match(name)) and not _NOT_UNITS.search(name)


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
    folded = fold(text)
    body = folded[start + 1 : end - 1]
    clauses = [c.strip() for c in re.split(r"[，；。]", body) if c.strip()]
    if not clauses:
        return None
    lead: list[str] = []
    responsible: list[str] = []
    guides: list[str] = []
    co: list[str] = []
    each = False
    roles = 0
    for clause in clauses:
        if _NOTE_RE.match(clause):
            continue
        match = _ROLE_CLAUSE_RE.match(clause)
        if match is None:
            return None
        role = match.group("role")
        names_text = match.group("names")
        together: list[str] = []
        if "会同" in names_text:
            names_text, _, rest = names_text.partition("会同")
            together = split_unit_names(rest)
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
    return UnitAssignment(lead=lead, co=co, start=start, end=end, bracketed=True, labels=("负责",))


# The last directories seen, by identity: a decomposition passes the same list thousands of times.
_RECENT: list[tuple[Sequence[UnitRef], dict[str, str], re.Pattern[str] | None]] = []


def _compiled(directory: Sequence[UnitRef]) -> tuple[dict[str, str], re.Pattern[str] | None]:
    for seen, keys, pattern in _RECENT:
        if seen is directory:
            return keys, pattern
    keys, pattern = _keys_cached(tuple(directory))
    _RECENT.insert(0, (directory, keys, pattern))
    del _RECENT[8:]
    return keys, pattern


def _keys(directory: Sequence[UnitRef]) -> dict[str, str]:
    return _compiled(directory)[0]


@functools.lru_cache(maxsize=16)
def _keys_cached(
    directory: tuple[UnitRef, ...],
) -> tuple[dict[str, str], re.Pattern[str] | None]:
    keys: dict[str, str] = {}
    for unit in directory:
        for key in (unit.name, *unit.aliases):
            folded = fold(key.strip())
            if folded and folded not in keys:  # first entry wins: deterministic
                keys[folded] = unit.name
    if not keys:
        return keys, None
    # Every key at every position (a lookahead finds overlapping mentions), longest first.
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return keys, re.compile(f"(?=({alternatives}))")


_BOUNDARY_CHARS = set("由请和与及同向对将把给让在经从被、")
_LEVEL_CHARS = set("市县区省州国")


def _tail_of_longer_name(folded: str, start: int, key: str) -> bool:
    """A generic name such as 办公室 or 商务局 at the end of a longer one (市口岸和物流办公室,
    各县区商务局) is not a mention of the bureau's own unit."""
    if start == 0 or key[0] in _LEVEL_CHARS:
        return False
    before = folded[start - 1]
    return "\u4e00" <= before <= "\u9fff" and before not in _BOUNDARY_CHARS


def find_units(text: str, directory: Sequence[UnitRef]) -> list[UnitMatch]:
    """Every non-overlapping mention of a directory unit, longest match first, in text order."""
    folded = fold(text)
    keys, pattern = _compiled(directory)
    found: list[UnitMatch] = []
    if pattern is None:
        return found
    for hit in pattern.finditer(folded):
        key = hit.group(1)
        start = hit.start()
        if not _tail_of_longer_name(folded, start, key):
            found.append(UnitMatch(keys[key], start, start + len(key)))
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


def resolve_unit_match(raw: str, directory: Sequence[UnitRef]) -> tuple[str, bool]:
    """``(canonical name, True)`` when ``raw`` names a unit of the directory, else
    ``(raw trimmed, False)``. A wrong match is worse than none: 市口岸和物流办公室 is not the
    bureau's 办公室, 各县区商务局 is not 市商务局, 县商务局 is not 市商务局."""
    raw = raw.strip()
    if not directory:
        return raw, False
    keys = _keys(directory)
    folded = fold(raw)
    if folded in keys:
        return keys[folded], True
    matches = find_units(raw, directory)
    if len(matches) == 1:
        match = matches[0]
        rest = folded[: match.start] + folded[match.end :]
        # "市发改委" for alias "发改委": one leftover character, the level the name starts with.
        if not rest or (len(rest) == 1 and match.start == 1 and match.name.startswith(rest)):
            return match.name, True
    return raw, False


def resolve_unit(raw: str, directory: Sequence[UnitRef]) -> str:
    """The canonical name for ``raw``; ``raw`` itself (trimmed) when no unit matches it well."""
    return resolve_unit_match(raw, directory)[0]


def split_outside_brackets(value: str, pattern: re.Pattern[str]) -> list[str]:
    """``value`` split where ``pattern`` matches outside brackets: "各县（市、区）政府、市商务局"
    is two names, not three."""
    parts: list[str] = []
    depth = 0
    cursor = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch in "（(〔【":
            depth += 1
        elif ch in "）)〕】":
            depth = max(0, depth - 1)
        elif depth == 0:
            match = pattern.match(value, i)
            if match is not None and match.end() > i:
                parts.append(value[cursor:i])
                cursor = i = match.end()
                continue
        i += 1
    parts.append(value[cursor:])
    return parts


def _strip_unbalanced(name: str) -> str:
    """A name without a closing bracket it does not open ("市财政局）" → "市财政局")."""
    name = name.strip()
    while (
        name
        and name[-1] in "）)〕】"
        and sum(name.count(c) for c in "（(〔【") < sum(name.count(c) for c in "）)〕】")
    ):
        name = name[:-1].rstrip()
    return name


def split_unit_names(value: str) -> list[str]:
    """Split a list of unit names ("市发改委、市财政局等") into names; a 、 inside brackets
    ("各县（市、区）政府") does not split."""
    names: list[str] = []
    for part in split_outside_brackets(value.strip(" ：:；;。，,"), _NAME_SPLIT_RE):
        name = _strip_unbalanced(part)
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
    start = _after_marker(folded, start)
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
        raw = _raw_subject(folded, start, end, directory)
        if raw is not None:
            return raw
        return None
    return UnitAssignment(lead=lead, co=[n for n in co if n not in lead], start=start, end=end)


_SUBJECT_SUFFIX = _UNIT_SUFFIX
_TOGETHER_NAME_RE = re.compile(
    r"^.{1,14}?(?:部门|单位|政府|委员会|管委会|总局|总署|海关|中心|部|委|局|署|办|厅|院|行|社|会)"
    r"(?![门位员会局署])"
)
_SUBJECT_NAME = (
    r"(?:各|国务院|省级|市级|县级)?(?:[^，。；：、“”（）()\s]|（[^（）。，]{1,8}）){0,16}?"
    + _SUBJECT_SUFFIX
    + r"(?:（[^（）。，]{1,12}）)?"  # "市商务局（市口岸办）", "各县（市、区）"
)
_RAW_SUBJECT_RE = re.compile(
    rf"(?P<subj>{_SUBJECT_NAME}(?:、{_SUBJECT_NAME}|(?=各){_SUBJECT_NAME})*)"
    r"(?:要|将|应当|应|须|必须|务必|作为|负责|牵头|会同|统筹|认真|积极|切实|继续|进一步|及时|加快|"
    r"抓紧|尽快|于\d|于每|在\d|印发|制定|组织|开展|建立|推动|推进|编制|报送|研究|督促|对本)"
)
# "各单位工作落实情况请于每月23日前报…": a sentence that opens with a group names its addressees.
_GROUP_OPENING_RE = re.compile(
    r"(?P<subj>各(?:有关|相关|级|责任)?(?:单位|部门|地区|县区|县（区）|县\(区\)|开发区|乡镇|"
    r"街道|成员单位|地方))(?!的)"
)
_SUBJECT_SPLIT_RE = re.compile(r"、|(?<=[门位区府])(?=各)")
_LIST_SPLIT_RE = re.compile(r"、")
_CLAUSE_OPENERS_RE = re.compile(r"(?:同时|此外|另外|对此|下一步|其中|并且?)[，]?")
_NOT_SUBJECT_START = (
    "对",
    "在",
    "为",
    "从",
    "按照",
    "根据",
    "通过",
    "围绕",
    "以",
    "把",
    "将",
    "经",
)


def _after_marker(folded: str, pos: int) -> int:
    """``pos`` moved past an enumerator ("一、", "1.", "（一）", "一是", "第一，") opening there."""
    while pos < len(folded) and folded[pos] in " \t":
        pos += 1
    marker = marker_at(folded, pos)
    return marker.end if marker is not None else pos


def _raw_subject(
    folded: str, start: int, end: int, directory: Sequence[UnitRef]
) -> UnitAssignment | None:
    """The subject of a clause when it reads as a unit but is not in the tree: "海关总署要…",
    "各县区、各开发区要…", "试点城市政府印发…", "生态环境部会同有关部门组建…"."""
    positions = [start] + [
        i + 1 for i in range(start, end - 1) if folded[i] in "，；：。" and i + 1 < end
    ]
    for pos in positions:
        pos = _after_marker(folded, pos)
        opener = _CLAUSE_OPENERS_RE.match(folded, pos)
        if opener:
            pos = opener.end()
        if folded.startswith(_NOT_SUBJECT_START, pos):
            continue
        match = _RAW_SUBJECT_RE.match(folded, pos, end)
        group = _GROUP_OPENING_RE.match(folded, pos, end) if pos == start else None
        if match is None and group is None:
            continue
        subject = match.group("subj") if match is not None else group.group("subj")  # type: ignore[union-attr]
        names = [n for n in split_outside_brackets(subject, _SUBJECT_SPLIT_RE) if n]
        if not names or not all(looks_like_unit(n, directory) for n in names):
            continue
        resolved = [resolve_unit(n, directory) for n in names]
        co: list[str] = []
        after = re.sub(
            r"^(?:要|将|应当|应|须|必须|务必|继续|进一步)+", "", folded[pos + len(subject) :]
        )
        if after.startswith("会同"):
            value = re.split(r"[，。；]|共同", after[2:], maxsplit=1)[0]
            for part in split_outside_brackets(value, _LIST_SPLIT_RE):
                known = find_units(part, directory)
                if known and known[0].start == 0:
                    co.append(known[0].name)  # a unit of the tree
                    if known[0].end < len(part):
                        break
                    continue
                head = _TOGETHER_NAME_RE.match(part)
                if head is None:
                    break
                co.append(resolve_unit(head.group(0), directory))
                if head.end() < len(part):
                    break
        return UnitAssignment(
            lead=resolved[:1],
            co=[n for n in [*resolved[1:], *co] if n != resolved[0]],
            start=start,
            end=end,
            subject=True,
        )
    return None


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
        stated = _prose_assignment(text, 0, end, directory)
        if stated is not None:
            found.append(stated)
    return sorted(found, key=lambda a: a.start)
