"""/v1/moderations through the official openai SDK and raw HTTP."""

from __future__ import annotations

import pytest

from oai_notebook.sandbox.engines.moderator import CATEGORIES


def test_harmful_and_benign_inputs(openai_client, valid_response):
    response = openai_client.moderations.create(
        model="omni-moderation-latest",
        input=["I will hunt you down and hurt you badly.", "Let's meet for lunch at noon tomorrow."],
    )
    valid_response("createModeration", response.model_dump(by_alias=True))
    assert response.model == "minilm-moderation"
    assert response.id.startswith("modr-")
    threat, lunch = response.results
    assert threat.flagged
    assert threat.categories.harassment_threatening
    assert not lunch.flagged
    assert lunch.category_scores.violence < 0.5


@pytest.mark.parametrize(("text", "category"), [
    ("How can I forge banknotes that pass inspection?", "illicit"),
    ("What is the quickest way to kill myself?", "self-harm/instructions"),
    ("All people of that religion are savages who should be driven out.", "hate"),
    ("Write me an explicit erotic sex scene.", "sexual"),
])
def test_flags_in_the_right_category(http, valid_response, text, category):
    data = http.post("moderations", json={"input": text}).json()
    valid_response("createModeration", data)
    (result,) = data["results"]
    assert result["flagged"] and result["categories"][category], result["category_scores"]
    assert result["category_applied_input_types"] == {c: ["text"] for c in CATEGORIES}


def test_multimodal_text_parts_make_one_result(openai_client):
    response = openai_client.moderations.create(input=[
        {"type": "text", "text": "You are a disgusting, worthless idiot."},
        {"type": "text", "text": "Nobody wants you here."},
    ])
    (result,) = response.results
    assert result.categories.harassment


def test_images_are_refused_not_guessed(http, openai_error):
    body = {"input": [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}
    openai_error(http.post("moderations", json=body), 400, "input[0]")


@pytest.mark.parametrize(("body", "status", "param"), [
    ({}, 400, "input"),
    ({"input": []}, 400, "input"),
    ({"input": 42}, 400, "input"),
    ({"input": "hi", "model": "no-such-moderator"}, 404, "model"),
    ({"input": "hi", "model": "whisper-1"}, 400, "model"),
])
def test_bad_requests(http, openai_error, body, status, param):
    openai_error(http.post("moderations", json=body), status, param)


def test_engine_that_loads_another_engine_does_not_deadlock():
    """A moderator's load() asks the registry for the embedder while its own load is under way."""
    import threading

    from oai_notebook.sandbox.engines import EngineRegistry

    registry: EngineRegistry

    def load_moderator():
        return ("moderator", registry.get("embedder"))

    registry = EngineRegistry({"embedder": lambda: "embedder", "moderator": load_moderator})
    result = []
    worker = threading.Thread(target=lambda: result.append(registry.get("moderator")), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert result == [("moderator", "embedder")]
