"""Streamed runs, replayed from recorded `thread.*` event sequences (fixtures/run_stream_*.sse)."""

from __future__ import annotations

import json

import pytest

from oai_notebook import spec
from oai_notebook.client import APIError, Stream
from oai_notebook.client.resources.assistant_stream import AssistantStreamEvent

from ._helpers_stateful import (
    BETA,
    SpecServer,
    async_client,
    recorded_stream,
    sse,
    sse_response,
    sync_client,
)

TEXT = recorded_stream("run_stream_text.sse")
REQUIRES_ACTION = recorded_stream("run_stream_requires_action.sse")
AFTER_TOOLS = recorded_stream("run_stream_after_tool_outputs.sse")
WEATHER = {"Paris": "18C", "Oslo": "-2C"}


def stream_server(**bodies: bytes) -> SpecServer:
    return SpecServer({op: (lambda call, body=body: sse_response(body)) for op, body in bodies.items()})


def weather(call):
    assert call.type == "function" and call.function.name == "get_weather"
    return WEATHER[json.loads(call.function.arguments)["city"]]


def test_recorded_events_match_the_spec_objects():
    schemas = {"thread.run.step": "getRunStep", "thread.run": "getRun", "thread.message": "getMessage"}
    for body in (TEXT, REQUIRES_ACTION, AFTER_TOOLS):
        for block in body.decode().strip().split("\n\n"):
            event, data = (line.split(": ", 1)[1] for line in block.splitlines())
            if event == "done" or event.endswith(".delta"):
                continue
            prefix = next(p for p in schemas if event.startswith(p + ".") and event.count(".") == p.count(".") + 1)
            spec.response_validator(schemas[prefix]).validate(json.loads(data))


def test_create_stream_true_yields_typed_events():
    server = stream_server(createRun=TEXT)
    stream = sync_client(server).beta.threads.runs.create("thread_abc", assistant_id="asst_abc", stream=True)
    assert isinstance(stream, Stream)
    events = list(stream)
    assert all(isinstance(event, AssistantStreamEvent) for event in events)
    assert events[0].event == "thread.run.created" and events[0].data.status == "queued"
    assert events[-1].event == "thread.run.completed" and events[-1].data.usage.total_tokens == 24
    assert [e.data.delta.content[0].text.value for e in events if e.event == "thread.message.delta"] == \
        ["Hello", ", ", "world!"]
    call = server.last()
    assert call.body == {"assistant_id": "asst_abc", "stream": True}
    assert call.request.headers["OpenAI-Beta"] == BETA
    assert call.request.headers["Accept"] == "text/event-stream"


def test_stream_helper_folds_state():
    server = stream_server(createRun=TEXT)
    with sync_client(server).beta.threads.runs.stream(thread_id="thread_abc", assistant_id="asst_abc") as stream:
        assert list(stream.text_deltas) == ["Hello", ", ", "world!"]
        assert stream.current_run.status == "completed"
    assert stream.get_final_text() == "Hello, world!"
    [message] = stream.get_final_messages()
    assert message.content[0].text.value == "Hello, world!" and message.status == "completed"
    assert [step.status for step in stream.get_final_run_steps()] == ["completed"]


def test_requires_action_without_handler_ends_the_stream():
    server = stream_server(createRun=REQUIRES_ACTION)
    stream = sync_client(server).beta.threads.runs.stream(thread_id="thread_abc", assistant_id="asst_abc")
    run = stream.get_final_run()
    assert run.status == "requires_action"
    assert [c.id for c in run.required_action.submit_tool_outputs.tool_calls] == ["call_paris", "call_oslo"]
    assert server.ops() == ["createRun"]


