"""/v1/audio/speech (Piper), /v1/audio/transcriptions and /v1/audio/translations (Whisper tiny.en).

Speech: every OpenAI voice name is spoken by the one local voice; `instructions` and SSE streaming
need a steerable model and are refused (400). Transcription: json, text, srt, vtt and
verbose_json (segments and/or words); `stream` is ignored as OpenAI does for whisper-1;
`chunking_strategy` runs Silero VAD; `keywords` become Whisper hotwords.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..errors import bad_request
from ..http import json_response, read_form, read_json, sandbox

# ---------------------------------------------------------------- speech


def _check_voice(voice: Any) -> None:
    from ..engines.speaker import OPENAI_VOICES, VOICE_NAMES

    if isinstance(voice, dict):
        raise bad_request(
            "Custom voices are not available in the sandbox; use a built-in voice name such as "
            "'alloy'.",
            "voice",
        )
    if voice not in VOICE_NAMES:
        raise bad_request(
            f"Unknown voice '{voice}'. Use one of: {', '.join(OPENAI_VOICES)}.", "voice"
        )


async def create_speech(request: Request) -> Response:
    body = await read_json(request, "createSpeech")
    state = sandbox(request)
    state.catalog.resolve("speech", body.get("model"))
    _check_voice(body["voice"])
    if not body["input"].strip():
        raise bad_request("'input' must contain text to speak.", "input")
    if body.get("instructions"):
        raise bad_request(
            "The sandbox's voice (Piper en_US joe) cannot follow style instructions; "
            "leave 'instructions' out.",
            "instructions",
        )
    if body.get("stream_format", "audio") != "audio":
        raise bad_request(
            "stream_format 'sse' is not supported by the sandbox's voice; use 'audio'.",
            "stream_format",
        )
    fmt = body.get("response_format", "mp3")
    from ..audio_codec import OUTPUT_FORMATS, encode

    engine = await run_in_threadpool(state.engines.get, "speaker")
    speech = await run_in_threadpool(engine.synthesize, body["input"], body.get("speed", 1.0))
    if not len(speech.samples):
        raise bad_request("'input' has no speakable words (only punctuation or symbols).", "input")
    audio = await run_in_threadpool(encode, speech.samples, speech.sample_rate, fmt)
    return Response(audio, media_type=OUTPUT_FORMATS[fmt].content_type)


# ---------------------------------------------------------------- transcription + translation


def _options(fields: dict[str, Any], words: bool) -> Any:
    from ..engines.transcriber import Options

    return Options(
        prompt=fields.get("prompt"),
        temperature=float(fields.get("temperature") or 0.0),
        words=words,
        keywords=fields.get("keywords") or (),
        vad=_vad(fields.get("chunking_strategy")),
    )


def _vad(strategy: Any) -> dict[str, Any] | None:
    """OpenAI's chunking_strategy -> faster-whisper VAD parameters (None: no chunking)."""
    if strategy is None:
        return None
    if strategy == "auto":
        return {}
    vad: dict[str, Any] = {}
    if "threshold" in strategy:
        vad["threshold"] = strategy["threshold"]
    if "silence_duration_ms" in strategy:
        vad["min_silence_duration_ms"] = strategy["silence_duration_ms"]
    if "prefix_padding_ms" in strategy:
        vad["speech_pad_ms"] = strategy["prefix_padding_ms"]
    return vad


def _check_english(fields: dict[str, Any]) -> None:
    languages = [fields["language"]] if fields.get("language") else []
    param = "language"
    if fields.get("languages"):
        languages, param = fields["languages"], "languages"
    for language in languages:
        if language.lower() not in ("en", "english"):
            raise bad_request(
                f"The sandbox's Whisper model (tiny.en) only handles English, not '{language}'.",
                param,
            )


def _refuse_unsupported(fields: dict[str, Any]) -> None:
    for name, why in (
        ("include", "token log probabilities are not available from Whisper tiny.en"),
        ("known_speaker_names", "speaker diarization is not available in the sandbox"),
        ("known_speaker_references", "speaker diarization is not available in the sandbox"),
    ):
        if fields.get(name):
            raise bad_request(f"'{name}' is not supported: {why}.", name)
    if fields.get("response_format") == "diarized_json":
        raise bad_request(
            "response_format 'diarized_json' is not supported: speaker diarization is not "
            "available in the sandbox.",
            "response_format",
        )


async def _transcribe(request: Request, operation_id: str, task: str) -> Response:
    fields, files = await read_form(request, operation_id)
    state = sandbox(request)
    model = state.catalog.resolve("transcription", fields.get("model"))
    if "file" not in files:
        raise bad_request("Missing required parameter: 'file'.", "file")
    _refuse_unsupported(fields)
    _check_english(fields)
    fmt = fields.get("response_format", "json")
    granularities = fields.get("timestamp_granularities") or ["segment"]
    if "word" in granularities and fmt != "verbose_json":
        raise bad_request(
            "timestamp_granularities needs response_format 'verbose_json'.",
            "timestamp_granularities",
        )
    audio = io.BytesIO(await files["file"].read())
    engine = await run_in_threadpool(state.engines.get, "transcriber")
    from ..engines.transcriber import LANGUAGE_NAME, UndecodableAudio

    try:
        transcript = await run_in_threadpool(
            engine.transcribe, audio, _options(fields, "word" in granularities)
        )
    except UndecodableAudio as exc:
        name = files["file"].filename or "the upload"
        raise bad_request(f"Could not decode {name} as audio: {exc}.", "file") from None
    return _format(transcript, fmt, task, granularities, LANGUAGE_NAME, model.id)


def _format(transcript: Any, fmt: str, task: str, granularities: list[str],
            language: str, model_id: str) -> Response:
    from ..subtitles import to_srt, to_vtt

    usage = {"type": "duration", "seconds": math.ceil(transcript.duration)}
    headers = {"openai-model": model_id}
    if fmt == "text":
        return PlainTextResponse(transcript.text + "\n", headers=headers)
    if fmt == "srt":
        return PlainTextResponse(to_srt(transcript.segments), headers=headers)
    if fmt == "vtt":
        return PlainTextResponse(to_vtt(transcript.segments), media_type="text/vtt", headers=headers)
    if fmt == "json":
        body: dict[str, Any] = {"text": transcript.text}
        if task == "transcribe":
            body["usage"] = usage
        return json_response(body, headers=headers)
    body = {"task": task, "language": language, "duration": transcript.duration,
            "text": transcript.text}
    if "segment" in granularities:
        body["segments"] = [
            {k: v for k, v in asdict(s).items() if k != "words"} for s in transcript.segments
        ]
    if "word" in granularities:
        body["words"] = [asdict(w) for w in transcript.words]
    if task == "transcribe":
        body["usage"] = usage
    return json_response(body, headers=headers)


async def create_transcription(request: Request) -> Response:
    return await _transcribe(request, "createTranscription", "transcribe")


async def create_translation(request: Request) -> Response:
    return await _transcribe(request, "createTranslation", "translate")


routes = [
    Route("/v1/audio/speech", create_speech, methods=["POST"]),
    Route("/v1/audio/transcriptions", create_transcription, methods=["POST"]),
    Route("/v1/audio/translations", create_translation, methods=["POST"]),
]
