"""Estimated cost of calls, from a small table of OpenAI list prices.

These are estimates: OpenAI's published list prices in USD as of 2025-08 (standard tier, no
batch or cached-input discounts). Unknown models, local backends and other servers get no cost.
"""

from __future__ import annotations

PRICES_AS_OF = "2025-08"

# USD per 1M tokens: (input, output).
TOKEN_PRICES: dict[str, tuple[float, float]] = {
    "gpt-5": (1.25, 10.0), "gpt-5-mini": (0.25, 2.0), "gpt-5-nano": (0.05, 0.40),
    "gpt-4.1": (2.0, 8.0), "gpt-4.1-mini": (0.40, 1.60), "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.0), "gpt-4o-mini": (0.15, 0.60), "chatgpt-4o-latest": (5.0, 15.0),
    "gpt-4-turbo": (10.0, 30.0), "gpt-4": (30.0, 60.0), "gpt-3.5-turbo": (0.50, 1.50),
    "o1": (15.0, 60.0), "o1-mini": (1.10, 4.40), "o3": (2.0, 8.0), "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
    "text-embedding-3-small": (0.02, 0.0), "text-embedding-3-large": (0.13, 0.0),
    "text-embedding-ada-002": (0.10, 0.0),
    "omni-moderation": (0.0, 0.0), "text-moderation": (0.0, 0.0),
}
SPEECH_PER_M_CHARS = {"tts-1": 15.0, "tts-1-hd": 30.0}
TRANSCRIPTION_PER_MINUTE = {"whisper-1": 0.006, "gpt-4o-transcribe": 0.006, "gpt-4o-mini-transcribe": 0.003}
# USD per image by (model, quality, size); "*" matches any size.
IMAGE_PRICES: dict[tuple[str, str, str], float] = {
    ("dall-e-2", "standard", "256x256"): 0.016, ("dall-e-2", "standard", "512x512"): 0.018,
    ("dall-e-2", "standard", "1024x1024"): 0.020,
    ("dall-e-3", "standard", "1024x1024"): 0.040, ("dall-e-3", "standard", "*"): 0.080,
    ("dall-e-3", "hd", "1024x1024"): 0.080, ("dall-e-3", "hd", "*"): 0.120,
    ("gpt-image-1", "low", "*"): 0.011, ("gpt-image-1", "medium", "*"): 0.042,
    ("gpt-image-1", "high", "*"): 0.167, ("gpt-image-1", "auto", "*"): 0.042,
}


def _lookup(table: dict, model: str | None):
    """The entry for `model`, else for its longest listed prefix (gpt-4o-mini-2024-07-18 → gpt-4o-mini)."""
    if not model:
        return None
    if model in table:
        return table[model]
    matches = [name for name in table if model.startswith(name + "-")]
    return table[max(matches, key=len)] if matches else None


def token_cost(model: str | None, prompt_tokens: int | None, completion_tokens: int | None = 0) -> float | None:
    """Estimated USD for a chat or embeddings call, or None for an unknown model."""
    prices = _lookup(TOKEN_PRICES, model)
    if prices is None or prompt_tokens is None:
        return None
    return (prompt_tokens * prices[0] + (completion_tokens or 0) * prices[1]) / 1e6


def speech_cost(model: str | None, characters: int) -> float | None:
    price = _lookup(SPEECH_PER_M_CHARS, model)
    return None if price is None else characters * price / 1e6


def transcription_cost(model: str | None, seconds: float | None) -> float | None:
    price = _lookup(TRANSCRIPTION_PER_MINUTE, model)
    return None if price is None or seconds is None else seconds / 60.0 * price


def image_cost(model: str | None, size: str | None, quality: str | None, n: int) -> float | None:
    model = model or "dall-e-2"
    quality = quality or ("auto" if model.startswith("gpt-image") else "standard")
    size = size or "1024x1024"
    price = IMAGE_PRICES.get((model, quality, size), IMAGE_PRICES.get((model, quality, "*")))
    return None if price is None else price * n
