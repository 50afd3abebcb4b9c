"""Vector stores: stores, files, file batches (upload_and_poll for many files) and search."""

from __future__ import annotations

import threading

import pytest

from ._helpers_stateful import SpecServer, async_client, ok, sequence, sync_client

STORE = {"id": "vs_1", "object": "vector_store", "name": "docs", "status": "completed",
         "file_counts": {"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0, "total": 1}}


def vs_file(status, file_id="file_1"):
    return {"id": file_id, "object": "vector_store.file", "vector_store_id": "vs_1", "status": status}


def vs_batch(status):
    return {"id": "vsfb_1", "object": "vector_store.files_batch", "vector_store_id": "vs_1", "status": status}


def test_store_crud_and_search():
    hits = {"object": "vector_store.search_results.page", "search_query": ["refund policy"], "has_more": False,
            "next_page": None, "data": [{"file_id": "file_1", "filename": "policy.md", "score": 0.91,
                                         "attributes": {"team": "support"},
                                         "content": [{"type": "text", "text": "Refunds within 30 days."}]}]}
    server = SpecServer({"createVectorStore": lambda call: ok({**STORE, **call.body}),
                         "searchVectorStore": lambda call: ok(hits)})
    stores = sync_client(server).vector_stores
    created = stores.create(name="docs", file_ids=["file_1"], expires_after={"anchor": "last_active_at", "days": 7},
                            chunking_strategy={"type": "static", "static": {"max_chunk_size_tokens": 400,
                                                                            "chunk_overlap_tokens": 100}})
    assert created.expires_after.days == 7
    stores.update("vs_1", name="docs-2", expires_after={"anchor": "last_active_at", "days": 30})
    assert server.last().body == {"name": "docs-2", "expires_after": {"anchor": "last_active_at", "days": 30}}
    result = stores.search("vs_1", query="refund policy", max_num_results=3,
                           filters={"type": "eq", "key": "team", "value": "support"},
                           ranking_options={"ranker": "auto", "score_threshold": 0.5}, rewrite_query=True)
    assert result.data[0].content[0].text == "Refunds within 30 days."
    assert server.last().body["filters"] == {"type": "eq", "key": "team", "value": "support"}
    stores.retrieve("vs_1")
    stores.delete("vs_1")
    assert server.ops() == ["createVectorStore", "modifyVectorStore", "searchVectorStore", "getVectorStore",
                            "deleteVectorStore"]


def test_store_files_operations():
    content = {"object": "vector_store.file_content.page", "data": [{"type": "text", "text": "hello"}],
               "has_more": False, "next_page": None}
    server = SpecServer({"retrieveVectorStoreFileContent": lambda call: ok(content)})
    files = sync_client(server).vector_stores.files
    files.create("vs_1", file_id="file_1", attributes={"team": "support", "year": 2024})
    assert server.last().body == {"file_id": "file_1", "attributes": {"team": "support", "year": 2024}}
    files.update("file_1", vector_store_id="vs_1", attributes={"team": "sales"})
    assert files.content("file_1", vector_store_id="vs_1").data[0].text == "hello"
    files.list("vs_1", filter="failed", order="asc")
    assert server.last().query == {"filter": ["failed"], "order": ["asc"]}
    files.retrieve("file_1", vector_store_id="vs_1")
    files.delete("file_1", vector_store_id="vs_1")
    assert server.ops() == ["createVectorStoreFile", "updateVectorStoreFileAttributes",
                            "retrieveVectorStoreFileContent", "listVectorStoreFiles", "getVectorStoreFile",
                            "deleteVectorStoreFile"]


def test_file_create_and_poll_and_upload_and_poll(poll_sleeps, tmp_path):
    server = SpecServer({
        "createFile": lambda call: ok({"id": "file_new", "object": "file", "filename": call.files["file"][0],
                                       "purpose": call.body["purpose"]}),
        "createVectorStoreFile": lambda call: ok(vs_file("in_progress", call.body["file_id"])),
        "getVectorStoreFile": sequence(vs_file("in_progress"), vs_file("completed"),
                                       headers={"openai-poll-after-ms": "300"}),
    })
    files = sync_client(server).vector_stores.files
    assert files.create_and_poll("file_1", vector_store_id="vs_1").status == "completed"
    assert poll_sleeps == [1.0, 0.3]  # create gave no hint; the first retrieve asked for 300 ms
    path = tmp_path / "guide.md"
    path.write_text("# Guide")
    server.handlers["getVectorStoreFile"] = sequence(vs_file("failed", "file_new"))
    result = files.upload_and_poll(vector_store_id="vs_1", file=path, poll_interval_ms=5)
    assert result.status == "failed" and result.id == "file_new"
    assert server.last("createFile").body == {"purpose": "assistants"}
    assert server.last("createVectorStoreFile").body == {"file_id": "file_new"}
    uploaded = files.upload(vector_store_id="vs_1", file=path)
    assert uploaded.status == "in_progress"


def test_file_batch_operations(poll_sleeps):
    server = SpecServer({
        "createVectorStoreFileBatch": lambda call: ok(vs_batch("in_progress")),
        "getVectorStoreFileBatch": sequence(vs_batch("in_progress"), vs_batch("completed")),
        "cancelVectorStoreFileBatch": lambda call: ok(vs_batch("cancelling")),
    })
    batches = sync_client(server).vector_stores.file_batches
    created = batches.create_and_poll("vs_1", files=[{"file_id": "file_1", "attributes": {"k": "v"}}],
                                      poll_interval_ms=20)
    assert created.status == "completed" and poll_sleeps == [0.02, 0.02]
    assert server.calls[0].body == {"files": [{"file_id": "file_1", "attributes": {"k": "v"}}]}
    assert batches.cancel("vsfb_1", vector_store_id="vs_1").status == "cancelling"
    batches.list_files("vsfb_1", vector_store_id="vs_1", filter="completed")
    assert server.last().params == {"vector_store_id": "vs_1", "batch_id": "vsfb_1"}
    server.handlers["getVectorStoreFileBatch"] = sequence(vs_batch("cancelled"))
    assert batches.poll("vsfb_1", vector_store_id="vs_1").status == "cancelled"


def counting_upload_server():
    lock = threading.Lock()
    uploads: list[str] = []

    def create_file(call):
        with lock:
            uploads.append(call.files["file"][0])
            number = len(uploads)
        return ok({"id": f"file_{number}", "object": "file", "filename": call.files["file"][0]})

    server = SpecServer({
        "createFile": create_file,
        "createVectorStoreFileBatch": lambda call: ok(vs_batch("in_progress")),
        "getVectorStoreFileBatch": sequence(vs_batch("in_progress"), vs_batch("completed")),
    })
    return server, uploads


def test_upload_and_poll_many_files(poll_sleeps, tmp_path):
    paths = []
    for i in range(12):
        path = tmp_path / f"doc{i:02}.txt"
        path.write_text(f"document {i}")
        paths.append(path)
    server, uploads = counting_upload_server()
    result = sync_client(server).vector_stores.file_batches.upload_and_poll(
        "vs_1", files=paths, file_ids=["file_old"], max_concurrency=4, poll_interval_ms=10,
        chunking_strategy={"type": "auto"})
    assert result.status == "completed"
    assert sorted(uploads) == [p.name for p in paths]
    body = server.last("createVectorStoreFileBatch").body
    assert body["file_ids"][0] == "file_old" and sorted(body["file_ids"][1:]) == sorted(f"file_{i}" for i in range(1, 13))
    assert body["chunking_strategy"] == {"type": "auto"}
    assert server.ops().count("createFile") == 12


def test_upload_and_poll_needs_something():
    with pytest.raises(ValueError, match="needs files"):
        sync_client(SpecServer()).vector_stores.file_batches.upload_and_poll("vs_1", files=[])


async def test_async_upload_and_poll_and_search(poll_sleeps):
    server, uploads = counting_upload_server()
    client = async_client(server)
    contents = [(f"n{i}.md", f"note {i}".encode()) for i in range(6)]
    result = await client.vector_stores.file_batches.upload_and_poll("vs_1", files=contents, max_concurrency=2)
    assert result.status == "completed" and sorted(uploads) == [name for name, _ in contents]
    assert len(server.last("createVectorStoreFileBatch").body["file_ids"]) == 6
    await client.vector_stores.search("vs_1", query=["a", "b"])
    assert server.last().body == {"query": ["a", "b"]}
    page = await client.vector_stores.files.list("vs_1")
    assert page.data == []
