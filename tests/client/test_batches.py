"""Batches: the operations, line items for each endpoint, upload+create, waiting, and joined results."""

from __future__ import annotations

import json

import httpx
import pytest

from oai_notebook import spec
from oai_notebook.client.batch_workflow import ENDPOINTS, join_results, line_items, to_jsonl

from ._helpers_stateful import SpecServer, async_client, ok, pages, sequence, sync_client

BATCH = {"id": "batch_1", "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": "file_in",
         "completion_window": "24h", "status": "validating", "created_at": 1,
         "request_counts": {"total": 3, "completed": 0, "failed": 0}}

CHAT = [{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"q{i}"}]} for i in range(3)]

REQUEST_BODIES = {
    "chat": ("createChatCompletion", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}),
    "completions": ("createCompletion", {"model": "gpt-3.5-turbo-instruct", "prompt": "hi"}),
    "embeddings": ("createEmbedding", {"model": "text-embedding-3-small", "input": ["a", "b"]}),
    "moderations": ("createModeration", {"input": "hi"}),
    "images": ("createImage", {"prompt": "a cat", "model": "dall-e-2"}),
}


@pytest.mark.parametrize("alias", list(REQUEST_BODIES))
def test_line_items_for_each_endpoint_carry_spec_valid_bodies(alias):
    op_id, body = REQUEST_BODIES[alias]
    items = line_items([body, {**body, "custom_id": "mine"}], alias)
    assert [item["custom_id"] for item in items] == ["request-0", "mine"]
    for item in items:
        assert item["method"] == "POST" and item["url"] in ENDPOINTS
        spec.request_validator(op_id).validate(item["body"])
    assert "custom_id" not in items[1]["body"]
    lines = to_jsonl(items).decode().splitlines()
    assert [json.loads(line) for line in lines] == items


def test_endpoint_forms_and_mapping_input():
    items = line_items({"a": CHAT[0], "b": CHAT[1]}, "/chat/completions")
    assert [(i["custom_id"], i["url"]) for i in items] == [("a", "/v1/chat/completions"), ("b", "/v1/chat/completions")]
    assert line_items(CHAT, "/v1/responses")[0]["url"] == "/v1/responses"
    assert line_items([{"prompt": "x", "model": "sora-2"}], "videos")[0]["url"] == "/v1/videos"


@pytest.mark.parametrize("requests, endpoint, message", [
    (CHAT, "/v1/audio/speech", "does not take endpoint"),
    ([], "chat", "at least one request"),
    ([{"messages": []}], "chat", "has no 'model'"),
    ([{**CHAT[0], "custom_id": "x"}, {**CHAT[1], "custom_id": "x"}], "chat", "used twice"),
    ([{**CHAT[0], "stream": True}], "chat", "cannot stream"),
    ([{"model": "m", "input": ["a"] * 50_001}], "embeddings", "embedding inputs"),
])
def test_bad_requests_are_refused_before_upload(requests, endpoint, message):
    with pytest.raises(ValueError, match=message):
        line_items(requests, endpoint)


def test_crud():
    server = SpecServer({"createBatch": lambda call: ok({**BATCH, **call.body}),
                         "cancelBatch": lambda call: ok({**BATCH, "status": "cancelling"})})
    client = sync_client(server)
    batch = client.batches.create(input_file_id="file_in", endpoint="/v1/embeddings", metadata={"job": "x"})
    assert server.last().body == {"input_file_id": "file_in", "endpoint": "/v1/embeddings",
                                  "completion_window": "24h", "metadata": {"job": "x"}}
    assert batch.endpoint == "/v1/embeddings"
    assert client.batches.cancel("batch_1").status == "cancelling"
    client.batches.retrieve("batch_1")
    assert server.ops() == ["createBatch", "cancelBatch", "retrieveBatch"]


def test_list_pages():
    batches = [{**BATCH, "id": f"batch_{i}"} for i in range(7)]
    server = SpecServer({"listBatches": pages(batches, 3)})
    assert [b.id for b in sync_client(server).batches.list(limit=3)] == [b["id"] for b in batches]
    assert [call.query.get("after") for call in server.calls] == [None, ["batch_2"], ["batch_5"]]


def upload_recorder(store):
    def answer(call):
        name, content = call.files["file"]
        store[name] = content
        return ok({"id": "file_in", "object": "file", "bytes": len(content), "created_at": 1,
                   "filename": name, "purpose": "batch", "status": "processed"})
    return answer


def test_create_from_requests_uploads_jsonl_then_creates():
    uploads = {}
    server = SpecServer({"createFile": upload_recorder(uploads), "createBatch": lambda call: ok({**BATCH, **call.body})})
    batch = sync_client(server).batches.create_from_requests(CHAT, endpoint="chat", metadata={"run": "1"})
    assert server.ops() == ["createFile", "createBatch"]
    assert server.calls[0].body == {"purpose": "batch"}
    lines = [json.loads(line) for line in uploads["batch_input.jsonl"].decode().splitlines()]
    assert [line["custom_id"] for line in lines] == ["request-0", "request-1", "request-2"]
    assert lines[1]["body"] == CHAT[1] and lines[1]["url"] == "/v1/chat/completions"
    assert server.calls[1].body == {"input_file_id": "file_in", "endpoint": "/v1/chat/completions",
                                    "completion_window": "24h", "metadata": {"run": "1"}}
    assert batch.id == "batch_1"


