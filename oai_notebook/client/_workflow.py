"""Multi-step helpers written once for Client and AsyncClient, and the polling loop they share.

A helper is a generator that yields what each step returns: a resource call's result (a value on
Client, an awaitable on AsyncClient), `Sleep(seconds)`, or `Gather(thunks, concurrency)`. The
generator receives each step's value back. `run_steps` drives it synchronously or as a coroutine.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

Steps = Generator[Any, Any, Any]

POLL_AFTER_HEADER = "openai-poll-after-ms"
DEFAULT_POLL_MS = 1000


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Gather:
    """Run calls at most `concurrency` at a time; the step's value is their results, in order."""

    thunks: list[Callable[[], Any]]
    concurrency: int = 5


def sleep(seconds: float) -> None:
    """The sync wait between polls (tests replace it to record waits)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """The async wait between polls (tests replace it to record waits)."""
    await asyncio.sleep(seconds)


def run_steps(client: Any, steps: Steps) -> Any:
    """The generator's return value (Client), or a coroutine giving it (AsyncClient)."""
    if client.is_async:
        return _run_async(steps)
    return _run_sync(steps)


def _run_sync(steps: Steps) -> Any:
    advance, value = steps.send, None
    while True:
        try:
            step = advance(value)
        except StopIteration as stop:
            return stop.value
        try:
            value, advance = _do_sync(step), steps.send
        except Exception as exc:  # let the helper see the error where the step was
            value, advance = exc, steps.throw


def _do_sync(step: Any) -> Any:
    if isinstance(step, Sleep):
        return sleep(step.seconds)
    if isinstance(step, Gather):
        if step.concurrency <= 1 or len(step.thunks) <= 1:
            return [thunk() for thunk in step.thunks]
        with ThreadPoolExecutor(max_workers=step.concurrency) as pool:
            return list(pool.map(lambda thunk: thunk(), step.thunks))
    return step  # a sync call already ran


async def _run_async(steps: Steps) -> Any:
    advance, value = steps.send, None
    while True:
        try:
            step = advance(value)
        except StopIteration as stop:
            return stop.value
        try:
            value, advance = await _do_async(step), steps.send
        except Exception as exc:
            value, advance = exc, steps.throw


async def _do_async(step: Any) -> Any:
    if isinstance(step, Sleep):
        return await async_sleep(step.seconds)
    if isinstance(step, Gather):
        gate = asyncio.Semaphore(max(1, step.concurrency))

        async def run(thunk: Callable[[], Any]) -> Any:
            async with gate:
                return await _resolve(thunk())

        return list(await asyncio.gather(*(run(thunk) for thunk in step.thunks)))
    return await _resolve(step)


async def _resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def poll_delay(obj: Any, poll_interval_ms: int | None) -> float:
    """Seconds to wait before the next poll.

    The server's `openai-poll-after-ms` header is honoured: it is the interval when the caller gave
    none, and a lower bound when the caller gave `poll_interval_ms`.
    """
    headers = getattr(obj, "headers", None)
    hinted = None
    if headers is not None and headers.get(POLL_AFTER_HEADER):
        try:
            hinted = int(headers[POLL_AFTER_HEADER])
        except ValueError:
            hinted = None
    if poll_interval_ms is None:
        milliseconds = hinted if hinted is not None else DEFAULT_POLL_MS
    else:
        milliseconds = max(poll_interval_ms, hinted or 0)
    return milliseconds / 1000


def poll(
    fetch: Callable[[], Any],
    is_done: Callable[[Any], bool],
    *,
    current: Any = None,
    poll_interval_ms: int | None = None,
    max_wait_seconds: float | None = None,
    progress: Callable[[Any], None] | None = None,
) -> Steps:
    """Steps that re-fetch an object until `is_done(obj)`, waiting between fetches; returns it.

    `current` is an object already in hand (say, just created), checked before the first fetch.
    `progress(obj)` sees every state. Raises TimeoutError after `max_wait_seconds`.
    """
    obj = current if current is not None else (yield fetch())
    started, slept = time.monotonic(), 0.0
    while True:
        if progress is not None:
            progress(obj)
        if is_done(obj):
            return obj
        delay = poll_delay(obj, poll_interval_ms)
        if max_wait_seconds is not None and max(time.monotonic() - started, slept) + delay > max_wait_seconds:
            raise TimeoutError(
                f"still {obj.get('status')!r} after waiting {max_wait_seconds}s for {obj.get('id')!r}"
            )
        yield Sleep(delay)
        slept += delay
        obj = yield fetch()


def status_in(*statuses: str) -> Callable[[Any], bool]:
    """An `is_done` test: the object's status is one of `statuses`."""
    done = frozenset(statuses)
    return lambda obj: obj.get("status") in done
