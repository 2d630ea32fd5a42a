"""Duplicate detection: character-bigram Jaccard similarity, deterministic and language-neutral
(Chinese has no spaces; bigrams of characters catch the same complaint reworded)."""

from __future__ import annotations

import re

THRESHOLD = 0.5
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> set[str]:
    clean = _NOISE.sub("", text.lower())
    if len(clean) < 2:
        return {clean} if clean else set()
    return {clean[i : i + 2] for i in range(len(clean) - 1)}


def similarity(a: str, b: str) -> float:
    first, second = bigrams(a), bigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)
