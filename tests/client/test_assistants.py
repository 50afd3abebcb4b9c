"""Assistants v2, threads, messages, runs and run steps: requests on the wire, and the v2 file helpers."""

from __future__ import annotations

import httpx
import pytest

from oai_notebook.client.resources.threads import attachments

from ._helpers_stateful import BETA, SpecServer, async_client, ok, sync_client

INCLUDE = ["step_details.tool_calls[*].file_search.results[*].content"]


def echo(call):
    return ok({"id": next(iter(call.params.values()), "new_1"), **(call.body or {})})


def test_every_assistants_call_sends_the_beta_header():
    server = SpecServer()
    client = sync_client(server)
    client.beta.assistants.create(model="gpt-4o")
    client.beta.threads.create()
    client.beta.threads.messages.list("thread_1")
    client.beta.threads.runs.steps.list("run_1", thread_id="thread_1")
    client.vector_stores.list()
    assert [call.request.headers.get("OpenAI-Beta") for call in server.calls] == [BETA] * 5


def test_extra_headers_still_apply():
    server = SpecServer()
    sync_client(server).beta.assistants.retrieve("asst_1", extra_headers={"X-Trace": "t1"})
    headers = server.last().request.headers
    assert headers["X-Trace"] == "t1" and headers["OpenAI-Beta"] == BETA


def test_assistant_create_update_with_v2_tool_resources():
    server = SpecServer({"createAssistant": echo, "modifyAssistant": echo})
    assistants = sync_client(server).beta.assistants
    created = assistants.create(
        model="gpt-4o", name="Analyst", instructions="Use the files.",
        tools=[{"type": "code_interpreter"}, {"type": "file_search"}],
        tool_resources={"code_interpreter": {"file_ids": ["file_1"]},
                        "file_search": {"vector_store_ids": ["vs_1"]}},
        response_format={"type": "json_object"}, temperature=0.2,
    )
    assert created.tool_resources.file_search.vector_store_ids == ["vs_1"]
    assistants.update("asst_1", tools=[])
    assert server.last().body == {"tools": []}


def test_messages_with_attachments_and_run_filter():
    server = SpecServer({"createMessage": echo})
    messages = sync_client(server).beta.threads.messages
    message = messages.create("thread_1", role="user", content="Summarise these.",
                              attachments=attachments(["file_1", "file_2"], tools=["file_search", "code_interpreter"]))
    assert message.attachments[1] == {"file_id": "file_2", "tools": [{"type": "file_search"}, {"type": "code_interpreter"}]}
    messages.list("thread_1", run_id="run_1", order="asc", limit=5)
    assert server.last().query == {"run_id": ["run_1"], "order": ["asc"], "limit": ["5"]}
    messages.update("msg_1", thread_id="thread_1", metadata={"seen": "yes"})
    messages.delete("msg_1", thread_id="thread_1")
    assert server.ops()[-2:] == ["modifyMessage", "deleteMessage"]
    assert server.last().params == {"thread_id": "thread_1", "message_id": "msg_1"}


def test_run_create_sends_include_in_the_query():
    server = SpecServer()
    sync_client(server).beta.threads.runs.create(
        "thread_1", assistant_id="asst_1", include=INCLUDE,
        additional_messages=[{"role": "user", "content": "more"}], tool_choice="auto", max_prompt_tokens=500,
    )
    call = server.last()
    assert call.query == {"include[]": INCLUDE}
    assert "include" not in call.body and call.body["max_prompt_tokens"] == 500


def test_run_steps_include_and_modify_cancel_list_runs():
    server = SpecServer()
    runs = sync_client(server).beta.threads.runs
    runs.steps.retrieve("step_1", thread_id="thread_1", run_id="run_1", include=INCLUDE)
    assert server.last().query == {"include[]": INCLUDE}
    runs.steps.list("run_1", thread_id="thread_1", include=INCLUDE, order="desc")
    assert server.last().query == {"include[]": INCLUDE, "order": ["desc"]}
    runs.update("run_1", thread_id="thread_1", metadata={"k": "v"})
    runs.cancel("run_1", thread_id="thread_1")
    runs.list("thread_1", before="run_9")
    assert server.ops()[2:] == ["modifyRun", "cancelRun", "listRuns"]
    assert server.last().query == {"before": ["run_9"]}


def test_ids_are_checked_and_escaped():
    server = SpecServer()
    runs = sync_client(server).beta.threads.runs
    with pytest.raises(ValueError, match="thread_id"):
        runs.retrieve("run_1", thread_id="")
    runs.retrieve("run/1", thread_id="thread_1")
    assert server.last().request.url.raw_path == b"/v1/threads/thread_1/runs/run%2F1"


