"""/v1/completions (legacy): raw text continuation on the local GGUF model."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from ..errors import bad_request
from ..http import json_response, read_json, sandbox, sse_response
from .chat import FINGERPRINT
from .generation import (
    completion_id,
    generate_all,
    llm_engine,
    sampling_from,
    seeds,
    stream_choices,
    stream_options,
    unsupported,
    usage,
)

DEFAULT_MAX_TOKENS = 16  # OpenAI's default for this endpoint


def _prompts(raw: Any, vocab: int) -> list[str | list[int]]:
    """The prompt as a list: strings, or token-id lists in this model's vocabulary."""
    if isinstance(raw, str):
        return [raw]
    if raw and all(isinstance(t, int) for t in raw):
        raw = [raw]
    prompts: list[str | list[int]] = []
    for i, item in enumerate(raw or [""]):
        if isinstance(item, list) and any(not 0 <= t < vocab for t in item):
            raise bad_request(
                f"Invalid token id in prompt[{i}]: ids run from 0 to {vocab - 1} in this model.",
                param="prompt",
            )
        prompts.append(item)
    return prompts


def _check(body: dict[str, Any]) -> None:
    if body.get("logprobs") is not None:
        raise unsupported("logprobs", "the local model runs without per-token logits.")
    if (body.get("best_of") or 1) > 1:
        raise unsupported("best_of", "ranking candidates needs per-token logprobs.")
    if body.get("suffix"):
        raise unsupported("suffix", "the local model has no fill-in-the-middle mode.")


async def create_completion(request: Request):
    body = await read_json(request, "createCompletion")
    state = sandbox(request)
    model = state.catalog.resolve("chat", body.get("model"))
    _check(body)
    include_usage = stream_options(body)
    engine = await llm_engine(state)
    n = body.get("n") or 1
    echo = bool(body.get("echo"))
    jobs = []  # (prompt text, prompt tokens) per prompt
    for prompt in _prompts(body.get("prompt"), engine.llama.n_vocab()):
        if isinstance(prompt, str):
            jobs.append((prompt, engine.tokenize(prompt)))
        else:
            jobs.append((engine.detokenize(prompt), [engine.llama.token_bos(), *prompt]))
    samplings = [
        seeds(sampling_from(body, engine, len(tokens), DEFAULT_MAX_TOKENS), n)
        for _, tokens in jobs
    ]
    prompt_tokens = sum(len(tokens) for _, tokens in jobs)
    base = {
        "id": completion_id("cmpl"),
        "created": int(time.time()),
        "model": model.id,
        "system_fingerprint": FINGERPRINT,
    }
    if body.get("stream"):
        return sse_response(_stream(engine, jobs, samplings, base, echo, include_usage, prompt_tokens))
    choices, used = [], 0
    for p, (text, tokens) in enumerate(jobs):
        for j, generation in enumerate(await generate_all(engine, tokens, samplings[p])):
            used += generation.completion_tokens
            choices.append({
                "index": p * n + j,
                "text": (text if echo else "") + generation.text,
                "logprobs": None,
                "finish_reason": generation.finish_reason,
            })
    return json_response({
        **base, "object": "text_completion", "choices": choices,
        "usage": usage(prompt_tokens, used),
    })


async def _stream(engine, jobs, samplings, base, echo: bool, include_usage: bool, prompt_tokens: int):
    extra = {"usage": None} if include_usage else {}
    total = 0

    for p, (text, tokens) in enumerate(jobs):
        n = len(samplings[p])

        def chunk(index: int, piece: str, finish: str | None = None, offset: int = p * n):
            return {
                **base, "object": "text_completion", **extra,
                "choices": [{"index": offset + index, "text": piece, "logprobs": None,
                             "finish_reason": finish}],
            }

        if echo:
            for j in range(n):
                yield chunk(j, text)
        used = 0
        async for event, running in stream_choices(
            engine, tokens, samplings[p],
            lambda index, piece, chunk=chunk: chunk(index, piece),
            lambda index, generation, chunk=chunk: chunk(index, "", generation.finish_reason),
        ):
            used = running
            yield event
        total += used
    if include_usage:
        yield {**base, "object": "text_completion", "choices": [],
               "usage": usage(prompt_tokens, total)}


routes = [Route("/v1/completions", create_completion, methods=["POST"])]
