"""Speech synthesis, audio encoding, subtitles and transcription engines on their own."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest

from oai_notebook.sandbox.audio_codec import OUTPUT_FORMATS, encode
from oai_notebook.sandbox.errors import SandboxError
from oai_notebook.sandbox.subtitles import to_srt, to_vtt


@pytest.fixture(scope="module")
def tone() -> np.ndarray:
    t = np.arange(22050) / 22050
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


@pytest.mark.parametrize("fmt", ["mp3", "opus", "aac", "flac", "wav"])
def test_every_format_decodes_back_to_about_the_same_duration(tone, fmt):
    import av

    data = encode(tone, 22050, fmt)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        assert stream.rate == OUTPUT_FORMATS[fmt].sample_rate
    assert abs(samples / OUTPUT_FORMATS[fmt].sample_rate - 1.0) < 0.1


def test_pcm_is_raw_16_bit_samples_at_24_khz(tone):
    data = encode(tone, 22050, "pcm")
    samples = np.frombuffer(data, dtype="<i2")
    assert abs(len(samples) - 24000) < 50
    assert 0.4 < np.abs(samples).max() / 32768 < 0.6


def test_a_missing_encoder_is_a_400_naming_it(tone, monkeypatch):
    monkeypatch.setitem(OUTPUT_FORMATS, "mp3", OUTPUT_FORMATS["mp3"].__class__(
        "mp3", ("no-such-encoder",), 24000, "audio/mpeg"))
    with pytest.raises(SandboxError) as caught:
        encode(tone, 22050, "mp3")
    assert caught.value.status == 400 and caught.value.param == "response_format"
    assert "no-such-encoder" in caught.value.message


def test_srt_and_vtt_captions():
    segments = [SimpleNamespace(start=0.0, end=1.5, text=" Hello."),
                SimpleNamespace(start=3661.25, end=3662.0, text=" Bye.")]
    assert to_srt(segments) == (
        "1\n00:00:00,000 --> 00:00:01,500\nHello.\n\n2\n01:01:01,250 --> 01:01:02,000\nBye.\n"
    )
    assert to_vtt(segments).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello.\n")


@pytest.fixture(scope="module")
def speaker():
    from oai_notebook.sandbox.engines import speaker

    return speaker.load()


@pytest.fixture(scope="module")
def transcriber():
    from oai_notebook.sandbox.engines import transcriber

    return transcriber.load()


def test_speed_changes_the_length_of_speech(speaker):
    normal = speaker.synthesize("This sentence is spoken at two speeds.")
    fast = speaker.synthesize("This sentence is spoken at two speeds.", speed=2.0)
    assert normal.duration > 1.0
    # Phonemes take half as long; the fixed pauses at both ends do not scale.
    assert 0.35 < fast.duration / normal.duration < 0.75


def test_speech_round_trips_through_whisper(speaker, transcriber):
    from oai_notebook.sandbox.engines.transcriber import Options

    speech = speaker.synthesize("The quick brown fox jumps over the lazy dog.")
    audio = io.BytesIO(encode(speech.samples, speech.sample_rate, "flac"))
    transcript = transcriber.transcribe(audio, Options(words=True))
    assert "quick brown fox" in transcript.text.lower()
    assert [w.word.strip(".,").lower() for w in transcript.words][:3] == ["the", "quick", "brown"]
    assert transcript.segments[0].id == 0
    assert abs(transcript.duration - speech.duration) < 0.1


def test_undecodable_audio_raises_a_clear_error(transcriber):
    from oai_notebook.sandbox.engines.transcriber import UndecodableAudio

    with pytest.raises(UndecodableAudio):
        transcriber.transcribe(io.BytesIO(b"this is not audio"))
