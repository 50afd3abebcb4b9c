"""Batches: the four API operations, and helpers for the whole workflow (build, upload, wait, join)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._resource import Resource, drop_none
from .._workflow import Steps, poll, run_steps, status_in
from ..batch_workflow import Requests, join_results, line_items, parse_jsonl, to_jsonl
from ._paths import url

BATCH_DONE = ("completed", "failed", "expired", "cancelled")


class Batches(Resource):
    def create(
        self,
        *,
        input_file_id: str,
        endpoint: str,
        completion_window: str = "24h",
        metadata: dict[str, str] | None = None,
        output_expires_after: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        """Start a batch over an uploaded JSONL file (purpose "batch")."""
        body = drop_none(
            {"input_file_id": input_file_id, "endpoint": endpoint, "completion_window": completion_window,
             "metadata": metadata, "output_expires_after": output_expires_after, **params}
        )
        return self._post("/batches", body)

    def retrieve(self, batch_id: str, **params: Any) -> Any:
        return self._get(url("/batches/{batch_id}", batch_id=batch_id), params)

    def list(self, *, after: str | None = None, limit: int | None = None, **params: Any) -> Any:
        """Your batches, newest first: a page you can iterate past its first page."""
        return self._list("/batches", drop_none({"after": after, "limit": limit, **params}))

    def cancel(self, batch_id: str, **params: Any) -> Any:
        return self._post(url("/batches/{batch_id}/cancel", batch_id=batch_id), params)

    # -- the workflow --------------------------------------------------------------------------
    def create_from_requests(
        self,
        requests: Requests,
        *,
        endpoint: str,
        completion_window: str = "24h",
        metadata: dict[str, str] | None = None,
        file_name: str = "batch_input.jsonl",
        **params: Any,
    ) -> Any:
        """Build the JSONL from plain request bodies, upload it and create the batch, in one call.

        `requests` is a list of bodies (each may carry its own "custom_id") or {custom_id: body};
        `endpoint` is "chat", "embeddings", "/v1/completions", ... (see batch_workflow.ENDPOINTS).
        """
        items = line_items(requests, endpoint)
        data = to_jsonl(items)
        steps = self._upload_and_create(data, items[0]["url"], file_name, completion_window, metadata, params)
        return run_steps(self._client, steps)

    def _upload_and_create(self, data, endpoint, file_name, completion_window, metadata, params) -> Steps:
        uploaded = yield self._client.files.create(file=(file_name, data, "application/jsonl"), purpose="batch")
        return (
            yield self.create(input_file_id=uploaded.id, endpoint=endpoint,
                              completion_window=completion_window, metadata=metadata, **params)
        )

    def wait(
        self,
        batch_id: str,
        *,
        poll_interval_ms: int | None = 10_000,
        max_wait_seconds: float | None = None,
        progress: Callable[[Any], None] | None = None,
    ) -> Any:
        """Poll until the batch completes, fails, expires or is cancelled; returns the final batch.

        `progress(batch)` sees every state (`batch.status`, `batch.request_counts.completed`...).
        """
        steps = poll(
            lambda: self.retrieve(batch_id), status_in(*BATCH_DONE),
            poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds, progress=progress,
        )
        return run_steps(self._client, steps)

    def results(self, batch: Any, *, requests: Sequence[dict[str, Any]] | None = None) -> Any:
        """Download the output and error files and join them to the inputs: BatchResults in input order.

        `batch` is a batch object or id. The inputs are read back from the batch's input file unless you
        pass the line items (`requests`) you built. Requests with no result get a `missing_result` error.
        """
        return run_steps(self._client, self._results(batch, requests))

    def _results(self, batch: Any, items: Sequence[dict[str, Any]] | None) -> Steps:
        if isinstance(batch, str):
            batch = yield self.retrieve(batch)
        files = self._client.files
        if items is None:
            items = parse_jsonl((yield files.content(batch.input_file_id)).content)
        output = (yield files.content(batch.output_file_id)).content if batch.output_file_id else None
        errors = (yield files.content(batch.error_file_id)).content if batch.error_file_id else None
        return join_results(items, output, errors, batch=batch)

    def run(
        self,
        requests: Requests,
        *,
        endpoint: str,
        completion_window: str = "24h",
        metadata: dict[str, str] | None = None,
        file_name: str = "batch_input.jsonl",
        poll_interval_ms: int | None = 10_000,
        max_wait_seconds: float | None = None,
        progress: Callable[[Any], None] | None = None,
        **params: Any,
    ) -> Any:
        """create_from_requests, wait and results in one call: BatchResults in input order (`.batch`)."""
        items = line_items(requests, endpoint)
        created = self._upload_and_create(
            to_jsonl(items), items[0]["url"], file_name, completion_window, metadata, params
        )
        wait = {"poll_interval_ms": poll_interval_ms, "max_wait_seconds": max_wait_seconds, "progress": progress}
        return run_steps(self._client, self._run(created, items, wait))

    def _run(self, created: Steps, items: list[dict[str, Any]], wait: dict[str, Any]) -> Steps:
        batch = yield from created
        batch = yield from poll(lambda: self.retrieve(batch.id), status_in(*BATCH_DONE), current=batch, **wait)
        return (yield from self._results(batch, items))
