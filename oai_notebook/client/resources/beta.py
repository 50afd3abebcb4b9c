"""Assistants v2 (`client.beta.assistants`) and the `client.beta` namespace; every call sends
`OpenAI-Beta: assistants=v2`."""

from __future__ import annotations

import contextlib
from functools import cached_property
from typing import Any

from .._errors import NotFoundError
from .._objects import APIObject
from .._resource import Resource, drop_none
from .._workflow import Steps, run_steps
from ._paths import url

BETA_HEADERS = {"OpenAI-Beta": "assistants=v2"}
ASSISTANT = "/assistants/{assistant_id}"
FILE_TOOLS = ("code_interpreter", "file_search")


class BetaResource(Resource):
    """A resource whose requests carry the `OpenAI-Beta: assistants=v2` header."""

    def _request(self, method: str, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        kwargs["headers"] = {**BETA_HEADERS, **kwargs.get("headers", {})}
        return super()._request(method, path, params, **kwargs)


class Assistants(BetaResource):
    def create(self, *, model: str, **params: Any) -> Any:
        """Create an assistant (name, instructions, tools, tool_resources, response_format...)."""
        return self._post("/assistants", drop_none({"model": model, **params}))

    def retrieve(self, assistant_id: str, **params: Any) -> Any:
        return self._get(url(ASSISTANT, assistant_id=assistant_id), params)

    def update(self, assistant_id: str, **params: Any) -> Any:
        """Modify an assistant: only the fields you pass change (tools=[] clears the tools)."""
        return self._post(url(ASSISTANT, assistant_id=assistant_id), drop_none(params))

    def list(
        self,
        *,
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        **params: Any,
    ) -> Any:
        """Your assistants: a page you can iterate past its first page."""
        query = drop_none({"after": after, "before": before, "limit": limit, "order": order, **params})
        return self._list("/assistants", query)

    def delete(self, assistant_id: str, **params: Any) -> Any:
        return self._delete(url(ASSISTANT, assistant_id=assistant_id), params)

    # -- v2 replacements for the removed v1 assistant-file operations ------------------------------
    def add_files(
        self, assistant_id: str, file_ids: list[str], *, tool: str = "code_interpreter",
        poll_interval_ms: int | None = None,
    ) -> Any:
        """Give an assistant files, as v1 `POST /assistants/{id}/files` did; returns the assistant.

        That v1 operation no longer exists. In v2, files reach an assistant through `tool_resources`:
        for `tool="code_interpreter"` the ids join `tool_resources.code_interpreter.file_ids`; for
        `tool="file_search"` they are added to the assistant's first vector store (waiting until
        they are processed), or to a new vector store attached to it. The tool is enabled if needed.
        """
        if tool not in FILE_TOOLS:
            raise ValueError(f"tool must be one of {FILE_TOOLS}, not {tool!r}")
        return run_steps(self._client, self._add_files(assistant_id, list(file_ids), tool, poll_interval_ms))

    def _add_files(self, assistant_id: str, file_ids: list[str], tool: str, poll_interval_ms: Any) -> Steps:
        assistant = yield self.retrieve(assistant_id)
        resources = _tool_resources(assistant)
        if tool == "code_interpreter":
            held = _ids(resources, "code_interpreter", "file_ids")
            held.extend(file_id for file_id in file_ids if file_id not in held)
        else:
            store_ids = _ids(resources, "file_search", "vector_store_ids")
            stores = self._client.vector_stores
            if store_ids:
                yield stores.file_batches.create_and_poll(
                    store_ids[0], file_ids=file_ids, poll_interval_ms=poll_interval_ms
                )
            else:
                store = yield stores.create(name=f"{assistant.get('name') or assistant_id} files", file_ids=file_ids)
                store_ids.append(store["id"])
        tools = [dict(item) for item in assistant.get("tools") or []]
        if not any(item.get("type") == tool for item in tools):
            tools.append({"type": tool})
        return (yield self.update(assistant_id, tools=tools, tool_resources=resources))

    def list_files(self, assistant_id: str) -> Any:
        """The assistant's files, as v1 `GET /assistants/{id}/files` listed them (that operation is gone).

        In v2 they live in `tool_resources`: one `{file_id, tool}` entry per code-interpreter file, and
        one `{file_id, tool, vector_store_id, status}` per file of each attached vector store.
        """
        return run_steps(self._client, self._list_files(assistant_id))

    def _list_files(self, assistant_id: str) -> Steps:
        assistant = yield self.retrieve(assistant_id)
        resources = _tool_resources(assistant)
        found = [
            APIObject(file_id=file_id, tool="code_interpreter")
            for file_id in _ids(resources, "code_interpreter", "file_ids")
        ]
        for store_id in _ids(resources, "file_search", "vector_store_ids"):
            page = yield self._client.vector_stores.files.list(store_id)
            while True:
                found.extend(
                    APIObject(file_id=item["id"], tool="file_search", vector_store_id=store_id, status=item.get("status"))
                    for item in page.data
                )
                if not page.has_next_page():
                    break
                page = yield page.get_next_page()
        return found

    def remove_file(self, assistant_id: str, file_id: str) -> Any:
        """Detach a file from an assistant, as v1 `DELETE /assistants/{id}/files/{file_id}` did.

        That operation is gone; in v2 this drops the id from `tool_resources.code_interpreter` and
        removes the file from the assistant's vector stores (other users of those stores lose it too).
        The file itself is not deleted. Returns the updated assistant.
        """
        return run_steps(self._client, self._remove_file(assistant_id, file_id))

    def _remove_file(self, assistant_id: str, file_id: str) -> Steps:
        assistant = yield self.retrieve(assistant_id)
        resources = _tool_resources(assistant)
        held = _ids(resources, "code_interpreter", "file_ids")
        held[:] = [kept for kept in held if kept != file_id]
        for store_id in _ids(resources, "file_search", "vector_store_ids"):
            with contextlib.suppress(NotFoundError):  # not in that store
                yield self._client.vector_stores.files.delete(file_id, vector_store_id=store_id)
        return (yield self.update(assistant_id, tool_resources=resources))


def _tool_resources(assistant: Any) -> dict[str, Any]:
    """A plain, editable copy of an assistant's tool_resources."""
    resources = assistant.get("tool_resources") or {}
    return APIObject(resources).to_dict() if resources else {}


def _ids(resources: dict[str, Any], tool: str, field: str) -> list[str]:
    """The (editable) id list `resources[tool][field]`, created empty if missing or null."""
    section = resources.get(tool) or {}
    resources[tool] = section
    if not section.get(field):
        section[field] = []
    return section[field]


class Beta(Resource):
    @cached_property
    def assistants(self) -> Assistants:
        return Assistants(self._client)

    @cached_property
    def threads(self) -> Any:
        from .threads import Threads

        return Threads(self._client)

    @property
    def vector_stores(self) -> Any:
        """The same as `client.vector_stores` (where older SDKs had it)."""
        return self._client.vector_stores
