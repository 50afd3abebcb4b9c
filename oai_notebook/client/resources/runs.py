"""Runs and run steps (`client.beta.threads.runs`, `.runs.steps`): create, stream, poll, tool outputs."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .._resource import drop_none
from .._workflow import Steps as Workflow
from .._workflow import poll, run_steps, status_in
from ._paths import url
from .assistant_stream import (
    AssistantStream,
    AsyncAssistantStream,
    ToolHandler,
    parse_event,
    required_tool_calls,
    tool_output,
)
from .beta import BetaResource

RUNS = "/threads/{thread_id}/runs"
RUN = RUNS + "/{run_id}"
STEP = RUN + "/steps/{step_id}"
# A run stops changing by itself in these states (requires_action waits for tool outputs).
RUN_STOPPED = ("requires_action", "cancelled", "completed", "failed", "expired", "incomplete")


def _with_include(params: dict[str, Any], include: list[str] | None) -> dict[str, Any]:
    """Send `include` as the repeated `include[]` query parameter."""
    if include:
        params = {**params, "extra_query": {"include[]": list(include), **(params.get("extra_query") or {})}}
    return params


class Steps(BetaResource):
    def retrieve(
        self, step_id: str, *, thread_id: str, run_id: str, include: list[str] | None = None, **params: Any
    ) -> Any:
        route = url(STEP, thread_id=thread_id, run_id=run_id, step_id=step_id)
        return self._get(route, drop_none({"include[]": include, **params}))

    def list(
        self,
        run_id: str,
        *,
        thread_id: str,
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        include: list[str] | None = None,
        **params: Any,
    ) -> Any:
        """The run's steps (message creation, tool calls): a page you can iterate."""
        query = drop_none(
            {"after": after, "before": before, "limit": limit, "order": order, "include[]": include, **params}
        )
        return self._list(url(RUN + "/steps", thread_id=thread_id, run_id=run_id), query)


