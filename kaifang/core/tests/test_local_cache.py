"""Versioned values kept per process in front of the shared cache (core/lib/local_cache)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache, caches
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


@pytest.fixture
def after_response():
    """The web process's setting (config/wsgi.py): shared writes after the response."""
    local_cache.install()
    yield
    local_cache.uninstall()


def test_a_value_computed_in_a_request_is_shared_after_its_response(after_response):
    """Decision 0055: the user's response does not wait for the pickling and the write."""
    local_cache._begin()  # request_started
    assert local_cache.versioned("t:5", lambda: ["row"] * 3, 60) == ["row"] * 3
    assert cache.get("boxed:t:5") is None  # the response is still being written
    assert local_cache.versioned("t:5", lambda: ["other"], 60) == ["row"] * 3  # this process's
    assert local_cache.flush() == 1  # request_finished
    assert cache.get("boxed:t:5") == (["row"] * 3,)
    assert local_cache.flush() == 0  # nothing written twice
    local_cache.clear()  # as in another process
    assert local_cache.versioned("t:5", lambda: ["other"], 60) == ["row"] * 3


def test_outside_a_request_the_value_is_shared_at_once(after_response):
    """The worker's refills and the commands are not requests: another process must find
    what they computed as soon as they return."""
    assert local_cache.versioned("t:6", lambda: "worker", 60) == "worker"
    assert cache.get("boxed:t:6") == ("worker",)


def test_uninstalled_a_request_begun_writes_at_once(after_response):
    """`uninstall` (the tests' own setting) also drops a request's waiting list."""
    local_cache._begin()  # request_started
    local_cache.uninstall()
    assert local_cache.versioned("t:7", lambda: "test", 60) == "test"
    assert cache.get("boxed:t:7") == ("test",)


def test_another_threads_request_does_not_hold_back_this_threads_writes(
    after_response, monkeypatch
):
    import threading

    written: list[tuple[str, str]] = []
    # each thread has its own cache object (and connection): patched in their class
    kind = type(caches["default"])
    monkeypatch.setattr(kind, "set", lambda self, key, value, timeout: written.append((key, value)))
    monkeypatch.setattr(kind, "get", lambda self, key: None)
    local_cache._begin()  # this thread serves a request
    thread = threading.Thread(target=lambda: local_cache.versioned("t:8", lambda: "other", 60))
    thread.start()
    thread.join()
    assert written == [("boxed:t:8", ("other",))]  # the other thread's, at once
    local_cache.versioned("t:10", lambda: "mine", 60)
    assert len(written) == 1
    local_cache.flush()
    assert written[1:] == [("boxed:t:10", ("mine",))]


def test_a_failed_write_after_the_response_is_logged_and_the_value_still_served(
    after_response, caplog, monkeypatch
):
    local_cache._begin()
    local_cache.versioned("t:9", lambda: "kept", 60)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cache, "set", broken)
    assert local_cache.flush() == 1
    assert "t:9" in caplog.text
    assert local_cache.versioned("t:9", lambda: "again", 60) == "kept"
