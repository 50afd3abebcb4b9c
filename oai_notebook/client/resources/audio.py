"""Audio: speech (text to audio bytes), transcriptions and translations (audio to text)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .._files import FileInput
from .._resource import Resource, WithStreamingResponse, drop_none


class Speech(Resource):
    def create(
        self,
        *,
        input: str,
        model: str,
        voice: str | dict[str, str],
        response_format: str | None = None,
        speed: float | None = None,
        _stream_response: bool = False,
        **params: Any,
    ) -> Any:
        """Speak `input`: a BinaryResponse (`.content`, `.write_to(path)`)."""
        body = drop_none(
            {"input": input, "model": model, "voice": voice, "response_format": response_format,
             "speed": speed, **params}
        )
        kind = "binary_stream" if _stream_response else "binary"
        return self._post("/audio/speech", body, model=model, kind=kind)

    @cached_property
    def with_streaming_response(self) -> WithStreamingResponse:
        """`with client.audio.speech.with_streaming_response.create(...) as r: r.write_to(path)`."""
        return WithStreamingResponse(self)


class _AudioToText(Resource):
    _path = ""

    def create(
        self,
        *,
        file: FileInput,
        model: str,
        response_format: str | None = None,
        **params: Any,
    ) -> Any:
        """Text of the audio `file`: an object for json/verbose_json, a str for text/srt/vtt.

        `timestamp_granularities=["word", "segment"]` (with verbose_json) adds words and segments.
        """
        body = drop_none({"model": model, "response_format": response_format, **params})
        stream = bool(body.get("stream"))
        kind = "json" if response_format in (None, "json", "verbose_json", "diarized_json") else "text"
        return self._post(self._path, body, files={"file": file}, model=model, kind=kind, stream=stream)


class Transcriptions(_AudioToText):
    _path = "/audio/transcriptions"


class Translations(_AudioToText):
    _path = "/audio/translations"


class Audio(Resource):
    @cached_property
    def speech(self) -> Speech:
        return Speech(self._client)

    @cached_property
    def transcriptions(self) -> Transcriptions:
        return Transcriptions(self._client)

    @cached_property
    def translations(self) -> Translations:
        return Translations(self._client)
