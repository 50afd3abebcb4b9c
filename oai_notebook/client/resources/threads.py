"""Threads and their messages (`client.beta.threads`, `client.beta.threads.messages`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from .._resource import drop_none
from .._workflow import Steps, run_steps
from ._paths import url
from .assistant_stream import ToolHandler, parse_event
from .beta import BetaResource

THREAD = "/threads/{thread_id}"
MESSAGE = THREAD + "/messages/{message_id}"


def attachments(file_ids: Iterable[str], tools: Iterable[str] = ("file_search",)) -> list[dict[str, Any]]:
    """Message `attachments` for files: the v2 form of v1's message `file_ids`.

    `client.beta.threads.messages.create(tid, role="user", content="...", attachments=attachments(ids))`
    """
    tool_list = [{"type": tool} for tool in tools]
    return [{"file_id": file_id, "tools": list(tool_list)} for file_id in file_ids]


class Messages(BetaResource):
    def create(
        self,
        thread_id: str,
        *,
        content: str | list[dict[str, Any]],
        role: str,
        attachments: list[dict[str, Any]] | None = None,
        metadata: dict[str, str] | None = None,
        **params: Any,
    ) -> Any:
        """Add a message to a thread (files go in `attachments`; see `threads.attachments`)."""
        body = drop_none(
            {"role": role, "content": content, "attachments": attachments, "metadata": metadata, **params}
        )
        return self._post(url(THREAD + "/messages", thread_id=thread_id), body)

    def retrieve(self, message_id: str, *, thread_id: str, **params: Any) -> Any:
        return self._get(url(MESSAGE, thread_id=thread_id, message_id=message_id), params)

    def update(self, message_id: str, *, thread_id: str, metadata: dict[str, str] | None = None, **params: Any) -> Any:
        body = drop_none({"metadata": metadata, **params})
        return self._post(url(MESSAGE, thread_id=thread_id, message_id=message_id), body)

    def list(
        self,
        thread_id: str,
        *,
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        run_id: str | None = None,
        **params: Any,
    ) -> Any:
        """The thread's messages (only one run's, with run_id): a page you can iterate."""
        query = drop_none(
            {"after": after, "before": before, "limit": limit, "order": order, "run_id": run_id, **params}
        )
        return self._list(url(THREAD + "/messages", thread_id=thread_id), query)

    def delete(self, message_id: str, *, thread_id: str, **params: Any) -> Any:
        return self._delete(url(MESSAGE, thread_id=thread_id, message_id=message_id), params)

    # -- v2 replacements for the removed v1 message-file operations --------------------------------
    def list_files(self, message_id: str, *, thread_id: str) -> Any:
        """The files attached to a message, as v1 `GET .../messages/{id}/files` listed them.

        That operation no longer exists; in v2 a message's files are its `attachments`
        (`{file_id, tools}`), read here from the message itself.
        """
        return run_steps(self._client, self._attachments(message_id, thread_id))

    def retrieve_file(self, file_id: str, *, thread_id: str, message_id: str) -> Any:
        """One attachment of a message, as v1 `GET .../messages/{id}/files/{file_id}` gave it.

        That operation no longer exists; this reads the message's v2 `attachments` and raises
        LookupError if the file is not attached.
        """
        return run_steps(self._client, self._attachment(file_id, message_id, thread_id))

    def _attachments(self, message_id: str, thread_id: str) -> Steps:
        message = yield self.retrieve(message_id, thread_id=thread_id)
        return list(message.get("attachments") or [])

    def _attachment(self, file_id: str, message_id: str, thread_id: str) -> Steps:
        for attachment in (yield from self._attachments(message_id, thread_id)):
            if attachment.get("file_id") == file_id:
                return attachment
        raise LookupError(f"file {file_id!r} is not attached to message {message_id!r}")


class Threads(BetaResource):
    def create(
        self,
        *,
        messages: list[dict[str, Any]] | None = None,
        metadata: dict[str, str] | None = None,
        tool_resources: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        """Create a thread, optionally with its first messages."""
        body = drop_none({"messages": messages, "metadata": metadata, "tool_resources": tool_resources, **params})
        return self._post("/threads", body)

    def retrieve(self, thread_id: str, **params: Any) -> Any:
        return self._get(url(THREAD, thread_id=thread_id), params)

    def update(self, thread_id: str, **params: Any) -> Any:
        """Modify a thread's metadata or tool_resources."""
        return self._post(url(THREAD, thread_id=thread_id), drop_none(params))

    def delete(self, thread_id: str, **params: Any) -> Any:
        return self._delete(url(THREAD, thread_id=thread_id), params)

    def create_and_run(self, *, assistant_id: str, stream: bool = False, **params: Any) -> Any:
        """Create a thread (`thread={"messages": [...]}`) and run it; stream=True gives a Stream of events."""
        body = drop_none({"assistant_id": assistant_id, **params})
        if stream:
            body["stream"] = True
        return self._post("/threads/runs", body, stream=stream, stream_parse=parse_event)

    def create_and_run_poll(
        self,
        *,
        assistant_id: str,
        poll_interval_ms: int | None = None,
        tool_handler: ToolHandler | None = None,
        **params: Any,
    ) -> Any:
        """create_and_run, then poll until the run stops (see `runs.create_and_poll`)."""
        runs = self.runs
        return run_steps(
            self._client,
            runs.poll_steps(self.create_and_run(assistant_id=assistant_id, **params), poll_interval_ms, tool_handler),
        )

    def create_and_run_stream(
        self, *, assistant_id: str, tool_handler: ToolHandler | None = None, **params: Any
    ) -> Any:
        """create_and_run as an AssistantStream (answering tool calls with `tool_handler`, if given)."""
        return self.runs.event_stream(
            lambda: self.create_and_run(assistant_id=assistant_id, stream=True, **params), tool_handler
        )

    @cached_property
    def messages(self) -> Messages:
        return Messages(self._client)

    @cached_property
    def runs(self) -> Any:
        from .runs import Runs

        return Runs(self._client)
