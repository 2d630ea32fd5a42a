"""Find and normalise Chinese deadline phrases against a document's date.

Why this exists: official texts give deadlines as phrases — 年底前, 年内, 6月底前, 三季度末,
明年上半年, 2026年12月31日前, 每月23日前 (a reporting cycle, not a one-off) — and the ledger needs
dates. The parser is ours, rule-based and offline; its phrase table is below and every phrase has a
unit test. The original phrase is always kept beside the date so a person can check it.

Public API:

- ``parse_deadline(phrase_or_sentence, doc_date) -> Deadline | None``: the deadline of a phrase or
  of a sentence. In a sentence with several, a one-off deadline wins over a recurring one and the
  latest date wins (the completion date rather than a milestone); ties go to the earliest phrase.
- ``find_deadlines(text, doc_date) -> list[Deadline]``: every deadline phrase, in text order.

Rules worth knowing:

- Relative phrases resolve in the document's year (年底前 → 31 Dec; 6月底前 → 30 Jun even when the
  document is dated later in the year), except in a year-end document (November or December),
  where a period ending three months or more before it is next year's (3月底前 → next 31 Mar);
  明年/次年/后年 add years, 下月 is the month after the document's; 去年/上年 and 截至 (status as
  of a date) are never deadlines.
  A one-off date that still falls before the document's date is kept as written and flagged
  (``deadline_warnings``: "截止日期早于文件日期，请核实") for the reviewer to check.
- A bare period ("2025年", "上半年", "6月", "一季度") is a deadline only with a trigger: a suffix
  (前/底/末/内/为止), a preposition before it (到/至/于/在/力争/确保/务必…), or a completion verb
  after it (完成/建成/投用/获批/实现…). When the whole input is the phrase (a table cell such as
  "上半年"), no trigger is needed.
- Lunar festivals (春节/端午/中秋) have no fixed solar date: the phrase is returned with
  ``date=None`` instead of a guessed date. Solar ones (元旦, 五一, 国庆) are resolved.
- Recurring phrases set ``recurring=True``, ``recurrence`` to "monthly:23", "monthly:last",
  "weekly:5" (ISO weekday) or "quarterly:end", and ``date`` to the next occurrence on or after the
  document date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cn2an  # type: ignore[import-untyped, unused-ignore]

from kaifang.supervision.decompose.cleanup import fold

__all__ = [
    "EARLIER_THAN_DOCUMENT",
    "Deadline",
    "deadline_warnings",
    "find_deadlines",
    "parse_deadline",
]


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase and what it means. ``start``/``end`` are offsets in the parsed input."""

    date: dt.date | None
    text: str
    recurring: bool = False
    recurrence: str | None = None
    start: int = 0
    end: int = 0
    relative: bool = False  # counted from the document's date (30日内, 自印发之日起3个月内)

    @property
    def label(self) -> str:
        """The phrase, and for a relative period what it was counted from."""
        if self.relative and self.date is not None:
            return f"{self.text}（自文件日期起算）"
        return self.text


_CN = "〇零一二三四五六七八九十两"
_NUM = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"
_YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
_NEXT_YEAR = "次年|翌年|下一年|下年"
_YEAR_PREFIX = rf"(?:(?P<y>{_YEAR})年|(?P<rel>今年|本年|当年|明年|{_NEXT_YEAR}|后年|去年|上年))?"
_BEFORE = r"(?:之前|以前|前|为止)?"
_REL_YEARS = {
    "今年": 0, "本年": 0, "当年": 0, "明年": 1, "次年": 1, "翌年": 1, "下一年": 1, "下年": 1,
    "后年": 2,
}  # fmt: skip
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "末": 6}
_PREFIX_TRIGGERS = (
    "到", "至", "于", "在", "力争", "确保", "争取", "务必", "截止", "截止到", "要", "须", "将",
)  # fmt: skip
_VERB_TRIGGER_RE = re.compile(
    r"[，]?(?:前|全面|基本|全部|力争|要|必须|确保|务必|前后)?"
    r"(?:完成|建成|投用|投产|获批|实现|落地|开工|竣工|到位|办结|达到|启动|见效|上线|运行|交付|报送|出台|印发|"
    r"举办|召开|开通|建立|组织|开展|推出|发布)|[，]?(?:力争|争取)(?!\d)"  # "三季度争取获批"
)
_BLOCKERS_BEFORE = ("截至", "截止目前")
_BLOCKERS_AFTER = ("起", "以来", "开始", "开始施行", "施行")
_LUNAR = ("春节", "元宵", "端午", "中秋", "清明")


