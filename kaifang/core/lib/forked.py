"""Run a generator in a forked child process and iterate its items in the parent.

Why: a large import is CPU-bound Python (parsing) feeding database writes, and the database
connection and its transaction live in one process. Parsing in a forked child lets a second
core work while the parent writes. The child only computes: it never touches the database
connection it inherited and leaves with ``os._exit``. Items travel pickled over a pipe. Where
``fork`` is unavailable (or ``enabled`` is false) the generator runs in-process, with the same
results.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

__all__ = ["ForkedError", "iterate_forked"]

T = TypeVar("T")
_ITEM, _ERROR, _DONE = 0, 1, 2
_BUFFER = 1 << 20


class ForkedError(RuntimeError):
    """The child failed with an error that could not be carried back as itself."""


def _portable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    except Exception:
        return ForkedError(
            f"{type(error).__name__}: {error}\n{''.join(traceback.format_exception(error))}"
        )
    return error


def _child(factory: Callable[[], Iterator[T]], read_fd: int, write_fd: int) -> None:
    status = 0
    try:
        os.close(read_fd)
        with os.fdopen(write_fd, "wb", buffering=_BUFFER) as out:
            try:
                for item in factory():
                    pickle.dump((_ITEM, item), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump((_DONE, None), out)
            except BrokenPipeError:
                raise
            except BaseException as error:
                pickle.dump((_ERROR, _portable(error)), out)
    except BrokenPipeError:
        status = 0  # the parent stopped reading: nothing more to do
    except BaseException:
        status = 1
    finally:
        os._exit(status)


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
    finished = False
    try:
        with os.fdopen(read_fd, "rb", buffering=_BUFFER) as stream:
            while True:
                try:
                    tag, payload = pickle.load(stream)  # noqa: S301 - our own child's bytes
                except EOFError:
                    break
                if tag == _ITEM:
                    yield payload
                elif tag == _ERROR:
                    finished = True
                    raise payload
                else:
                    finished = True
                    break
        if not finished:
            raise ForkedError("解析进程意外退出，数据库未做任何修改。")
    finally:
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
