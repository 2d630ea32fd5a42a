"""What trade tells the modules above it. Trade knows nothing of who listens.

`rollups_rebuilt` is sent by `rollups.rebuild_rollups` after it has rewritten the rollups of
some months, inside the same transaction: a module that keeps a rollup of its own from the
customs records (risk's exposure rollup) rewrites those months there too, so it is never
older or newer than trade's."""

from __future__ import annotations

from django.dispatch import Signal

# sender=CustomsRecord; periods: the sorted list of months (first days) rebuilt.
rollups_rebuilt = Signal()
