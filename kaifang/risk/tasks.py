"""Risk's periodic work. (Imported at start-up by core's autodiscovery of `tasks` modules.)"""

from __future__ import annotations

from kaifang.core.schedules import periodic
from kaifang.risk import exports as exports  # registers the writer the worker runs


@periodic("risk.exposure_refresh", minutes=10)
def exposure_refresh() -> int:
    """Rewrite the exposure rollup of months still marked stale: an import queues this itself
    after its commit; the sweep catches a queue entry lost to a crash or a stopped worker."""
    from kaifang.risk.rollup import refresh_stale

    return refresh_stale()
