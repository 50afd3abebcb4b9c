"""SSE streams: split frames, CRLF, comments, error frames, early close, and folding chunks."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oai_notebook.client import APIError, accumulate
from oai_notebook.client._streaming import SSEDecoder

from .conftest import make_async_client, make_client


def chunk(content=None, index=0, finish=None, tool_calls=None, usage=None, role=None):
    delta = {}
    if role:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    if tool_calls is not None:
        delta["tool_calls"] = tool_calls
    choices = [] if usage else [{"index": index, "delta": delta, "finish_reason": finish}]
    data = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": choices}
    if usage:
        data["usage"] = usage
    return data


def sse(*events, newline="\n") -> bytes:
    text = ""
    for event in events:
        payload = event if isinstance(event, str) else json.dumps(event)
        text += f"data: {payload}{newline}{newline}"
    return text.encode()


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in the given pieces; records whether it was closed."""

    def __init__(self, pieces: list[bytes]):
        self.pieces = pieces
        self.sent = 0
        self.closed = False

    def __iter__(self):
        for piece in self.pieces:
            self.sent += 1
            yield piece

    async def __aiter__(self):
        for piece in self.pieces:
            self.sent += 1
            yield piece

    def close(self):
        self.closed = True

    async def aclose(self):
        self.closed = True


def stream_client(pieces: list[bytes], is_async=False):
    body = Body(pieces)

    def answer(request):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    factory = make_async_client if is_async else make_client
    client, rec = factory(answer)
    return client, rec, body


def texts(stream) -> list[str]:
    return [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]


def test_stream_yields_chunks_and_sends_stream_true():
    raw = sse(chunk(role="assistant", content=""), chunk("Hel"), chunk("lo"), chunk(finish="stop"), "[DONE]")
    client, rec, body = stream_client([raw])
    stream = client.chat.completions.create(model="m", messages=[], stream=True)
    assert texts(stream) == ["Hel", "lo"]
    assert rec.last_json()["stream"] is True
    assert rec.last.headers["accept"] == "text/event-stream"
    assert body.closed


def test_frames_split_across_reads_and_crlf():
    raw = sse(chunk("a"), chunk("b"), chunk("c"), "[DONE]", newline="\r\n")
    pieces = [raw[i : i + 7] for i in range(0, len(raw), 7)]
    client, _, _ = stream_client(pieces)
    assert texts(client.chat.completions.create(model="m", messages=[], stream=True)) == ["a", "b", "c"]


def test_comments_event_ids_and_multiline_data():
    raw = (b": keep-alive\n\nid: 1\nretry: 100\ndata: " + json.dumps(chunk("x")).encode() + b"\n\n"
           + b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",\n'
           + b'data: "choices":[{"index":0,"delta":{"content":"y"},"finish_reason":null}]}\n\n'
           + b"data: [DONE]\n\n")
    client, _, _ = stream_client([raw])
    assert texts(client.chat.completions.create(model="m", messages=[], stream=True)) == ["x", "y"]


def test_stops_at_done_even_if_more_follows():
    raw = sse(chunk("a"), "[DONE]", chunk("never"))
    client, _, body = stream_client([raw])
    assert texts(client.chat.completions.create(model="m", messages=[], stream=True)) == ["a"]
    assert body.closed


def test_error_frame_raises_api_error():
    error = {"error": {"message": "The server had an error", "type": "server_error", "code": None}}
    client, _, body = stream_client([sse(chunk("a"), error)])
    stream = client.chat.completions.create(model="m", messages=[], stream=True)
    assert next(iter(stream)).choices[0].delta.content == "a"
    with pytest.raises(APIError) as info:
        next(stream)
    assert info.value.message == "The server had an error" and info.value.type == "server_error"
    assert body.closed


def test_named_error_event_raises():
    raw = b'event: error\ndata: {"message": "overloaded"}\n\n'
    client, _, _ = stream_client([raw])
    with pytest.raises(APIError, match="overloaded"):
        list(client.chat.completions.create(model="m", messages=[], stream=True))


def test_endless_empty_lines_are_cut_off():
    client, _, body = stream_client([sse(chunk("a")), b"\n" * 1000])
    with pytest.raises(APIError, match="too many empty"):
        list(client.chat.completions.create(model="m", messages=[], stream=True))
    assert body.closed


def test_break_closes_the_connection():
    client, _, body = stream_client([sse(chunk(str(i))) for i in range(100)])
    stream = client.chat.completions.create(model="m", messages=[], stream=True)
    for item in stream:
        if item.choices[0].delta.content == "2":
            break
    stream.close()
    assert body.closed and body.sent < 100