class Runs(BetaResource):
    def create(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        include: list[str] | None = None,
        stream: bool = False,
        **params: Any,
    ) -> Any:
        """Run an assistant on a thread; stream=True gives a Stream of AssistantStreamEvent."""
        body = drop_none({"assistant_id": assistant_id, **params})
        if stream:
            body["stream"] = True
        route = url(RUNS, thread_id=thread_id)
        return self._post(route, _with_include(body, include), stream=stream, stream_parse=parse_event)

    def retrieve(self, run_id: str, *, thread_id: str, **params: Any) -> Any:
        return self._get(url(RUN, thread_id=thread_id, run_id=run_id), params)

    def update(self, run_id: str, *, thread_id: str, metadata: dict[str, str] | None = None, **params: Any) -> Any:
        """Modify a run's metadata."""
        body = drop_none({"metadata": metadata, **params})
        return self._post(url(RUN, thread_id=thread_id, run_id=run_id), body)

    def list(
        self,
        thread_id: str,
        *,
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        **params: Any,
    ) -> Any:
        """The thread's runs: a page you can iterate."""
        query = drop_none({"after": after, "before": before, "limit": limit, "order": order, **params})
        return self._list(url(RUNS, thread_id=thread_id), query)

    def cancel(self, run_id: str, *, thread_id: str, **params: Any) -> Any:
        return self._post(url(RUN + "/cancel", thread_id=thread_id, run_id=run_id), params)

    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: list[dict[str, Any]],
        stream: bool = False,
        **params: Any,
    ) -> Any:
        """Answer a `requires_action` run's tool calls (`[{"tool_call_id", "output"}]`)."""
        body = {"tool_outputs": tool_outputs, **params}
        if stream:
            body["stream"] = True
        route = url(RUN + "/submit_tool_outputs", thread_id=thread_id, run_id=run_id)
        return self._post(route, body, stream=stream, stream_parse=parse_event)

    # -- polling -----------------------------------------------------------------------------------
    def poll(
        self,
        run_id: str,
        thread_id: str,
        *,
        poll_interval_ms: int | None = None,
        tool_handler: ToolHandler | None = None,
    ) -> Any:
        """Wait until the run stops (completed, failed, cancelled, expired, incomplete or requires_action).

        Waits honour the server's `openai-poll-after-ms` header. With `tool_handler(tool_call) -> output`,
        `requires_action` is answered and polling goes on until the run ends.
        """
        return run_steps(
            self._client, self.poll_steps(self.retrieve(run_id, thread_id=thread_id), poll_interval_ms, tool_handler)
        )

    def create_and_poll(
        self,
        *,
        thread_id: str,
        assistant_id: str,
        poll_interval_ms: int | None = None,
        tool_handler: ToolHandler | None = None,
        **params: Any,
    ) -> Any:
        """Create a run and poll it until it stops (see `poll`)."""
        created = self.create(thread_id, assistant_id=assistant_id, **params)
        return run_steps(self._client, self.poll_steps(created, poll_interval_ms, tool_handler))

    def submit_tool_outputs_and_poll(
        self,
        *,
        tool_outputs: list[dict[str, Any]],
        run_id: str,
        thread_id: str,
        poll_interval_ms: int | None = None,
        tool_handler: ToolHandler | None = None,
    ) -> Any:
        """Submit tool outputs, then poll the run until it stops (see `poll`)."""
        submitted = self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=tool_outputs)
        return run_steps(self._client, self.poll_steps(submitted, poll_interval_ms, tool_handler))

    def poll_steps(self, run_call: Any, poll_interval_ms: int | None, tool_handler: ToolHandler | None) -> Workflow:
        """Steps: take the run from `run_call`, poll it, answer tool calls with the handler if given."""
        run = yield run_call
        while True:
            run_id, thread_id = run["id"], run["thread_id"]
            run = yield from poll(
                lambda run_id=run_id, thread_id=thread_id: self.retrieve(run_id, thread_id=thread_id),
                status_in(*RUN_STOPPED),
                current=run, poll_interval_ms=poll_interval_ms,
            )
            if run.get("status") != "requires_action" or tool_handler is None:
                return run
            outputs = []
            for call in required_tool_calls(run):
                outputs.append(tool_output(call, (yield tool_handler(call))))
            run = yield self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=outputs)

    # -- streaming ---------------------------------------------------------------------------------
    def stream(
        self, *, thread_id: str, assistant_id: str, tool_handler: ToolHandler | None = None, **params: Any
    ) -> Any:
        """Create a run and stream its events: `with client.beta.threads.runs.stream(...) as stream:`.

        Iterating yields AssistantStreamEvent (`.event`, `.data`); `stream.text_deltas`,
        `stream.get_final_run()`, `stream.get_final_messages()` help. With `tool_handler`, tool calls
        are answered and the continued run's events follow in the same stream.
        """
        return self.event_stream(
            lambda: self.create(thread_id, assistant_id=assistant_id, stream=True, **params), tool_handler
        )

    create_and_stream = stream

    def submit_tool_outputs_stream(
        self,
        *,
        tool_outputs: list[dict[str, Any]],
        run_id: str,
        thread_id: str,
        tool_handler: ToolHandler | None = None,
    ) -> Any:
        """Submit tool outputs and stream the continued run's events (an AssistantStream)."""
        return self.event_stream(
            lambda: self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=tool_outputs, stream=True),
            tool_handler,
        )

    def event_stream(self, open_stream: Any, tool_handler: ToolHandler | None) -> Any:
        """An AssistantStream (AsyncAssistantStream on AsyncClient) over the events `open_stream()` starts."""

        def submit(run: Any, outputs: list[dict[str, str]]) -> Any:
            return self.submit_tool_outputs(run["id"], thread_id=run["thread_id"], tool_outputs=outputs, stream=True)

        kind = AsyncAssistantStream if self._client.is_async else AssistantStream
        return kind(open_stream, submit, tool_handler)

    @cached_property
    def steps(self) -> Steps:
        return Steps(self._client)
