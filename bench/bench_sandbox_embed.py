"""Embeddings/s through the sandbox (official openai SDK over HTTP) vs the ONNX model in-process.

Usage: python bench/bench_sandbox_embed.py [--batch 256] [--rounds 5]
Both sides embed the same texts in the same batches; the target is sandbox >= 0.9 x direct.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sample_texts(n: int) -> list[str]:
    topics = ["the weather", "a football match", "interest rates", "a new phone", "bread recipes",
              "the city council", "a mountain hike", "machine learning", "jazz music", "gardening"]
    return [f"Sentence {i}: a short note about {topics[i % len(topics)]} and what people "
            f"said about it on day {i % 31}." for i in range(n)]


def timed(run, batches: list[list[str]]) -> float:
    start = time.perf_counter()
    for batch in batches:
        run(batch)
    return sum(map(len, batches)) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import openai

    from oai_notebook import sandbox
    from oai_notebook.sandbox.engines import embedder

    texts = sample_texts(args.batch * args.batches)
    batches = [texts[i:i + args.batch] for i in range(0, len(texts), args.batch)]

    engine = embedder.load()
    with sandbox.start(temporary=True) as box:
        client = openai.OpenAI(base_url=box.base_url, api_key="sk-bench", max_retries=0)

        def served(fmt: str):
            return lambda batch: client.embeddings.create(
                model="text-embedding-3-small", input=batch, encoding_format=fmt)

        runners = {"direct ONNX": engine.embed_texts, "sandbox base64": served("base64"),
                   "sandbox float": served("float")}
        for run in runners.values():
            run(batches[0])  # warm up (the sandbox loads its model here)
        best = dict.fromkeys(runners, 0.0)
        for _ in range(args.rounds):  # interleaved, so background load hits every side alike
            for name, run in runners.items():
                best[name] = max(best[name], timed(run, batches))
    direct = best["direct ONNX"]
    print(f"{len(texts)} texts in batches of {args.batch}, best of {args.rounds} rounds")
    for name, value in best.items():
        print(f"{name:15}: {value:7.1f} embeddings/s = {value / direct:.2f} x direct")

if __name__ == "__main__":
    main()
