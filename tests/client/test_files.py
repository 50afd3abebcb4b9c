"""Files: uploads from a path, bytes or a file object; list by purpose; content as bytes or to a path."""

from __future__ import annotations

import io

import httpx
import pytest

from oai_notebook.client import BinaryResponse

from ._helpers_stateful import SpecServer, async_client, ok, sequence, sync_client

FILE = {"id": "file_1", "object": "file", "bytes": 9, "created_at": 1, "filename": "train.jsonl",
        "purpose": "fine-tune", "status": "processed"}


def uploaded(call):
    name, _ = call.files["file"]
    return ok({**FILE, "filename": name, "purpose": call.body["purpose"]})


def test_upload_from_a_path(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"messages": []}\n')
    server = SpecServer({"createFile": uploaded})
    result = sync_client(server).files.create(file=path, purpose="fine-tune")
    call = server.last()
    assert call.body == {"purpose": "fine-tune"}
    assert call.files["file"] == ("train.jsonl", b'{"messages": []}\n')
    assert result.filename == "train.jsonl" and result.id == "file_1"


def test_upload_bytes_for_batch_gets_a_jsonl_name_and_expiry():
    server = SpecServer({"createFile": uploaded})
    sync_client(server).files.create(
        file=b'{"custom_id": "a"}\n', purpose="batch", expires_after={"anchor": "created_at", "seconds": 7200}
    )
    call = server.last()
    assert call.files["file"] == ("upload.jsonl", b'{"custom_id": "a"}\n')
    assert call.body == {"purpose": "batch", "expires_after": {"anchor": "created_at", "seconds": 7200}}


def test_upload_file_object_keeps_its_name(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    server = SpecServer({"createFile": uploaded})
    with path.open("rb") as handle:
        result = sync_client(server).files.create(file=handle, purpose="assistants")
    assert server.last().files["file"] == ("notes.pdf", b"%PDF-1.4")
    assert result.purpose == "assistants"


def test_anonymous_stream_and_named_tuple():
    server = SpecServer({"createFile": uploaded})
    client = sync_client(server)
    client.files.create(file=io.BytesIO(b"img"), purpose="vision")
    assert server.last().files["file"] == ("upload", b"img")
    client.files.create(file=("data.jsonl", b"{}\n"), purpose="user_data")
    assert server.last().files["file"] == ("data.jsonl", b"{}\n")


def test_missing_path_is_a_clear_error_before_sending(tmp_path):
    server = SpecServer()
    with pytest.raises(FileNotFoundError, match="no such file"):
        sync_client(server).files.create(file=tmp_path / "absent.jsonl", purpose="batch")
    assert server.calls == []


def test_list_filters_by_purpose():
    listing = {"object": "list", "data": [FILE], "has_more": False, "first_id": "file_1", "last_id": "file_1"}
    server = SpecServer({"listFiles": lambda call: ok(listing)})
    page = sync_client(server).files.list(purpose="fine-tune", limit=10, order="asc")
    assert server.last().query == {"purpose": ["fine-tune"], "limit": ["10"], "order": ["asc"]}
    assert [item.id for item in page] == ["file_1"] and page.has_more is False and page.last_id == "file_1"


def test_retrieve_and_delete():
    server = SpecServer({
        "retrieveFile": lambda call: ok({**FILE, "id": call.params["file_id"]}),
        "deleteFile": lambda call: ok({"id": call.params["file_id"], "object": "file", "deleted": True}),
    })
    client = sync_client(server)
    assert client.files.retrieve("file-abc").id == "file-abc"
    assert client.files.delete("file-abc").deleted is True
    assert server.ops() == ["retrieveFile", "deleteFile"]
    with pytest.raises(ValueError, match="file_id must be a non-empty string"):
        client.files.retrieve("")


def binary(call):
    return httpx.Response(200, content=b"line 1\nline 2\n" * 1000, headers={"content-type": "application/octet-stream"})


def test_content_is_binary():
    server = SpecServer({"downloadFile": binary})
    result = sync_client(server).files.content("file_1")
    assert isinstance(result, BinaryResponse)
    assert result.content == b"line 1\nline 2\n" * 1000
    assert server.last().request.url.path == "/v1/files/file_1/content"


def test_content_streams_to_a_path(tmp_path):
    server = SpecServer({"downloadFile": binary})
    target = sync_client(server).files.content("file_1", path=tmp_path / "out.jsonl")
    assert target == tmp_path / "out.jsonl"
    assert target.read_bytes() == b"line 1\nline 2\n" * 1000


def test_with_streaming_response_content(tmp_path):
    server = SpecServer({"downloadFile": binary})
    with sync_client(server).files.with_streaming_response.content("file_1") as response:
        response.stream_to_file(tmp_path / "streamed.bin")
    assert (tmp_path / "streamed.bin").read_bytes() == b"line 1\nline 2\n" * 1000


async def test_async_files(tmp_path):
    server = SpecServer({"createFile": uploaded, "downloadFile": binary})
    client = async_client(server)
    created = await client.files.create(file=b"{}\n", purpose="fine-tune")
    assert created.filename == "upload.jsonl"
    assert (await client.files.content("file_1")).content.startswith(b"line 1")
    target = await client.files.content("file_1", path=tmp_path / "a.jsonl")
    assert target.read_bytes() == b"line 1\nline 2\n" * 1000
    async with client.files.with_streaming_response.content("file_1") as response:
        assert (await response.read()).startswith(b"line 1")


def test_wait_for_processing_polls_until_processed(poll_sleeps):
    server = SpecServer({"retrieveFile": sequence({**FILE, "status": "uploaded"}, {**FILE, "status": "processed"})})
    result = sync_client(server).files.wait_for_processing("file_1", poll_interval=0.5)
    assert result.status == "processed"
    assert server.ops() == ["retrieveFile", "retrieveFile"]
    assert poll_sleeps == [0.5]


def test_wait_for_processing_times_out(poll_sleeps):
    server = SpecServer({"retrieveFile": sequence({**FILE, "status": "uploaded"})})
    with pytest.raises(TimeoutError, match="file_1"):
        sync_client(server).files.wait_for_processing("file_1", poll_interval=2, max_wait_seconds=5)
    assert poll_sleeps == [2.0, 2.0]
