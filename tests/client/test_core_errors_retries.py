"""Typed errors from every status and body shape, and retries that follow the server's advice."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from oai_notebook.client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from oai_notebook.client._retry import retry_delay

from .conftest import json_response, make_async_client, make_client

OPENAI_ERROR = {"error": {"message": "Invalid value for 'model'", "type": "invalid_request_error",
                          "param": "model", "code": "model_not_found"}}
MODELS = {"object": "list", "data": []}


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, BadRequestError), (401, AuthenticationError), (403, PermissionDeniedError),
     (404, NotFoundError), (409, ConflictError), (422, UnprocessableEntityError),
     (429, RateLimitError), (500, InternalServerError), (503, InternalServerError)],
)
def test_status_maps_to_typed_error_with_fields(status, cls):
    headers = {"x-request-id": "req_7"}
    client, _ = make_client(lambda r: json_response(OPENAI_ERROR, status, headers), max_retries=0)
    with pytest.raises(cls) as info:
        client.models.list()
    error = info.value
    assert isinstance(error, APIStatusError)
    assert error.status_code == status
    assert (error.type, error.code, error.param) == ("invalid_request_error", "model_not_found", "model")
    assert error.message == "Invalid value for 'model'"
    assert error.request_id == "req_7"
    assert f"Error code: {status}" in str(error) and "req_7" in str(error)


def test_other_4xx_is_a_plain_status_error():
    client, _ = make_client(lambda r: json_response(OPENAI_ERROR, 418), max_retries=0)
    with pytest.raises(APIStatusError) as info:
        client.models.list()
    assert type(info.value) is APIStatusError and info.value.status_code == 418


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": "model 'llama9' not found"}, "model 'llama9' not found"),  # Ollama
        ({"detail": "Not Found"}, "Not Found"),  # FastAPI / vLLM
        ({"detail": [{"msg": "field required"}]}, "field required"),
        ({"message": "bad thing"}, "bad thing"),
        ("<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>"),
    ],
)
def test_non_openai_error_bodies_still_give_a_message(body, message):
    def answer(request):
        if isinstance(body, str):
            return httpx.Response(400, text=body)
        return json_response(body, 400)

    client, _ = make_client(answer, max_retries=0)
    with pytest.raises(BadRequestError) as info:
        client.models.list()
    assert info.value.message == message


def test_empty_error_body_uses_reason_phrase():
    client, _ = make_client(lambda r: httpx.Response(404), max_retries=0)
    with pytest.raises(NotFoundError) as info:
        client.models.list()
    assert info.value.message == "Not Found"


def test_azure_innererror_is_kept():
    body = {"error": {"message": "filtered", "type": None, "param": "prompt", "code": "content_filter",
                      "innererror": {"code": "ResponsibleAIPolicyViolation",
                                     "content_filter_result": {"hate": {"filtered": True}}}}}
    client, _ = make_client(lambda r: json_response(body, 400), max_retries=0)
    with pytest.raises(BadRequestError) as info:
        client.models.list()
    assert info.value.code == "content_filter"
    assert info.value.inner_error["code"] == "ResponsibleAIPolicyViolation"


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(status, no_sleep):
    answers = [json_response(OPENAI_ERROR, status), json_response(MODELS)]
    client, rec = make_client(answers)
    page = client.models.list()
    assert page.data == [] and len(rec.requests) == 2 and len(no_sleep) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status, no_sleep):
    client, rec = make_client(lambda r: json_response(OPENAI_ERROR, status))
    with pytest.raises(APIStatusError):
        client.models.list()
    assert len(rec.requests) == 1 and no_sleep == []


def test_retry_after_ms_is_honoured(no_sleep):
    answers = [json_response(OPENAI_ERROR, 429, {"retry-after-ms": "1250", "retry-after": "9"}),
               json_response(MODELS)]
    client, _ = make_client(answers)
    client.models.list()
    assert no_sleep == [1.25]


def test_retry_after_seconds_and_http_date(no_sleep):
    date = email.utils.formatdate(time.time() + 3, usegmt=True)
    answers = [json_response(OPENAI_ERROR, 503, {"retry-after": "2"}),
               json_response(OPENAI_ERROR, 503, {"retry-after": date}), json_response(MODELS)]
    client, _ = make_client(answers, max_retries=2)
    client.models.list()
    assert no_sleep[0] == 2.0
    assert 1.0 < no_sleep[1] <= 3.0


def test_backoff_grows_with_jitter_when_no_advice():
    first = [retry_delay(0) for _ in range(50)]
    third = [retry_delay(2) for _ in range(50)]
    assert all(0.375 <= d <= 0.5 for d in first)
    assert all(1.5 <= d <= 2.0 for d in third)
    assert len(set(first)) > 1  # jitter
    assert all(d <= 8.0 for d in (retry_delay(10) for _ in range(20)))


def test_absurd_retry_after_falls_back_to_backoff(no_sleep):
    answers = [json_response(OPENAI_ERROR, 429, {"retry-after": "3600"}), json_response(MODELS)]
    client, _ = make_client(answers)
    client.models.list()
    assert no_sleep[0] <= 0.5


def test_gives_up_after_max_retries_and_reports_each_retry(no_sleep):
    events = []
    client, rec = make_client(lambda r: json_response(OPENAI_ERROR, 429), max_retries=3, on_retry=events.append)
    with pytest.raises(RateLimitError):
        client.models.list()
    assert len(rec.requests) == 4
    assert [e.attempt for e in events] == [1, 2, 3]
    assert str(events[0]).startswith("RateLimitError (429): Invalid value for 'model' … retrying in")


def test_max_retries_zero_turns_retries_off(no_sleep):
    client, rec = make_client(lambda r: json_response(OPENAI_ERROR, 500), max_retries=0)
    with pytest.raises(InternalServerError):
        client.models.list()
    assert len(rec.requests) == 1 and no_sleep == []


def test_x_should_retry_header_overrides(no_sleep):
    client, rec = make_client(lambda r: json_response(OPENAI_ERROR, 500, {"x-should-retry": "false"}))
    with pytest.raises(InternalServerError):
        client.models.list()
    assert len(rec.requests) == 1


def test_connection_errors_are_retried_then_raised(no_sleep):
    calls = []

    def answer(request):
        calls.append(1)
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = make_client(answer, max_retries=2)
    with pytest.raises(APIConnectionError) as info:
        client.models.list()
    assert len(calls) == 3 and len(no_sleep) == 2
    assert not isinstance(info.value, APITimeoutError)


def test_timeouts_raise_api_timeout_error(no_sleep):
    def answer(request):
        raise httpx.ReadTimeout("slow", request=request)

    client, _ = make_client(answer, max_retries=1)
    with pytest.raises(APITimeoutError):
        client.models.list()
    assert len(no_sleep) == 1


def test_connection_then_success(no_sleep):
    answers = iter([None, json_response(MODELS)])

    def answer(request):
        response = next(answers)
        if response is None:
            raise httpx.RemoteProtocolError("reset", request=request)
        return response

    client, _ = make_client(answer)
    assert client.models.list().data == []


async def test_async_retries_follow_retry_after(no_sleep):
    answers = [json_response(OPENAI_ERROR, 429, {"retry-after-ms": "10"}), json_response(MODELS)]
    client, rec = make_async_client(answers)
    page = await client.models.list()
    assert page.data == [] and no_sleep == [0.01] and len(rec.requests) == 2


async def test_async_errors_are_typed(no_sleep):
    client, _ = make_async_client(lambda r: json_response(OPENAI_ERROR, 404))
    with pytest.raises(NotFoundError):
        await client.models.retrieve("nope")
