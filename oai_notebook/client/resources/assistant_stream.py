"""Streamed Assistants runs: typed `thread.*` events, folded state, and tool calls answered mid-stream."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .._objects import APIObject, loads

REQUIRES_ACTION = "thread.run.requires_action"
ToolHandler = Callable[[Any], Any]


@dataclass(frozen=True)
class AssistantStreamEvent:
    """One server-sent event of a run: its name (`thread.message.delta`...) and its object."""

    event: str
    data: Any


def parse_event(event: str | None, data: Any) -> AssistantStreamEvent:
    """The SSE parser for Assistants streams (`stream_parse` of the request)."""
    return AssistantStreamEvent(event or "message", data)


def required_tool_calls(run: Any) -> list[Any]:
    """The tool calls a `requires_action` run waits on."""
    action = run.get("required_action") or {}
    return list((action.get("submit_tool_outputs") or {}).get("tool_calls") or [])


def tool_output(call: Any, result: Any) -> dict[str, str]:
    """The `tool_outputs` entry for a call: strings as they are, anything else as JSON."""
    output = result if isinstance(result, str) else json.dumps(result)
    return {"tool_call_id": call["id"], "output": output}


class StreamState:
    """What the events so far add up to: the run, messages (deltas folded in), run steps, text."""

    def __init__(self) -> None:
        self.thread: Any = None
        self.run: Any = None
        self.messages: dict[str, Any] = {}
        self.run_steps: dict[str, Any] = {}
        self.text = ""

    def add(self, event: AssistantStreamEvent) -> None:
        name, data = event.event, event.data
        if name == "thread.created":
            self.thread = data
        elif name.startswith("thread.run.step."):
            if not name.endswith(".delta"):
                self.run_steps[data["id"]] = data
        elif name.startswith("thread.run."):
            self.run = data
        elif name == "thread.message.delta":
            snapshot = self.messages.setdefault(data["id"], APIObject(id=data["id"], content=[]))
            self.text += _merge_content(snapshot, (data.get("delta") or {}).get("content") or [])
        elif name.startswith("thread.message."):
            self.messages[data["id"]] = loads(data.to_json())  # a copy: deltas fold into it


def _merge_content(snapshot: Any, parts: list[Any]) -> str:
    """Fold content deltas into a message snapshot; returns the text they add."""
    content = snapshot.setdefault("content", [])
    added = ""
    for part in parts:
        index = part.get("index", len(content))
        while len(content) <= index:
            content.append(APIObject())
        target = content[index]
        if part.get("type") != "text":
            target.update({k: v for k, v in part.items() if k != "index"})
            continue
        target["type"] = "text"
        text = target.setdefault("text", APIObject(value="", annotations=[]))
        delta = part.get("text") or {}
        value = delta.get("value") or ""
        text["value"] = (text.get("value") or "") + value
        text.setdefault("annotations", []).extend(delta.get("annotations") or [])
        added += value
    return added


def _text_of(event: AssistantStreamEvent) -> str:
    if event.event != "thread.message.delta":
        return ""
    parts = (event.data.get("delta") or {}).get("content") or []
    return "".join((part.get("text") or {}).get("value") or "" for part in parts if part.get("type") == "text")


class _StreamBase:
    def __init__(self, open_stream: Callable[[], Any], submit: Callable[[Any, list], Any], tool_handler: ToolHandler | None):
        self._open = open_stream
        self._submit = submit  # (run, tool_outputs) -> a new event stream
        self._tool_handler = tool_handler
        self.state = StreamState()

    def _wants_tools(self, event: AssistantStreamEvent) -> bool:
        return event.event == REQUIRES_ACTION and self._tool_handler is not None

    @property
    def current_run(self) -> Any:
        return self.state.run


class AssistantStream(_StreamBase):
    """Iterate for every AssistantStreamEvent of a run; closes on `with` exit.

    With a `tool_handler(tool_call) -> output`, a `thread.run.requires_action` event is answered:
    the outputs are submitted and the events of the continued run follow in the same iteration.
    """

    def __init__(self, open_stream: Callable[[], Any], submit: Callable[[Any, list], Any], tool_handler: ToolHandler | None = None):
        super().__init__(open_stream, submit, tool_handler)
        self._events = self._iterate()

    def _iterate(self) -> Iterator[AssistantStreamEvent]:
        stream = self._open()
        while stream is not None:
            waiting = None
            try:
                for event in stream:
                    self.state.add(event)
                    yield event
                    if self._wants_tools(event):
                        waiting = event.data
                        break
            finally:
                stream.close()
            stream = None
            if waiting is not None:
                outputs = [tool_output(call, self._tool_handler(call)) for call in required_tool_calls(waiting)]
                stream = self._submit(waiting, outputs)

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        return self._events

    def __next__(self) -> AssistantStreamEvent:
        return next(self._events)

    def __enter__(self) -> AssistantStream:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self._events.close()

    def until_done(self) -> AssistantStream:
        for _ in self._events:
            pass
        return self

    @property
    def text_deltas(self) -> Iterator[str]:
        """The text of each message delta, as it arrives."""
        for event in self._events:
            text = _text_of(event)
            if text:
                yield text

    def get_final_run(self) -> Any:
        return self.until_done().state.run

    def get_final_messages(self) -> list[Any]:
        return list(self.until_done().state.messages.values())

    def get_final_run_steps(self) -> list[Any]:
        return list(self.until_done().state.run_steps.values())

    def get_final_text(self) -> str:
        return self.until_done().state.text


class AsyncAssistantStream(_StreamBase):
    """The async twin of AssistantStream: `async with ... as stream: async for event in stream`.

    The tool handler may be a plain function or a coroutine function.
    """

    def __init__(self, open_stream: Callable[[], Any], submit: Callable[[Any, list], Any], tool_handler: ToolHandler | None = None):
        super().__init__(open_stream, submit, tool_handler)
        self._events = self._iterate()

    async def _iterate(self) -> AsyncIterator[AssistantStreamEvent]:
        stream = await self._open()
        while stream is not None:
            waiting = None
            try:
                async for event in stream:
                    self.state.add(event)
                    yield event
                    if self._wants_tools(event):
                        waiting = event.data
                        break
            finally:
                await stream.close()
            stream = None
            if waiting is not None:
                outputs = []
                for call in required_tool_calls(waiting):
                    result = self._tool_handler(call)
                    outputs.append(tool_output(call, await result if inspect.isawaitable(result) else result))
                stream = await self._submit(waiting, outputs)

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        return self._events

    async def __anext__(self) -> AssistantStreamEvent:
        return await self._events.__anext__()

    async def __aenter__(self) -> AsyncAssistantStream:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def close(self) -> None:
        await self._events.aclose()

    async def until_done(self) -> AsyncAssistantStream:
        async for _ in self._events:
            pass
        return self

    @property
    def text_deltas(self) -> AsyncIterator[str]:
        """The text of each message delta, as it arrives (`async for text in stream.text_deltas`)."""
        return self._text_deltas()

    async def _text_deltas(self) -> AsyncIterator[str]:
        async for event in self._events:
            text = _text_of(event)
            if text:
                yield text

    async def get_final_run(self) -> Any:
        return (await self.until_done()).state.run

    async def get_final_messages(self) -> list[Any]:
        return list((await self.until_done()).state.messages.values())

    async def get_final_run_steps(self) -> list[Any]:
        return list((await self.until_done()).state.run_steps.values())

    async def get_final_text(self) -> str:
        return (await self.until_done()).state.text
