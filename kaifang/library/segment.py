"""Chinese word segmentation for the library's full-text index (jieba). Pure: no Django.

Documents are indexed with jieba's search-mode cut, which emits a long word and the shorter
dictionary words inside it (中欧班列 → 中欧, 班列, 中欧班列; 利用外资 → 利用, 外资, 利用外资), so a
query word is found also where it sits inside a longer word. Queries are cut in the precise
mode; every query word must occur.

Both databases see the same tokens: everything but CJK characters, Latin letters and digits is
dropped, Latin is lower-cased, and a token is split where CJK meets Latin or digits (2026年 →
2026 年). SQLite's FTS5 (unicode61) and PostgreSQL's `simple` configuration then split the
space-separated string identically, which is why both give the same results.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["document_tokens", "query_words", "top_words", "warm"]

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")

# Words too common in policy texts to rank or relate documents by.
_STOP_TEXT = (
    "的 了 和 与 及 或 等 在 对 为 以 将 按 由 于 是 有 不 其 并 可 从 到 向 被 把 之 中 上 下 "
    "本 该 各 个 年 月 日 条 款 项 第 一 二 三 进一步 有关 相关 工作 按照 根据 规定 办法 通知 "
    "单位 部门 企业"
)
STOPWORDS = frozenset(_STOP_TEXT.split())


@cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def warm() -> None:
    """Load jieba's dictionary now: about 0.6 s of CPU and 80 MB, which a process would
    otherwise pay on its first search or document (the web server calls this in a thread at
    start-up, config/wsgi.py). jieba's own lock makes a search that comes meanwhile wait for
    the one load instead of starting a second."""
    _jieba()


def _normalise(pieces: Iterable[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        out.extend(_RUN.findall(piece.lower()))
    return out


def document_tokens(text: str) -> str:
    """The space-separated search-mode tokens of `text`, in order (what the index stores)."""
    if not text:
        return ""
    return " ".join(_normalise(_jieba().cut_for_search(text)))


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in order (precise cut; each must occur)."""
    words = _normalise(_jieba().cut(query))
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word, None)
    return list(seen)


def top_words(tokens: str, n: int = 8) -> list[str]:
    """The most frequent meaningful words of an indexed text (for related documents)."""
    counts = Counter(
        t for t in tokens.split() if len(t) >= 2 and t not in STOPWORDS and not t.isdigit()
    )
    return [word for word, _ in counts.most_common(n)]


def highlight_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of `words` in `text`, case-insensitive."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for word in sorted(set(words), key=len, reverse=True):
        if not word:
            continue
        start = lowered.find(word)
        while start != -1:
            end = start + len(word)
            if all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
            start = lowered.find(word, end)
    return sorted(spans)


def snippet(text: str, words: Iterable[str], *, width: int = 120) -> list[tuple[str, bool]]:
    """A window of `text` around the first match, as (piece, is_match) pairs for the template
    (which escapes each piece and wraps matches in <mark>)."""
    words = list(words)
    flat = re.sub(r"\s+", " ", text)
    spans = highlight_spans(flat, words)
    if not spans:
        return [(flat[:width] + ("…" if len(flat) > width else ""), False)]
    first = spans[0][0]
    start = max(0, first - width // 3)
    end = min(len(flat), start + width)
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("…", False))
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > cursor:
            pieces.append((flat[cursor:s], False))
        if s == cursor and pieces and pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + flat[s:e], True)  # adjacent words read as one
        else:
            pieces.append((flat[s:e], True))
        cursor = e
    if cursor < end:
        pieces.append((flat[cursor:end], False))
    if end < len(flat):
        pieces.append(("…", False))
    return pieces


def snippet_html(pieces: list[tuple[str, bool]]) -> str:
    """The pieces as HTML: escaped text, matches in <mark> (for JSON and the CLI)."""
    from html import escape

    return "".join(f"<mark>{escape(p)}</mark>" if hit else escape(p) for p, hit in pieces)
