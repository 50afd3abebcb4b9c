"""Run polling helpers over scripted status sequences; waits honour `openai-poll-after-ms`."""

from __future__ import annotations

import pytest

from ._helpers_stateful import SpecServer, async_client, ok, sync_client

CALL = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 2, "b": 2}'}}
ACTION = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [CALL]}}


def run(status: str) -> dict:
    return {"id": "run_1", "object": "thread.run", "thread_id": "thread_1", "assistant_id": "asst_1",
            "status": status, "required_action": ACTION if status == "requires_action" else None}


class Script:
    """Answers run operations from a scripted list of statuses, each with an optional poll hint."""

    def __init__(self, statuses: list[str], hint_ms: int | None = None) -> None:
        self.statuses = list(statuses)
        self.hint = {"openai-poll-after-ms": str(hint_ms)} if hint_ms is not None else None

    def __call__(self, call):
        return ok(run(self.statuses.pop(0)), self.hint)


def scripted(statuses, hint_ms=None):
    script = Script(statuses, hint_ms)
    server = SpecServer({op: script for op in ("createRun", "getRun", "submitToolOuputsToRun", "createThreadAndRun")})
    return server, script


def test_queued_in_progress_requires_action_then_completed(poll_sleeps):
    server, script = scripted(["queued", "in_progress", "requires_action", "queued", "in_progress", "completed"],
                              hint_ms=250)
    runs = sync_client(server).beta.threads.runs
    stopped = runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1", instructions="Add.")
    assert stopped.status == "requires_action"
    assert server.ops() == ["createRun", "getRun", "getRun"]
    assert server.calls[0].body == {"assistant_id": "asst_1", "instructions": "Add."}
    finished = runs.submit_tool_outputs_and_poll(
        tool_outputs=[{"tool_call_id": "call_1", "output": "4"}], run_id=stopped.id, thread_id=stopped.thread_id
    )
    assert finished.status == "completed"
    assert server.ops()[3:] == ["submitToolOuputsToRun", "getRun", "getRun"]
    assert poll_sleeps == [0.25] * 4  # the header's 250 ms, not the 1 s default
    assert all(call.request.headers["OpenAI-Beta"] == "assistants=v2" for call in server.calls)


@pytest.mark.parametrize("final", ["failed", "cancelled", "expired", "incomplete"])
def test_poll_stops_at_terminal_status(final, poll_sleeps):
    server, _ = scripted(["queued", "in_progress", final])
    assert sync_client(server).beta.threads.runs.create_and_poll(
        thread_id="thread_1", assistant_id="asst_1").status == final
    assert poll_sleeps == [1.0, 1.0]  # no hint, no interval: the 1 s default


def test_caller_interval_is_used_and_the_hint_is_a_floor(poll_sleeps):
    server, script = scripted(["queued", "in_progress", "completed"])
    runs = sync_client(server).beta.threads.runs
    runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1", poll_interval_ms=50)
    assert poll_sleeps == [0.05, 0.05]
    script.statuses = ["queued", "completed"]
    script.hint = {"openai-poll-after-ms": "400"}
    runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1", poll_interval_ms=50)
    assert poll_sleeps[2:] == [0.4]


def test_poll_an_existing_run(poll_sleeps):
    server, _ = scripted(["in_progress", "cancelled"], hint_ms=10)
    assert sync_client(server).beta.threads.runs.poll("run_1", "thread_1").status == "cancelled"
    assert server.ops() == ["getRun", "getRun"] and poll_sleeps == [0.01]


def test_tool_handler_answers_requires_action_until_completed(poll_sleeps):
    server, _ = scripted(["queued", "requires_action", "in_progress", "completed"])
    seen = []

    def add(call):
        seen.append(call.function.name)
        return 4

    result = sync_client(server).beta.threads.runs.create_and_poll(
        thread_id="thread_1", assistant_id="asst_1", tool_handler=add, poll_interval_ms=1)
    assert result.status == "completed" and seen == ["add"]
    assert server.last("submitToolOuputsToRun").body == {"tool_outputs": [{"tool_call_id": "call_1", "output": "4"}]}
    assert server.ops() == ["createRun", "getRun", "submitToolOuputsToRun", "getRun"]


def test_create_and_run_poll(poll_sleeps):
    server, _ = scripted(["queued", "completed"], hint_ms=5)
    run_ = sync_client(server).beta.threads.create_and_run_poll(
        assistant_id="asst_1", thread={"messages": [{"role": "user", "content": "hi"}]})
    assert run_.status == "completed" and server.ops() == ["createThreadAndRun", "getRun"]
    assert poll_sleeps == [0.005]


async def test_async_polling_full_sequence(poll_sleeps):
    server, _ = scripted(["queued", "in_progress", "requires_action", "queued", "completed"], hint_ms=100)
    runs = async_client(server).beta.threads.runs
    stopped = await runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1")
    assert stopped.status == "requires_action"
    done = await runs.submit_tool_outputs_and_poll(
        tool_outputs=[{"tool_call_id": "call_1", "output": "4"}], run_id="run_1", thread_id="thread_1")
    assert done.status == "completed"
    assert poll_sleeps == [0.1, 0.1, 0.1]


async def test_async_tool_handler_coroutine(poll_sleeps):
    server, _ = scripted(["requires_action", "completed"])

    async def add(call):
        return "4"

    result = await async_client(server).beta.threads.runs.create_and_poll(
        thread_id="thread_1", assistant_id="asst_1", tool_handler=add)
    assert result.status == "completed" and poll_sleeps == []
    assert server.ops() == ["createRun", "submitToolOuputsToRun"]
