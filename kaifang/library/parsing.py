"""Split a policy text into headings, articles (第X条) and numbered clauses (一、 (一) 1. (1)),
each with a stable anchor. Pure: no Django, no database.

An anchor is the clause's numbering path, not its position or its wording: 第五条(二) is
`a5.s2` in every version of the document, so a link cited in an appeal answer still lands on
the right clause after a corrected version is uploaded. The levels and their anchor letters:

    第一章 / 第一节     ch1 / ch1.se2          (headings)
    第五条              a5
    一、                p1
    （一）              s1
    1. / 1、 / 1．      n1
    （1）               i1

A clause's anchor is its ancestors' anchors joined by dots (`a5.s2.n3`, `p2.s1`); chapters do
not enter clause anchors, so moving an article to another chapter keeps its link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Block", "chinese_number", "clause_label", "parse"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; Arabic digits pass through."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


# Level → (anchor letter, pattern at the start of a line). Order matters: first match wins.
_SP = r"[ \t\u3000]*"
_PATTERNS: list[tuple[str, int, re.Pattern[str]]] = [
    ("chapter", -2, re.compile(rf"^第([{_CN}\d]+)章{_SP}(.*)$")),
    ("section", -1, re.compile(rf"^第([{_CN}\d]+)节{_SP}(.*)$")),
    ("article", 0, re.compile(rf"^第([{_CN}\d]+)条{_SP}(.*)$")),
    ("part", 1, re.compile(rf"^([{_CN}]+)[、．.]{_SP}(.*)$")),
    ("sub", 2, re.compile(rf"^[（(]([{_CN}]+)[）)]{_SP}(.*)$")),
    ("num", 3, re.compile(rf"^(\d{{1,3}})(?:[、．]|\.(?!\d)){_SP}(.*)$")),
    ("item", 4, re.compile(rf"^[（(](\d{{1,3}})[）)]{_SP}(.*)$")),
]
_LETTER = {"chapter": "ch", "section": "se", "article": "a", "part": "p", "sub": "s"}
_LETTER |= {"num": "n", "item": "i"}


@dataclass
class Block:
    """One addressable piece: a heading, an article or a clause, or plain paragraphs (kind
    "text", no anchor) before the first numbered line. `text` holds the whole block, its first
    line included, paragraphs separated by newlines."""

    kind: str
    anchor: str
    label: str
    number: int
    level: int
    title: str
    text: str
    path: list[tuple[str, int]] = field(default_factory=list)


def _numeral(kind: str, number: int) -> str:
    if kind in {"num", "item"}:
        return str(number)
    return _to_chinese(number)


def _to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + _to_chinese(rest) if rest < 10 else _to_chinese(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return digits[hundreds] + "百" + tail


def clause_label(path: list[tuple[str, int]]) -> str:
    """The citation form of a path: 第五条(二)、一、(二)3.、第二章."""
    parts = []
    for kind, number in path:
        cn = _numeral(kind, number)
        if kind == "chapter":
            parts.append(f"第{cn}章")
        elif kind == "section":
            parts.append(f"第{cn}节")
        elif kind == "article":
            parts.append(f"第{cn}条")
        elif kind == "part":
            parts.append(f"{cn}、")
        elif kind == "sub":
            parts.append(f"({cn})")
        elif kind == "num":
            parts.append(f"{cn}.")
        else:
            parts.append(f"({cn})")
    label = "".join(parts)
    # "一、(二)" reads well; a trailing "、" alone ("一、") is the citation of a part.
    return label


def _match(line: str) -> tuple[str, int, int, str] | None:
    for kind, level, pattern in _PATTERNS:
        m = pattern.match(line)
        if m is None:
            continue
        number = chinese_number(m.group(1))
        if number is None or number == 0:
            continue
        rest = m.group(2).strip()
        if kind == "part" and not rest:
            continue  # "一、" alone on a line is more likely debris than a clause
        return kind, level, number, rest
    return None


def parse(text: str) -> list[Block]:
    """The blocks of `text` in order. Lines that start no numbered block continue the current
    one; text before the first numbered line is a "text" block (a title, a preamble)."""
    blocks: list[Block] = []
    stack: list[tuple[str, int, int]] = []  # (kind, level, number) of open clause ancestors
    chapter: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().strip("\u3000").strip()
        if not line:
            continue
        found = _match(line)
        if found is None:
            if blocks:
                blocks[-1].text += "\n" + line
            else:
                blocks.append(Block("text", "", "", 0, 99, line, line))
            continue
        kind, level, number, rest = found
        if level < 0:
            if kind == "chapter":
                chapter = [("chapter", number)]
            else:
                chapter = [*chapter[:1], ("section", number)]
            stack = []
            path = list(chapter)
        else:
            while stack and stack[-1][1] >= level:
                stack.pop()
            stack.append((kind, level, number))
            path = [(k, n) for k, _lv, n in stack]
        anchor = ".".join(f"{_LETTER[k]}{n}" for k, n in path)
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}~{seen[anchor]}"
        else:
            seen[anchor] = 1
        blocks.append(
            Block(
                kind=kind,
                anchor=anchor,
                label=clause_label(path),
                number=number,
                level=level,
                title=rest,
                text=line,
                path=path,
            )
        )
    return blocks
