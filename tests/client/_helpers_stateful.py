"""A spec-checking fake API for the stateful-resource tests.

`SpecServer` is an httpx MockTransport handler. It matches each request to its OpenAPI operation,
validates the JSON or multipart body against that operation's request schema, checks the query
parameters are ones the operation declares, records the call, and answers from per-operation
handlers (or a plain default object).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from oai_notebook import spec
from oai_notebook.client import AsyncClient, Client

from .conftest import BASE, KEY

FIXTURES = Path(__file__).with_name("fixtures")
BETA = "assistants=v2"


def _routes() -> list[tuple[str, str, re.Pattern[str], list[str]]]:
    routes = []
    for op_id, op in spec.load()["operations"].items():
        names = re.findall(r"{(\w+)}", op["path"])
        pattern = re.compile("^" + re.sub(r"{\w+}", "([^/]+)", op["path"]) + "$")
        routes.append((op_id, op["method"], pattern, names))
    routes.sort(key=lambda route: len(route[3]))  # literal paths win over templates
    return routes


ROUTES = _routes()


def match(method: str, path: str) -> tuple[str, dict[str, str]]:
    for op_id, op_method, pattern, names in ROUTES:
        found = pattern.match(path)
        if found and op_method == method:
            return op_id, {name: unquote(value) for name, value in zip(names, found.groups(), strict=True)}
    raise AssertionError(f"no spec operation for {method} {path}")


def parse_multipart(request: httpx.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """(fields, files) of a multipart request; `a[b]` fields become nested dicts."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    fields: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None:
            files[name] = (part.get_filename(), payload)
            continue
        value: Any = payload.decode()
        value = int(value) if value.isdigit() else value
        nested = re.fullmatch(r"(\w+)\[(\w+)\]", name)
        if nested:
            fields.setdefault(nested.group(1), {})[nested.group(2)] = value
        else:
            fields[name] = value
    return fields, files


@dataclass
class Call:
    """One request the fake API received."""

    op: str
    params: dict[str, str]
    request: httpx.Request
    body: Any = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def query(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for key, value in self.request.url.params.multi_items():
            result.setdefault(key, []).append(value)
        return result


def _declared_query(op_id: str) -> set[str]:
    return {p["name"] for p in spec.operation(op_id).get("parameters", []) if p.get("in") == "query"}


def _query_allowed(name: str, declared: set[str]) -> bool:
    return name in declared or (re.sub(r"\[\w+\]$", "", name) in declared and not name.endswith("[]"))


def default_answer(call: Call) -> httpx.Response:
    if call.op == "downloadFile":
        return httpx.Response(200, content=b"file-bytes", headers={"content-type": "application/octet-stream"})
    if call.request.method == "GET" and call.op.startswith("list"):
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})
    ident = next(iter(call.params.values()), "obj_1")
    return httpx.Response(200, json={"id": ident, "object": "thing", "status": "completed",
                                     "thread_id": call.params.get("thread_id", "thread_1")})


Handler = Callable[[Call], httpx.Response]


class SpecServer:
    """Routes requests to handlers by operationId, validating each request against the spec."""

    def __init__(self, handlers: dict[str, Handler] | None = None) -> None:
        self.handlers = dict(handlers or {})
        self.calls: list[Call] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        path = request.url.raw_path.decode().split("?")[0].removeprefix(httpx.URL(BASE).path)
        op_id, params = match(request.method, path)
        call = Call(op_id, params, request)
        declared = _declared_query(op_id)
        for name in call.query:
            assert _query_allowed(name, declared), f"{op_id}: query parameter {name!r} not in the spec"
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            fields, call.files = parse_multipart(request)
            call.body = fields
            document = {**fields, **{name: "<binary>" for name in call.files}}
            spec.request_validator(op_id, "multipart/form-data").validate(document)
        elif request.content:
            call.body = json.loads(request.content)
            if "application/json" in spec.operation(op_id).get("request", {}):
                spec.request_validator(op_id).validate(call.body)
            else:
                assert call.body == {}, f"{op_id} takes no body, got {call.body}"
        elif "request" in spec.operation(op_id) and request.method == "POST":
            raise AssertionError(f"{op_id}: a body is required")
        self.calls.append(call)
        handler = self.handlers.get(op_id, default_answer)
        return handler(call)

    def ops(self) -> list[str]:
        return [call.op for call in self.calls]

    def last(self, op: str | None = None) -> Call:
        matching = [call for call in self.calls if op is None or call.op == op]
        assert matching, f"no {op} call"
        return matching[-1]


def sync_client(server: SpecServer) -> Client:
    return Client(api_key=KEY, base_url=BASE, max_retries=0,
                  http_client=httpx.Client(transport=httpx.MockTransport(server)))


def async_client(server: SpecServer) -> AsyncClient:
    return AsyncClient(api_key=KEY, base_url=BASE, max_retries=0,
                       http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)))


def ok(data: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, json=data, headers=headers)


def sequence(*responses: Any, headers: dict[str, str] | None = None) -> Handler:
    """A handler answering with each object in turn (the last one repeats)."""
    queue = list(responses)

    def answer(call: Call) -> httpx.Response:
        data = queue.pop(0) if len(queue) > 1 else queue[0]
        return ok(data, headers)

    return answer


def pages(items: list[dict[str, Any]], size: int) -> Handler:
    """A cursor-paged list over `items`, honouring after/before/limit like the API."""

    def answer(call: Call) -> httpx.Response:
        query = {key: values[0] for key, values in call.query.items()}
        limit = int(query.get("limit", size))
        ids = [item["id"] for item in items]
        if "before" in query:
            end = ids.index(query["before"])
            chunk = items[max(0, end - limit):end]
            more = end - limit > 0
        else:
            start = ids.index(query["after"]) + 1 if "after" in query else 0
            chunk = items[start:start + limit]
            more = start + limit < len(items)
        body = {"object": "list", "data": chunk, "has_more": more}
        if chunk:
            body.update(first_id=chunk[0]["id"], last_id=chunk[-1]["id"])
        return ok(body)

    return answer


def sse(events: list[tuple[str, Any]]) -> bytes:
    """An Assistants event stream: `event: name` / `data: json` pairs, ending with `done`."""
    text = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return (text + "event: done\ndata: [DONE]\n\n").encode()


def sse_response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


def recorded_stream(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
