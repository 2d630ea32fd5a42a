"""After a rollup rebuild or an enterprise change, the worker fills the caches the first
viewers would otherwise wait for. Trade's own: the figures of the overview, concentration,
new exporters and stopped traders (`kaifang.trade.figures`) for each scope's default query.
The helpers are shared with the leaders' dashboard (`indicators.dashboard.refill`), the
industry chains and risk's dependence page: which users stand for the scopes to refill
(`refill_viewers`), and how a refill is queued for the worker each time the rollup version
moves (`after_version_moves`)."""

from __future__ import annotations

from typing import Any

from kaifang.core import jobs
from kaifang.core.models import UnitKind, User
from kaifang.core.scope import effective_scope
from kaifang.trade.figures import PAGES, default_query, figures
from kaifang.trade.selectors.base import scope_signature
from kaifang.trade.signals import version_bumped


def refill_viewers(*, owners: bool = True) -> list[User]:
    """One active user per cache scope (`scope_signature`) to refill: the first who sees it
    all (the whole city's figures are cached once for all of them), then the first user of
    each district's or park's units (one entry for the unit's users who see no firm outside
    it), and each such user who also sees firms outside his units as their liaison officer
    (his key names him). Without `owners`, users whose scope covers no unit are left out:
    liaison officers, who see only their own firms, whose pages cost little to compute (and
    there may be hundreds)."""
    found: list[User] = []
    done: set[str] = set()
    for user in User.objects.filter(is_active=True).select_related("unit").order_by("pk"):
        local = user.unit is not None and user.unit.kind in (UnitKind.DISTRICT, UnitKind.PARK)
        if not local and "all" in done:
            continue
        signature = scope_signature(user)
        if signature in done or (signature != "all" and not local):
            continue
        if signature != "all" and not owners and not effective_scope(user).unit_ids:
            continue
        done.add(signature)
        found.append(user)
    return found


def refill() -> int:
    """Compute and cache the figures of every page in `figures.PAGES` for each scope of
    `refill_viewers(owners=False)`, each for its default query (the newest month the user
    sees), exactly the entries those pages then read. Run by the worker after a rebuild
    commits; returns the number of pages' figures computed. A rebuild that commits while it
    runs moves the version: what was computed before is keyed by the old one, never read."""
    done = 0
    for user in refill_viewers(owners=False):
        for name in PAGES:
            q = default_query(user, name)
            if q is not None:
                figures(name, user, q)
                done += 1
    return done


def after_version_moves(func_path: str, *, dispatch_uid: str) -> None:
    """Have the worker run `func_path()` once the rollup version has moved for good: after
    every rollup rebuild (every import, every `kaifang rebuild-rollups`) and every enterprise
    change that retires cached figures (district, park, industry, liaison, name; a merge; a
    bulk write to the register), after the commit's last bump (`version_bumped`), so what it
    computes is keyed by the version the pages then read. Coalesced: a call already waiting
    in the queue is not queued again (`jobs.defer_once`), so a burst of edits, each its own
    commit, queues one refill while the worker is busy, and one more if it runs meanwhile."""

    def queue(sender: Any, **kwargs: Any) -> None:
        jobs.defer_once(func_path)

    version_bumped.connect(queue, weak=False, dispatch_uid=dispatch_uid)


def connect() -> None:
    after_version_moves("kaifang.trade.refill.refill", dispatch_uid="trade.figures_refill")
