"""What /v1/chat/completions and /v1/completions share: sampling settings, engine access, usage."""

from __future__ import annotations

import random
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..engines.llm import Generation, LlmEngine, Sampling
from ..errors import SandboxError, bad_request
from ..http import SandboxState


def completion_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


async def llm_engine(state: SandboxState) -> LlmEngine:
    """The warm engine (loading it in a worker thread on first use)."""
    return await run_in_threadpool(state.engines.get, "llm")


def unsupported(name: str, reason: str) -> SandboxError:
    return bad_request(f"'{name}' is not supported by the sandbox: {reason}", param=name)


def sampling_from(
    body: dict[str, Any], engine: LlmEngine, prompt_tokens: int, default_max_tokens: int
) -> Sampling:
    """Sampling settings from an OpenAI request, with max_tokens capped to the context left."""
    requested = body.get("max_completion_tokens")
    param = "max_completion_tokens"
    if requested is None:
        requested, param = body.get("max_tokens"), "max_tokens"
    if requested is not None and requested < 1:
        raise bad_request(f"Invalid '{param}': must be at least 1.", param=param)
    room = engine.n_ctx - prompt_tokens
    if room < 1:
        raise SandboxError(
            400,
            f"This model's maximum context length is {engine.n_ctx} tokens, but the prompt has "
            f"{prompt_tokens}. Please shorten it.",
            param="messages" if "messages" in body else "prompt",
            code="context_length_exceeded",
        )
    stop = body.get("stop")
    temperature = body.get("temperature")
    top_p = body.get("top_p")
    return Sampling(
        max_tokens=min(requested or default_max_tokens, room),
        temperature=1.0 if temperature is None else temperature,
        top_p=1.0 if top_p is None else top_p,
        seed=body.get("seed"),
        stop=[stop] if isinstance(stop, str) else list(stop or []),
        presence_penalty=body.get("presence_penalty") or 0.0,
        frequency_penalty=body.get("frequency_penalty") or 0.0,
        logit_bias=_logit_bias(body.get("logit_bias"), engine),
    )


def _logit_bias(raw: dict[str, Any] | None, engine: LlmEngine) -> dict[int, float] | None:
    """OpenAI's {token id: bias}, applied to this model's own vocabulary."""
    if not raw:
        return None
    vocab = engine.llama.n_vocab()
    bias: dict[int, float] = {}
    for key, value in raw.items():
        if not str(key).isdigit() or int(key) >= vocab:
            raise bad_request(
                f"Invalid logit_bias key {key!r}: token ids run from 0 to {vocab - 1} "
                "in this model's vocabulary.",
                param="logit_bias",
            )
        bias[int(key)] = float(value)
    return bias


def seeds(sampling: Sampling, n: int) -> list[Sampling]:
    """One Sampling per choice: seed, seed+1, ... (or fresh random seeds), so choices differ."""
    from dataclasses import replace

    if sampling.temperature <= 0:
        return [sampling] * n
    base = sampling.seed if sampling.seed is not None else random.randrange(2**31)
    return [replace(sampling, seed=base + i) for i in range(n)]


async def generate_all(engine: LlmEngine, tokens: list[int], samplings: list[Sampling]):
    return [await run_in_threadpool(engine.generate, tokens, s) for s in samplings]


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def stream_options(body: dict[str, Any]) -> bool:
    """Whether the stream ends with a usage chunk (400 if stream_options comes without stream)."""
    options = body.get("stream_options")
    if options and not body.get("stream"):
        raise bad_request(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options",
        )
    return bool(options and options.get("include_usage"))


async def stream_choices(
    engine: LlmEngine,
    tokens: list[int],
    samplings: list[Sampling],
    on_piece: Callable[[int, str], dict[str, Any]],
    on_finish: Callable[[int, Generation], dict[str, Any]],
) -> AsyncIterator[tuple[dict[str, Any], int]]:
    """Chunks for each choice in turn (text pieces as they come, then the finish chunk),
    with the running count of completion tokens."""
    used = 0
    for index, sampling in enumerate(samplings):
        async for item in engine.stream(tokens, sampling):
            if isinstance(item, Generation):
                used += item.completion_tokens
                yield on_finish(index, item), used
            else:
                yield on_piece(index, item), used
