"""Bad input gets an OpenAI-shaped error with the right status, never a 500."""

from __future__ import annotations

import httpx
import openai
import pytest

from oai_notebook.sandbox import start

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def test_invalid_json_is_400(http, openai_error):
    response = http.post("chat/completions", content=b"{not json",
                         headers={"content-type": "application/json"})
    openai_error(response, 400)
    openai_error(http.post("chat/completions", json=[1, 2]), 400)


def test_schema_errors_name_the_param(http, openai_error):
    error = openai_error(http.post("chat/completions", json={"model": "gpt-4o-mini"}), 400, "messages")
    assert "messages" in error["message"]
    bad_role = {**CHAT, "messages": [{"role": "wizard", "content": "hi"}]}
    openai_error(http.post("chat/completions", json=bad_role), 400, "messages[0]")
    openai_error(http.post("chat/completions", json={**CHAT, "temperature": 5}), 400, "temperature")
    openai_error(http.post("chat/completions", json={**CHAT, "n": "two"}), 400, "n")
    openai_error(http.post("embeddings", json={"model": "text-embedding-3-small"}), 400, "input") \
        if http.post("embeddings", json={}).status_code != 404 else None


def test_unknown_model_is_404_and_wrong_kind_is_400(http, openai_error):
    error = openai_error(http.post("chat/completions", json={**CHAT, "model": "gpt-99"}), 404, "model")
    assert error["code"] == "model_not_found"
    openai_error(http.post("chat/completions", json={**CHAT, "model": "whisper-1"}), 400, "model")


def test_unknown_route_and_method(http, openai_error):
    openai_error(http.get("no/such/route"), 404)
    openai_error(http.put("models"), 405)


def test_sdk_raises_typed_errors(openai_client):
    with pytest.raises(openai.NotFoundError):
        openai_client.chat.completions.create(model="gpt-99", messages=CHAT["messages"])
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert caught.value.status_code == 400


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with start(data_dir=tmp_path_factory.mktemp("guarded"), api_key="sk-secret-123",
               rpm=3, max_seconds=600) as handle:
        yield handle


def test_api_key_is_required_when_configured(guarded, openai_error):
    url = guarded.base_url + "/models"
    error = openai_error(httpx.get(url), 401)
    assert "sk-secret" not in error["message"]
    error = openai_error(httpx.get(url, headers={"authorization": "Bearer sk-wrong"}), 401)
    assert "sk-secret" not in error["message"] and "sk-wrong" not in error["message"]
    client = openai.OpenAI(base_url=guarded.base_url, api_key="sk-nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.models.list()


def test_rate_limit_gives_429_with_headers(guarded, openai_error):
    headers = {"authorization": "Bearer sk-secret-123"}
    statuses = []
    for _ in range(5):
        response = httpx.get(guarded.base_url + "/models", headers=headers)
        statuses.append(response.status_code)
        if response.status_code == 200:
            assert response.headers["x-ratelimit-limit-requests"] == "3"
            last_ok = response
    assert 429 in statuses and statuses.count(200) <= 3
    assert int(last_ok.headers["x-ratelimit-remaining-requests"]) >= 0
    error = openai_error(response, 429)
    assert error["code"] == "rate_limit_exceeded"
    assert int(response.headers["retry-after"]) >= 1
    assert int(response.headers["retry-after-ms"]) >= 1
    assert response.headers["x-ratelimit-remaining-requests"] == "0"
    client = openai.OpenAI(base_url=guarded.base_url, api_key="sk-secret-123", max_retries=0)
    with pytest.raises(openai.RateLimitError):
        client.models.list()


def test_token_limit(tmp_path, openai_error):
    with start(data_dir=tmp_path, tpm=50, max_seconds=300) as handle:
        body = {"prompt": "x" * 400, "size": "256x256"}  # ~100 tokens estimated > 50
        response = httpx.post(handle.base_url + "/images/generations", json=body)
        openai_error(response, 429)
        assert response.headers["x-ratelimit-limit-tokens"] == "50"
