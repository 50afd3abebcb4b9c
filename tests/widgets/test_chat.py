"""Chat(): driven through its widgets (values, button clicks) against the mock API."""

from __future__ import annotations

import html

import pytest
from IPython.utils.capture import capture_output

from oai_notebook.notebook.session import get_session
from oai_notebook.widgets import Chat

from .conftest import until
from .mock_api import SECRET, error_body


def shown(chat: Chat) -> list[str]:
    """The Markdown of every message the panel shows."""
    return [view.outputs[0]["data"]["text/markdown"] for view in chat.messages.children]


async def test_send_streams_the_reply_into_the_panel_and_the_conversation(shell, api):
    chat = Chat(max_tokens=50, client=api.async_client(), shell=shell)
    chat.prompt.value = "Tell me something"
    chat.send_button.click()
    assert chat.send_button.disabled and not chat.stop_button.disabled
    reply = await chat.job
    assert reply == api.reply
    assert shown(chat) == ["**You**\n\nTell me something", f"**Assistant**\n\n{api.reply}"]
    assert chat.prompt.value == "" and not chat.send_button.disabled and chat.stop_button.disabled
    assert get_session(shell).conversations["default"] == [
        {"role": "user", "content": "Tell me something"}, {"role": "assistant", "content": api.reply}]
    footer = chat.status.value
    assert "gpt-4o-mini" in footer and "tokens" in footer and "~$" in footer
    usage = get_session(shell).usage[-1]
    assert usage["magic"] == "Chat" and usage["completion_tokens"] == len(api.reply.split())
    assert usage["cost_usd"] > 0


async def test_model_temperature_and_system_prompt_go_into_the_request(shell, api):
    chat = Chat(client=api.async_client(), shell=shell)
    await chat._models_job
    assert chat.model.options == ("gpt-4o-mini", "gpt-4o")  # chat models only, the default first
    chat.model.value = "gpt-4o"
    chat.temperature.value = 0.3
    chat.system_prompt.value = "Answer like a pirate."
    await chat.submit("Hi")
    body = api.bodies("/chat/completions")[-1]
    assert body["model"] == "gpt-4o" and body["temperature"] == pytest.approx(0.3) and body["stream"] is True
    assert body["messages"] == [{"role": "system", "content": "Answer like a pirate."}, {"role": "user", "content": "Hi"}]
    frame = chat.history
    assert list(frame.columns) == ["role", "content"]
    assert list(frame["role"]) == ["system", "user", "assistant"]
    assert shown(chat)[0] == "**You**\n\nHi"  # the system prompt lives in its box, not the history


async def test_streaming_updates_the_reply_as_it_arrives(shell, api):
    api.chunk_delay = 0.02
    chat = Chat(client=api.async_client(), shell=shell)
    job = chat.submit("Go")
    await until(lambda: api.streams and api.streams[0].sent >= 4)
    partial = shown(chat)[-1]
    assert partial.startswith("**Assistant**\n\nHello") and partial != f"**Assistant**\n\n{api.reply}"
    await job
    assert shown(chat)[-1] == f"**Assistant**\n\n{api.reply}"


async def test_stop_ends_the_stream_at_once_and_keeps_the_partial_text(shell, api):
    api.chunk_delay = 0.05
    chat = Chat(client=api.async_client(), shell=shell)
    chat.prompt.value = "Write a long story"
    chat.send_button.click()
    await until(lambda: api.streams and api.streams[0].sent >= 4)
    chat.stop_button.click()
    reply = await chat.job
    stream = api.streams[0]
    assert stream.closed and stream.sent < len(stream.events)  # the HTTP stream was closed early
    assert reply and api.reply.startswith(reply) and reply != api.reply
    conversation = get_session(shell).conversations["default"]
    assert conversation[-1] == {"role": "assistant", "content": reply}
    assert "stopped" in chat.status.value
    assert not chat.send_button.disabled and chat.stop_button.disabled
    await chat.submit("And then?")  # the panel keeps working
    assert get_session(shell).conversations["default"][-1]["content"] == api.reply


