from __future__ import annotations

import openai
import pytest

LOCAL_IDS = {
    "gemma-3-270m", "all-minilm-l6-v2", "minilm-moderation", "piper-en-us-joe-medium",
    "whisper-tiny.en", "pillow-painter",
}


def test_list_models_names_the_local_models(any_client, http, valid_response):
    ids = {model.id for model in any_client.models.list()}
    assert ids == LOCAL_IDS
    valid_response("listModels", http.get("models").json())


def test_openai_alias_resolves_to_the_local_model(any_client, http, valid_response):
    model = any_client.models.retrieve("gpt-4o-mini")
    assert model.id == "gemma-3-270m"
    assert any_client.models.retrieve("whisper-1").id == "whisper-tiny.en"
    valid_response("retrieveModel", http.get("models/dall-e-3").json())


def test_unknown_model_is_404(openai_client, http, openai_error):
    with pytest.raises(openai.NotFoundError):
        openai_client.models.retrieve("no-such-model")
    openai_error(http.get("models/no-such-model"), 404, "model")


def test_builtin_models_cannot_be_deleted(openai_client):
    with pytest.raises(openai.PermissionDeniedError):
        openai_client.models.delete("gemma-3-270m")