def test_requires_action_submits_tool_outputs_and_continues_the_stream():
    server = stream_server(createRun=REQUIRES_ACTION, submitToolOuputsToRun=AFTER_TOOLS)
    client = sync_client(server)
    with client.beta.threads.runs.stream(thread_id="thread_abc", assistant_id="asst_abc",
                                         tool_handler=weather) as stream:
        names = [event.event for event in stream]
    assert names.count("thread.run.requires_action") == 1
    assert names.index("thread.run.requires_action") < names.index("thread.run.completed")
    assert names[-1] == "thread.run.completed"
    submit = server.last("submitToolOuputsToRun")
    assert submit.params == {"thread_id": "thread_abc", "run_id": "run_abc"}
    assert submit.body == {"stream": True, "tool_outputs": [
        {"tool_call_id": "call_paris", "output": "18C"}, {"tool_call_id": "call_oslo", "output": "-2C"}]}
    assert submit.request.headers["OpenAI-Beta"] == BETA
    assert stream.get_final_text() == "Paris is 18C; Oslo is -2C."
    assert stream.get_final_run().status == "completed"
    assert server.ops() == ["createRun", "submitToolOuputsToRun"]


def test_submit_tool_outputs_stream_and_create_and_run_stream():
    server = stream_server(createThreadAndRun=REQUIRES_ACTION, submitToolOuputsToRun=AFTER_TOOLS)
    threads = sync_client(server).beta.threads
    first = threads.create_and_run_stream(assistant_id="asst_abc", thread={"messages": [{"role": "user", "content": "?"}]})
    run = first.get_final_run()
    assert server.last().body["stream"] is True and run.status == "requires_action"
    outputs = [{"tool_call_id": c.id, "output": weather(c)} for c in run.required_action.submit_tool_outputs.tool_calls]
    second = threads.runs.submit_tool_outputs_stream(tool_outputs=outputs, run_id=run.id, thread_id=run.thread_id)
    assert second.get_final_text() == "Paris is 18C; Oslo is -2C."


def test_create_and_run_stream_true_returns_the_raw_event_stream():
    server = stream_server(createThreadAndRun=TEXT)
    events = list(sync_client(server).beta.threads.create_and_run(assistant_id="asst_abc", stream=True))
    assert events[-1].event == "thread.run.completed"


def test_error_event_raises():
    body = sse([("thread.run.created", {"id": "run_abc", "object": "thread.run", "status": "queued"})])
    body = body.replace(b"event: done\ndata: [DONE]\n\n",
                        b'event: error\ndata: {"message": "server overloaded", "code": "server_error"}\n\n')
    server = stream_server(createRun=body)
    stream = sync_client(server).beta.threads.runs.stream(thread_id="thread_abc", assistant_id="asst_abc")
    with pytest.raises(APIError, match="server overloaded"):
        stream.until_done()
    assert stream.current_run.status == "queued"


def test_closing_early_closes_the_connection():
    server = stream_server(createRun=TEXT)
    stream = sync_client(server).beta.threads.runs.stream(thread_id="thread_abc", assistant_id="asst_abc")
    with stream:
        first = next(stream)
    assert first.event == "thread.run.created"
    with pytest.raises(StopIteration):
        next(stream)


async def test_async_stream_with_async_tool_handler():
    server = stream_server(createRun=REQUIRES_ACTION, submitToolOuputsToRun=AFTER_TOOLS)
    client = async_client(server)

    async def handler(call):
        return {"temperature": weather(call)}  # not a string: sent as JSON

    async with client.beta.threads.runs.stream(thread_id="thread_abc", assistant_id="asst_abc",
                                               tool_handler=handler) as stream:
        texts = [text async for text in stream.text_deltas]
    assert texts == ["Paris is 18C", "; Oslo is -2C."]
    assert (await stream.get_final_run()).status == "completed"
    outputs = server.last("submitToolOuputsToRun").body["tool_outputs"]
    assert outputs[0] == {"tool_call_id": "call_paris", "output": '{"temperature": "18C"}'}


async def test_async_create_stream_true():
    server = stream_server(createRun=TEXT)
    stream = await async_client(server).beta.threads.runs.create("thread_abc", assistant_id="asst_abc", stream=True)
    names = [event.event async for event in stream]
    assert names[0] == "thread.run.created" and names[-1] == "thread.run.completed"