def _to_int(token: str) -> int:
    if token.isdigit():
        return int(token)
    return int(cn2an.cn2an(token, "smart"))


def _year_of(token: str) -> int:
    if token.isdigit():
        return int(token)
    return int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in token))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    date: dt.date | None
    recurrence: str | None
    needs_trigger: bool
    valid: bool
    relative: bool = False


_Handler = Callable[[re.Match[str], dt.date], "_Hit | None"]


def _resolve_year(match: re.Match[str], doc_date: dt.date) -> int | None:
    groups = match.groupdict()
    if groups.get("y"):
        year = _year_of(groups["y"])
        return year if 1900 <= year <= 2200 else None
    rel = groups.get("rel")
    if rel:
        return doc_date.year + _REL_YEARS[rel] if rel in _REL_YEARS else None
    if doc_date.month >= _YEAR_END_MONTH and _period_end(match) <= doc_date.month - 3:
        # A year-end meeting or plan ("3月底前完成规划编制", dated in December) speaks of next year.
        return doc_date.year + 1
    return doc_date.year


# In a document dated from this month on, a year-less month, quarter or half-year that ends three
# months or more before the document's month belongs to the next year.
_YEAR_END_MONTH = 11


def _period_end(match: re.Match[str]) -> int:
    """The last month of the period a year-less phrase names (13 when it names none)."""
    groups = match.groupdict()
    try:
        if groups.get("m"):
            return _to_int(groups["m"])
        if groups.get("q"):
            return _to_int(groups["q"]) * 3
    except (ValueError, KeyError):
        return 13
    if groups.get("h"):
        return 6 if groups["h"] == "上" else 12
    return 13


def _hit(match: re.Match[str], date: dt.date | None, *, trigger: bool, valid: bool = True) -> _Hit:
    return _Hit(match.start(), match.end(), date, None, trigger, valid)


def _full_date(match: re.Match[str], doc_date: dt.date) -> _Hit:
    year = _resolve_year(match, doc_date)
    month, day = _to_int(match["m"]), _to_int(match["d"])
    if year is None or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return _hit(match, None, trigger=False, valid=False)
    return _hit(match, dt.date(year, month, day), trigger=not match["suf"])


def _month(match: re.Match[str], doc_date: dt.date) -> _Hit:
    year = _resolve_year(match, doc_date)
    month = _to_int(match["m"])
    if year is None or not 1 <= month <= 12:
        return _hit(match, None, trigger=False, valid=False)
    part = match["part"] or ""
    date = {
        "上旬": dt.date(year, month, 10),
        "中旬": dt.date(year, month, 20),
    }.get(part, _month_end(year, month))
    return _hit(match, date, trigger=not (part or match["suf"]))


def _quarter(match: re.Match[str], doc_date: dt.date) -> _Hit:
    year = _resolve_year(match, doc_date)
    quarter = _to_int(match["q"])
    if year is None or not 1 <= quarter <= 4:
        return _hit(match, None, trigger=False, valid=False)
    return _hit(match, _month_end(year, quarter * 3), trigger=not match["suf"])


def _half(match: re.Match[str], doc_date: dt.date) -> _Hit:
    year = _resolve_year(match, doc_date)
    if year is None:
        return _hit(match, None, trigger=False, valid=False)
    month = 6 if match["h"] == "上" else 12
    return _hit(match, _month_end(year, month), trigger=not match["suf"])


def _year_end(match: re.Match[str], doc_date: dt.date) -> _Hit:
    year = _resolve_year(match, doc_date)
    if year is None:
        return _hit(match, None, trigger=False, valid=False)
    triggered = bool(match.groupdict().get("suf") or match.groupdict().get("pre"))
    return _hit(match, dt.date(year, 12, 31), trigger=not triggered)


