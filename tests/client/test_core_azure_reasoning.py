"""Azure OpenAI URLs and auth, and the reasoning-model parameter checks."""

from __future__ import annotations

import httpx
import pytest

from oai_notebook.client import AsyncAzureClient, AzureClient, ParameterError

from .conftest import json_response

OK = {"object": "list", "data": []}


def azure(handler, **options):
    options.setdefault("azure_endpoint", "https://myres.openai.azure.com/")
    options.setdefault("api_version", "2024-10-21")
    return AzureClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **options)


def recorder():
    seen = []

    def handler(request):
        request.read()
        seen.append(request)
        return json_response({"choices": [], "data": [], "object": "list"})

    return seen, handler


def test_deployment_urls_api_version_and_api_key_header():
    seen, handler = recorder()
    client = azure(handler, api_key="azure-key-123456789")
    client.chat.completions.create(model="my-gpt4o", messages=[])
    request = seen[-1]
    assert request.url.path == "/openai/deployments/my-gpt4o/chat/completions"
    assert request.url.params["api-version"] == "2024-10-21"
    assert request.headers["api-key"] == "azure-key-123456789"
    assert "authorization" not in request.headers
    client.embeddings.create(input="x", model="emb-deploy")
    assert seen[-1].url.path == "/openai/deployments/emb-deploy/embeddings"
    client.audio.transcriptions.create(file=b"RIFF", model="whisper-deploy")
    assert seen[-1].url.path == "/openai/deployments/whisper-deploy/audio/transcriptions"
    client.images.generate(prompt="x", model="dalle3")
    assert seen[-1].url.path == "/openai/deployments/dalle3/images/generations"
    client.models.list()
    assert seen[-1].url.path == "/openai/models" and seen[-1].url.params["api-version"] == "2024-10-21"


def test_fixed_deployment_wins_over_model():
    seen, handler = recorder()
    client = azure(handler, api_key="k" * 20, azure_deployment="prod-chat")
    client.chat.completions.create(model="gpt-4o", messages=[])
    assert seen[-1].url.path == "/openai/deployments/prod-chat/chat/completions"


def test_azure_ad_token_and_provider():
    seen, handler = recorder()
    azure(handler, azure_ad_token="ad-token").models.list()
    assert seen[-1].headers["authorization"] == "Bearer ad-token"
    tokens = iter(["t1", "t2"])
    client = azure(handler, azure_ad_token_provider=lambda: next(tokens))
    client.models.list()
    client.models.list()
    assert [r.headers["authorization"] for r in seen[-2:]] == ["Bearer t1", "Bearer t2"]


def test_azure_environment(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-azure-key-00001")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://envres.openai.azure.com")
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-01-01-preview")
    seen, handler = recorder()
    client = AzureClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    client.chat.completions.create(model="d1", messages=[])
    assert str(seen[-1].url) == (
        "https://envres.openai.azure.com/openai/deployments/d1/chat/completions?api-version=2025-01-01-preview"
    )
    assert "env-azure-key-00001" not in repr(client)


def test_azure_missing_settings_are_clear(monkeypatch):
    for name in ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION", "AZURE_OPENAI_AD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="api_version"):
        AzureClient(api_key="k", azure_endpoint="https://x")
    with pytest.raises(ValueError, match="azure_endpoint"):
        AzureClient(api_key="k", api_version="2024-10-21")
    with pytest.raises(ValueError, match="api_key"):
        AzureClient(azure_endpoint="https://x", api_version="2024-10-21")


async def test_async_azure():
    seen = []

    async def handler(request):
        seen.append(request)
        return json_response({"choices": []})

    client = AsyncAzureClient(azure_endpoint="https://a.openai.azure.com", api_version="v1", api_key="k" * 12,
                              http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    await client.chat.completions.create(model="dep", messages=[])
    assert seen[-1].url.path == "/openai/deployments/dep/chat/completions"


@pytest.mark.parametrize(("model", "params", "match"), [
    ("o1", {"max_tokens": 10}, "max_completion_tokens"),
    ("o3-mini", {"temperature": 0.2}, "temperature"),
    ("o4-mini", {"logprobs": True}, "logprobs"),
    ("gpt-5", {"top_p": 0.5}, "top_p"),
    ("gpt-5-mini", {"n": 3}, "n at 1"),
    ("o1-2024-12-17", {"presence_penalty": 0.5}, "presence_penalty"),
])
def test_reasoning_models_refuse_parameters_before_sending(model, params, match):
    seen, handler = recorder()
    client = azure(handler, api_key="k" * 12)
    with pytest.raises(ParameterError, match=match):
        client.chat.completions.create(model=model, messages=[], **params)
    assert seen == []


def test_reasoning_checks_allow_valid_calls_and_opt_out():
    seen, handler = recorder()
    client = azure(handler, api_key="k" * 12)
    client.chat.completions.create(model="o3", messages=[], max_completion_tokens=100, temperature=1)
    client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=10, temperature=0.2)
    client.chat.completions.create(model="gpt-5-chat-latest", messages=[], temperature=0.3)
    client.chat.completions.create(model="o1", messages=[], max_tokens=10, check_params=False)
    assert len(seen) == 4
    relaxed = azure(handler, api_key="k" * 12, check_reasoning_params=False)
    relaxed.chat.completions.create(model="o1", messages=[], temperature=0.5)
    assert len(seen) == 5