# -- v2 replacements for the v1 assistant/message file operations ---------------------------------
def assistant_server(resources, tools=(), store_files=()):
    state = {"assistant": {"id": "asst_1", "object": "assistant", "name": "Analyst", "model": "gpt-4o",
                           "tools": [{"type": t} for t in tools], "tool_resources": resources}}

    def modify(call):
        state["assistant"] = {**state["assistant"], **call.body}
        return ok(state["assistant"])

    def delete_store_file(call):
        if call.params["file_id"] not in store_files:
            return httpx.Response(404, json={"error": {"message": "No such file", "type": "invalid_request_error",
                                                       "param": None, "code": None}})
        return ok({"id": call.params["file_id"], "object": "vector_store.file.deleted", "deleted": True})

    files = [{"id": f, "object": "vector_store.file", "status": "completed"} for f in store_files]
    return SpecServer({
        "getAssistant": lambda call: ok(state["assistant"]),
        "modifyAssistant": modify,
        "createVectorStore": lambda call: ok({"id": "vs_new", "object": "vector_store", **call.body}),
        "createVectorStoreFileBatch": lambda call: ok({"id": "vsfb_1", "object": "vector_store.files_batch",
                                                       "status": "completed"}),
        "listVectorStoreFiles": lambda call: ok({"object": "list", "data": files, "has_more": False}),
        "deleteVectorStoreFile": delete_store_file,
    })


def test_add_files_for_code_interpreter():
    server = assistant_server({"code_interpreter": {"file_ids": ["file_0"]}})
    result = sync_client(server).beta.assistants.add_files("asst_1", ["file_1", "file_0"])
    assert result.tool_resources.code_interpreter.file_ids == ["file_0", "file_1"]
    assert server.last().body["tools"] == [{"type": "code_interpreter"}]
    assert server.ops() == ["getAssistant", "modifyAssistant"]


def test_add_files_for_file_search_creates_a_vector_store():
    server = assistant_server(None, tools=["code_interpreter"])
    result = sync_client(server).beta.assistants.add_files("asst_1", ["file_1"], tool="file_search")
    assert server.last("createVectorStore").body == {"name": "Analyst files", "file_ids": ["file_1"]}
    assert result.tool_resources == {"file_search": {"vector_store_ids": ["vs_new"]}}
    assert [t["type"] for t in result.tools] == ["code_interpreter", "file_search"]


def test_add_files_for_file_search_uses_the_existing_store(poll_sleeps):
    server = assistant_server({"file_search": {"vector_store_ids": ["vs_1"]}}, tools=["file_search"])
    sync_client(server).beta.assistants.add_files("asst_1", ["file_1", "file_2"], tool="file_search")
    batch = server.last("createVectorStoreFileBatch")
    assert batch.params == {"vector_store_id": "vs_1"} and batch.body == {"file_ids": ["file_1", "file_2"]}
    assert "createVectorStore" not in server.ops()


def test_add_files_refuses_unknown_tool():
    with pytest.raises(ValueError, match="tool must be one of"):
        sync_client(SpecServer()).beta.assistants.add_files("asst_1", ["file_1"], tool="retrieval")


def test_list_and_remove_files():
    resources = {"code_interpreter": {"file_ids": ["file_a", "file_b"]}, "file_search": {"vector_store_ids": ["vs_1"]}}
    server = assistant_server(resources, store_files=["file_b", "file_c"])
    assistants = sync_client(server).beta.assistants
    listed = assistants.list_files("asst_1")
    assert [(f.file_id, f.tool, f.vector_store_id) for f in listed] == [
        ("file_a", "code_interpreter", None), ("file_b", "code_interpreter", None),
        ("file_b", "file_search", "vs_1"), ("file_c", "file_search", "vs_1")]
    updated = assistants.remove_file("asst_1", "file_b")
    assert updated.tool_resources.code_interpreter.file_ids == ["file_a"]
    assert server.last("deleteVectorStoreFile").params == {"vector_store_id": "vs_1", "file_id": "file_b"}
    assistants.remove_file("asst_1", "file_a")  # not in the store: its 404 is fine
    assert server.ops()[-1] == "modifyAssistant"


async def test_async_v2_helpers():
    server = assistant_server({"file_search": {"vector_store_ids": ["vs_1"]}}, store_files=["file_z"])
    assistants = async_client(server).beta.assistants
    assert [f.file_id for f in await assistants.list_files("asst_1")] == ["file_z"]
    updated = await assistants.remove_file("asst_1", "file_missing")
    assert updated.id == "asst_1"
    updated = await assistants.add_files("asst_1", ["file_1"])
    assert updated.tool_resources["code_interpreter"]["file_ids"] == ["file_1"]


def test_message_files_come_from_attachments():
    message = {"id": "msg_1", "object": "thread.message", "thread_id": "thread_1",
               "attachments": attachments(["file_1", "file_2"])}
    server = SpecServer({"getMessage": lambda call: ok(message)})
    messages = sync_client(server).beta.threads.messages
    assert [a.file_id for a in messages.list_files("msg_1", thread_id="thread_1")] == ["file_1", "file_2"]
    assert messages.retrieve_file("file_2", thread_id="thread_1", message_id="msg_1").tools == [{"type": "file_search"}]
    with pytest.raises(LookupError, match="not attached"):
        messages.retrieve_file("file_9", thread_id="thread_1", message_id="msg_1")


async def test_async_crud():
    server = SpecServer({"createThread": echo})
    client = async_client(server)
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "hi"}], metadata={"a": "b"})
    assert thread.metadata == {"a": "b"}
    await client.beta.threads.update("thread_1", metadata={"a": "c"})
    await client.beta.threads.messages.create("thread_1", role="user", content=[{"type": "text", "text": "hi"}])
    await client.beta.threads.runs.steps.retrieve("step_1", thread_id="thread_1", run_id="run_1")
    await client.beta.assistants.delete("asst_1")
    assert server.ops() == ["createThread", "modifyThread", "createMessage", "getRunStep", "deleteAssistant"]
