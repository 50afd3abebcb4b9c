"""Files: upload (a path, bytes or a file object), list by purpose, retrieve, delete, download content."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from .._files import FileInput
from .._resource import Resource, WithStreamingResponse, drop_none
from .._workflow import Steps, poll, run_steps, status_in
from ._paths import url

JSONL_PURPOSES = ("batch", "fine-tune", "evals")


def named_upload(file: FileInput, purpose: str) -> FileInput:
    """Give nameless uploads (bytes, anonymous streams) a name; JSONL purposes need a .jsonl one."""
    if isinstance(file, (str, os.PathLike, tuple)):
        return file
    if isinstance(getattr(file, "name", None), str):
        return file
    return ("upload.jsonl" if purpose in JSONL_PURPOSES else "upload", file)


class Files(Resource):
    def create(
        self,
        *,
        file: FileInput,
        purpose: str,
        expires_after: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        """Upload `file` (a path, bytes, a binary file object or (name, content)) for `purpose`."""
        body = drop_none({"purpose": purpose, **params})
        for key, value in (expires_after or {}).items():  # multipart deepObject: expires_after[seconds]
            body[f"expires_after[{key}]"] = value
        return self._post("/files", body, files={"file": named_upload(file, purpose)})

    def retrieve(self, file_id: str, **params: Any) -> Any:
        return self._get(url("/files/{file_id}", file_id=file_id), params)

    def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        after: str | None = None,
        **params: Any,
    ) -> Any:
        """Your files (only those for `purpose`, if given): a page you can iterate past its first page."""
        query = drop_none({"purpose": purpose, "limit": limit, "order": order, "after": after, **params})
        return self._list("/files", query)

    def delete(self, file_id: str, **params: Any) -> Any:
        return self._delete(url("/files/{file_id}", file_id=file_id), params)

    def content(
        self,
        file_id: str,
        *,
        path: str | os.PathLike | None = None,
        _stream_response: bool = False,
        **params: Any,
    ) -> Any:
        """The file's bytes as a BinaryResponse; with `path`, streamed to that file (returns the Path).

        `client.files.with_streaming_response.content(id)` gives a StreamedBinary to read as it arrives.
        """
        route = url("/files/{file_id}/content", file_id=file_id)
        if path is not None:
            return run_steps(self._client, self._content_to_path(route, Path(path), params))
        kind = "binary_stream" if _stream_response else "binary"
        return self._get(route, params, kind=kind)

    def _content_to_path(self, route: str, path: Path, params: dict[str, Any]) -> Steps:
        streamed = yield self._get(route, params, kind="binary_stream")
        return (yield streamed.write_to(path))

    def wait_for_processing(
        self, id: str, *, poll_interval: float = 5.0, max_wait_seconds: float = 30 * 60
    ) -> Any:
        """Poll an uploaded file until it is processed (or errored); TimeoutError after max_wait_seconds."""
        steps = poll(
            lambda: self.retrieve(id),
            status_in("processed", "error", "deleted"),
            poll_interval_ms=int(poll_interval * 1000),
            max_wait_seconds=max_wait_seconds,
        )
        return run_steps(self._client, steps)

    @cached_property
    def with_streaming_response(self) -> WithStreamingResponse:
        """`with client.files.with_streaming_response.content(id) as r: r.write_to(path)`."""
        return WithStreamingResponse(self)
