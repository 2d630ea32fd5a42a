"""Units stated in prose rather than in annotations: "由X牵头，会同Y、Z", "X负责…，Y、Z配合",
"X要…" (X as the subject, in the directory or only shaped like a unit: 海关总署,
各县（市、区）政府).

Used by ``units.find_assignments`` when a span has no annotation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.names import (
    BARE_FIELD_RE,
    UNIT_SUFFIX,
    UnitAssignment,
    UnitRef,
    find_units,
    looks_like_unit,
    resolve_unit,
    split_outside_brackets,
    split_unit_names,
    strip_trailer,
)
from kaifang.supervision.decompose.sentences import marker_at

__all__ = ["clause_subject", "prose_assignment"]

_TOGETHER_RE = re.compile(r"(?:会同|协同|联合)([^，。；：\n]{2,40}?)(?=[，。；]|共同|$)")
_UNIT_LIKE_RE = re.compile(
    r"^[^，。；：]{1,14}(?:局|委|办|厅|部|部门|委员会|管委会|中心|政府|海关|分行|支行|集团|公司|"
    r"处|科|室|站|队|署|所)$"
)
_SUBJECT_FOLLOWERS = (
    *("要", "在", "作为", "应", "须", "必须", "一定", "将", "务必", "负责", "牵头"),
    *("每月", "每季度", "每半年", "每年", "每周"),  # "市商务局每半年对…进行评估"
)
# "请市商务局会同…": a leader's instruction names its addressee after 请.
_ADDRESSEE_FOLLOWERS = (
    "会同", "牵头", "负责", "认真", "抓紧", "尽快", "研究", "进一步", "督促", "组织",
)  # fmt: skip


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


def prose_assignment(
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
        approved = folded[max(start, match.start - 2) : match.start] == "同意"  # "会议同意X安排…"
        if before.endswith(("会同", "配合", "协同", "联合", "、")) and (lead or co):
            if match.name not in lead and match.name not in co:
                co.append(match.name)
        elif (
            after.startswith(("牵头", "负责"))
            or (at_clause_start and after.startswith(_SUBJECT_FOLLOWERS) and not lead)
            or (approved and not lead)
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
        raw = _raw_subject(text, start, end, directory)
        if raw is not None:
            return raw
        return None
    return UnitAssignment(lead=lead, co=[n for n in co if n not in lead], start=start, end=end)


_SUBJECT_SUFFIX = UNIT_SUFFIX
_TOGETHER_NAME_RE = re.compile(
    r"^.{1,14}?(?:部门|单位|政府|委员会|管委会|总局|总署|海关|中心|部|委|局|署|办|厅|院|行|社|会)"
    r"(?![门位员会局署])(?:[（(][^（）()，、]{2,12}[）)])?"  # "市场监管局(知识产权局)"
)
_SUBJECT_NAME = (
    r"(?:各|国务院|省级|市级|县级)?(?:[^，。；：、“”（）()\s]|（[^（）。]{1,8}）){0,16}?"
    + _SUBJECT_SUFFIX
    + r"(?:（[^（）。，]{1,12}）)?"  # "市商务局（市口岸办）", "各县（市、区）"
)
_FOLLOWERS = (
    r"(?:要|将|应当|应|须|必须|务必|作为|负责|牵头|会同|统筹|认真|积极|切实|继续|进一步|及时|加快|"
    r"抓紧|尽快|于\d|于每|在\d|印发|制定|组织|开展|建立|推动|推进|编制|报送|研究|督促|对本|安排|"
    r"是(?=[^，。；]{0,24}主体)|每(?=[月周年]|季度|半年))"  # "X是…的责任主体", "X每半年…"
)
_RAW_SUBJECT_RE = re.compile(
    rf"(?P<subj>{_SUBJECT_NAME}(?:、{_SUBJECT_NAME}|(?=各){_SUBJECT_NAME})*){_FOLLOWERS}"
)
# After 请 the unit addressed: "请市口岸办根据会议意见修改完善后印发".
_ADDRESSEE_RE = re.compile(
    rf"(?P<subj>{_SUBJECT_NAME}(?:、{_SUBJECT_NAME})*)"
    rf"(?={_FOLLOWERS}|根据|按照|结合|做好|协调|对接)"
)
# Enumerated subjects with bare names: "海关、税务要…" (central agencies' local offices go by
# their field), "商务、发改、财政等部门要…" (any short field before 等部门 / 等单位).
_BARE_NAME = r"(?:海关|人行|税务|外汇|边检|海事|金融监管)"
_FIELD_NAME = r"[^，。；：、“”（）\s等]{2,4}"
_BARE_LIST_RE = re.compile(
    rf"(?P<subj>(?:{_BARE_NAME}|{_SUBJECT_NAME})(?:、(?:{_BARE_NAME}|{_SUBJECT_NAME}))+|"
    rf"(?:{_SUBJECT_NAME}|{_FIELD_NAME})(?:、(?:{_SUBJECT_NAME}|{_FIELD_NAME}))*"
    rf"等(?:有关|相关)?(?:部门|单位)){_FOLLOWERS}"
)
# "各单位工作落实情况请于每月23日前报…": a sentence that opens with a group names its addressees.
_GROUP_OPENING_RE = re.compile(
    r"(?P<subj>各(?:有关|相关|级|责任|牵头|配合)?(?:单位|部门|地区|县区|县（[^（）]{1,6}）|县\(区\)|"
    r"开发区|乡镇|街道|成员单位|地方)(?:人民政府|政府|管委会|[^，。；：、“”\s的]{1,6}?(?:主管部门|部门|局))?)"
    r"(?!的)"
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
    "会议",  # "会议原则同意市财政局安排…": the meeting decides, the unit after 同意 acts
    "会上",
)


def _after_marker(folded: str, pos: int) -> int:
    """``pos`` moved past an enumerator ("一、", "1.", "（一）", "一是", "第一，") opening there."""
    while pos < len(folded) and folded[pos] in " \t":
        pos += 1
    marker = marker_at(folded, pos)
    return marker.end if marker is not None else pos


_BY_FOLLOWERS_RE = re.compile(r"牵头|负责|会同|统筹|组织|承担")
_TOGETHER_WORD_RE = re.compile(r"会同|协同|联合")
# "…，市发改委、市财政局配合" / "…，团市委、市妇联要积极参与": co-units named in a later clause.
_HELPERS_RE = re.compile(
    r"(?P<names>[^，。；：]{2,60}?)(?:要|等单位|等部门)?(?:积极|全力|主动|共同|做好)?"
    r"(?:配合|参与|协助|协同|按职责分工负责|按职责负责|分别负责|共同负责)"
    r"(?=$|[，。；]|做好|推进|开展|落实|实施|工作)"
)
_GENERIC_TAIL_RE = re.compile(r"等(?:有关|相关)?(部门|单位)")


# Verbs no unit's name holds; a name shaped like one ("…对接会" ends in 会) stops before them.
_VERB_AFTER_NAME_RE = re.compile(
    r"(?<=..)(?:举办|开展|推动|建立|制定|打造|完成|出台|印发|做好|加强|加快|召开|编制|落实)"
)


def _unit_list(value: str, directory: Sequence[UnitRef]) -> list[str]:
    """The unit names a phrase such as "市发改委、市财政局建立…" or "海关、税务、外汇等部门"
    starts with (bare names before "等部门" read as "税务部门"), as written in ``value`` (the
    original text, not its folded copy)."""
    generic = _GENERIC_TAIL_RE.search(fold(value))
    if generic is not None:
        listed = [p for p in split_outside_brackets(value[: generic.start()], _LIST_SPLIT_RE)]
        names = [
            p + generic.group(1)
            if BARE_FIELD_RE.match(fold(p)) or not looks_like_unit(p, directory)
            else p
            for p in listed
        ]
        if all(0 < len(p) <= 12 for p in listed) and all(
            looks_like_unit(n, directory) for n in names
        ):
            return [resolve_unit(n, directory) for n in names]
    parts = [p for p in split_outside_brackets(value, _LIST_SPLIT_RE) if p]
    found: list[str] = []
    for part in parts:
        verb = _VERB_AFTER_NAME_RE.search(fold(part))
        if verb is not None:  # "市贸促会举办对接会": the name ends where its predicate starts
            part = part[: verb.start()]
        known = find_units(part, directory)
        if known and known[0].start == 0:
            found.append(known[0].name)  # a unit of the tree
            if known[0].end < len(part):
                break
            continue
        name = strip_trailer(part)
        if looks_like_unit(name, directory):
            found.append(resolve_unit(name, directory))
            continue
        head = _TOGETHER_NAME_RE.match(fold(part))
        if head is None or not looks_like_unit(part[: head.end()], directory):
            break  # "联合开展“外贸新军”培育行动": 联合 as an adverb, no unit follows
        found.append(resolve_unit(part[: head.end()], directory))
        if head.end() < len(part):
            break
    return found


def _prose_co_units(text: str, start: int, end: int, directory: Sequence[UnitRef]) -> list[str]:
    """Co-units stated after the lead in ``text[start:end]``: "会同Y、Z" anywhere, and a clause
    "Y、Z配合" / "Y、Z参与" (names as written; matching runs on the folded copy)."""
    folded = fold(text)
    co: list[str] = []
    for together in _TOGETHER_WORD_RE.finditer(folded, start, end):
        value = re.split(r"[，。；：]|共同", folded[together.end() : end], maxsplit=1)[0]
        co.extend(_unit_list(text[together.end() : together.end() + len(value)], directory))
    clauses = [i + 1 for i in range(start, end - 1) if folded[i] in "，；"]
    for pos in clauses:
        helpers = _HELPERS_RE.match(folded, pos, end)
        if helpers is None:
            continue
        names = split_unit_names(text[helpers.start("names") : helpers.end("names")])
        if names and all(looks_like_unit(n, directory) for n in names):
            co.extend(resolve_unit(n, directory) for n in names)
    return list(dict.fromkeys(co))


def clause_subject(text: str, start: int, end: int, directory: Sequence[UnitRef]) -> str | None:
    """The unit that opens ``text[start:end]`` as its subject ("各县区政府每月10日前将…",
    "海关要…"), or None."""
    found = _raw_subject(text, start, end, directory, first_only=True)
    return found.lead[0] if found is not None and found.lead else None


def _raw_subject(
    text: str,
    start: int,
    end: int,
    directory: Sequence[UnitRef],
    *,
    first_only: bool = False,
) -> UnitAssignment | None:
    """The subject of a clause when it reads as a unit but is not in the tree: "海关总署要…",
    "各县区、各开发区要…", "试点城市政府印发…", "生态环境部会同有关部门组建…". Names are
    copied as written: "各县(区)政府" keeps its ASCII brackets."""
    folded = fold(text)
    positions = [start]
    if not first_only:
        positions += [
            i + 1 for i in range(start, end - 1) if folded[i] in "，；：。" and i + 1 < end
        ]
        # "跨境电商产业园由经开区管委会负责建设": the unit after 由 inside a clause.
        positions += [i for i in range(start + 1, end - 1) if folded[i] == "由"]
        # "会议原则同意市财政局安排专项资金": the unit whose work the meeting approves.
        positions += [i + 2 for i in range(start, end - 2) if folded.startswith("同意", i)]
    for pos in positions:
        pos = _after_marker(folded, pos)
        opener = _CLAUSE_OPENERS_RE.match(folded, pos)
        if opener:
            pos = opener.end()
        if folded.startswith(_NOT_SUBJECT_START, pos) and not folded.startswith(
            ("经开区", "经济技术开发区"), pos
        ):
            continue
        asked = folded.startswith("请", pos) and not folded.startswith(("请示", "请求"), pos)
        if asked:
            pos += 1  # a leader's instruction: "请市商务局会同…" addresses 市商务局
        by = folded.startswith("由", pos) and not folded.startswith("由于", pos)
        if by:  # "由市开放办牵头", "由高新区管委会负责实施"
            pos += 1
        match = (_ADDRESSEE_RE if asked else _RAW_SUBJECT_RE).match(folded, pos, end)
        if by and (match is None or not _BY_FOLLOWERS_RE.match(folded, match.end("subj"))):
            continue
        group = _GROUP_OPENING_RE.match(folded, pos, end) if pos == start else None
        found = match if match is not None else group
        if found is not None:
            subject = text[found.start("subj") : found.end("subj")]
            names = [
                strip_trailer(n) for n in split_outside_brackets(subject, _SUBJECT_SPLIT_RE) if n
            ]  # "市商务局、海关、市税务局等部门要…"
            if not names or not all(looks_like_unit(n, directory) for n in names):
                continue
            resolved = [resolve_unit(n, directory) for n in names]
        else:
            bare = _BARE_LIST_RE.match(folded, pos, end)
            if bare is None:
                continue
            subject = text[bare.start("subj") : bare.end("subj")]
            resolved = _unit_list(subject, directory)
            if not resolved or len(resolved) != subject.count("、") + 1:
                continue
        co = _prose_co_units(text, pos + len(subject), end, directory)
        return UnitAssignment(
            lead=resolved[:1],
            co=[n for n in [*resolved[1:], *co] if n != resolved[0]],
            start=start,
            end=end,
            subject=True,
        )
    return None
