"""Unit names: the directory entries, matching names in text against the directory, and telling
whether a raw name (one the directory does not know) reads as a unit.

Split out of ``units`` (which re-exports the public names); see that module's docstring.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaifang.supervision.decompose.cleanup import fold

__all__ = [
    "BARE_FIELD_RE",
    "UNIT_SUFFIX",
    "UnitAssignment",
    "UnitMatch",
    "UnitRef",
    "find_units",
    "looks_like_unit",
    "match_units",
    "resolve_unit",
    "resolve_unit_match",
    "split_outside_brackets",
    "split_unit_names",
    "strip_trailer",
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


_NAME_SPLIT_RE = re.compile(r"[、，,；;/／\s]+")
_NAME_TRAILERS = (
    "按职责分工负责", "等有关部门", "等相关部门", "等相关单位", "等有关单位", "等单位",
    "等部门", "等",
)  # fmt: skip

# Raw names (not in the unit tree) that read as units: 海关总署, 国家发展改革委, 各县区,
# 试点城市政府.
UNIT_SUFFIX = (
    r"(?:部|委|局|署|办|厅|院|银行|分行|支行|总社|社|委员会|管委会|协会|商会|联合会|中心|政府|"
    r"部门|单位|海关|集团|公司|处|科|室|站|队|所|机构|区|县|州|盟|旗|城市|街道|乡镇|园区|省|市|"
    r"会|联社|妇联|工商联|侨联|残联|文联|科协)"
)
_RAW_UNIT_RE = re.compile(r"^[^，。；：“”\s]{1,22}?" + UNIT_SUFFIX + r"$")
_NOT_UNITS = re.compile(
    r"^(?:全|我|本|该|其|这)[市县区省州国]|^(?:地区|社会|市场|企业)$|的|(?<!自)由|"
    r"(?:全部|局部|内部|外部)$|\d{1,2}月|[年月]底|"
    r"^(?:支持|推动|推进|鼓励|允许|引导|加快|配合|建设|打造|实施|开展|落实|促进|完善|建立|优化|"
    r"提升|加强|强化|深化|组织|对|在|为|从|以|把|将|经(?!开区|济技术)|按照|根据|通过|围绕|确保|力争|会同|协同|"
    r"联合|由|并|同时|及时|加大|指导|督促|帮助|引导)"
)


_BRACKETED_RE = re.compile(r"（[^（）]*）")  # "各县（市，区）" is written with a comma too
_SECOND_NAME_RE = re.compile(r"(?<=.)（([^（）]{2,12})）$")
# Central agencies' local offices go by a bare name: "海关要…", "会同海关、税务、外汇等部门".
_BARE_UNIT_RE = re.compile(r"^(?:海关|人行)$")
BARE_FIELD_RE = re.compile(r"^(?:税务|外汇|边检|海事|口岸|金融监管)$")  # …部门
_GROUP_RE = re.compile(r"^各(?:有关|相关|级|责任|成员)?[^，。；：“”\s的]{1,8}$")


def looks_like_unit(name: str, directory: Sequence[UnitRef] = ()) -> bool:
    """Whether ``name`` reads as a unit: in the tree, or shaped like one (…局, …部, 各县区)."""
    name = _BRACKETED_RE.sub(lambda m: m.group(0).replace("，", "、"), fold(name.strip()))
    if not name or len(name) > 30:
        return False
    if resolve_unit_match(name, directory)[1]:
        return True
    if _GROUP_RE.match(name) or _BARE_UNIT_RE.match(name) or BARE_FIELD_RE.match(name):
        return True  # 各地方, 各地区, 各有关部门, 各省（区、市）
    bracket = _SECOND_NAME_RE.search(name)
    if bracket is not None:  # "市商务局（市口岸办）": a unit and the other name it goes by
        return looks_like_unit(name[: bracket.start()], directory) and looks_like_unit(
            bracket.group(1), directory
        )
    return bool(_RAW_UNIT_RE.match(name)) and not _NOT_UNITS.search(name)


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


def strip_trailer(name: str) -> str:
    folded = fold(name)  # "等有關部門" in a text in traditional characters
    for trailer in _NAME_TRAILERS:
        if folded.endswith(trailer) and len(name) > len(trailer):
            return name[: -len(trailer)]
    return name


def split_unit_names(value: str) -> list[str]:
    """Split a list of unit names ("市发改委、市财政局等") into names; a 、 inside brackets
    ("各县（市、区）政府") does not split."""
    names: list[str] = []
    for part in split_outside_brackets(value.strip(" ：:；;。，,"), _NAME_SPLIT_RE):
        name = strip_trailer(_strip_unbalanced(part))
        if name:
            names.append(name)
    return names
