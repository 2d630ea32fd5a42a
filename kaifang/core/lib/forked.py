"""Run a generator in a forked child process and iterate its items in the parent.

Why: a large import is CPU-bound Python (parsing) feeding database writes, and the database
connection and its transaction live in one process. Parsing in a forked child lets a second
core work while the parent writes. The child only computes: it never touches the database
connection it inherited and leaves with ``os._exit``. Where ``fork`` is unavailable (or
``enabled`` is false) the generator runs in-process, with the same results.

Items travel as length-prefixed pickles. A reader thread in the parent drains the pipe into a
small queue, so the child computes the next items while the parent is busy with this one (a
buffered ``pickle.load`` on the pipe would instead wait for the next item's bytes before
returning this one, and the two processes would take turns instead of working together).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

__all__ = ["ForkedError", "iterate_forked"]

T = TypeVar("T")
_ITEM, _ERROR, _DONE = 0, 1, 2
_HEADER = struct.Struct("<Q")
_AHEAD = 8  # items the child may run ahead of the parent


class ForkedError(RuntimeError):
    """The child failed with an error that could not be carried back as itself, or died."""


def _portable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a ForkedError with its text."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    except Exception:
        return ForkedError(
            f"{type(error).__name__}: {error}\n{''.join(traceback.format_exception(error))}"
        )
    return error


def _send(fd: int, message: object) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:
        view = view[os.write(fd, view) :]


def _refuse(*args: object, **kwargs: object) -> None:
    raise ForkedError("子进程不得访问数据库（forked child used the database connection)")


def _forbid_database() -> None:
    """The child shares the parent's database socket or file: one query from here would
    corrupt the parent's session, so every query raises instead."""
    from django.db import connections

    for connection in connections.all():
        connection.execute_wrappers.append(_refuse)


def _child(factory: Callable[[], Iterator[T]], read_fd: int, write_fd: int) -> None:
    status = 0
    try:
        os.close(read_fd)
        _forbid_database()
        try:
            for item in factory():
                _send(write_fd, (_ITEM, item))
            _send(write_fd, (_DONE, None))
        except BrokenPipeError:
            raise
        except BaseException as error:
            _send(write_fd, (_ERROR, _portable(error)))
    except BrokenPipeError:
        status = 0  # the parent stopped reading: nothing more to do
    except BaseException:
        status = 1  # the parent sees a missing end marker
    finally:
        os._exit(status)


def _read_exact(fd: int, size: int) -> bytearray | None:
    """``size`` bytes from the pipe, or None at end of file."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        chunk = os.readv(fd, [view[got:]])
        if chunk == 0:
            return None
        got += chunk
    return buffer


def _reader(fd: int, inbox: queue.Queue[bytearray | BaseException | None]) -> None:
    """Move whole messages from the pipe to the queue; None marks the end of the pipe."""
    try:
        while (header := _read_exact(fd, _HEADER.size)) is not None:
            body = _read_exact(fd, _HEADER.unpack(header)[0])
            if body is None:
                break
            inbox.put(body)
        inbox.put(None)
    except BaseException as error:  # the parent raises it
        inbox.put(error)


def iterate_forked(factory: Callable[[], Iterator[T]], *, enabled: bool = True) -> Iterator[T]:
    """Yield the items of ``factory()``, computed in a forked child.

    An exception in the child is raised here (as itself when it pickles). When the caller stops
    early (an error while writing, a ``break``), the child is killed and reaped.
    """
    if not enabled or not hasattr(os, "fork"):
        yield from factory()
        return
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which exits without coverage data
        _child(factory, read_fd, write_fd)
    os.close(write_fd)
    inbox: queue.Queue[bytearray | BaseException | None] = queue.Queue(maxsize=_AHEAD)
    reader = threading.Thread(target=_reader, args=(read_fd, inbox), daemon=True)
    reader.start()
    finished = False
    try:
        while True:
            message = inbox.get()
            if message is None:
                raise ForkedError("解析进程意外退出，数据库未做任何修改。")
            if isinstance(message, BaseException):
                raise message
            tag, payload = pickle.loads(message)  # noqa: S301 - our own child's bytes
            if tag == _ITEM:
                yield payload
                continue
            finished = True
            if tag == _ERROR:
                raise payload
            break
    finally:
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        while reader.is_alive():  # let the reader see the end of the pipe
            with contextlib.suppress(queue.Empty):
                inbox.get(timeout=0.05)
        reader.join()
        os.close(read_fd)
        os.waitpid(pid, 0)
