"""Values computed once per request (`memo(key, compute)`), for reads that several parts of
one page need: the page's panels, its selectors and its template each ask again otherwise.

`RequestMemoMiddleware` opens a fresh memo for each request and drops it at the end. Outside a
request (tests calling selectors, the command line, background jobs) there is no memo and
every call computes. Only for values that nothing in the same request changes; a writer that
does change one calls `forget(key)`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("kaifang_request_memo", default=None)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per request for `key`."""
    values = _MEMO.get()
    if values is None:
        return compute()
    if key in values:
        found: T = values[key]
        return found
    value = compute()
    values[key] = value
    return value


def forget(key: Hashable) -> None:
    values = _MEMO.get()
    if values is not None:
        values.pop(key, None)


@contextmanager
def opened() -> Iterator[None]:
    """A fresh memo for the block, as a request has (the benchmarks time selectors so)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


class RequestMemoMiddleware:
    """A fresh memo for each request (each thread of a worker has its own context)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with opened():
            return self.get_response(request)
