"""Benchmark: chat tokens/s through the sandbox vs llama_cpp called directly, and GET /v1/models latency.

Run:  .venv/bin/python bench/bench_sandbox_chat.py [--tokens 128] [--rounds 3]
Target: sandbox tokens/s >= 0.9x direct llama_cpp. Not a test: it prints numbers and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

PROMPT = "Write a long story about a lighthouse keeper and the sea."


def direct_llama():
    """llama_cpp on the same GGUF with the sandbox's settings."""
    import os

    from llama_cpp import Llama

    from oai_notebook.sandbox.engines.llm import _assemble_safely

    return Llama(
        model_path=str(_assemble_safely()), n_ctx=4096, n_threads=os.cpu_count(),
        logits_all=False, chat_format="gemma", verbose=False,
    )


def round_direct(llama, tokens: int) -> float:
    llama.reset()
    start = time.perf_counter()
    reply = llama.create_chat_completion(
        messages=[{"role": "user", "content": PROMPT}], max_tokens=tokens, temperature=0,
        logit_bias={1: -100.0, 106: -100.0},  # no early stop: always `tokens` tokens
    )
    return reply["usage"]["completion_tokens"] / (time.perf_counter() - start)


def round_sandbox(client, tokens: int, stream: bool) -> float:
    start = time.perf_counter()
    request = dict(
        model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}],
        max_tokens=tokens, temperature=0, logit_bias={"1": -100, "106": -100},
    )
    if stream:
        chunks = list(client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        ))
        used = chunks[-1].usage.completion_tokens
    else:
        used = client.chat.completions.create(**request).usage.completion_tokens
    return used / (time.perf_counter() - start)


def bench_models_latency(client, count: int) -> float:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        client.models.list()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import openai

    from oai_notebook.sandbox import start

    llama = direct_llama()
    rates: dict[str, list[float]] = {"direct": [], "plain": [], "stream": []}
    with tempfile.TemporaryDirectory() as data_dir, start(data_dir=data_dir, max_seconds=1800) as box:
        client = openai.OpenAI(base_url=box.base_url, api_key="sk-bench", max_retries=0)
        client.chat.completions.create(  # warm up: load the engine
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], max_tokens=2
        )
        models_ms = bench_models_latency(client, 200)
        # Interleaved rounds, so load from other processes hits every variant alike.
        # (The idle side takes no CPU: the sandbox waits on its socket, llama here on us.)
        for _ in range(args.rounds):
            rates["direct"].append(round_direct(llama, args.tokens))
            rates["plain"].append(round_sandbox(client, args.tokens, stream=False))
            rates["stream"].append(round_sandbox(client, args.tokens, stream=True))
    direct, plain, stream = (statistics.median(rates[k]) for k in ("direct", "plain", "stream"))
    print(f"direct llama_cpp          : {direct:6.1f} tokens/s")
    print(f"sandbox (non-stream)      : {plain:6.1f} tokens/s  ratio {plain / direct:.2f}x")
    print(f"sandbox (stream)          : {stream:6.1f} tokens/s  ratio {stream / direct:.2f}x")
    print(f"GET /v1/models (SDK)      : {models_ms:6.2f} ms median")


if __name__ == "__main__":
    main()