def _this_month(match: re.Match[str], doc_date: dt.date) -> _Hit:
    return _hit(match, _month_end(doc_date.year, doc_date.month), trigger=False)


def _next_month(match: re.Match[str], doc_date: dt.date) -> _Hit:
    """下月5日前, 下个月底前: the month after the document's."""
    year, month = (
        (doc_date.year + 1, 1) if doc_date.month == 12 else (doc_date.year, doc_date.month + 1)
    )
    last = calendar.monthrange(year, month)[1]
    day = last if match["end"] else _to_int(match["d"])
    if not 1 <= day <= last:
        return _hit(match, None, trigger=False, valid=False)
    return _hit(match, dt.date(year, month, day), trigger=not match["suf"])


_STANDARD_RE = re.compile(r"(?:压缩|缩短|控制|减少|降)(?:至|到|在)$|(?:时间|时限|周期)(?:为|在)?$")


def _within(match: re.Match[str], doc_date: dt.date) -> _Hit | None:
    count = _to_int(match["n"])
    unit = match["unit"]
    if _STANDARD_RE.search(match.string, max(0, match.start() - 6), match.start()):
        return None  # "办理时间压缩至3个工作日内": a service standard, not a deadline
    if unit == "个工作日":
        return _hit(match, None, trigger=False)  # working days need the holiday calendar
    if unit in ("天", "日"):
        date = doc_date + dt.timedelta(days=count)
    else:
        months = count * 12 if unit == "年" else count
        month_index = doc_date.month - 1 + months
        year, month = doc_date.year + month_index // 12, month_index % 12 + 1
        date = dt.date(year, month, min(doc_date.day, calendar.monthrange(year, month)[1]))
    return _Hit(
        match.start(), match.end(), date, None, needs_trigger=False, valid=True, relative=True
    )


def _whole_year(match: re.Match[str], doc_date: dt.date) -> _Hit:
    """全年 / 年度 targets of an annual plan, work report or meeting: 31 December."""
    target = _ANNUAL_TARGET_RE.match(match.string, match.end())
    return _hit(match, dt.date(doc_date.year, 12, 31), trigger=target is None)


# "全年新增企业300家以上", "年度跨境电商交易额突破150亿元": the year's measured target; also a
# count the year must reach ("全年不少于3次", "全年走访企业不少于50家次", "全年至少召开2次").
_ANNUAL_TARGET_RE = re.compile(
    r"[^，。；]{0,12}?(?:新增|突破|达到|完成|实现|增长|超过|开行|引进|签约|培育|使用|新设|新建|"
    r"建成|招引|举办|组织|培训|推广|复制|不少于|不低于|至少|走访|召开|开展|参展)[^，。；]{0,12}?\d"
)


def _yearly(match: re.Match[str], doc_date: dt.date) -> _Hit:
    month = _to_int(match["m"])
    if not 1 <= month <= 12:
        return _hit(match, None, trigger=False, valid=False)
    last = calendar.monthrange(doc_date.year, month)[1]
    day = min(_to_int(match["d"]), last) if match["d"] else last
    date = dt.date(doc_date.year, month, day)
    if date < doc_date:
        last = calendar.monthrange(doc_date.year + 1, month)[1]
        date = dt.date(doc_date.year + 1, month, min(day, last))
    recurrence = f"yearly:{month:02d}-{day:02d}" if match["d"] else f"yearly:{month:02d}-end"
    return _Hit(match.start(), match.end(), date, recurrence, needs_trigger=False, valid=True)


def _festival(match: re.Match[str], doc_date: dt.date) -> _Hit:
    name = match["fest"]
    year = _resolve_year(match, doc_date)
    if year is None:
        return _hit(match, None, trigger=False, valid=False)
    solar = {"元旦": (12, 31), "五一": (4, 30), "劳动节": (4, 30), "国庆": (9, 30)}
    if name in solar:
        month, day = solar[name]
        return _hit(match, dt.date(year, month, day), trigger=False)
    return _hit(match, None, trigger=False)  # lunar: no honest solar date without a table


