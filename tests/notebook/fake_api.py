"""A fake OpenAI API for the notebook tests: an httpx MockTransport handler that records requests."""

from __future__ import annotations

import base64
import io
import json
import zlib
from typing import Any

import httpx
import numpy as np

SECRET = "sk-test-SECRETSECRETSECRET1234"
DIM = 8


class SSE(httpx.SyncByteStream):
    """Server-sent events; raises KeyboardInterrupt (like Ctrl-C) after `interrupt_after` events."""

    def __init__(self, events: list[dict[str, Any]], interrupt_after: int | None) -> None:
        self.events = events
        self.interrupt_after = interrupt_after
        self.closed = False

    def __iter__(self):
        for position, event in enumerate(self.events):
            if self.interrupt_after is not None and position == self.interrupt_after:
                raise KeyboardInterrupt
            yield f"data: {json.dumps(event)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    def close(self) -> None:
        self.closed = True


def vector(text: str) -> np.ndarray:
    """A deterministic vector per text; texts sharing words point the same way."""
    out = np.zeros(DIM, dtype=np.float32)
    for word in text.lower().split():
        out[zlib.crc32(word.encode()) % DIM] += 1.0
    out[0] += 0.01
    return out


def png(size: tuple[int, int] = (64, 64), color: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


class FakeAPI:
    """Handles /v1 requests; `failures` queues (status, body, headers) answers for a path first."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.failures: dict[str, list[tuple[int, Any, dict[str, str]]]] = {}
        self.reply = "Hello **world**, here is a reply."
        self.json_reply = '{"name": "Ada", "age": 36}'
        self.interrupt_after: int | None = None
        self.streams: list[SSE] = []

    def bodies(self, path: str) -> list[Any]:
        return [body for _, p, body in self.requests if p == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1")
        content_type = request.headers.get("content-type", "")
        if "json" in content_type:
            body: Any = json.loads(request.content)
        elif "multipart" in content_type:
            body = request.content
        else:
            body = None
        self.requests.append((request.method, path, body))
        queued = self.failures.get(path)
        if queued:
            status, error, headers = queued.pop(0)
            return httpx.Response(status, json=error, headers=headers)
        handler = {
            "/chat/completions": self.chat, "/embeddings": self.embeddings, "/moderations": self.moderations,
            "/images/generations": self.images, "/images/edits": self.images, "/images/variations": self.images,
            "/audio/speech": self.speech, "/audio/transcriptions": self.transcription,
            "/audio/translations": self.transcription, "/models": self.models,
        }[path]
        return handler(request, body)

    # -- endpoints ---------------------------------------------------------------------------
    def chat(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        if body["model"] == "gpt-5o":
            return httpx.Response(404, json={"error": {
                "message": "The model `gpt-5o` does not exist or you do not have access to it.",
                "type": "invalid_request_error", "param": None, "code": "model_not_found"}})
        structured = (body.get("response_format") or {}).get("type") in ("json_object", "json_schema")
        text = self.json_reply if structured else f"{self.reply} [{body['model']}]"
        n = body.get("n") or 1
        usage = {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
        base = {"id": "chatcmpl-1", "created": 1, "model": body["model"]}
        if not body.get("stream"):
            choices = [{"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                       for i in range(n)]
            return httpx.Response(200, json={**base, "object": "chat.completion", "choices": choices, "usage": usage})
        events = []
        for i in range(n):
            pieces = [text[start:start + 5] for start in range(0, len(text), 5)]
            events += [{**base, "object": "chat.completion.chunk",
                        "choices": [{"index": i, "delta": {"content": piece}, "finish_reason": None}]}
                       for piece in pieces]
            events.append({**base, "object": "chat.completion.chunk",
                           "choices": [{"index": i, "delta": {}, "finish_reason": "stop"}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        stream = SSE(events, self.interrupt_after)
        self.streams.append(stream)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)

    def embeddings(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
        data = []
        for index, text in enumerate(texts):
            vec = vector(text)
            encoded = base64.b64encode(vec.astype("<f4").tobytes()).decode()
            data.append({"object": "embedding", "index": index,
                         "embedding": encoded if body.get("encoding_format") == "base64" else vec.tolist()})
        tokens = sum(len(t.split()) for t in texts)
        return httpx.Response(200, json={"object": "list", "data": data, "model": body["model"],
                                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    def moderations(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        results = []
        for text in body["input"]:
            violent = "kill" in text.lower()
            scores = {"violence": 0.92 if violent else 0.01, "harassment": 0.02, "sexual": 0.001}
            flags = {name: score > 0.5 for name, score in scores.items()}
            results.append({"flagged": violent, "categories": flags, "category_scores": scores})
        return httpx.Response(200, json={"id": "modr-1", "model": "omni-moderation-2024-09-26", "results": results})

    def images(self, request: httpx.Request, body: Any) -> httpx.Response:
        n = body.get("n", 1) if isinstance(body, dict) else 1
        data = [{"b64_json": base64.b64encode(png()).decode(), "revised_prompt": f"revised {i}"} for i in range(n)]
        return httpx.Response(200, json={"created": 1, "data": data})

    def speech(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        return httpx.Response(200, content=b"ID3fake-mp3-audio" + body["input"].encode(),
                              headers={"content-type": "audio/mpeg"})

    def transcription(self, request: httpx.Request, body: bytes) -> httpx.Response:
        text = "hello from the audio"
        if b'name="response_format"\r\n\r\nverbose_json' in body:
            segments = [{"id": 0, "start": 0.0, "end": 1.5, "text": "hello from"},
                        {"id": 1, "start": 1.5, "end": 2.0, "text": "the audio"}]
            return httpx.Response(200, json={"text": text, "language": "english", "duration": 2.0,
                                             "segments": segments})
        if b'name="response_format"\r\n\r\nsrt' in body:
            return httpx.Response(200, text=f"1\n00:00:00,000 --> 00:00:02,000\n{text}\n",
                                  headers={"content-type": "text/plain"})
        return httpx.Response(200, json={"text": text})

    def models(self, request: httpx.Request, body: Any) -> httpx.Response:
        data = [{"id": name, "object": "model", "created": 1700000000, "owned_by": "openai"}
                for name in ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small")]
        return httpx.Response(200, json={"object": "list", "data": data})
