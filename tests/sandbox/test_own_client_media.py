"""Embeddings, moderations and audio through oai_notebook's own client (the SDK's run in their files)."""

from __future__ import annotations

import numpy as np
import pytest

from oai_notebook import spec
from oai_notebook.client import BadRequestError

SENTENCE = "The quick brown fox jumps over the lazy dog."


def test_embeddings_arrive_as_one_float32_array(own_client):
    texts = ["How do I bake bread at home?", "What is a simple recipe for homemade bread?",
             "The central bank raised interest rates."]
    result = own_client.embeddings.create(model="text-embedding-3-small", input=texts)
    vectors = result.array
    assert result.model == "all-minilm-l6-v2"
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    spec.response_validator("createEmbedding").validate(result.to_dict())
    short = own_client.embeddings.create(model="text-embedding-3-small", input=texts[0], dimensions=32).array
    assert short.shape == (1, 32) and np.isclose(np.linalg.norm(short), 1.0, atol=1e-5)


def test_embed_many_in_batches_keeps_order(own_client):
    texts = [f"item number {i}" for i in range(50)]
    array = own_client.embeddings.embed(texts, model="text-embedding-3-small", batch_size=16)
    single = own_client.embeddings.create(model="text-embedding-3-small", input=texts[37]).array
    assert array.shape == (50, 384) and np.allclose(array[37], single[0], atol=1e-4)


def test_moderation_flags_a_threat_not_lunch(own_client):
    result = own_client.moderations.create(
        model="omni-moderation-latest",
        input=["I will hunt you down and hurt you badly.", "Let's meet for lunch at noon tomorrow."],
    )
    spec.response_validator("createModeration").validate(result.to_dict())
    threat, lunch = result.results
    assert threat.flagged and threat.categories["harassment/threatening"]
    assert not lunch.flagged


def test_speech_to_text_round_trip(own_client, tmp_path):
    speech = own_client.audio.speech.create(model="tts-1", voice="alloy", input=SENTENCE, response_format="wav")
    assert speech.content.startswith(b"RIFF") and speech.content_type.startswith("audio/")
    path = speech.write_to(tmp_path / "fox.wav")
    verbose = own_client.audio.transcriptions.create(
        model="whisper-1", file=path, response_format="verbose_json", timestamp_granularities=["word", "segment"]
    )
    assert "quick brown fox" in verbose.text.lower()
    assert [w.word.strip(".,").lower() for w in verbose.words][:3] == ["the", "quick", "brown"]
    srt = own_client.audio.transcriptions.create(model="whisper-1", file=path, response_format="srt")
    assert isinstance(srt, str) and srt.startswith("1\n00:00:00,") and "brown fox" in srt.lower()
    translated = own_client.audio.translations.create(model="whisper-1", file=path)
    assert "brown fox" in translated.text.lower()


def test_streamed_speech_writes_a_file(own_client, tmp_path):
    with own_client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="nova", input="Hello there.", response_format="mp3"
    ) as response:
        response.write_to(tmp_path / "hello.mp3")
    assert (tmp_path / "hello.mp3").stat().st_size > 1000


def test_bad_audio_is_a_typed_400_naming_the_file(own_client):
    with pytest.raises(BadRequestError) as info:
        own_client.audio.transcriptions.create(model="whisper-1", file=("x.wav", b"not audio at all"))
    assert info.value.param == "file"