def _monthly(match: re.Match[str], doc_date: dt.date) -> _Hit:
    if not match["d"]:  # "每月底前", or "每月通报" (an empty group)
        date = _month_end(doc_date.year, doc_date.month)
        return _Hit(
            match.start(), match.end(), date, "monthly:last", needs_trigger=False, valid=True
        )
    day = _to_int(match["d"])
    if not 1 <= day <= 31:
        return _hit(match, None, trigger=False, valid=False)
    year, month = doc_date.year, doc_date.month
    date = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    if date < doc_date:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        date = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return _Hit(match.start(), match.end(), date, f"monthly:{day}", needs_trigger=False, valid=True)


def _weekly(match: re.Match[str], doc_date: dt.date) -> _Hit:
    weekday = _WEEKDAYS[match["w"]] if match["w"] in _WEEKDAYS else int(match["w"])
    date = doc_date + dt.timedelta(days=(weekday - doc_date.isoweekday()) % 7)
    return _Hit(
        match.start(), match.end(), date, f"weekly:{weekday}", needs_trigger=False, valid=True
    )


def _quarterly(match: re.Match[str], doc_date: dt.date) -> _Hit:
    quarter_end_month = (doc_date.month - 1) // 3 * 3 + 3
    date = _month_end(doc_date.year, quarter_end_month)
    return _Hit(match.start(), match.end(), date, "quarterly:end", needs_trigger=False, valid=True)


def _quarter_first(match: re.Match[str], doc_date: dt.date) -> _Hit:
    """每季度首月10日前: the given day of each quarter's first month, next on or after the date."""
    day = _to_int(match["d"])
    if not 1 <= day <= 28:
        return _hit(match, None, trigger=False, valid=False)
    year, month = doc_date.year, (doc_date.month - 1) // 3 * 3 + 1
    date = dt.date(year, month, day)
    if date < doc_date:
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
        date = dt.date(year, month, day)
    recurrence = f"quarterly:first-{day}"
    return _Hit(match.start(), match.end(), date, recurrence, needs_trigger=False, valid=True)


def _half_yearly(match: re.Match[str], doc_date: dt.date) -> _Hit:
    """每半年末: 30 June and 31 December, the next one on or after the date."""
    date = _month_end(doc_date.year, 6 if doc_date.month <= 6 else 12)
    recurrence = "half-yearly:end"
    return _Hit(match.start(), match.end(), date, recurrence, needs_trigger=False, valid=True)


