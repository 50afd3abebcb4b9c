"""%%speak (text to speech with a player) and %transcribe / %translate (audio to text)."""

from __future__ import annotations

import time
from typing import Any

from IPython.core.magic import line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import InputError, fails_cleanly
from ..inputs import audio_file, lookup
from ..pricing import speech_cost, transcription_cost
from ..render import audio_bundle, footer_text, show
from ._base import SessionMagics, common_arguments

SPEECH_FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
TEXT_FORMATS = ("text", "json", "verbose_json", "srt", "vtt")


class Transcript(str):
    """The text of a transcription; `.segments` is a DataFrame with verbose_json, `.raw` the API result."""

    segments: Any = None
    raw: Any = None
    language: str | None = None
    duration: float | None = None


def _audio_arguments(func: Any) -> Any:
    for decorator in (
        argument("source", metavar="PATH_OR_VAR", help="An audio file, or a variable holding bytes (%%speak -o)."),
        argument("--prompt", help="Text to guide the style or spelling."),
        argument("-t", "--temperature", type=float, help="Sampling temperature."),
        argument("-f", "--format", default="json", choices=TEXT_FORMATS,
                 help="json (plain text), verbose_json (adds a segments DataFrame), text, srt or vtt."),
    ):
        func = decorator(func)
    return func


@magics_class
class AudioMagics(SessionMagics):
    @magic_arguments()
    @common_arguments
    @argument("-v", "--voice", help="alloy, ash, coral, echo, fable, onyx, nova, sage, shimmer...")
    @argument("-f", "--format", default="mp3", choices=SPEECH_FORMATS, help="Audio format.")
    @argument("--speed", type=float, help="0.25 to 4.0.")
    @argument("--instructions", help="How to speak (gpt-4o-mini-tts).")
    @line_cell_magic
    @fails_cleanly
    def speak(self, line: str, cell: str | None = None) -> None:
        """Speak the text of the cell; shows an audio player. -o NAME binds the audio bytes."""
        args, body = self.parse_body(self.speak, line, cell)
        text = self.text(args, body).strip()
        if not text:
            raise InputError("%speak needs text: in the cell, or after the options")
        model = args.model or self.config_.speech_model
        started = time.perf_counter()
        audio = self.session.client.audio.speech.create(
            input=text, model=model, voice=args.voice or self.config_.voice, response_format=args.format,
            speed=args.speed, instructions=args.instructions,
        )
        latency = time.perf_counter() - started
        cost = self.cost(speech_cost(model, len(text)))
        self.session.record("speak", model, latency=latency, cost=cost, characters=len(text))
        footer = footer_text(model, latency, cost=cost, note=f"{len(text)} characters")
        show(audio_bundle(audio.content, args.format, footer if self.config_.show_footer else ""))
        self.bind(args, audio.content)

    @magic_arguments()
    @common_arguments
    @_audio_arguments
    @argument("--language", help="The spoken language (ISO-639-1, e.g. en), if known.")
    @line_magic
    @fails_cleanly
    def transcribe(self, line: str) -> Transcript:
        """The text spoken in an audio file or bytes variable: `text = %transcribe talk.mp3`."""
        args = self.parse(self.transcribe, line)
        return self._to_text(args, "transcriptions", "transcribe", language=args.language)

    @magic_arguments()
    @common_arguments
    @_audio_arguments
    @line_magic
    @fails_cleanly
    def translate(self, line: str) -> Transcript:
        """The English translation of the speech in an audio file or bytes variable."""
        args = self.parse(self.translate, line)
        return self._to_text(args, "translations", "translate")

    def _to_text(self, args: Any, endpoint: str, magic: str, **extra: Any) -> Transcript:
        model = args.model or self.config_.transcription_model
        upload = audio_file(lookup(args.source, self.namespace))
        prompt = self.text(args, args.prompt) if args.prompt else None
        started = time.perf_counter()
        result = getattr(self.session.client.audio, endpoint).create(
            file=upload, model=model, response_format=args.format, prompt=prompt,
            temperature=args.temperature, **{k: v for k, v in extra.items() if v is not None},
        )
        latency = time.perf_counter() - started
        transcript = Transcript(result if isinstance(result, str) else result.get("text") or "")
        transcript.raw = result
        if args.format == "verbose_json":
            from ..frames import segments_frame

            transcript.segments = segments_frame(result)
            transcript.language, transcript.duration = result.get("language"), result.get("duration")
        cost = self.cost(transcription_cost(model, transcript.duration))
        self.session.record(magic, model, latency=latency, cost=cost)
        if transcript.segments is not None:
            show({"text/html": transcript.segments.to_html(), "text/plain": transcript.segments.to_string()})
        self.bind(args, transcript)
        return transcript
