"""The garbage collector's full passes after a response, not in the middle of one (issue 17,
decision 0047; config/wsgi.py installs it in the web process).

CPython starts a full pass when enough objects have survived its younger passes, so it falls
on whichever request allocates the most: the first view of a large page. A pass walks every
tracked object that start-up did not freeze (compiled templates and this process's copies of
figures, 60,000–100,000 after a few hundred pages) and the request's own live objects: 25–80
ms each, 17 passes in a crawl of the leader's 400 pages at 5.6 M records, on the first views of
his firm lists and the concentration page (session 48).

Here the automatic full pass waits `BACKSTOP` times longer than CPython's (a request that
allocates millions of objects still gets one), and `request_finished`, which Django sends
once the server has the whole response, runs the pass that CPython would have considered by
now: `FULL_AFTER` (its own default) collections of the middle generation since the last full
pass. The young passes are untouched; the work is the same, after the user has the page."""

from __future__ import annotations

import gc
import time
from typing import Any

from django.core.signals import request_finished

FULL_AFTER = 10  # CPython's third threshold: middle-generation passes before a full one
BACKSTOP = 10  # the automatic full pass, this many times further off
_UID = "kaifang.core.lib.collector"
last_pass_ms = 0.0  # the last pass run here; the crawl resets it and leaves it out


def install() -> None:
    """Move the full passes after the responses of this process."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_AFTER * BACKSTOP)
    request_finished.connect(collect_if_due, dispatch_uid=_UID)


def uninstall() -> None:
    """CPython's own schedule again (the tests)."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_AFTER)
    request_finished.disconnect(dispatch_uid=_UID)


def collect_if_due(**_kwargs: Any) -> bool:
    """The full pass, when due and the collector is on; whether it ran."""
    global last_pass_ms
    if not gc.isenabled() or gc.get_count()[2] < FULL_AFTER:
        return False
    start = time.perf_counter()
    gc.collect()
    last_pass_ms = (time.perf_counter() - start) * 1000
    return True