def test_context_manager_closes_early():
    client, _, body = stream_client([sse(chunk(str(i))) for i in range(100)])
    with client.chat.completions.create(model="m", messages=[], stream=True) as stream:
        next(iter(stream))
    assert body.closed and body.sent < 100


def test_stream_without_done_ends_cleanly():
    raw = sse(chunk("a")) + b"data: " + json.dumps(chunk("b")).encode()  # no trailing blank line
    client, _, _ = stream_client([raw])
    assert texts(client.chat.completions.create(model="m", messages=[], stream=True)) == ["a", "b"]


def test_error_status_on_stream_raises_typed_error():
    def answer(request):
        return httpx.Response(401, json={"error": {"message": "bad key", "type": "invalid_request_error"}})

    client, _ = make_client(answer)
    from oai_notebook.client import AuthenticationError

    with pytest.raises(AuthenticationError, match="bad key"):
        client.chat.completions.create(model="m", messages=[], stream=True)


def test_collect_folds_content_tool_calls_and_usage():
    usage = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
    raw = sse(
        chunk(role="assistant", content=""),
        chunk("The "), chunk("answer"),
        chunk(tool_calls=[{"index": 0, "id": "call_1", "type": "function",
                           "function": {"name": "get_weather", "arguments": ""}}]),
        chunk(tool_calls=[{"index": 1, "id": "call_2", "type": "function",
                           "function": {"name": "get_time", "arguments": "{}"}}]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"city": '}}]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}]),
        chunk(finish="tool_calls"),
        chunk(usage=usage),
        "[DONE]",
    )
    client, _, _ = stream_client([raw])
    final = client.chat.completions.create(model="m", messages=[], stream=True).collect()
    assert final.object == "chat.completion"
    message = final.choices[0].message
    assert message.content == "The answer"
    assert message.tool_calls[0].function.name == "get_weather"
    assert json.loads(message.tool_calls[0].function.arguments) == {"city": "Paris"}
    assert message.tool_calls[1].id == "call_2"
    assert final.choices[0].finish_reason == "tool_calls"
    assert final.usage.total_tokens == 12


def test_accumulate_handles_n_choices_and_completions():
    chunks = [chunk("a", index=0), chunk("b", index=1), chunk("c", index=0, finish="stop"),
              chunk(index=1, finish="length")]
    final = accumulate(chunks)
    assert [c.message.content for c in final.choices] == ["ac", "b"]
    legacy = [{"id": "x", "object": "text_completion", "choices": [{"index": 0, "text": "Hi", "finish_reason": None}]},
              {"id": "x", "object": "text_completion", "choices": [{"index": 0, "text": "!", "finish_reason": "stop"}]}]
    assert accumulate(legacy).choices[0].text == "Hi!"


async def test_async_stream_and_early_close():
    client, _, body = stream_client([sse(chunk(str(i))) for i in range(50)] + [sse("[DONE]")], is_async=True)
    stream = await client.chat.completions.create(model="m", messages=[], stream=True)
    seen = []
    async with stream:
        async for item in stream:
            seen.append(item.choices[0].delta.content)
            if len(seen) == 3:
                break
    assert seen == ["0", "1", "2"] and body.closed


async def test_async_collect():
    client, _, _ = stream_client([sse(chunk("x"), chunk("y"), "[DONE]")], is_async=True)
    stream = await client.chat.completions.create(model="m", messages=[], stream=True)
    assert (await stream.collect()).choices[0].message.content == "xy"


def decode_all(text: str, cut_points: list[int]) -> list[tuple]:
    """Decode `text` fed as lines, the way httpx splits it whatever the read boundaries."""
    pieces, last = [], 0
    for cut in sorted(set(cut_points)):
        pieces.append(text[last:cut])
        last = cut
    pieces.append(text[last:])
    from httpx._decoders import LineDecoder

    lines_decoder, decoder, out = LineDecoder(), SSEDecoder(), []
    for piece in pieces:
        for line in lines_decoder.decode(piece):
            message = decoder.feed(line)
            if message:
                out.append(message)
    for line in lines_decoder.flush():
        message = decoder.feed(line)
        if message:
            out.append(message)
    message = decoder.flush()
    if message:
        out.append(message)
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([None, "thread.message.delta", "done"]),
                       st.text(alphabet="abc{}:\" 12", min_size=1, max_size=12)), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.lists(st.integers(min_value=0, max_value=400), max_size=20),
)
def test_any_read_boundaries_give_the_same_events(events, newline, cuts):
    text = ""
    for event, data in events:
        if event:
            text += f"event: {event}{newline}"
        text += f"data: {data}{newline}{newline}"
    expected = [(event, data) for event, data in events]
    assert decode_all(text, [c for c in cuts if c < len(text)]) == expected
