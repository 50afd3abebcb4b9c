"""A mock OpenAI API for the widget tests: sync (for the magics) and async (for the widgets) handlers.

The async side can be slow on purpose: a delay before the answer, a delay between stream chunks,
and it records which streams were closed and how many requests were in flight at once.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

import httpx

from oai_notebook.client import AsyncClient, Client

SECRET = "sk-widget-test-SECRETSECRET9876"
BASE_URL = "http://api.test/v1"
DIM = 64


def vector(text: str) -> list[float]:
    """A deterministic vector per text: texts that share words point the same way."""
    out = [0.0] * DIM
    for word in text.lower().split():
        out[zlib.crc32(word.encode()) % DIM] += 1.0
    out[0] += 0.01
    return out


def error_body(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


class SlowSSE(httpx.AsyncByteStream):
    """Server-sent events, one every `delay` seconds; remembers whether the client closed it."""

    def __init__(self, events: list[bytes], delay: float) -> None:
        self.events, self.delay = events, delay
        self.sent = 0
        self.closed = False

    async def __aiter__(self):
        for event in self.events:
            if self.delay:
                await asyncio.sleep(self.delay)
            self.sent += 1
            yield event

    async def aclose(self) -> None:
        self.closed = True


class MockAPI:
    """Handles /v1 requests. `failures[path]` queues (status, body) answers for a path first."""

    def __init__(self) -> None:
        self.reply = "Hello **world**, this reply streams in word by word."
        self.models = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "whisper-1", "tts-1", "dall-e-3"]
        self.failures: dict[str, list[tuple[int, Any]]] = {}
        self.requests: list[tuple[str, Any]] = []
        self.first_delay = 0.0  # before any answer (async only)
        self.chunk_delay = 0.0  # between stream chunks (async only)
        self.streams: list[SlowSSE] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.cancelled = 0

    def bodies(self, path: str) -> list[Any]:
        return [body for p, body in self.requests if p == path]

    # -- clients -----------------------------------------------------------------------------
    def async_client(self, max_retries: int = 0) -> AsyncClient:
        return AsyncClient(base_url=BASE_URL, api_key=SECRET, max_retries=max_retries,
                           http_client=httpx.AsyncClient(transport=httpx.MockTransport(self.handle)))

    def sync_client(self) -> Client:
        return Client(base_url=BASE_URL, api_key=SECRET, max_retries=0,
                      http_client=httpx.Client(transport=httpx.MockTransport(self.answer)))

    # -- handlers ----------------------------------------------------------------------------
    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.first_delay:
                await asyncio.sleep(self.first_delay)
            return self.answer(request, slow=True)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1

    def answer(self, request: httpx.Request, slow: bool = False) -> httpx.Response:
        path = request.url.path.removeprefix("/v1")
        body = json.loads(request.content) if request.content else None
        self.requests.append((path, body))
        queued = self.failures.get(path)
        if queued:
            status, error = queued.pop(0)
            return httpx.Response(status, json=error)
        if path == "/models":
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": name, "object": "model", "created": 0, "owned_by": "test"} for name in self.models]})
        if path == "/chat/completions":
            return self._chat(body, slow)
        if path == "/embeddings":
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            return httpx.Response(200, json={
                "object": "list", "model": body["model"],
                "data": [{"object": "embedding", "index": i, "embedding": vector(t)} for i, t in enumerate(texts)],
                "usage": {"prompt_tokens": sum(len(t.split()) for t in texts),
                          "total_tokens": sum(len(t.split()) for t in texts)}})
        return httpx.Response(404, json=error_body(f"no route {path}"))

    def reply_for(self, body: dict[str, Any]) -> str:
        return self.reply

    def _chat(self, body: dict[str, Any], slow: bool) -> httpx.Response:
        text = self.reply_for(body)
        prompt_tokens = sum(len(str(m.get("content")).split()) for m in body["messages"])
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(text.split()),
                 "total_tokens": prompt_tokens + len(text.split())}
        if not body.get("stream"):
            return httpx.Response(200, json={
                "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": usage})
        base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
        words = text.split(" ")
        chunks = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}]
        chunks += [{**base, "choices": [{"index": 0, "delta": {"content": w if i == 0 else " " + w}}]}
                   for i, w in enumerate(words)]
        chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        chunks.append({**base, "choices": [], "usage": usage})
        events = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks] + [b"data: [DONE]\n\n"]
        headers = {"content-type": "text/event-stream"}
        if not slow:
            return httpx.Response(200, headers=headers, content=b"".join(events))
        stream = SlowSSE(events, self.chunk_delay)
        self.streams.append(stream)
        return httpx.Response(200, headers=headers, stream=stream)
