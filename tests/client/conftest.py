"""Shared fixtures for client tests: clients wired to an in-process MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from oai_notebook.client import AsyncClient, Client

BASE = "https://api.test/v1"
KEY = "sk-test-abcdefghijklmnop1234"


class Recorder:
    """A MockTransport handler that records requests and answers from a queue or a function."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response] | list[httpx.Response]):
        self.requests: list[httpx.Request] = []
        self._answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if callable(self._answer):
            return self._answer(request)
        return self._answer.pop(0)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> dict:
        return json.loads(self.last.content)


def json_response(data, status: int = 200, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json=data, headers=headers)


def make_client(answer, **options) -> tuple[Client, Recorder]:
    recorder = Recorder(answer)
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    options.setdefault("api_key", KEY)
    options.setdefault("base_url", BASE)
    return Client(http_client=http, **options), recorder


def make_async_client(answer, **options) -> tuple[AsyncClient, Recorder]:
    recorder = Recorder(answer)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    options.setdefault("api_key", KEY)
    options.setdefault("base_url", BASE)
    return AsyncClient(http_client=http, **options), recorder


@pytest.fixture
def no_sleep(monkeypatch):
    """Record retry waits instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr("oai_notebook.client._client.time.sleep", waits.append)

    async def fake_sleep(delay):
        waits.append(delay)

    monkeypatch.setattr("asyncio.sleep", fake_sleep)
    return waits


@pytest.fixture
def poll_sleeps(monkeypatch):
    """Record the waits of the poll helpers (runs, batches, vector stores...) instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr("oai_notebook.client._workflow.sleep", waits.append)

    async def record(seconds):
        waits.append(seconds)

    monkeypatch.setattr("oai_notebook.client._workflow.async_sleep", record)
    return waits
