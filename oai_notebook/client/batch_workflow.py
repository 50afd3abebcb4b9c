"""The Batch API's file formats: JSONL line items from plain request dicts, and results joined back.

    items = line_items([{"model": "gpt-4o-mini", "messages": [...]}, ...], endpoint="chat")
    jsonl = to_jsonl(items)                      # upload with purpose "batch"
    results = join_results(items, output_bytes, error_bytes)   # one BatchResult per input, in order
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._objects import APIObject, loads

ENDPOINTS = (
    "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/v1/moderations",
    "/v1/images/generations", "/v1/images/edits", "/v1/videos",
)
ALIASES = {
    "chat": "/v1/chat/completions", "completions": "/v1/completions", "embeddings": "/v1/embeddings",
    "responses": "/v1/responses", "moderations": "/v1/moderations", "images": "/v1/images/generations",
    "image_edits": "/v1/images/edits", "videos": "/v1/videos",
}
MAX_REQUESTS = 50_000
MAX_EMBEDDING_INPUTS = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024
NEEDS_MODEL = {"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"}

Requests = Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]]


def endpoint_url(endpoint: str) -> str:
    """The Batch API's endpoint value: "chat", "/chat/completions" and "/v1/chat/completions" all work."""
    if endpoint in ALIASES:
        return ALIASES[endpoint]
    candidate = "/v1/" + endpoint.strip("/").removeprefix("v1/")
    if candidate not in ENDPOINTS:
        raise ValueError(f"the Batch API does not take endpoint {endpoint!r}; use one of {', '.join(ENDPOINTS)}")
    return candidate


def line_items(requests: Requests, endpoint: str, *, id_prefix: str = "request-") -> list[dict[str, Any]]:
    """One `{custom_id, method, url, body}` line per request body.

    `requests` is a list of bodies (a body's own "custom_id" key is used and taken out; others get
    `id_prefix` + position) or a mapping of custom_id to body.
    """
    target = endpoint_url(endpoint)
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(requests, Mapping):
        pairs = requests.items()
    else:
        pairs = (
            (request.get("custom_id", f"{id_prefix}{position}") if isinstance(request, Mapping) else None, request)
            for position, request in enumerate(requests)
        )
    items, seen, inputs = [], set(), 0
    for position, (custom_id, request) in enumerate(pairs):
        if not isinstance(request, Mapping):
            raise TypeError(f"request {position} must be a dict of the endpoint's parameters")
        if not isinstance(custom_id, str) or not custom_id:
            raise ValueError(f"request {position}: custom_id must be a non-empty string")
        if custom_id in seen:
            raise ValueError(f"request {position}: custom_id {custom_id!r} is used twice")
        seen.add(custom_id)
        body = {k: v for k, v in request.items() if k != "custom_id"}
        if target in NEEDS_MODEL and not body.get("model"):
            raise ValueError(f"request {custom_id!r} has no 'model'")
        if body.get("stream"):
            raise ValueError(f"request {custom_id!r}: batch requests cannot stream")
        if target == "/v1/embeddings":
            inputs += len(body["input"]) if isinstance(body.get("input"), list) else 1
        items.append({"custom_id": custom_id, "method": "POST", "url": target, "body": body})
    if not items:
        raise ValueError("a batch needs at least one request")
    if len(items) > MAX_REQUESTS:
        raise ValueError(f"{len(items)} requests; a batch holds at most {MAX_REQUESTS}")
    if inputs > MAX_EMBEDDING_INPUTS:
        raise ValueError(f"{inputs} embedding inputs; a batch holds at most {MAX_EMBEDDING_INPUTS}")
    return items


def to_jsonl(items: Iterable[Mapping[str, Any]]) -> bytes:
    """The batch input file's bytes (at most 200 MB)."""
    data = "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n" for item in items).encode()
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"the batch file would be {len(data)} bytes; the limit is {MAX_FILE_BYTES}")
    return data


def parse_jsonl(data: bytes | str | None) -> list[APIObject]:
    """The objects of a JSONL file (blank lines skipped)."""
    if not data:
        return []
    text = data.decode() if isinstance(data, bytes) else data
    return [loads(line) for line in text.splitlines() if line.strip()]


@dataclass
class BatchResult:
    """What came back for one request: its parsed response body, or its error."""

    custom_id: str
    request: dict[str, Any]
    response: APIObject | None = None
    status_code: int | None = None
    request_id: str | None = None
    error: APIObject | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and self.status_code < 400


class BatchResults(list):
    """A list of BatchResult in input order; `.batch` is the batch they came from."""

    batch: Any = None

    @property
    def failed(self) -> list[BatchResult]:
        return [result for result in self if not result.ok]


def join_results(
    items: Sequence[Mapping[str, Any]], output: bytes | str | None, errors: bytes | str | None = None,
    *, batch: Any = None,
) -> BatchResults:
    """Match output- and error-file lines to the input line items by custom_id, in input order."""
    found: dict[str, APIObject] = {}
    for line in parse_jsonl(errors) + parse_jsonl(output):  # an output line wins over an error line
        found[line.get("custom_id")] = line
    status = batch.get("status") if batch is not None else None
    results = BatchResults()
    results.batch = batch
    for item in items:
        custom_id = item["custom_id"]
        line = found.get(custom_id)
        result = BatchResult(custom_id, dict(item.get("body") or {}))
        if line is None:
            result.error = APIObject(
                code="missing_result",
                message=f"no result for this request (the batch ended with status {status!r})",
            )
        else:
            response = line.get("response") or {}
            result.status_code = response.get("status_code")
            result.request_id = response.get("request_id")
            result.response = response.get("body")
            error = line.get("error") or (result.response or {}).get("error")
            result.error = error if error else None
        results.append(result)
    return results
