"""iterate_forked: items from a real child process, its errors raised here, no child left."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from kaifang.core.lib.forked import ForkedError, iterate_forked


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def numbers(n: int) -> Iterator[tuple[int, int]]:
    for i in range(n):
        yield os.getpid(), i


def test_items_arrive_in_order_from_another_process() -> None:
    items = list(iterate_forked(lambda: numbers(2000)))
    assert [i for _pid, i in items] == list(range(2000))
    child = {pid for pid, _i in items}
    assert len(child) == 1
    assert child != {os.getpid()}
    assert _gone(child.pop())


def test_disabled_runs_in_this_process() -> None:
    items = list(iterate_forked(lambda: numbers(3), enabled=False))
    assert items == [(os.getpid(), 0), (os.getpid(), 1), (os.getpid(), 2)]


def failing() -> Iterator[int]:
    yield 1
    raise ValueError("第 3 行：金额不是数字")


def test_an_error_in_the_child_is_raised_as_itself() -> None:
    seen = []
    with pytest.raises(ValueError, match="第 3 行"):
        for item in iterate_forked(failing):
            seen.append(item)
    assert seen == [1]


class Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}{b}")


def unpicklable() -> Iterator[int]:
    raise Unpicklable("坏", "了")
    yield 0  # pragma: no cover


def test_an_error_that_cannot_travel_arrives_as_text() -> None:
    with pytest.raises(ForkedError, match="Unpicklable: 坏了"):
        list(iterate_forked(unpicklable))


def killed() -> Iterator[int]:
    yield 1
    os.kill(os.getpid(), signal.SIGKILL)
    yield 2  # pragma: no cover


def test_a_child_that_dies_is_an_error_not_a_short_result() -> None:
    with pytest.raises(ForkedError, match="意外退出"):
        list(iterate_forked(killed))


def endless() -> Iterator[int]:
    yield os.getpid()
    while True:
        yield 0


def test_stopping_early_kills_and_reaps_the_child() -> None:
    items = iterate_forked(endless)
    pid = next(items)
    next(items)
    items.close()  # type: ignore[attr-defined]
    assert _gone(pid)


def queries() -> Iterator[int]:
    from django.contrib.auth import get_user_model

    yield get_user_model().objects.count()


@pytest.mark.django_db
def test_the_child_may_not_use_the_parents_database_connection() -> None:
    with pytest.raises(ForkedError, match="不得访问数据库"):
        list(iterate_forked(queries))
    assert list(iterate_forked(queries, enabled=False)) == [0]  # in-process it may
