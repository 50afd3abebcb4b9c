"""Every model endpoint of the core: the request on the wire and the result the user gets."""

from __future__ import annotations

import base64
import io
import json
from email.parser import BytesParser
from email.policy import HTTP

import httpx
import numpy as np
import pytest

from .conftest import BASE, json_response, make_async_client, make_client


def multipart(request: httpx.Request) -> tuple[dict[str, list[str]], dict[str, tuple[str, str, bytes]]]:
    """(fields, files) of a multipart request: files map name -> (filename, content type, bytes)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    fields: dict[str, list[str]] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if filename is not None:
            files[name if name not in files else f"{name}#2"] = (filename, part.get_content_type(), payload)
        else:
            fields.setdefault(name, []).append(payload.decode())
    return fields, files


def embedding_payload(vectors: np.ndarray, order: list[int] | None = None) -> dict:
    order = order or list(range(len(vectors)))
    data = [{"object": "embedding", "index": i,
             "embedding": base64.b64encode(vectors[i].astype("<f4").tobytes()).decode()} for i in order]
    return {"object": "list", "data": data, "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": 3, "total_tokens": 3}}


def test_completions_legacy():
    body = {"id": "cmpl", "object": "text_completion", "created": 1, "model": "gpt-3.5-turbo-instruct",
            "choices": [{"index": 0, "text": " world", "finish_reason": "stop", "logprobs": None}]}
    client, rec = make_client(lambda r: json_response(body))
    result = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hello", max_tokens=5)
    assert result.choices[0].text == " world"
    assert str(rec.last.url) == f"{BASE}/completions"
    assert rec.last_json() == {"model": "gpt-3.5-turbo-instruct", "prompt": "hello", "max_tokens": 5}


def test_embeddings_base64_decoded_into_float32_array_in_input_order():
    vectors = np.random.default_rng(0).standard_normal((5, 16)).astype(np.float32)
    client, rec = make_client(lambda r: json_response(embedding_payload(vectors, [3, 0, 4, 1, 2])))
    result = client.embeddings.create(input=list("abcde"), model="text-embedding-3-small")
    assert rec.last_json()["encoding_format"] == "base64"
    assert result.array.dtype == np.float32 and result.array.shape == (5, 16)
    np.testing.assert_array_equal(result.array, vectors)
    first = next(item for item in result.data if item.index == 0)
    np.testing.assert_array_equal(first.embedding, vectors[0])
    assert result.usage.total_tokens == 3


def test_embeddings_float_format_is_kept_and_array_available():
    payload = {"object": "list", "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1},
               "data": [{"object": "embedding", "index": 0, "embedding": [0.5, 0.25]}]}
    client, rec = make_client(lambda r: json_response(payload))
    result = client.embeddings.create(input="x", model="m", encoding_format="float", dimensions=2)
    assert rec.last_json()["encoding_format"] == "float" and rec.last_json()["dimensions"] == 2
    assert result.data[0].embedding == [0.5, 0.25]
    assert result.array.tolist() == [[0.5, 0.25]]


def test_embeddings_server_ignoring_base64_still_decodes():
    payload = {"object": "list", "model": "m", "data": [{"object": "embedding", "index": 0, "embedding": [1.0, 2.0]}]}
    client, _ = make_client(lambda r: json_response(payload))
    assert client.embeddings.create(input="x", model="m").array.tolist() == [[1.0, 2.0]]


def test_embed_many_batches_and_reports_progress():
    def answer(request):
        texts = json.loads(request.content)["input"]
        vectors = np.array([[float(t), 0.0] for t in texts], dtype=np.float32)
        return json_response(embedding_payload(vectors))

    client, rec = make_client(answer)
    progress = []
    array = client.embeddings.embed([str(i) for i in range(10)], model="m", batch_size=4,
                                    progress=lambda done, total: progress.append((done, total)))
    assert array.shape == (10, 2) and array[:, 0].tolist() == list(range(10))
    assert [len(json.loads(r.content)["input"]) for r in rec.requests] == [4, 4, 2]
    assert progress == [(4, 10), (8, 10), (10, 10)]


async def test_async_embed_many_runs_batches_concurrently():
    def answer(request):
        texts = json.loads(request.content)["input"]
        return json_response(embedding_payload(np.array([[float(t)] for t in texts], dtype=np.float32)))

    client, rec = make_async_client(answer)
    array = await client.embeddings.embed([str(i) for i in range(7)], model="m", batch_size=3, concurrency=2)
    assert array[:, 0].tolist() == list(range(7)) and len(rec.requests) == 3


IMAGE_RESULT = {"created": 1, "data": [{"b64_json": base64.b64encode(b"\x89PNG").decode(),
                                        "revised_prompt": "a cat"}]}


def test_images_generate_json_body():
    client, rec = make_client(lambda r: json_response(IMAGE_RESULT))
    result = client.images.generate(prompt="a cat", model="dall-e-3", size="1024x1024", n=1,
                                    response_format="b64_json")
    assert str(rec.last.url) == f"{BASE}/images/generations"
    assert rec.last_json() == {"prompt": "a cat", "model": "dall-e-3", "size": "1024x1024", "n": 1,
                               "response_format": "b64_json"}
    assert base64.b64decode(result.data[0].b64_json) == b"\x89PNG"


def test_images_edit_multipart_with_mask_from_path_bytes_and_file(tmp_path):
    image_path = tmp_path / "cat.png"
    image_path.write_bytes(b"\x89PNG-image")
    client, rec = make_client(lambda r: json_response(IMAGE_RESULT))
    client.images.edit(image=image_path, mask=("mask.png", b"\x89PNG-mask"), prompt="add a hat",
                       model="dall-e-2", n=2, size="256x256")
    fields, files = multipart(rec.last)
    assert fields == {"prompt": ["add a hat"], "model": ["dall-e-2"], "n": ["2"], "size": ["256x256"]}
    assert files["image"] == ("cat.png", "image/png", b"\x89PNG-image")
    assert files["mask"] == ("mask.png", "image/png", b"\x89PNG-mask")
    handle = io.BytesIO(b"\x89PNG-var")
    handle.name = "/some/dir/var.png"
    client.images.create_variation(image=handle, n=1)
    fields, files = multipart(rec.last)
    assert str(rec.last.url) == f"{BASE}/images/variations"
    assert files["image"] == ("var.png", "image/png", b"\x89PNG-var") and fields == {"n": ["1"]}


def test_images_edit_many_images_uses_repeated_parts():
    client, rec = make_client(lambda r: json_response(IMAGE_RESULT))
    client.images.edit(image=[("a.png", b"A"), ("b.png", b"B")], prompt="merge", model="gpt-image-1")
    _, files = multipart(rec.last)
    assert files["image[]"][2] == b"A" and files["image[]#2"][2] == b"B"


def test_upload_is_resent_whole_on_retry(no_sleep, tmp_path):
    path = tmp_path / "clip.wav"
    path.write_bytes(b"RIFF" + b"x" * 100)
    answers = [json_response({"error": {"message": "busy"}}, 503), json_response({"text": "hello"})]
    client, rec = make_client(answers)
    assert client.audio.transcriptions.create(file=path, model="whisper-1").text == "hello"
    assert multipart(rec.requests[0])[1] == multipart(rec.requests[1])[1]
    assert multipart(rec.requests[1])[1]["file"][2] == path.read_bytes()


def test_missing_upload_file_is_a_clear_error():
    client, _ = make_client(lambda r: json_response({}))
    with pytest.raises(FileNotFoundError, match="no such file to upload"):
        client.audio.transcriptions.create(file="/nonexistent/a.wav", model="whisper-1")


def test_speech_returns_bytes_and_writes_files(tmp_path):
    audio = b"ID3" + bytes(range(256)) * 10
    client, rec = make_client(lambda r: httpx.Response(200, content=audio, headers={"content-type": "audio/mpeg"}))
    speech = client.audio.speech.create(input="Hello", model="tts-1", voice="alloy", response_format="mp3", speed=1.5)
    assert rec.last_json() == {"input": "Hello", "model": "tts-1", "voice": "alloy", "response_format": "mp3",
                               "speed": 1.5}
    assert speech.content == audio and speech.content_type == "audio/mpeg"
    assert speech.write_to(tmp_path / "a.mp3").read_bytes() == audio
    with client.audio.speech.with_streaming_response.create(input="Hi", model="tts-1", voice="alloy") as response:
        response.stream_to_file(tmp_path / "b.mp3")
    assert (tmp_path / "b.mp3").read_bytes() == audio


async def test_async_speech_streaming_response(tmp_path):
    client, _ = make_async_client(lambda r: httpx.Response(200, content=b"audio-bytes"))
    async with client.audio.speech.with_streaming_response.create(input="Hi", model="tts-1", voice="alloy") as r:
        await r.write_to(tmp_path / "c.wav")
    assert (tmp_path / "c.wav").read_bytes() == b"audio-bytes"
    speech = await client.audio.speech.create(input="Hi", model="tts-1", voice="alloy")
    assert speech.content == b"audio-bytes"


VERBOSE = {"task": "transcribe", "language": "english", "duration": 1.5, "text": "Hello there.",
           "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 1.5, "text": " Hello there.", "tokens": [1],
                         "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.0, "no_speech_prob": 0.01}],
           "words": [{"word": "Hello", "start": 0.0, "end": 0.6}, {"word": "there", "start": 0.7, "end": 1.2}]}


def test_transcription_verbose_json_with_timestamp_granularities():
    client, rec = make_client(lambda r: json_response(VERBOSE))
    result = client.audio.transcriptions.create(
        file=("hello.wav", b"RIFF...."), model="whisper-1", response_format="verbose_json",
        timestamp_granularities=["word", "segment"], language="en", temperature=0.0,
    )
    fields, files = multipart(rec.last)
    assert fields["timestamp_granularities[]"] == ["word", "segment"]
    assert fields["response_format"] == ["verbose_json"] and fields["language"] == ["en"]
    assert files["file"][:2] == ("hello.wav", "audio/x-wav")
    assert result.words[1].word == "there" and result.segments[0].end == 1.5


@pytest.mark.parametrize(("fmt", "body"), [
    ("text", "Hello there.\n"),
    ("srt", "1\n00:00:00,000 --> 00:00:01,500\nHello there.\n"),
    ("vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello there.\n"),
])
def test_transcription_text_formats_return_str(fmt, body):
    client, _ = make_client(lambda r: httpx.Response(200, text=body, headers={"content-type": "text/plain"}))
    result = client.audio.transcriptions.create(file=b"RIFF", model="whisper-1", response_format=fmt)
    assert isinstance(result, str) and result == body


def test_translation_json():
    client, rec = make_client(lambda r: json_response({"text": "Hello"}))
    assert client.audio.translations.create(file=b"RIFF", model="whisper-1").text == "Hello"
    assert str(rec.last.url) == f"{BASE}/audio/translations"
    assert multipart(rec.last)[1]["file"][0] == "file"


def test_moderations():
    result_body = {"id": "modr", "model": "omni-moderation-latest", "results": [
        {"flagged": True, "categories": {"violence": True}, "category_scores": {"violence": 0.9},
         "category_applied_input_types": {"violence": ["text"]}}]}
    client, rec = make_client(lambda r: json_response(result_body))
    result = client.moderations.create(input=["I will hurt you"], model="omni-moderation-latest")
    assert result.results[0].flagged and result.results[0].category_scores.violence == 0.9
    assert rec.last_json() == {"input": ["I will hurt you"], "model": "omni-moderation-latest"}


def test_models_list_retrieve_delete():
    models = {"object": "list", "data": [{"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"},
                                         {"id": "ft:gpt-4o:me::x", "object": "model", "created": 2, "owned_by": "me"}]}

    def answer(request):
        if request.method == "DELETE":
            return json_response({"id": "ft:gpt-4o:me::x", "object": "model", "deleted": True})
        if request.url.path.endswith("/models"):
            return json_response(models)
        return json_response(models["data"][0])

    client, rec = make_client(answer)
    assert [m.id for m in client.models.list()] == ["gpt-4o", "ft:gpt-4o:me::x"]
    assert client.models.retrieve("gpt-4o").owned_by == "openai"
    assert client.models.delete("ft:gpt-4o:me::x").deleted is True
    assert rec.last.url.raw_path == b"/v1/models/ft%3Agpt-4o%3Ame%3A%3Ax"