_DUTY_AHEAD = (
    r"[^，。；]{0,16}?(?:报送|通报|上报|报告|调度|召开|举办|开展|分析|研判|更新|督查|会商|对接|"
    r"评估)"
)
_PATTERNS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (re.compile(rf"每个?月的?(?:(?P<d>{_NUM})[日号]|底|末){_BEFORE}"), _monthly),
    (re.compile(r"每(?:周|星期|礼拜)(?P<w>[一二三四五六日天1-7]|末)" + _BEFORE), _weekly),
    (re.compile(r"每个?季度的?(?:末|底|结束前)" + _BEFORE), _quarterly),
    (re.compile(rf"每个?季度(?:的)?(?:首月|第一个月)(?P<d>{_NUM})[日号]{_BEFORE}"), _quarter_first),
    (re.compile(r"每半年(?:末|底|结束前)" + _BEFORE), _half_yearly),
    # "每月通报工作进展", "每季度至少举办1场": a duty each period, due at its end.
    (re.compile(rf"每个?月(?P<d>)(?![的\d底末{_CN}])(?={_DUTY_AHEAD})"), _monthly),
    (re.compile(rf"每个?季度(?![的末底首第])(?={_DUTY_AHEAD})"), _quarterly),
    (re.compile(rf"每半年(?![末底])(?={_DUTY_AHEAD})"), _half_yearly),
    (
        re.compile(
            rf"(?<![\d每个]){_YEAR_PREFIX}(?P<m>{_NUM})月份?(?P<d>{_NUM})[日号](?P<suf>之前|以前|前|为止|止)?"
        ),
        _full_date,
    ),
    (
        re.compile(
            rf"(?<![\d每个{_CN}]){_YEAR_PREFIX}(?P<m>{_NUM})月份?(?P<part>底|末|上旬|中旬|下旬)?"
            r"(?P<suf>之前|以前|前|内|为止)?"
        ),
        _month,
    ),
    (
        re.compile(
            rf"{_YEAR_PREFIX}第?(?P<q>[一二三四1-4])季度(?P<suf>末|底|内|结束前|之前|以前|前)?{_BEFORE}"
        ),
        _quarter,
    ),
    (
        re.compile(rf"{_YEAR_PREFIX}(?P<h>[上下])半年(?P<suf>底|末|内|之前|以前|前)?{_BEFORE}"),
        _half,
    ),
    (
        re.compile(
            rf"(?P<pre>到|至)?(?<!\d)(?P<y>{_YEAR})年(?!\d)(?:年?(?P<suf>底|末|内|之前|以前|前|为止))?"
            + _BEFORE
        ),
        _year_end,
    ),
    (
        re.compile(
            rf"(?:(?P<rel>今年|本年|当年|明年|{_NEXT_YEAR}|后年|去年|上年)(?:年|度)?|"
            r"(?<![\d〇零一二三四五六七八九十两几百千年])年度?)"
            r"(?P<suf>底|末|内)" + _BEFORE
        ),
        _year_end,
    ),
    (re.compile(r"(?P<rel>今年|明年|后年|去年)(?![底末内年度])"), _year_end),
    (
        re.compile(r"(?<![\d每个月下次" + _CN + r"])(?:本|当|这个)?月(?:底|末|内)" + _BEFORE),
        _this_month,
    ),
    (
        re.compile(rf"(?<![后的])下个?月(?:(?P<d>{_NUM})[日号]|(?P<end>底|末))(?P<suf>{_BEFORE})"),
        _next_month,
    ),
    (
        re.compile(
            r"(?:(?:自|从)?(?:本(?:通知|意见|方案|办法|文件|决定))?(?:印发|发布|下发|实施|施行|公布)"
            rf"之日起[，]?)?(?P<n>{_NUM})(?P<unit>个月|个工作日|天|日)(?:之内|内)"
        ),
        _within,
    ),
    (re.compile(r"(?<![上下去前])(?:全年|年度)(?!内|底|末)"), _whole_year),
    (
        re.compile(
            rf"每年(?:的)?(?P<m>{_NUM})月(?:份)?(?:底|末|(?P<d>{_NUM})[日号])?(?:之前|以前|前)"
        ),
        _yearly,
    ),
    (
        re.compile(
            rf"{_YEAR_PREFIX}(?P<fest>元旦|五一|劳动节|国庆|春节|元宵|端午|中秋|清明)节?(?:假期)?(?:之前|以前|前)"
        ),
        _festival,
    ),
)


def _triggered(folded: str, hit: _Hit, doc_date: dt.date) -> bool:
    before = folded[max(0, hit.start - 4) : hit.start]
    if any(before.endswith(word) for word in _PREFIX_TRIGGERS):
        return True
    if _VERB_TRIGGER_RE.match(folded, hit.end):
        return True
    if folded[hit.start : hit.end] in ("今年", "本年") and _ANNUAL_TARGET_RE.match(folded, hit.end):
        return True  # "今年全市进出口总额力争增长6%": this year's measured target
    # "2019年上半年，试点城市政府印发实施方案": a future period opening the clause. The
    # document's own day ("5月12日，市长主持召开会议") is the occasion of minutes, not a deadline.
    opens_clause = hit.start == 0 or folded[hit.start - 1] in "，；：。\n"
    return (
        opens_clause
        and folded[hit.end : hit.end + 1] == "，"
        and hit.date is not None
        and hit.date > doc_date
    )


# "有效期至2025年12月31日", "执行期限为…": a policy's validity is not a task's deadline.
_VALIDITY_RE = re.compile(r"有效期|执行期限|施行期限|实施期限|试行期|执行至|施行至|有效至")


def _in_validity(folded: str, hit: _Hit) -> bool:
    window = folded[max(0, hit.start - 30) : hit.start]
    clause = re.split(r"[。；\n]", window)[-1]
    return bool(_VALIDITY_RE.search(clause))


