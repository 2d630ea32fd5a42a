"""After a rollup rebuild or an enterprise change, the worker fills the caches the first
viewers would otherwise wait for. Trade's own: the figures of the overview, concentration,
new exporters and stopped traders (`kaifang.trade.figures`) for each scope's default query.
The helpers are shared with the leaders' dashboard (`indicators.dashboard.refill`), the
industry chains and risk's dependence page: which users stand for the scopes to refill
(`refill_viewers`), and how a refill is queued for the worker each time the rollup version
moves (`after_version_moves`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kaifang.core import jobs
from kaifang.core.models import UnitKind, User
from kaifang.core.scope import effective_scope
from kaifang.trade import rollups
from kaifang.trade.figures import PAGES, default_query, figures
from kaifang.trade.selectors.base import scope_signature
from kaifang.trade.signals import rollups_rebuilt, version_bumped


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


# A trickle of enterprise edits (people editing the register one firm after another): each
# commit after the worker finished a round started a whole round again. Their refills are
# debounced: queued to start EDIT_DELAY_SECONDS after the last edit that asks, and at most
# EDIT_HOLD_SECONDS after the first (a steady trickle still refills). A rebuild's refills
# (an import, `kaifang rebuild-rollups`) start at once, and make a waiting one due.
EDIT_DELAY_SECONDS = 10.0
EDIT_HOLD_SECONDS = 45.0

_REBUILT = "_kaifang_refill_rebuilt_commit"


def _note_rebuild(sender: Any, **kwargs: Any) -> None:
    """Inside a rebuild's transaction (`rollups_rebuilt`, sent before the rebuild bumps the
    version): at its commit, before that commit's `version_bumped` (on-commit callbacks run
    in the order registered), remember which commit it was."""
    conn = transaction.get_connection()

    def mark() -> None:
        setattr(conn, _REBUILT, getattr(conn, rollups.COMMIT_ATTR, None))

    transaction.on_commit(mark)


def _rebuilt_in_this_commit() -> bool:
    conn = transaction.get_connection()
    found = getattr(conn, _REBUILT, None)
    return found is not None and found is getattr(conn, rollups.COMMIT_ATTR, None)


# The refills `after_version_moves` queues, in the order registered (the benchmarks run them
# as the worker would after an import).
REFILLS: list[str] = []


def after_version_moves(func_path: str, *, dispatch_uid: str) -> None:
    """Have the worker run `func_path()` once the rollup version has moved for good: after
    every rollup rebuild (every import, every `kaifang rebuild-rollups`) and every enterprise
    change that retires cached figures (district, park, industry, liaison, name; a merge; a
    bulk write to the register), after the commit's last bump (`version_bumped`), so what it
    computes is keyed by the version the pages then read. Coalesced: a call already waiting
    in the queue is not queued again (`jobs.defer_once`), so a burst of edits, each its own
    commit, queues one refill while the worker is busy; and after an edit it waits
    EDIT_DELAY_SECONDS for the next (within EDIT_HOLD_SECONDS), so a trickle of edits makes
    one round, not one per edit. After a rebuild it runs at once."""

    if func_path not in REFILLS:
        REFILLS.append(func_path)

    def queue(sender: Any, **kwargs: Any) -> None:
        if _rebuilt_in_this_commit():
            jobs.defer_once(func_path)
        else:
            jobs.defer_once(func_path, delay=EDIT_DELAY_SECONDS, hold=EDIT_HOLD_SECONDS)

    version_bumped.connect(queue, weak=False, dispatch_uid=dispatch_uid)
    rollups_rebuilt.connect(_note_rebuild, weak=False, dispatch_uid="trade.refill_rebuilds")


def connect() -> None:
    after_version_moves("kaifang.trade.refill.refill", dispatch_uid="trade.figures_refill")
    # The largest firms' 一企一档 trade panels, after the pages' figures (`trade.profile`).
    after_version_moves("kaifang.trade.profile.refill", dispatch_uid="trade.profile_refill")
    # The slow pages within keys people opened (`trade.figures.remember_keyed`).
    after_version_moves("kaifang.trade.figures.refill_keyed", dispatch_uid="trade.keyed_refill")
