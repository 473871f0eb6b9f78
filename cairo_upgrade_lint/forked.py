"""Compute a value in a forked child process while this one goes on: ``lint-upgrade`` builds the
old version's model on the second core while this process builds the new one.

The child inherits the loaded code and the parent's data, so only its result crosses back, pickled
through a pipe; it leaves with ``os._exit`` (no interpreter teardown, no flushing of buffers it
shares with the parent). Where ``fork`` is missing or fails, or the child cannot deliver (any
exception but an expected one, a result that does not pickle, a killed child), the value is
computed here instead, so the outcome never depends on whether it ran in parallel.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_VALUE, _RAISED = 0, 1


@contextmanager
def forked(compute: Callable[[], T], expected: tuple[type[Exception], ...] = ()) -> Iterator[Callable[[], T]]:
    """Start ``compute()`` in a child; yield a function that returns its value (or raises the
    ``expected`` exception it raised), waiting for the child. The child is stopped and reaped on
    leaving the block, whether or not its value was asked for."""
    import pickle  # here: a run that forks nothing does not need it

    started = _start(compute, expected, pickle.dumps) if hasattr(os, "fork") else None
    if started is None:
        yield compute
        return
    read, pid = started
    waited = False

    def result() -> T:
        nonlocal waited
        with os.fdopen(read, "rb", closefd=False) as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        waited = True
        try:
            kind, value = pickle.loads(payload)
        except (EOFError, pickle.UnpicklingError):  # the child failed, or died while writing
            return compute()
        if kind == _RAISED:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield result
    finally:
        os.close(read)
        if not waited:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _start(
    compute: Callable[[], object], expected: tuple[type[Exception], ...], dumps: Callable[..., bytes]
) -> tuple[int, int] | None:
    """Fork a child that sends ``compute()`` through a pipe: (the pipe's end to read, the child's
    pid), or None when no pipe or process can be had (a descriptor or process limit, a sandbox)."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child
        os.close(read)
        _deliver(write, compute, expected, dumps)
    os.close(write)
    return read, pid


def _deliver(
    write: int, compute: Callable[[], object], expected: tuple[type[Exception], ...], dumps: Callable[..., bytes]
) -> None:
    """In the child: send (kind, value) for ``compute()``, or nothing if it failed unexpectedly.
    ``dumps`` is ``pickle.dumps``, imported by the parent before the fork."""
    try:
        try:
            payload = dumps((_VALUE, compute()), protocol=-1)
        except expected as error:
            payload = dumps((_RAISED, error), protocol=-1)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)
