"""Clean source-document text before anything else reads it.

Why this exists: leaders' speeches often reach the bureau as text scraped from
document-sharing sites. Such text starts with the site's header line
("《…》由会员分享,可在线阅读,…请在第壹文秘上搜索。")
and is cut into page fragments prefixed "1、" … "N、" at line starts, which split
sentences and even words in two ("完善口岸功" / "5、能"). Every later step (sentences,
deadlines, candidates) works on the cleaned text, and the candidates' offsets refer to it,
so the caller stores exactly what `clean_text` returns.

- `clean_text(text)`: normalise line ends and indentation, then rejoin scraped fragments if (and
  only if) the text looks scraped. Idempotent: ``clean_text(clean_text(t)) == clean_text(t)``.
- `rejoin_scraped(text)`: the same entry point under the name the design uses.
- `is_scraped(text)`: the detector, exposed for tests and for the review page.
- `fold(text)`: a *length-preserving* copy for matching only (half-width punctuation to full-width,
  full-width digits and letters to ASCII, traditional characters to simplified with OpenCC's
  character table), so a regex match on ``fold(t)`` has the same offsets in ``t``. The displayed
  text keeps its original characters.
- `to_simplified(text)`: OpenCC's t2s conversion, for the wording of a candidate taken from a text
  in traditional characters (its ``source_sentence`` keeps the original).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import opencc  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "clean_text",
    "fold",
    "has_traditional",
    "is_scraped",
    "rejoin_scraped",
    "to_simplified",
]

_HEADER_RE = re.compile(
    r"^\s*《[^》\n]*》.{0,40}(?:由会员分享|可在线阅读|在线阅读|请在.{1,20}上搜索|免费下载).*$"
)
_PAGE_RE = re.compile(r"^(\d{1,3})、")

# Characters that end a sentence (and so may legitimately end a line before a list item).
_SENTENCE_END = set("。！？；：!?;:…”’」』）)】〕")

_FOLD_MAP = str.maketrans(
    {
        ",": "，",
        ":": "：",
        ";": "；",
        "(": "（",
        ")": "）",
        "!": "！",
        "?": "？",
        "[": "【",
        "]": "】",
        "．": ".",
        "\u3000": " ",
        "\xa0": " ",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    }
)


def _traditional_map() -> dict[int, str]:
    """Traditional → simplified, one character for one, from OpenCC's character table; only
    characters that simplified text never uses (outside GB2312), so simplified text is untouched."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    mapping: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        source, target = parts[0], parts[1].split(" ")[0]
        if len(source) != 1 or len(target) != 1 or source == target:
            continue
        try:
            source.encode("gb2312")
        except UnicodeEncodeError:
            mapping[ord(source)] = target
    return mapping


_TRADITIONAL = _traditional_map()
_TRADITIONAL[ord("於")] = "于"  # in GB2312 as a surname, but in traditional text the preposition
_FOLD_MAP.update(_TRADITIONAL)
_T2S = opencc.OpenCC("t2s")


def has_traditional(text: str) -> bool:
    """Whether ``text`` is (at least partly) in traditional characters."""
    return any(ord(ch) in _TRADITIONAL for ch in text)


@functools.lru_cache(maxsize=2048)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC's phrase-aware t2s), for display in the ledger;
    text without traditional characters is returned as it is."""
    return str(_T2S.convert(text)) if has_traditional(text) else text


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Return a same-length copy of ``text`` for matching: punctuation variants unified, full-width
    digits to ASCII, traditional characters to simplified (one for one)."""
    folded = text.translate(_FOLD_MAP)
    assert len(folded) == len(text)  # noqa: S101 - the offsets contract depends on it
    return folded


def _normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    # Tabs inside a line are kept: they separate the cells of a table pasted as text.
    lines = [line.strip(" \u3000\xa0").rstrip("\t") for line in text.split("\n")]
    out: list[str] = []
    blank = 0
    for line in lines:
        if line:
            blank = 0
            out.append(line)
        else:
            blank += 1
            if blank == 1 and out:
                out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _is_header(line: str) -> bool:
    return bool(_HEADER_RE.match(line))


