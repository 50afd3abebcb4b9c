from __future__ import annotations

import io

import pytest


def test_file_round_trip(any_client, http, valid_response):
    payload = b'{"prompt": "hi", "completion": "there"}\n' * 100
    created = any_client.files.create(file=("train.jsonl", payload), purpose="fine-tune")
    assert created.bytes == len(payload)
    assert created.filename == "train.jsonl"
    assert created.purpose == "fine-tune"

    assert any_client.files.retrieve(created.id).id == created.id
    assert any_client.files.content(created.id).read() == payload
    valid_response("retrieveFile", http.get(f"files/{created.id}").json())

    deleted = any_client.files.delete(created.id)
    assert deleted.deleted and deleted.id == created.id
    for fetch in (any_client.files.retrieve, any_client.files.content):
        with pytest.raises(Exception) as caught:  # each client raises its own NotFoundError
            fetch(created.id)
        assert caught.value.status_code == 404


def test_list_filters_by_purpose_and_pages(any_client, http, valid_response):
    ids = [
        any_client.files.create(file=(f"b{i}.jsonl", b"{}\n"), purpose="batch").id
        for i in range(5)
    ]
    any_client.files.create(file=("notes.txt", b"hello"), purpose="user_data")

    batch = [f.id for f in any_client.files.list(purpose="batch")]
    assert set(ids) <= set(batch)
    assert all(f.purpose == "batch" for f in any_client.files.list(purpose="batch"))

    first = any_client.files.list(purpose="batch", limit=2, order="asc")
    assert len(first.data) == 2 and first.has_more
    # the SDK's auto-paging follows `after` cursors through every page
    walked = [f.id for f in any_client.files.list(purpose="batch", limit=2, order="asc")]
    assert [i for i in walked if i in ids] == ids  # oldest first, every page
    valid_response("listFiles", http.get("files", params={"limit": 2}).json())


def test_expires_after_sets_expiry(openai_client):
    created = openai_client.files.create(
        file=("e.jsonl", b"{}\n"), purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    assert created.expires_at == created.created_at + 3600


def test_upload_over_the_limit_is_413(http, openai_error):
    big = io.BytesIO(b"x" * (4 * 1024 * 1024 + 1))
    response = http.post("files", files={"file": ("big.bin", big)}, data={"purpose": "user_data"})
    openai_error(response, 413)


def test_bad_purpose_is_400_naming_it(http, openai_error):
    response = http.post("files", files={"file": ("a.txt", b"a")}, data={"purpose": "nonsense"})
    openai_error(response, 400, "purpose")


def test_missing_file_is_400(http, openai_error):
    response = http.post("files", data={"purpose": "batch"}, files={"other": ("a", b"a")})
    error = openai_error(response, 400)
    assert error["param"] in ("file", "other")
