"""Vector stores (`client.vector_stores`): stores, their files, file batches, and search."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from .._files import FileInput
from .._resource import drop_none
from .._workflow import Gather, Steps, poll, run_steps, status_in
from ._paths import url
from .beta import BetaResource

STORE = "/vector_stores/{vector_store_id}"
FILE = STORE + "/files/{file_id}"
BATCH = STORE + "/file_batches/{batch_id}"
INGESTED = ("completed", "failed", "cancelled")  # a file or batch no longer in_progress


def _listing(after, before, limit, order, params, filter=None) -> dict[str, Any]:
    return drop_none({"after": after, "before": before, "limit": limit, "order": order, "filter": filter, **params})


class VectorStoreFiles(BetaResource):
    def create(
        self,
        vector_store_id: str,
        *,
        file_id: str,
        attributes: dict[str, Any] | None = None,
        chunking_strategy: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        """Add an uploaded file to the store (it is chunked and embedded in the background)."""
        body = drop_none(
            {"file_id": file_id, "attributes": attributes, "chunking_strategy": chunking_strategy, **params}
        )
        return self._post(url(STORE + "/files", vector_store_id=vector_store_id), body)

    def retrieve(self, file_id: str, *, vector_store_id: str, **params: Any) -> Any:
        return self._get(url(FILE, vector_store_id=vector_store_id, file_id=file_id), params)

    def update(self, file_id: str, *, vector_store_id: str, attributes: dict[str, Any] | None, **params: Any) -> Any:
        """Replace the file's attributes (the key-value pairs search filters match)."""
        body = {"attributes": attributes, **params}
        return self._post(url(FILE, vector_store_id=vector_store_id, file_id=file_id), body)

    def list(
        self,
        vector_store_id: str,
        *,
        after: str | None = None,
        before: str | None = None,
        filter: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        **params: Any,
    ) -> Any:
        """The store's files (`filter`: in_progress, completed, failed, cancelled): a page."""
        query = _listing(after, before, limit, order, params, filter)
        return self._list(url(STORE + "/files", vector_store_id=vector_store_id), query)

    def delete(self, file_id: str, *, vector_store_id: str, **params: Any) -> Any:
        """Remove the file from the store (the file itself stays; delete it with client.files.delete)."""
        return self._delete(url(FILE, vector_store_id=vector_store_id, file_id=file_id), params)

    def content(self, file_id: str, *, vector_store_id: str, **params: Any) -> Any:
        """The file's parsed text, as the store holds it (`data` is a list of {type, text})."""
        return self._get(url(FILE + "/content", vector_store_id=vector_store_id, file_id=file_id), params)

    def poll(
        self, file_id: str, *, vector_store_id: str, poll_interval_ms: int | None = None,
        max_wait_seconds: float | None = None,
    ) -> Any:
        """Wait until the file is no longer in_progress (honouring `openai-poll-after-ms`)."""
        return run_steps(self._client, self._poll(file_id, vector_store_id, None, poll_interval_ms, max_wait_seconds))

    def _poll(self, file_id, vector_store_id, current, poll_interval_ms, max_wait_seconds) -> Steps:
        return (
            yield from poll(
                lambda: self.retrieve(file_id, vector_store_id=vector_store_id), status_in(*INGESTED),
                current=current, poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds,
            )
        )

    def create_and_poll(
        self, file_id: str, *, vector_store_id: str, poll_interval_ms: int | None = None,
        max_wait_seconds: float | None = None, **params: Any,
    ) -> Any:
        """Add a file and wait until it is ingested."""
        created = self.create(vector_store_id, file_id=file_id, **params)
        return run_steps(
            self._client, self._after(created, vector_store_id, poll_interval_ms, max_wait_seconds)
        )

    def _after(self, call, vector_store_id, poll_interval_ms, max_wait_seconds) -> Steps:
        created = yield call
        return (yield from self._poll(created["id"], vector_store_id, created, poll_interval_ms, max_wait_seconds))

    def upload(
        self, *, vector_store_id: str, file: FileInput, chunking_strategy: dict[str, Any] | None = None
    ) -> Any:
        """Upload a file (purpose "assistants") and add it to the store, without waiting."""
        return run_steps(self._client, self._upload(vector_store_id, file, chunking_strategy))

    def _upload(self, vector_store_id: str, file: FileInput, chunking_strategy: Any) -> Steps:
        uploaded = yield self._client.files.create(file=file, purpose="assistants")
        return (yield self.create(vector_store_id, file_id=uploaded["id"], chunking_strategy=chunking_strategy))

    def upload_and_poll(
        self,
        *,
        vector_store_id: str,
        file: FileInput,
        attributes: dict[str, Any] | None = None,
        chunking_strategy: dict[str, Any] | None = None,
        poll_interval_ms: int | None = None,
        max_wait_seconds: float | None = None,
    ) -> Any:
        """Upload a file, add it to the store, and wait until it is ingested."""
        return run_steps(
            self._client,
            self._upload_and_poll(vector_store_id, file, attributes, chunking_strategy, poll_interval_ms, max_wait_seconds),
        )

    def _upload_and_poll(self, vector_store_id, file, attributes, chunking_strategy, poll_interval_ms, max_wait) -> Steps:
        uploaded = yield self._client.files.create(file=file, purpose="assistants")
        created = self.create(
            vector_store_id, file_id=uploaded["id"], attributes=attributes, chunking_strategy=chunking_strategy
        )
        return (yield from self._after(created, vector_store_id, poll_interval_ms, max_wait))


