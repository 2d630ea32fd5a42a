"""What trade tells the modules above it. Trade knows nothing of who listens.

`rollups_rebuilt` is sent by `rollups.rebuild_rollups` after it has rewritten the rollups of
some months, inside the same transaction. A module that keeps a rollup of its own from the
customs records (risk's exposure rollup) must not make the import wait: it marks those months
and rewrites them after the commit, unless `settle` is true (`kaifang rebuild-rollups`, the
demo loader), when it rewrites them there and then.

`version_bumped` is sent once the rollup version has moved for good: after the commit of a
transaction that rebuilt rollups or changed what cached figures derive from an enterprise
(`rollups.bump_version`), after that commit's last bump, once per commit however many bumps
it made. What is computed then is keyed by the version the pages read (the worker's refills
of cached figures listen, `refill.after_version_moves`)."""

from __future__ import annotations

from django.dispatch import Signal

# sender=CustomsRecord; periods: the sorted list of months (first days) rebuilt;
# settle: bring derived tables up to date before returning (else after the commit).
rollups_rebuilt = Signal()

# sender=CustomsRecord; no arguments. Outside a transaction: at once.
version_bumped = Signal()
