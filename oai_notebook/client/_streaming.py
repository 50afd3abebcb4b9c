"""Server-sent events: one line decoder for sync and async streams, and a chunk accumulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import httpx

from ._errors import APIError, stream_error
from ._objects import APIObject, attach, loads

MAX_EMPTY_LINES = 300  # consecutive lines without data before we call the stream broken


class SSEDecoder:
    """Turns lines into (event, data) pairs, following the SSE spec (comments, multi-line data)."""

    __slots__ = ("_event", "_data", "_empty")

    def __init__(self) -> None:
        self._event: str | None = None
        self._data: list[str] = []
        self._empty = 0

    def feed(self, line: str) -> tuple[str | None, str] | None:
        if line.startswith("data:"):
            value = line[5:]
            self._data.append(value[1:] if value.startswith(" ") else value)
            self._empty = 0
            return None
        if not line:
            if self._data:
                return self._dispatch()
            self._event = None
        elif line.startswith("event:"):
            self._event = line[6:].strip()
            return None
        # comments (":"), "id:" and "retry:" carry nothing we use
        self._empty += 1
        if self._empty > MAX_EMPTY_LINES:
            raise APIError("The stream sent too many empty messages; giving up.")
        return None

    def flush(self) -> tuple[str | None, str] | None:
        return self._dispatch() if self._data else None

    def _dispatch(self) -> tuple[str | None, str]:
        data = self._data[0] if len(self._data) == 1 else "\n".join(self._data)
        event = self._event
        self._event = None
        self._data = []
        return event, data


Parser = Callable[[str | None, Any], Any]


def _decode(event: str | None, data: str, parse: Parser, request: httpx.Request) -> Any:
    """The parsed item for one SSE message, or raise for an error frame; None ends the stream."""
    if data.startswith("[DONE]"):
        return None
    obj = loads(data)
    if isinstance(obj, dict) and ("error" in obj and event in (None, "error")):
        raise stream_error(obj, request)
    if event == "error":
        raise stream_error(obj, request)
    return parse(event, obj)


def chunk_parser(event: str | None, obj: Any) -> Any:
    return obj


class Stream:
    """Iterate to get each chunk. Closes its connection at the end, on break, or on `with` exit."""

    def __init__(self, response: httpx.Response, parse: Parser = chunk_parser) -> None:
        self.response = response
        self._parse = parse
        self._iterator = self._iterate()

    def _iterate(self) -> Iterator[Any]:
        decoder = SSEDecoder()
        request = self.response.request
        try:
            for line in self.response.iter_lines():
                message = decoder.feed(line)
                if message is not None:
                    item = _decode(*message, self._parse, request)
                    if item is None:
                        return
                    yield item
            message = decoder.flush()
            if message is not None:
                item = _decode(*message, self._parse, request)
                if item is not None:
                    yield item
        finally:
            self.response.close()

    def __iter__(self) -> Iterator[Any]:
        return self._iterator

    def __next__(self) -> Any:
        return next(self._iterator)

    def close(self) -> None:
        self._iterator.close()
        self.response.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def collect(self) -> APIObject:
        """Consume the rest of the stream and fold it into one completion object."""
        return attach(accumulate(self), self.response)

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers


class AsyncStream:
    """The async twin of Stream: `async for chunk in stream`."""

    def __init__(self, response: httpx.Response, parse: Parser = chunk_parser) -> None:
        self.response = response
        self._parse = parse
        self._iterator = self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        decoder = SSEDecoder()
        request = self.response.request
        try:
            async for line in self.response.aiter_lines():
                message = decoder.feed(line)
                if message is not None:
                    item = _decode(*message, self._parse, request)
                    if item is None:
                        return
                    yield item
            message = decoder.flush()
            if message is not None:
                item = _decode(*message, self._parse, request)
                if item is not None:
                    yield item
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterator

    async def __anext__(self) -> Any:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        await self._iterator.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def collect(self) -> APIObject:
        accumulator = Accumulator()
        async for chunk in self:
            accumulator.add(chunk)
        return attach(accumulator.result(), self.response)

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers


class Accumulator:
    """Folds chat or completion chunks into the final object: text, tool calls by index, usage."""

    def __init__(self) -> None:
        self.base: dict[str, Any] = {}
        self.choices: dict[int, dict[str, Any]] = {}
        self.usage: Any = None

    def add(self, chunk: dict[str, Any]) -> None:
        if not self.base:
            self.base = {k: v for k, v in chunk.items() if k not in ("choices", "usage")}
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for part in chunk.get("choices") or ():
            choice = self.choices.setdefault(part.get("index", 0), {"index": part.get("index", 0)})
            if part.get("finish_reason") is not None:
                choice["finish_reason"] = part["finish_reason"]
            if part.get("logprobs"):
                _merge_logprobs(choice, part["logprobs"])
            if "text" in part:  # legacy completions
                choice["text"] = choice.get("text", "") + (part["text"] or "")
            delta = part.get("delta")
            if delta:
                _merge_delta(choice.setdefault("message", {"role": "assistant", "content": None}), delta)

    def result(self) -> APIObject:
        obj = dict(self.base)
        obj["object"] = str(obj.get("object", "")).removesuffix(".chunk")
        choices = []
        for index in sorted(self.choices):
            choice = self.choices[index]
            choice.setdefault("finish_reason", None)
            choices.append(choice)
        obj["choices"] = choices
        if self.usage is not None:
            obj["usage"] = self.usage
        return loads(APIObject(obj).to_json())


def _merge_delta(message: dict[str, Any], delta: dict[str, Any]) -> None:
    for key, value in delta.items():
        if value is None:
            continue
        if key == "tool_calls":
            calls = message.setdefault("tool_calls", [])
            for call in value:
                _merge_tool_call(calls, call)
        elif key in ("content", "refusal", "reasoning_content", "reasoning"):
            message[key] = (message.get(key) or "") + value
        else:
            message[key] = value


def _merge_tool_call(calls: list[dict[str, Any]], delta: dict[str, Any]) -> None:
    index = delta.get("index", len(calls))
    while len(calls) <= index:
        calls.append({"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
    call = calls[index]
    if delta.get("id"):
        call["id"] = delta["id"]
    if delta.get("type"):
        call["type"] = delta["type"]
    function = delta.get("function") or {}
    if function.get("name"):
        call["function"]["name"] += function["name"]
    if function.get("arguments"):
        call["function"]["arguments"] += function["arguments"]


def _merge_logprobs(choice: dict[str, Any], logprobs: dict[str, Any]) -> None:
    merged = choice.setdefault("logprobs", {})
    for key, value in logprobs.items():
        if isinstance(value, list):
            merged.setdefault(key, []).extend(value)
        else:
            merged[key] = value


def accumulate(chunks: Iterable[dict[str, Any]]) -> APIObject:
    """Fold a stream of chat or completion chunks into the final completion object."""
    accumulator = Accumulator()
    for chunk in chunks:
        accumulator.add(chunk)
    return accumulator.result()


class StreamedBinary:
    """A binary body read as it arrives: `iter_bytes()`, `write_to(path)`; closes on `with` exit."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        try:
            yield from self.response.iter_bytes(chunk_size)
        finally:
            self.response.close()

    def write_to(self, path: Any) -> Any:
        from pathlib import Path

        path = Path(path)
        with path.open("wb") as out:
            for chunk in self.iter_bytes(65536):
                out.write(chunk)
        return path

    stream_to_file = write_to

    def read(self) -> bytes:
        try:
            return self.response.read()
        finally:
            self.response.close()

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> StreamedBinary:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class AsyncStreamedBinary:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes(chunk_size):
                yield chunk
        finally:
            await self.response.aclose()

    async def write_to(self, path: Any) -> Any:
        from pathlib import Path

        path = Path(path)
        with path.open("wb") as out:
            async for chunk in self.iter_bytes(65536):
                out.write(chunk)
        return path

    stream_to_file = write_to

    async def read(self) -> bytes:
        try:
            return await self.response.aread()
        finally:
            await self.response.aclose()

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStreamedBinary:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()


class AsyncResponseContext:
    """Lets `async with client...with_streaming_response.create(...) as response:` work (or `await`)."""

    def __init__(self, awaitable: Any) -> None:
        self._awaitable = awaitable
        self._response: AsyncStreamedBinary | None = None

    def __await__(self):
        return self._awaitable.__await__()

    async def __aenter__(self) -> AsyncStreamedBinary:
        self._response = await self._awaitable
        return self._response

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._response is not None:
            await self._response.close()