def test_wait_reports_progress_and_honours_poll_header(poll_sleeps):
    states = [{**BATCH, "status": "in_progress", "request_counts": {"total": 3, "completed": n, "failed": 0}}
              for n in (0, 2)] + [{**BATCH, "status": "completed", "request_counts": {"total": 3, "completed": 3, "failed": 0}}]
    server = SpecServer({"retrieveBatch": sequence(*states, headers={"openai-poll-after-ms": "1500"})})
    seen = []
    batch = sync_client(server).batches.wait("batch_1", poll_interval_ms=None,
                                             progress=lambda b: seen.append(b.request_counts.completed))
    assert batch.status == "completed" and seen == [0, 2, 3]
    assert poll_sleeps == [1.5, 1.5]


@pytest.mark.parametrize("final", ["failed", "expired", "cancelled"])
def test_wait_stops_at_every_terminal_status(final, poll_sleeps):
    server = SpecServer({"retrieveBatch": sequence({**BATCH, "status": "in_progress"}, {**BATCH, "status": final})})
    assert sync_client(server).batches.wait("batch_1", poll_interval_ms=10).status == final
    assert poll_sleeps == [0.01]


def output_line(custom_id, content):
    body = {"id": "chatcmpl", "object": "chat.completion", "choices": [{"index": 0, "message":
            {"role": "assistant", "content": content}, "finish_reason": "stop"}]}
    return {"id": f"resp_{custom_id}", "custom_id": custom_id, "error": None,
            "response": {"status_code": 200, "request_id": f"req_{custom_id}", "body": body}}


def error_line(custom_id):
    return {"id": f"resp_{custom_id}", "custom_id": custom_id, "error": None,
            "response": {"status_code": 400, "request_id": "req_x",
                         "body": {"error": {"message": "bad model", "type": "invalid_request_error"}}}}


def jsonl(rows):
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def file_contents(files):
    def answer(call):
        return httpx.Response(200, content=files[call.params["file_id"]],
                              headers={"content-type": "application/octet-stream"})
    return answer


def test_results_join_output_and_errors_in_input_order():
    items = line_items([{**body, "custom_id": cid} for cid, body in zip("abcd", CHAT + CHAT[:1], strict=True)], "chat")
    files = {
        "file_in": to_jsonl(items),
        "file_out": jsonl([output_line("c", "C"), output_line("a", "A")]),  # out of order
        "file_err": jsonl([error_line("b")]),                              # d never ran
    }
    batch = {**BATCH, "status": "expired", "output_file_id": "file_out", "error_file_id": "file_err"}
    server = SpecServer({"retrieveBatch": lambda call: ok(batch), "downloadFile": file_contents(files)})
    results = sync_client(server).batches.results("batch_1")
    assert [r.custom_id for r in results] == ["a", "b", "c", "d"]
    assert results[0].ok and results[0].response.choices[0].message.content == "A"
    assert results[0].request == CHAT[0] and results[0].request_id == "req_a"
    assert not results[1].ok and results[1].status_code == 400 and results[1].error.message == "bad model"
    assert results[2].response.choices[0].message.content == "C"
    assert results[3].error.code == "missing_result" and "expired" in results[3].error.message
    assert [r.custom_id for r in results.failed] == ["b", "d"]
    assert results.batch["id"] == "batch_1"
    assert server.ops() == ["retrieveBatch", "downloadFile", "downloadFile", "downloadFile"]


def test_join_results_prefers_output_over_error_line():
    items = line_items({"a": CHAT[0]}, "chat")
    joined = join_results(items, jsonl([output_line("a", "ok")]), jsonl([error_line("a")]))
    assert joined[0].ok


def workflow_server(uploads):
    statuses = iter(["in_progress", "finalizing", "completed"])

    def retrieve(call):
        status = next(statuses)
        extra = {"output_file_id": "file_out"} if status == "completed" else {}
        return ok({**BATCH, "status": status, **extra}, {"openai-poll-after-ms": "20"})

    def download(call):
        if call.params["file_id"] == "file_out":
            lines = [json.loads(line) for line in uploads["batch_input.jsonl"].decode().splitlines()]
            return httpx.Response(200, content=jsonl(output_line(line["custom_id"], line["body"]["messages"][0]["content"].upper())
                                                     for line in reversed(lines)))
        raise AssertionError("the input file is known; no need to download it")

    return SpecServer({"createFile": upload_recorder(uploads), "createBatch": lambda call: ok({**BATCH, **call.body}),
                       "retrieveBatch": retrieve, "downloadFile": download})


def test_run_does_the_whole_workflow(poll_sleeps):
    server = workflow_server({})
    seen = []
    results = sync_client(server).batches.run(CHAT, endpoint="chat", poll_interval_ms=None,
                                               progress=lambda b: seen.append(b.status))
    assert [r.response.choices[0].message.content for r in results] == ["Q0", "Q1", "Q2"]
    assert seen == ["validating", "in_progress", "finalizing", "completed"]
    assert poll_sleeps == [1.0, 0.02, 0.02]  # the create response carried no poll hint
    assert server.ops() == ["createFile", "createBatch", "retrieveBatch", "retrieveBatch", "retrieveBatch", "downloadFile"]


async def test_async_run_and_list(poll_sleeps):
    server = workflow_server({})
    client = async_client(server)
    results = await client.batches.run(CHAT, endpoint="chat", poll_interval_ms=5)
    assert [r.custom_id for r in results] == ["request-0", "request-1", "request-2"]
    assert results.batch.status == "completed"
    assert poll_sleeps == [0.005, 0.02, 0.02]
    page = await client.batches.list()
    assert page.data == [] and page.has_more is False