def is_scraped(text: str) -> bool:
    """Tell whether ``text`` carries a sharing-site header or page fragments that cut sentences.

    Page fragments are recognised as sequential numbers 1, 2, 3 … ("N、") at line starts where at
    least half of the lines before pages 2 … N stop in mid-sentence. A real list ("1、加快推进…。")
    ends its items with punctuation and is left alone.
    """
    lines = _normalise_whitespace(text).split("\n")
    if any(_is_header(line) for line in lines[:3]):
        return True
    expected = 1
    cuts = 0
    transitions = 0
    previous = ""
    for line in lines:
        if not line:
            continue
        match = _PAGE_RE.match(line)
        if match and int(match.group(1)) == expected:
            if expected > 1:
                transitions += 1
                if previous and previous[-1] not in _SENTENCE_END:
                    cuts += 1
            expected += 1
        previous = line
    return transitions >= 1 and cuts * 2 >= transitions and cuts >= 1


def _rejoin(lines: list[str]) -> str:
    pieces: list[str] = []
    expected = 1
    for line in lines:
        if _is_header(line):
            continue
        match = _PAGE_RE.match(line)
        if match and int(match.group(1)) == expected:
            fragment = line[match.end() :].lstrip(" \u3000")
            expected += 1
            # Join to the previous fragment without inserting anything; blank lines between
            # fragments are page breaks, not paragraph breaks.
            while pieces and pieces[-1] == "":
                pieces.pop()
            if pieces:
                pieces[-1] = pieces[-1] + fragment
            else:
                pieces.append(fragment)
        else:
            pieces.append(line)
    return _normalise_whitespace("\n".join(pieces))


def clean_text(text: str) -> str:
    """Normalise whitespace; if the text looks scraped, drop the header and page markers; if it
    was pasted from a PDF with hard line breaks, rejoin the lines broken mid-sentence."""
    normalised = _normalise_whitespace(text)
    if is_scraped(normalised):
        normalised = _rejoin(normalised.split("\n"))
    return _rejoin_wrapped(normalised)


def _width(line: str) -> int:
    """Display width: a Chinese character is two columns, an ASCII one."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in line)


_LINE_MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]|"
    r"第[一二三四五六七八九十]{1,3}[，、：]|附件|[①-⑳])"
)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—－–\s]*\d{1,3}[-—－–\s]*|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?)$"
)
_OPEN_MIN_WIDTH = 24  # narrower lines are titles and headings, never a page's full width
_WIDTH_SLACK = 6  # a full line may be three characters short (punctuation kept off line starts)


def _is_open(line: str) -> bool:
    """Whether a line stops mid-sentence: no closing punctuation, or a closing quote that closes
    no sentence ("…推进“智慧口岸”" / "建设，…")."""
    if not line or "\t" in line:
        return False
    if line[-1] in "”’」』" and line[-2:-1] not in ("。", "！", "？"):
        return True
    return line[-1] not in _SENTENCE_END | {"."}


def _rejoin_wrapped(text: str) -> str:
    """Text copied from a PDF breaks every line at the page's width, mid-sentence ("…“两段准" /
    "入”等改革…"). When at least three lines stop open (no closing punctuation) at about the
    same width, such lines are a good share of the text and hardly any line is wider (a page has
    one width; the paragraphs of ordinary text are wider than its titles), each full-width line
    is joined to the next (unless a blank line or an enumerator such as 二、 opens it). Ordinary
    text, whose unpunctuated lines are short titles and headings, is left alone."""
    lines = text.split("\n")
    filled = [line for line in lines if line]
    widths = sorted(_width(line) for line in filled if _is_open(line))
    widths = [w for w in widths if w >= _OPEN_MIN_WIDTH]
    if len(widths) < 3 or len(widths) * 4 < len(filled):
        return text
    full = widths[len(widths) // 2]  # the page's width: the median open line
    if sum(1 for w in widths if abs(w - full) <= _WIDTH_SLACK) * 3 < len(widths) * 2:
        return text  # open lines of every width: not a page's wrapping
    if sum(1 for line in filled if _width(line) > full + _WIDTH_SLACK) * 10 > len(filled):
        return text  # paragraphs wider than the "page": titles and headings, not wrapping
    out: list[str] = []
    joining = False
    for line in lines:
        if _PAGE_NUMBER_RE.match(line):
            continue  # "— 3 —" between two halves of a sentence: the PDF's page footer
        if joining and line and not _LINE_MARKER_RE.match(line):
            out[-1] += line
        else:
            out.append(line)
        joining = _is_open(out[-1]) and _width(line) >= full - _WIDTH_SLACK
    return "\n".join(out)


def rejoin_scraped(text: str) -> str:
    """Rejoin a scraped document (see module docstring); ordinary text is only normalised."""
    return clean_text(text)
