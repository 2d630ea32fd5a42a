"""Versioned values kept per process in front of the shared cache (core/lib/local_cache)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from kaifang.core.lib import local_cache

pytestmark = pytest.mark.django_db


def test_computed_once_then_kept_in_the_process_without_a_cache_read():
    calls: list[int] = []

    def compute() -> None:
        calls.append(1)  # None is a value: computed once, not on every read

    assert local_cache.versioned("t:1", compute, 60) is None
    captures = [CaptureQueriesContext(c) for c in connections.all()]
    for capture in captures:
        capture.__enter__()
    assert local_cache.versioned("t:1", compute, 60) is None
    for capture in captures:
        capture.__exit__(None, None, None)
    assert calls == [1]
    assert sum(len(c.captured_queries) for c in captures) == 0


def test_another_process_reads_the_shared_copy_and_old_code_never_sees_a_box():
    assert local_cache.versioned("t:2", lambda: (2026, 11), 60) == (2026, 11)
    local_cache.clear()  # as in another process
    assert local_cache.versioned("t:2", lambda: (1999, 1), 60) == (2026, 11)
    assert cache.get("t:2") is None  # the key code from before this module reads unboxed
    cache.set("t:3", (2025, 3))  # an entry such code left: not taken for a box
    assert local_cache.versioned("t:3", lambda: (2026, 1), 60) == (2026, 1)


def test_a_local_copy_expires_with_its_timeout():
    assert local_cache.versioned("t:4", lambda: "old", 0) == "old"
    cache.delete("boxed:t:4")
    assert local_cache.versioned("t:4", lambda: "new", 60) == "new"
