"""Shared sandbox fixtures: one running sandbox per test session, and clients for it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from oai_notebook import spec
from oai_notebook.sandbox import start

os.environ.setdefault("HF_HUB_OFFLINE", "1")

UPLOAD_LIMIT = 4 * 1024 * 1024  # small, so the 413 path is cheap to exercise
DEFAULT_MAX_TOKENS = 40  # the chat reply cap (256 by default), lowered to keep tests quick


@pytest.fixture(scope="session")
def sandbox_handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    data_dir = tmp_path_factory.mktemp("sandbox-data")
    with start(data_dir=data_dir, max_upload_bytes=UPLOAD_LIMIT,
               default_max_tokens=DEFAULT_MAX_TOKENS, max_seconds=3600) as handle:
        yield handle


@pytest.fixture(scope="session")
def sandbox_url(sandbox_handle) -> str:
    """The running sandbox's OpenAI base URL (ends in /v1)."""
    return sandbox_handle.base_url


@pytest.fixture(scope="session")
def openai_client(sandbox_url: str):
    """The official openai SDK, pointed at the sandbox, unchanged."""
    import openai

    client = openai.OpenAI(base_url=sandbox_url, api_key="sk-test", max_retries=0, timeout=300)
    yield client
    client.close()


@pytest.fixture(scope="session")
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    """A plain HTTP client on the sandbox's base URL, for raw status/schema checks."""
    with httpx.Client(base_url=sandbox_url + "/", timeout=300) as client:
        yield client


@pytest.fixture(scope="session")
def valid_response():
    """valid_response(operation_id, data): fail unless `data` matches the spec's response schema."""
    return assert_valid_response


@pytest.fixture(scope="session")
def openai_error():
    """openai_error(response, status, param='any'): check an OpenAI-shaped error; returns it."""
    return assert_openai_error


def assert_valid_response(operation_id: str, data: dict) -> None:
    """Fail with the schema error if `data` is not a valid response for the operation."""
    errors = sorted(spec.response_validator(operation_id).iter_errors(data), key=str)
    assert not errors, f"{operation_id} response breaks the spec: {errors[0].message[:500]}"


def assert_openai_error(response: httpx.Response, status: int, param: str | None = "any") -> dict:
    """The response is an OpenAI-shaped error with this status (and `param`, unless 'any')."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) >= {"message", "type", "param", "code"}
    assert error["message"]
    if param != "any":
        assert error["param"] == param, error
    return error


@pytest.fixture(scope="session")
def own_client(sandbox_url: str):
    """oai_notebook's own client (SDK-compatible shapes), pointed at the sandbox."""
    from oai_notebook.client import Client

    client = Client(base_url=sandbox_url, api_key="sk-test", max_retries=0, timeout=300)
    yield client
    close = getattr(client, "close", None)
    if close:
        close()


@pytest.fixture(params=["openai", "oai_notebook"])
def any_client(request: pytest.FixtureRequest):
    """Each test using this runs with the official SDK and with oai_notebook's client."""
    return request.getfixturevalue("openai_client" if request.param == "openai" else "own_client")