class FileBatches(BetaResource):
    def create(
        self,
        vector_store_id: str,
        *,
        file_ids: list[str] | None = None,
        files: list[dict[str, Any]] | None = None,
        attributes: dict[str, Any] | None = None,
        chunking_strategy: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        """Add many uploaded files at once (`file_ids`, or `files=[{file_id, attributes}]`)."""
        body = drop_none(
            {"file_ids": file_ids, "files": files, "attributes": attributes,
             "chunking_strategy": chunking_strategy, **params}
        )
        return self._post(url(STORE + "/file_batches", vector_store_id=vector_store_id), body)

    def retrieve(self, batch_id: str, *, vector_store_id: str, **params: Any) -> Any:
        return self._get(url(BATCH, vector_store_id=vector_store_id, batch_id=batch_id), params)

    def cancel(self, batch_id: str, *, vector_store_id: str, **params: Any) -> Any:
        return self._post(url(BATCH + "/cancel", vector_store_id=vector_store_id, batch_id=batch_id), params)

    def list_files(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        after: str | None = None,
        before: str | None = None,
        filter: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        **params: Any,
    ) -> Any:
        """The batch's files: a page you can iterate."""
        route = url(BATCH + "/files", vector_store_id=vector_store_id, batch_id=batch_id)
        return self._list(route, _listing(after, before, limit, order, params, filter))

    def poll(self, batch_id: str, *, vector_store_id: str, poll_interval_ms: int | None = None) -> Any:
        """Wait until the batch is no longer in_progress (honouring `openai-poll-after-ms`)."""
        return run_steps(self._client, self._poll(self.retrieve(batch_id, vector_store_id=vector_store_id),
                                                  vector_store_id, poll_interval_ms))

    def _poll(self, call: Any, vector_store_id: str, poll_interval_ms: int | None) -> Steps:
        batch = yield call
        return (
            yield from poll(
                lambda: self.retrieve(batch["id"], vector_store_id=vector_store_id), status_in(*INGESTED),
                current=batch, poll_interval_ms=poll_interval_ms,
            )
        )

    def create_and_poll(self, vector_store_id: str, *, poll_interval_ms: int | None = None, **params: Any) -> Any:
        """Create a file batch and wait until every file is ingested."""
        created = self.create(vector_store_id, **params)
        return run_steps(self._client, self._poll(created, vector_store_id, poll_interval_ms))

    def upload_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[FileInput],
        max_concurrency: int = 5,
        file_ids: Iterable[str] = (),
        poll_interval_ms: int | None = None,
        chunking_strategy: dict[str, Any] | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> Any:
        """Upload many files (`max_concurrency` at a time), add them and `file_ids` as one batch, and wait."""
        files = list(files)
        if not files and not file_ids:
            raise ValueError("upload_and_poll needs files (or file_ids)")
        steps = self._upload_and_poll(
            vector_store_id, files, max_concurrency, list(file_ids), poll_interval_ms,
            drop_none({"chunking_strategy": chunking_strategy, "attributes": attributes}),
        )
        return run_steps(self._client, steps)

    def _upload_and_poll(self, vector_store_id, files, max_concurrency, file_ids, poll_interval_ms, params) -> Steps:
        upload = self._client.files.create
        thunks = [lambda file=file: upload(file=file, purpose="assistants") for file in files]
        uploaded = yield Gather(thunks, max_concurrency)
        created = self.create(vector_store_id, file_ids=[*file_ids, *(item["id"] for item in uploaded)], **params)
        return (yield from self._poll(created, vector_store_id, poll_interval_ms))


class VectorStores(BetaResource):
    def create(
        self,
        *,
        name: str | None = None,
        file_ids: list[str] | None = None,
        description: str | None = None,
        expires_after: dict[str, Any] | None = None,
        chunking_strategy: dict[str, Any] | None = None,
        metadata: dict[str, str] | None = None,
        **params: Any,
    ) -> Any:
        """Create a vector store (optionally filled with uploaded `file_ids`)."""
        body = drop_none(
            {"name": name, "file_ids": file_ids, "description": description, "expires_after": expires_after,
             "chunking_strategy": chunking_strategy, "metadata": metadata, **params}
        )
        return self._post("/vector_stores", body)

    def retrieve(self, vector_store_id: str, **params: Any) -> Any:
        return self._get(url(STORE, vector_store_id=vector_store_id), params)

    def update(self, vector_store_id: str, **params: Any) -> Any:
        """Modify a store's name, metadata or expires_after."""
        return self._post(url(STORE, vector_store_id=vector_store_id), drop_none(params))

    def list(
        self,
        *,
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        **params: Any,
    ) -> Any:
        """Your vector stores: a page you can iterate past its first page."""
        return self._list("/vector_stores", _listing(after, before, limit, order, params))

    def delete(self, vector_store_id: str, **params: Any) -> Any:
        return self._delete(url(STORE, vector_store_id=vector_store_id), params)

    def search(
        self,
        vector_store_id: str,
        *,
        query: str | list[str],
        filters: dict[str, Any] | None = None,
        max_num_results: int | None = None,
        ranking_options: dict[str, Any] | None = None,
        rewrite_query: bool | None = None,
        **params: Any,
    ) -> Any:
        """The store's chunks most relevant to `query`: `.data` holds {file_id, filename, score, content}."""
        body = drop_none(
            {"query": query, "filters": filters, "max_num_results": max_num_results,
             "ranking_options": ranking_options, "rewrite_query": rewrite_query, **params}
        )
        return self._post(url(STORE + "/search", vector_store_id=vector_store_id), body)

    @cached_property
    def files(self) -> VectorStoreFiles:
        return VectorStoreFiles(self._client)

    @cached_property
    def file_batches(self) -> FileBatches:
        return FileBatches(self._client)
