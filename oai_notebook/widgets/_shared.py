"""What the widgets share: the session and its async client, background jobs, model lists, status lines.

Requests run as asyncio tasks on the kernel's running event loop, so a button click (a comm
message) is handled while a reply streams: Stop cancels the task, which closes the HTTP stream at
once. Without a running loop (a plain script) the task runs on one private loop thread instead.
"""

from __future__ import annotations

import asyncio
import html
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any

from oai_notebook.notebook.session import Session, get_session

# Model ids that are not chat models (OpenAI's and the sandbox's).
NOT_CHAT = (
    "embed", "moderation", "tts", "whisper", "transcribe", "dall-e", "image", "realtime", "audio",
    "search", "speech", "instruct", "babbage", "davinci", "sora", "computer-use", "minilm", "piper",
    "painter",
)

_loop_lock = threading.Lock()
_private_loop: asyncio.AbstractEventLoop | None = None


def _loop_thread() -> asyncio.AbstractEventLoop:
    """One event loop on a daemon thread, for jobs started where no loop runs."""
    global _private_loop
    with _loop_lock:
        if _private_loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="oai-widgets", daemon=True).start()
            _private_loop = loop
        return _private_loop


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Job:
    """A coroutine running in the background: `await job` (or `job.result()` outside a loop), `job.cancel()`."""

    def __init__(self, coroutine: Coroutine[Any, Any, Any], on_cancelled: Callable[[], None] | None = None) -> None:
        loop = _running_loop()
        if loop is not None:
            self._task: asyncio.Task | None = loop.create_task(coroutine)
            self._future: Any = None
        else:
            self._task = None
            self._future = asyncio.run_coroutine_threadsafe(coroutine, _loop_thread())
        if on_cancelled is not None:  # cancelled before it began, so the coroutine could not clean up
            (self._task or self._future).add_done_callback(lambda done: on_cancelled() if done.cancelled() else None)

    def cancel(self) -> None:
        (self._task or self._future).cancel()

    def done(self) -> bool:
        return (self._task or self._future).done()

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the result (outside an event loop only; in a notebook cell use `await job`)."""
        if self._task is not None:
            if not self._task.done():
                raise RuntimeError("this job runs on the notebook's event loop: use `await job`")
            return self._task.result()
        return self._future.result(timeout)

    def __await__(self):
        awaitable: Awaitable[Any] = self._task if self._task is not None else asyncio.wrap_future(self._future)
        return awaitable.__await__()


class Connection:
    """The session of a shell and an AsyncClient for its backend (made per event loop)."""

    def __init__(self, shell: Any = None, client: Any = None, on_retry: Callable[[Any], None] | None = None) -> None:
        self.session: Session = get_session(shell)
        self._given = client
        self._on_retry = on_retry
        self._made: tuple[Any, Any, Any] | None = None  # (sync client, loop, async client)

    def client(self) -> Any:
        """The AsyncClient to call: the one given, else a twin of the session's client."""
        if self._given is not None:
            return self._given
        from oai_notebook.client import AsyncClient

        sync = self.session.client
        loop = _running_loop()
        if self._made is None or self._made[0] is not sync or self._made[1] is not loop:
            twin = AsyncClient(_settings=sync.settings, on_retry=self._on_retry)
            self._made = (sync, loop, twin)
        return self._made[2]

    def cost(self, model: str | None, prompt_tokens: int | None, completion_tokens: int | None = 0) -> float | None:
        """Estimated USD (OpenAI list prices), only for the OpenAI/Azure backends."""
        from oai_notebook.notebook.pricing import token_cost

        return token_cost(model, prompt_tokens, completion_tokens) if self.session.priced else None

    def error_line(self, exc: BaseException) -> str:
        """One line for any failure, with keys masked."""
        from oai_notebook.notebook.errors import describe

        line = describe(exc) or f"{type(exc).__name__}: {exc}"
        return self.session.scrub(line.strip().splitlines()[0] if line.strip() else type(exc).__name__)


def chat_models(ids: Iterable[str], first: Iterable[str] = ()) -> list[str]:
    """`first` then the chat models among `ids`, sorted, without repeats."""
    found = sorted(i for i in ids if not any(word in i.lower() for word in NOT_CHAT))
    return list(dict.fromkeys([*first, *found]))


async def list_chat_models(client: Any, first: Iterable[str] = ()) -> list[str]:
    """The backend's chat models (after `first`)."""
    return chat_models([model["id"] async for model in client.models.list()], first)


def status_html(text: str, kind: str = "info") -> str:
    """One line of status: info (grey), ok (green) or error (red)."""
    color = {"info": "#666", "ok": "#2e7d32", "error": "#c62828"}[kind]
    return f'<span class="oai-status oai-status-{kind}" style="color:{color}">{html.escape(text)}</span>'
