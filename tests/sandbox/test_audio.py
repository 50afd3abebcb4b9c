"""/v1/audio/speech, /transcriptions and /translations through the official openai SDK."""

from __future__ import annotations

import io

import numpy as np
import openai
import pytest

from oai_notebook import spec

SENTENCE = "The quick brown fox jumps over the lazy dog."


@pytest.fixture(scope="module")
def spoken(openai_client) -> bytes:
    """SENTENCE as a wav file from the sandbox's speech endpoint."""
    return openai_client.audio.speech.create(
        model="tts-1", voice="alloy", input=SENTENCE, response_format="wav"
    ).read()


def _valid(schema_name: str, data: dict) -> None:
    # createTranscription's 200 is a oneOf whose json and verbose_json branches overlap (a
    # verbose body also matches the plain one), so check against the branch the format selects.
    validator = spec.validator({"$ref": f"#/components/schemas/{schema_name}"})
    errors = list(validator.iter_errors(data))
    assert not errors, errors[0].message


@pytest.mark.parametrize(("fmt", "magic"), [
    ("mp3", (b"ID3", b"\xff\xf3", b"\xff\xfb")), ("opus", (b"OggS",)), ("aac", (b"\xff\xf1",)),
    ("flac", (b"fLaC",)), ("wav", (b"RIFF",)),
])
def test_speech_formats(openai_client, fmt, magic):
    response = openai_client.audio.speech.with_raw_response.create(
        model="gpt-4o-mini-tts", voice="nova", input="Hello from the sandbox.", response_format=fmt
    )
    assert response.content.startswith(magic)
    assert response.headers["content-type"].startswith("audio/")


def test_pcm_is_24khz_16bit_and_speed_shortens_it(openai_client):
    def seconds(speed: float) -> float:
        pcm = openai_client.audio.speech.create(
            model="tts-1", voice="echo", input="Counting one, two, three, four.",
            response_format="pcm", speed=speed,
        ).read()
        return len(np.frombuffer(pcm, dtype="<i2")) / 24000

    normal, fast = seconds(1.0), seconds(2.0)
    assert normal > 1.0
    assert 0.35 < fast / normal < 0.65


def test_speech_to_text_round_trip(openai_client, spoken):
    transcript = openai_client.audio.transcriptions.create(model="whisper-1", file=("fox.wav", spoken))
    _valid("CreateTranscriptionResponseJson", transcript.model_dump(exclude_unset=True))
    words = transcript.text.lower()
    assert "quick brown fox" in words and "lazy dog" in words


def test_verbose_json_with_segments_and_words(openai_client, spoken):
    result = openai_client.audio.transcriptions.create(
        model="whisper-1", file=("fox.wav", spoken), response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    _valid("CreateTranscriptionResponseVerboseJson", result.model_dump(exclude_unset=True))
    assert result.language == "english"
    assert 2.0 < result.duration < 5.0
    assert result.segments[0].id == 0 and result.segments[0].end <= result.duration + 0.1
    words = [w.word.strip(".,").lower() for w in result.words]
    assert words[:4] == ["the", "quick", "brown", "fox"]
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)


@pytest.mark.parametrize("fmt", ["text", "srt", "vtt"])
def test_text_formats(openai_client, spoken, fmt):
    body = openai_client.audio.transcriptions.create(
        model="whisper-1", file=("fox.wav", spoken), response_format=fmt
    )
    assert isinstance(body, str) and "brown fox" in body.lower()
    if fmt == "srt":
        assert body.startswith("1\n00:00:00,")
    if fmt == "vtt":
        assert body.startswith("WEBVTT\n\n00:00:")


def test_mp3_uploads_are_decoded(openai_client):
    mp3 = openai_client.audio.speech.create(
        model="tts-1", voice="onyx", input="Seven green apples.", response_format="mp3").read()
    text = openai_client.audio.transcriptions.create(
        model="whisper-1", file=("apples.mp3", io.BytesIO(mp3)), response_format="text")
    assert "apples" in text.lower()


def test_translation(openai_client, spoken):
    result = openai_client.audio.translations.create(
        model="whisper-1", file=("fox.wav", spoken), response_format="verbose_json")
    _valid("CreateTranslationResponseVerboseJson", result.model_dump(exclude_unset=True))
    assert "brown fox" in result.text.lower()
    plain = openai_client.audio.translations.create(model="whisper-1", file=("fox.wav", spoken))
    assert spec.response_validator("createTranslation").is_valid(plain.model_dump(exclude_unset=True))


@pytest.mark.parametrize(("body", "status", "param"), [
    ({"model": "tts-1", "voice": "alloy"}, 400, "input"),
    ({"model": "tts-1", "voice": "alloy", "input": "   "}, 400, "input"),
    ({"model": "tts-1", "voice": "alloy", "input": "?!..."}, 400, "input"),
    ({"model": "tts-1", "voice": "gandalf", "input": "hi"}, 400, "voice"),
    ({"model": "tts-1", "voice": {"id": "voice_123"}, "input": "hi"}, 400, "voice"),
    ({"model": "tts-1", "voice": "alloy", "input": "hi", "speed": 9}, 400, "speed"),
    ({"model": "tts-1", "voice": "alloy", "input": "hi", "response_format": "ogg"}, 400, "response_format"),
    ({"model": "tts-1", "voice": "alloy", "input": "hi", "instructions": "whisper"}, 400, "instructions"),
    ({"model": "tts-1", "voice": "alloy", "input": "hi", "stream_format": "sse"}, 400, "stream_format"),
    ({"model": "tts-9", "voice": "alloy", "input": "hi"}, 404, "model"),
])
def test_speech_bad_requests(http, openai_error, body, status, param):
    openai_error(http.post("audio/speech", json=body), status, param)


@pytest.mark.parametrize(("fields", "upload", "status", "param"), [
    ({"model": "whisper-1"}, b"not audio at all", 400, "file"),
    ({"model": "whisper-1"}, None, 400, "file"),
    ({"model": "whisper-1", "language": "fr"}, "wav", 400, "language"),
    ({"model": "whisper-1", "response_format": "docx"}, "wav", 400, "response_format"),
    ({"model": "whisper-1", "timestamp_granularities[]": "word"}, "wav", 400, "timestamp_granularities"),
    ({"model": "whisper-1", "include[]": "logprobs"}, "wav", 400, "include"),
    ({"model": "no-such-whisper"}, "wav", 404, "model"),
])
def test_transcription_bad_requests(http, openai_error, spoken, fields, upload, status, param):
    parts = [(name, (None, value)) for name, value in fields.items()]  # always multipart
    if upload is not None:
        parts.append(("file", ("clip.wav", spoken if upload == "wav" else upload, "audio/wav")))
    response = http.post("audio/transcriptions", files=parts)
    openai_error(response, status, param)


def test_sdk_raises_bad_request_for_garbage_audio(openai_client):
    with pytest.raises(openai.BadRequestError):
        openai_client.audio.translations.create(model="whisper-1", file=("x.mp3", b"\x00" * 100))
