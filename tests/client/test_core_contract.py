"""Contract tests: the bodies the client sends and the fixtures it parses match OpenAI's OpenAPI spec."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from oai_notebook import spec

from .conftest import make_client
from .test_core_endpoints import multipart

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "core_responses.json").read_text())


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec.load()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def property_types(schema: dict) -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for name, prop in resolve(schema).get("properties", {}).items():
        found: set[str] = set()
        for option in [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]:
            option = resolve(option)
            kind = option.get("type")
            found.update(kind if isinstance(kind, list) else [kind] if kind else [])
            if option.get("format") == "binary":
                found.add("binary")
        types[name] = found
    return types


def typed_form(fields: dict[str, list[str]], files: dict, schema: dict) -> dict:
    """The multipart request as the JSON object the spec's form schema describes."""
    types = property_types(schema)
    form: dict = {}
    for raw_name, values in fields.items():
        name = raw_name.removesuffix("[]")
        kinds = types.get(name, {"string"})
        if "array" in kinds:
            form[name] = values
            continue
        value = values[0]
        if "integer" in kinds:
            form[name] = int(value)
        elif "number" in kinds:
            form[name] = float(value)
        elif "boolean" in kinds:
            form[name] = value == "true"
        else:
            form[name] = value
    for raw_name in files:
        name = raw_name.split("#")[0]
        if name.endswith("[]"):
            form[name.removesuffix("[]")] = ["binary"]
        else:
            form[name] = "binary"
    return form


# Responses whose spec schema is a oneOf that a valid answer can match twice: check the precise branch.
EXACT_SCHEMA = {"transcription_verbose": "CreateTranscriptionResponseVerboseJson"}


# (operation id, the call, fixture name of the answer)
CALLS = [
    ("createChatCompletion", lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "system", "content": "Be brief."},
                                       {"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
        temperature=0.2, max_completion_tokens=50, response_format={"type": "json_object"},
        tools=[{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        tool_choice="auto", stream_options=None, seed=1), "chat_completion"),
    ("createCompletion", lambda c: c.completions.create(model="gpt-3.5-turbo-instruct", prompt=["a", "b"],
                                                         max_tokens=5, stop=["\n"]), "completion"),
    ("createEmbedding", lambda c: c.embeddings.create(input=["a", "b"], model="text-embedding-3-small",
                                                       dimensions=2), "embeddings"),
    ("createEmbedding", lambda c: c.embeddings.create(input=[[1, 2, 3]], model="text-embedding-3-small",
                                                       encoding_format="float"), "embeddings_float"),
    ("createImage", lambda c: c.images.generate(prompt="a cat", model="dall-e-3", size="1024x1024",
                                                 quality="hd", style="vivid", response_format="b64_json"), "images"),
    ("createImageEdit", lambda c: c.images.edit(image=("a.png", b"P"), mask=("m.png", b"M"), prompt="hat",
                                                 model="dall-e-2", n=2, size="256x256"), "images"),
    ("createImageVariation", lambda c: c.images.create_variation(image=("a.png", b"P"), n=1, size="256x256"),
     "images"),
    ("createSpeech", lambda c: c.audio.speech.create(input="Hello", model="tts-1", voice="alloy",
                                                      response_format="wav", speed=1.25), None),
    ("createTranscription", lambda c: c.audio.transcriptions.create(
        file=("a.wav", b"RIFF"), model="whisper-1", response_format="verbose_json", language="en",
        temperature=0.0, timestamp_granularities=["word", "segment"], prompt="names"), "transcription_verbose"),
    ("createTranslation", lambda c: c.audio.translations.create(file=("a.wav", b"RIFF"), model="whisper-1",
                                                                 temperature=0.5), "translation"),
    ("createModeration", lambda c: c.moderations.create(input=["text one", "text two"],
                                                         model="omni-moderation-latest"), "moderation"),
    ("listModels", lambda c: c.models.list(), "models"),
    ("retrieveModel", lambda c: c.models.retrieve("gpt-4o"), "model"),
    ("deleteModel", lambda c: c.models.delete("ft:gpt-4o:org::id"), "model_deleted"),
]


@pytest.mark.parametrize(("operation_id", "call", "fixture"), CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_request_matches_spec_and_response_fixture_is_valid(operation_id, call, fixture):
    def answer(request):
        if fixture is None:
            return httpx.Response(200, content=b"RIFF-audio", headers={"content-type": "audio/wav"})
        return httpx.Response(200, json=FIXTURES[fixture])

    client, rec = make_client(answer)
    result = call(client)
    operation = spec.operation(operation_id)
    request = rec.last
    assert request.method == operation["method"]
    path = operation["path"]
    if "{" in path:
        prefix = path.split("{")[0]
        assert request.url.path.startswith("/v1" + prefix)
    else:
        assert request.url.path == "/v1" + path
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        fields, files = multipart(request)
        schema = spec.request_schema(operation_id, "multipart/form-data")
        spec.validator(schema).validate(typed_form(fields, files, schema))
    elif request.content:
        spec.request_validator(operation_id).validate(json.loads(request.content))
    else:
        assert not operation["request"], "the spec wants a body"
    if fixture is None:
        return
    # What the user gets back (base64 embeddings decoded to floats, say) still has the spec's shape.
    received = result.to_dict()
    if fixture in EXACT_SCHEMA:
        spec.validator({"$ref": f"#/components/schemas/{EXACT_SCHEMA[fixture]}"}).validate(received)
    else:
        spec.response_validator(operation_id).validate(received)


def test_stream_chunk_fixture_matches_spec():
    schema = spec.response_schema("createChatCompletion", "200", "text/event-stream")
    spec.validator(schema).validate(FIXTURES["chat_chunk"])


def test_a_broken_request_would_be_caught():
    with pytest.raises(Exception, match="is not of type"):
        spec.request_validator("createChatCompletion").validate({"model": "m", "messages": "hi"})
