"""A per-process copy in front of Django's shared cache, for values whose key names their
version (the rollup version, the indicators' data version): a key's value never changes, so a
process may keep what it read. The shared cache is a database table here (no cache server):
every read is a query and an unpickling of the value, a tenth of the trade overview's CPU
(bench/bench_cpu.py).

`versioned(key, compute, timeout)`: this process's copy, else the shared cache's, else
`compute()` stored in both. Values are shared between the threads and requests of a process:
callers only read them. Local copies expire with the timeout given, like the shared entry.

In the web process (`install`, from config/wsgi.py) a value computed during a request reaches
the shared cache after the response (decision 0055): pickling a large table and writing it
(the city's 5,692 commodity codes: 1.3 MB, 40 ms to pickle, 50–60 ms with the write) was a
third of that page's first view, and the user needs only this process's copy to see it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections

logger = logging.getLogger(__name__)

T = TypeVar("T")

_SIZE = 64  # a breakdown of 2,000 firms is about a megabyte
_LOCK = threading.Lock()
_ITEMS: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_MISSING = object()
_UID = "kaifang.core.lib.local_cache"
# This thread's shared writes waiting for its response's end; absent outside a request
# of the web process (the worker, the commands, the tests), where they are written at once.
_REQUEST = threading.local()
last_flush_ms = 0.0  # the last writes after a response here; the crawl leaves them out


def _local(key: str) -> Any:
    with _LOCK:
        found = _ITEMS.get(key)
        if found is None:
            return _MISSING
        expires, value = found
        if expires <= time.monotonic():
            del _ITEMS[key]
            return _MISSING
        _ITEMS.move_to_end(key)
        return value


def _keep(key: str, value: Any, timeout: float) -> None:
    with _LOCK:
        _ITEMS[key] = (time.monotonic() + timeout, value)
        _ITEMS.move_to_end(key)
        while len(_ITEMS) > _SIZE:
            _ITEMS.popitem(last=False)


def versioned(
    key: str, compute: Callable[[], T], timeout: float, *, keep: Callable[[T], bool] | None = None
) -> T:
    """The value of a versioned key: this process's copy, the shared cache's, or computed.
    `keep`: whether a computed value may be kept (a risk exposure read from the records while
    its rollup is rewritten is shown, not kept)."""
    value = _local(key)
    if value is not _MISSING:
        found: T = value
        return found
    # Boxed (a computed None is a value too), under a key of its own: code from before this
    # module read the same keys unboxed, and must not find a box if it still runs somewhere.
    shared_key = f"boxed:{key}"
    boxed = cache.get(shared_key)
    if isinstance(boxed, tuple) and len(boxed) == 1:
        _keep(key, boxed[0], timeout)
        shared: T = boxed[0]
        return shared
    computed = compute()
    if keep is not None and not keep(computed):
        return computed
    _keep(key, computed, timeout)
    pending: list[tuple[str, Any, float]] | None = getattr(_REQUEST, "writes", None)
    if pending is None:
        cache.set(shared_key, (computed,), timeout)
    else:
        pending.append((shared_key, (computed,), timeout))
    return computed


def install() -> None:
    """Write this process's computed values to the shared cache after each response."""
    request_started.connect(_begin, dispatch_uid=_UID)
    request_finished.connect(flush, dispatch_uid=_UID)


def uninstall() -> None:
    """Write them at once again (the tests)."""
    request_started.disconnect(dispatch_uid=_UID)
    request_finished.disconnect(dispatch_uid=_UID)
    _REQUEST.__dict__.pop("writes", None)


def _begin(**_kwargs: Any) -> None:
    _REQUEST.writes = []


def flush(**_kwargs: Any) -> int:
    """Write what this thread's request computed to the shared cache (`request_finished`: the
    server has the whole response); returns the number written. A failed write is logged and
    left: the next process that misses computes the value again. The connection the writes
    opened is closed as `close_old_connections` (which ran before this receiver) would have,
    unless a transaction holds it (a test's)."""
    global last_flush_ms
    pending: list[tuple[str, Any, float]] = _REQUEST.__dict__.pop("writes", None) or []
    if not pending:
        return 0
    start = time.perf_counter()
    for key, boxed, timeout in pending:
        try:
            cache.set(key, boxed, timeout)
        except Exception:
            logger.exception("shared cache write after the response failed: %s", key)
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()
    last_flush_ms = (time.perf_counter() - start) * 1000
    return len(pending)


def clear() -> None:
    """Forget this process's copies (tests that clear the shared cache clear these too)."""
    with _LOCK:
        _ITEMS.clear()
