"""The request path: URLs, auth and config headers, per-call extras, settings from the environment."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from oai_notebook.client import AsyncClient, Client

from .conftest import BASE, KEY, json_response, make_async_client, make_client

CHAT = {"id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi", "refusal": None},
                     "finish_reason": "stop", "logprobs": None}]}


def test_auth_org_project_headers_and_body():
    client, rec = make_client(lambda r: json_response(CHAT), organization="org-1", project="proj-1")
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == "hi"
    assert reply["choices"][0]["message"]["content"] == "hi"
    request = rec.last
    assert str(request.url) == f"{BASE}/chat/completions"
    assert request.method == "POST"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["openai-organization"] == "org-1"
    assert request.headers["openai-project"] == "proj-1"
    assert request.headers["content-type"] == "application/json"
    assert rec.last_json() == {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def test_extra_headers_query_and_body_reach_the_wire():
    client, rec = make_client(lambda r: json_response(CHAT))
    client.chat.completions.create(
        model="m", messages=[], extra_headers={"X-Trace": "1"}, extra_query={"debug": "yes"},
        extra_body={"guided_choice": ["a", "b"]},
    )
    assert rec.last.headers["x-trace"] == "1"
    assert rec.last.url.params["debug"] == "yes"
    assert rec.last_json()["guided_choice"] == ["a", "b"]


def test_environment_configuration(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-000000001111")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    client = Client()
    assert client.base_url == "http://127.0.0.1:9/v1"
    assert client.api_key == "sk-from-env-000000001111"
    assert client.settings.organization == "org-env"
    assert client.settings.project == "proj-env"


def test_no_key_sends_no_authorization(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    client, rec = make_client(lambda r: json_response({"object": "list", "data": []}), api_key=None)
    client.models.list()
    assert "authorization" not in rec.last.headers


def test_key_never_in_repr_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    client, _ = make_client([httpx.Response(500, json={"error": {"message": "boom"}})] * 3, max_retries=0)
    assert KEY not in repr(client)
    assert KEY not in repr(client.settings)
    assert "...1234" in repr(client)
    with pytest.raises(Exception) as info:
        client.models.list()
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in caplog.text


def test_caller_supplied_http_client_gets_our_headers():
    seen = []

    def handler(request):
        seen.append(request)
        return json_response({"object": "list", "data": []})

    http = httpx.Client(transport=httpx.MockTransport(handler), headers={"X-Proxy-Auth": "p"})
    client = Client(api_key=KEY, base_url=BASE, http_client=http, organization="org-9")
    client.models.list()
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"
    assert seen[0].headers["x-proxy-auth"] == "p"
    assert seen[0].headers["openai-organization"] == "org-9"


def test_with_options_changes_key_and_retries_but_shares_the_pool():
    client, rec = make_client(lambda r: json_response({"object": "list", "data": []}))
    other = client.with_options(api_key="sk-other-key-99999999", max_retries=0)
    other.models.list()
    assert rec.last.headers["authorization"] == "Bearer sk-other-key-99999999"
    assert other.max_retries == 0 and client.max_retries == 2
    assert other._http is client._http


def test_with_options_timeout_applies_to_the_shared_pool():
    client, rec = make_client(lambda r: json_response({"object": "list", "data": []}), timeout=30.0)
    client.models.list()
    assert rec.last.extensions["timeout"]["read"] == 30.0
    client.with_options(timeout=2.0).models.list()
    assert rec.last.extensions["timeout"]["read"] == 2.0


def test_per_call_timeout_is_applied():
    client, rec = make_client(lambda r: json_response({"object": "list", "data": []}))
    client.models.list(timeout=3.5)
    assert rec.last.extensions["timeout"]["read"] == 3.5


def test_results_keep_headers_and_rate_limits():
    headers = {
        "x-request-id": "req_42",
        "x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-requests": "499",
        "x-ratelimit-reset-requests": "120ms", "x-ratelimit-limit-tokens": "30000",
        "x-ratelimit-remaining-tokens": "29000", "x-ratelimit-reset-tokens": "6m0s",
    }
    client, _ = make_client(lambda r: json_response(CHAT, headers=headers))
    reply = client.chat.completions.create(model="m", messages=[])
    assert reply.request_id == "req_42"
    limits = reply.rate_limits
    assert (limits.limit_requests, limits.remaining_requests) == (500, 499)
    assert (limits.limit_tokens, limits.remaining_tokens) == (30000, 29000)
    assert limits.reset_requests == pytest.approx(0.12)
    assert limits.reset_tokens == pytest.approx(360.0)


def test_api_object_behaves_like_json():
    client, _ = make_client(lambda r: json_response(CHAT))
    reply = client.chat.completions.create(model="m", messages=[])
    assert reply.usage is None  # absent optional field
    assert reply.to_dict() == CHAT
    assert json.loads(reply.to_json()) == CHAT
    assert "choices" in dir(reply)
    with pytest.raises(AttributeError):
        reply._private  # noqa: B018


async def test_async_client_same_request():
    client, rec = make_async_client(lambda r: json_response(CHAT), organization="org-1")
    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert reply.choices[0].message.content == "hi"
    assert rec.last.headers["authorization"] == f"Bearer {KEY}"
    assert rec.last.headers["openai-organization"] == "org-1"
    await client.close()


async def test_async_client_owns_a_sharded_pool():
    client = AsyncClient(api_key=KEY, base_url="http://127.0.0.1:1/v1", max_retries=0)
    from oai_notebook.client._transport import ShardedAsyncTransport

    assert isinstance(client._http._transport, ShardedAsyncTransport)
    await client.close()
