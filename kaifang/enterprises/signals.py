"""Bulk writes to the register. `save()` tells the modules that derive figures from an
enterprise's district, park, industry, liaison or name (trade's pair rollups and cached pages)
through Django's model signals; `QuerySet.update()` and `bulk_update()` send none. Every bulk
write of those fields therefore runs inside `bulk_write(ids)`, which compares the rows before
and after and sends `enterprises_changed` once, in the caller's transaction. The register
knows nothing of who listens (trade connects in its AppConfig)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.dispatch import Signal

from kaifang.enterprises.models import Enterprise

# sender=Enterprise; pairs: frozenset of (district_id, park_id) whose sums changed hands
# (old and new pair of a moved enterprise, the pair of one whose liaison changed); moved: those
# of them a firm left or joined; changed: how many enterprises changed a watched field.
enterprises_changed = Signal()

WATCHED = ("district_id", "park_id", "industry_id", "liaison_id", "name")
Row = tuple[Any, ...]


def _rows(ids: list[int]) -> dict[int, Row]:
    found: dict[int, Row] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for pk, *values in Enterprise.objects.filter(pk__in=chunk).values_list("pk", *WATCHED):
            found[pk] = tuple(values)
    return found


def affected_pairs(before: dict[int, Row], after: dict[int, Row]) -> tuple[set[Row], set[Row], int]:
    """The pairs whose rollups the change invalidates, those of them a firm left or joined,
    and how many enterprises changed."""
    pairs: set[Row] = set()
    moved: set[Row] = set()
    changed = 0
    for pk, old in before.items():
        new = after.get(pk)
        if new == old:
            continue
        changed += 1
        if new is None or new[:2] != old[:2]:
            moved.add(old[:2])
            if new is not None:
                moved.add(new[:2])
        elif new[3] != old[3]:  # liaison: the sums move between officers within the pair
            pairs.add(old[:2])
    return pairs | moved, moved, changed


@contextmanager
def bulk_write(ids: Iterable[int]) -> Iterator[None]:
    """Wrap a bulk write (`update()`, `bulk_update()`) to these enterprises."""
    pks = sorted(set(ids))
    before = _rows(pks)
    yield
    pairs, moved, changed = affected_pairs(before, _rows(pks))
    if changed:
        enterprises_changed.send(
            sender=Enterprise, pairs=frozenset(pairs), moved=frozenset(moved), changed=changed
        )