def _blocked(folded: str, hit: _Hit) -> bool:
    # The window reaches one character into the phrase: "截至" may have lent it its "至".
    window = folded[max(0, hit.start - 3) : hit.start + 1]
    after = folded[hit.end : hit.end + 4]
    return any(word in window for word in _BLOCKERS_BEFORE) or any(
        after.startswith(word) for word in _BLOCKERS_AFTER
    )


def _standalone(folded: str, hit: _Hit) -> bool:
    rest = (folded[: hit.start] + folded[hit.end :]).strip(" ，。；：\t\n")
    return rest in ("", "完成", "前完成", "内完成", "底前完成", "以前完成")


def _hits(text: str, doc_date: dt.date) -> list[_Hit]:
    folded = fold(text)
    found: list[_Hit] = []
    for pattern, handler in _PATTERNS:
        for match in pattern.finditer(folded):
            if match.end() - match.start() < 2:
                continue
            hit = handler(match, doc_date)
            if hit is not None:
                found.append(hit)
    # Longest first, then earliest; a longer phrase shadows the phrases inside it, even when
    # it is rejected (去年年底 must not leave 年底 behind).
    found.sort(key=lambda h: (-(h.end - h.start), h.start))
    chosen: list[_Hit] = []
    for hit in found:
        if any(hit.start < other.end and other.start < hit.end for other in chosen):
            continue
        chosen.append(hit)
    accepted = [
        hit
        for hit in chosen
        if hit.valid
        and not _blocked(folded, hit)
        and not _in_validity(folded, hit)
        and (not hit.needs_trigger or _triggered(folded, hit, doc_date) or _standalone(folded, hit))
    ]
    return sorted(accepted, key=lambda h: h.start)


def _to_deadline(text: str, hit: _Hit) -> Deadline:
    return Deadline(
        date=hit.date,
        text=text[hit.start : hit.end],
        recurring=hit.recurrence is not None,
        recurrence=hit.recurrence,
        start=hit.start,
        end=hit.end,
        relative=hit.relative,
    )


def find_deadlines(text: str, doc_date: dt.date) -> list[Deadline]:
    """Every deadline phrase in ``text``, in text order."""
    return list(_find_cached(text, doc_date))


@functools.lru_cache(maxsize=4096)
def _find_cached(text: str, doc_date: dt.date) -> tuple[Deadline, ...]:
    return tuple(_to_deadline(text, hit) for hit in _hits(text, doc_date))


def parse_deadline(phrase_or_sentence: str, doc_date: dt.date) -> Deadline | None:
    """The deadline of a phrase or a sentence, or None (see the module docstring for the rules)."""
    deadlines = find_deadlines(phrase_or_sentence, doc_date)
    if not deadlines:
        return None
    one_off = [d for d in deadlines if not d.recurring]
    pool = one_off or deadlines
    return max(pool, key=lambda d: (d.date or dt.date.min, -d.start))


EARLIER_THAN_DOCUMENT = "截止日期早于文件日期，请核实"
EARLIER_STAGE = "时间节点“{}”早于文件日期，请核实"


def deadline_warnings(
    deadline: dt.date | None,
    doc_date: dt.date,
    *,
    recurring: bool = False,
    stages: Sequence[tuple[dt.date | None, str]] = (),
) -> list[str]:
    """What the reviewer should check about a candidate's deadline. A year-less "6月底前" in a
    document dated in August resolves to this year's 30 June, already past: the text may mean
    next June, or restate a deadline already due. Only the text can say which ("明年6月底前"
    resolves to next year), so the date is kept and the reviewer is asked to check it. The same
    holds for each earlier stage (``stages``: date and phrase of the milestones before the
    deadline), named by its phrase."""
    warnings: list[str] = []
    if deadline is not None and not recurring and deadline < doc_date:
        warnings.append(EARLIER_THAN_DOCUMENT)
    warnings.extend(
        EARLIER_STAGE.format(label)
        for date, label in stages
        if date is not None and date < doc_date
    )
    return warnings
