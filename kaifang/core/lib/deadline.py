"""Reads with a deadline: work that would hold a web thread for seconds is stopped early, so the
view can hand it to the worker instead (decision 0059).

    try:
        with read_deadline(0.5):
            table = compute()
    except DeadlinePassed:
        ...  # queue the work, show its progress

Inside the block, a statement that starts after the deadline is not run, and one that runs past
it is cancelled: on SQLite by the connection's progress handler (which counts this thread's CPU
time, as the statement runs in it), on PostgreSQL by `statement_timeout` (the server's time of
each statement; within a transaction, in a savepoint, so a cancelled statement leaves it
usable). Python work between statements is not cut: the deadline is checked at the next
statement."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

# How many SQLite virtual machine instructions between two looks at the clock (about a
# millisecond of a statement's work here): often enough to stop within the budget, rarely
# enough to cost nothing measurable.
SQLITE_CHECK_EVERY = 10_000


class DeadlinePassed(Exception):
    """The block's reads took longer than the deadline allows; nothing it computed is kept."""


@contextmanager
def read_deadline(seconds: float | None, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's statements on `using` within `seconds` of this thread's time (None: no
    deadline), raising `DeadlinePassed` when they do not."""
    if seconds is None:
        yield
        return
    conn = connections[using]
    end = time.thread_time() + max(seconds, 0.0)

    def passed() -> bool:
        return time.thread_time() > end

    def before_each(
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,  # noqa: FBT001 (Django's execute wrappers are called so)
        context: Any,
    ) -> Any:
        if passed():
            raise DeadlinePassed
        return execute(sql, params, many, context)

    try:
        with _cancelled_after(conn, seconds, passed), conn.execute_wrapper(before_each):
            yield
    except OperationalError as error:
        if conn.vendor == "sqlite" and "interrupted" in str(error):
            raise DeadlinePassed from error
        if conn.vendor == "postgresql" and "statement timeout" in str(error):
            raise DeadlinePassed from error
        raise


@contextmanager
def _cancelled_after(conn: Any, seconds: float, passed: Callable[[], bool]) -> Iterator[None]:
    """Cancel a statement that runs past the deadline, in the database's own way. No
    transaction is opened for it: on SQLite `atomic` would take the write lock (the
    IMMEDIATE transaction mode, config/env.py), and a read must not wait behind an import."""
    conn.ensure_connection()
    if conn.vendor == "sqlite":
        raw = conn.connection
        raw.set_progress_handler(lambda: 1 if passed() else 0, SQLITE_CHECK_EVERY)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
        return
    if conn.vendor != "postgresql":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    try:
        # Inside a transaction (a test's), a cancelled statement aborts it: a savepoint keeps
        # it usable. In autocommit (the web process) each statement is its own.
        with transaction.atomic(using=conn.alias) if conn.in_atomic_block else nullcontext():
            with conn.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", [f"{max(int(seconds * 1000), 1)}ms"])
            yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [before])
