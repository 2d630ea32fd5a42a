"""Merge hooks: a higher app whose rows carry a unique key that includes the enterprise (the
customs facts, say) registers a function that folds `drop`'s colliding rows into `keep`'s
before the generic move, and may refresh what it derives afterwards. The register knows
nothing of those apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MergeHook = Callable[[Any, Any], None]
_BEFORE: list[MergeHook] = []
_AFTER: list[MergeHook] = []


def register(*, before: MergeHook | None = None, after: MergeHook | None = None) -> None:
    if before is not None and before not in _BEFORE:
        _BEFORE.append(before)
    if after is not None and after not in _AFTER:
        _AFTER.append(after)


def run_before(keep: Any, drop: Any) -> None:
    for hook in _BEFORE:
        hook(keep, drop)


def run_after(keep: Any, drop: Any) -> None:
    for hook in _AFTER:
        hook(keep, drop)
