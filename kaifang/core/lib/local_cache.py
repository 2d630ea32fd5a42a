"""A per-process copy in front of Django's shared cache, for values whose key names their
version (the rollup version, the indicators' data version): a key's value never changes, so a
process may keep what it read. The shared cache is a database table here (no cache server):
every read is a query and an unpickling of the value, a tenth of the trade overview's CPU
(bench/bench_cpu.py).

`versioned(key, compute, timeout)`: this process's copy, else the shared cache's, else
`compute()` stored in both. Values are shared between the threads and requests of a process:
callers only read them. Local copies expire with the timeout given, like the shared entry.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")

_SIZE = 64  # a breakdown of 2,000 firms is about a megabyte
_LOCK = threading.Lock()
_ITEMS: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_MISSING = object()


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


def versioned(key: str, compute: Callable[[], T], timeout: float) -> T:
    """The value of a versioned key: this process's copy, the shared cache's, or computed."""
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
    cache.set(shared_key, (computed,), timeout)
    _keep(key, computed, timeout)
    return computed


def clear() -> None:
    """Forget this process's copies (tests that clear the shared cache clear these too)."""
    with _LOCK:
        _ITEMS.clear()