async def test_stop_before_the_first_word_changes_nothing_and_gives_the_message_back(shell, api):
    chat = Chat(client=api.async_client(), shell=shell)
    await chat._models_job
    api.first_delay = 5.0
    job = chat.submit("Are you there?")
    await until(lambda: api.in_flight == 1)
    chat.stop()
    assert await job is None
    assert api.cancelled == 1
    assert "default" not in get_session(shell).conversations
    assert chat.prompt.value == "Are you there?"
    assert chat.messages.children == () and "nothing was kept" in chat.status.value


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, error_body(f"Incorrect API key provided: {SECRET}", code="invalid_api_key"), "AuthenticationError (401)"),
        (404, error_body("The model `gpt-9` does not exist", param="model", code="model_not_found"), "unknown model 'gpt-9'"),
        (500, error_body("The server had an error"), "InternalServerError (500)"),
    ],
)
async def test_errors_show_as_one_line_and_the_panel_keeps_working(shell, api, status, body, expected):
    chat = Chat(client=api.async_client(), shell=shell)
    api.failures["/chat/completions"] = [(status, body)]
    assert await chat.submit("Hello?") is None
    assert expected in html.unescape(chat.status.value) and "oai-status-error" in chat.status.value
    assert SECRET not in chat.status.value and "\n" not in chat.status.value
    assert chat.prompt.value == "Hello?"  # nothing lost
    assert "default" not in get_session(shell).conversations and chat.messages.children == ()
    assert not chat.send_button.disabled
    assert await chat.submit() == api.reply  # Send again, same message


async def test_an_error_in_the_middle_of_the_stream_is_one_line(shell, api):
    chat = Chat(client=api.async_client(), shell=shell)
    api.reply_for = lambda body: "fine so far"

    def broken(request, slow=False):
        import httpx

        events = b'data: {"id":"x","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"par"}}]}\n\n'
        events += b'data: {"error": {"message": "overloaded", "type": "server_error", "param": null, "code": null}}\n\n'
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=events)

    api.answer = broken
    assert await chat.submit("Hi") is None
    assert "overloaded" in chat.status.value
    assert "default" not in get_session(shell).conversations


async def test_model_list_failure_is_a_line_and_the_default_model_stays(shell, api):
    api.failures["/models"] = [(500, error_body("down"))]
    chat = Chat(client=api.async_client(), shell=shell)
    await chat._models_job
    assert "cannot list models" in chat.status.value
    assert chat.model.options == ("gpt-4o-mini",)
    assert await chat.submit("Still there?") == api.reply


async def test_empty_message_and_double_send_are_refused_politely(shell, api):
    api.chunk_delay = 0.05
    chat = Chat(client=api.async_client(), shell=shell)
    assert chat.submit("   ") is None and "type a message" in chat.status.value
    job = chat.submit("First")
    assert chat.submit("Second") is None and "still streaming" in chat.status.value
    chat.stop()
    await until(job.done)
    assert not chat.send_button.disabled and chat.prompt.value in ("", "First")


async def test_stop_right_after_send_is_clean(shell, api):
    chat = Chat(client=api.async_client(), shell=shell)
    chat.submit("Never mind")
    chat.stop_button.click()  # before the request even started
    await until(chat.job.done)
    assert "nothing was kept" in chat.status.value and chat.prompt.value == "Never mind"
    assert not chat.send_button.disabled and chat.stop_button.disabled
    assert "default" not in get_session(shell).conversations


async def test_conversations_are_shared_with_the_chat_magic(shell, api):
    with capture_output():
        shell.run_cell("%%chat --chat team\nHello from a cell", store_history=False)
    chat = Chat("team", client=api.async_client(), shell=shell)
    assert shown(chat) == ["**You**\n\nHello from a cell", f"**Assistant**\n\n{api.reply}"]
    await chat.submit("And from the widget")
    assert [m["role"] for m in api.bodies("/chat/completions")[-1]["messages"]] == ["user", "assistant", "user"]
    with capture_output():
        shell.run_cell("%%chat --chat team\nBack in a cell", store_history=False)
    sent = api.bodies("/chat/completions")[-1]["messages"]
    assert [m["content"] for m in sent][:3] == ["Hello from a cell", api.reply, "And from the widget"]
    chat.refresh()
    assert len(chat.messages.children) == 6


def test_without_an_event_loop_the_reply_streams_on_a_background_thread(shell, api):
    chat = Chat(client=api.async_client(), shell=shell)
    chat.prompt.value = "Hi from a script"
    chat.send_button.click()
    assert chat.job.result(timeout=30) == api.reply
    assert get_session(shell).conversations["default"][-1]["content"] == api.reply
