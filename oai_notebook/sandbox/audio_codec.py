"""Audio encoding for /v1/audio/speech with PyAV (FFmpeg), in the formats OpenAI returns.

Like OpenAI's, output is mono at 24 kHz (opus: 48 kHz, Opus's own rate); `pcm` is raw 16-bit
little-endian samples with no header. Opus comes in an Ogg container, AAC as ADTS.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import bad_request

if TYPE_CHECKING:
    import numpy as np

OUTPUT_RATE = 24_000


@dataclass(frozen=True)
class OutputFormat:
    container: str | None  # FFmpeg muxer; None = raw samples
    encoders: tuple[str, ...]  # FFmpeg encoders to try, best first
    sample_rate: int
    content_type: str


OUTPUT_FORMATS: dict[str, OutputFormat] = {
    "mp3": OutputFormat("mp3", ("libmp3lame", "mp3"), OUTPUT_RATE, "audio/mpeg"),
    "opus": OutputFormat("ogg", ("libopus",), 48_000, "audio/ogg"),
    "aac": OutputFormat("adts", ("aac",), OUTPUT_RATE, "audio/aac"),
    "flac": OutputFormat("flac", ("flac",), OUTPUT_RATE, "audio/flac"),
    "wav": OutputFormat("wav", ("pcm_s16le",), OUTPUT_RATE, "audio/wav"),
    "pcm": OutputFormat(None, ("pcm_s16le",), OUTPUT_RATE, "audio/pcm"),
}


def encode(samples: np.ndarray, sample_rate: int, fmt: str) -> bytes:
    """Float samples in [-1, 1] (mono) -> the bytes of an audio file in `fmt`.

    Raises a 400 SandboxError (param `response_format`) when FFmpeg lacks the encoder.
    """
    import av
    import numpy as np

    spec = OUTPUT_FORMATS[fmt]
    encoder = _available_encoder(spec.encoders, fmt)
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, dtype=np.float32)[None, :], format="flt", layout="mono"
    )
    frame.sample_rate = sample_rate
    if spec.container is None:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=spec.sample_rate)
        frames = [*resampler.resample(frame), *resampler.resample(None)]
        return b"".join(f.to_ndarray().astype("<i2").tobytes() for f in frames)

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=spec.container) as container:
        stream = container.add_stream(encoder, rate=spec.sample_rate, layout="mono")
        resampler = av.AudioResampler(
            format=stream.codec_context.format.name, layout="mono", rate=spec.sample_rate
        )
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            container.mux(stream.encode(resampled))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _available_encoder(names: tuple[str, ...], fmt: str) -> str:
    import av

    for name in names:
        if name in av.codecs_available:
            try:
                av.Codec(name, "w")
                return name
            except Exception:  # listed but decoder-only in this FFmpeg build
                continue
    raise bad_request(
        f"response_format '{fmt}' needs the FFmpeg encoder {' or '.join(names)}, which the "
        "installed PyAV (`av`) build does not include. Use 'wav' or 'pcm', or install a PyAV "
        "build with that encoder.",
        param="response_format",
    )
