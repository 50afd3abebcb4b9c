"""POST /v1/embeddings on all-MiniLM-L6-v2 (384 dimensions; see engines/embedder.py).

Token-array inputs are ids of MiniLM's WordPiece vocabulary (without [CLS]/[SEP]), not tiktoken
ids: the sandbox's model cannot read another model's tokens.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ..errors import bad_request
from ..http import json_response, read_json, sandbox

MAX_INPUT_TOKENS = 8192  # OpenAI's per-input limit (the model reads the first 256)
MAX_REQUEST_TOKENS = 300_000  # OpenAI's per-request limit


def _inputs(raw: Any) -> tuple[list[str], list[list[int]]]:
    """(texts, token id lists): exactly one of them is non-empty."""
    if isinstance(raw, str):
        raw = [raw]
    if raw and all(isinstance(i, int) for i in raw):
        return [], [raw]
    if raw and all(isinstance(i, list) for i in raw):
        return [], raw
    for n, text in enumerate(raw):
        if not text:
            param = "input" if len(raw) == 1 else f"input[{n}]"
            raise bad_request(f"'{param}' cannot be an empty string.", param)
    return raw, []


def _vector(values: Any, encoding: str) -> Any:
    if encoding == "base64":
        return base64.b64encode(values.astype("<f4").tobytes()).decode("ascii")
    return values.tolist()


async def create_embedding(request: Request) -> Any:
    body = await read_json(request, "createEmbedding")
    state = sandbox(request)
    model = state.catalog.resolve("embeddings", body.get("model"))
    texts, id_lists = _inputs(body["input"])
    engine = await run_in_threadpool(state.engines.get, "embedder")
    from ..engines.embedder import DIMENSIONS, normalize

    dimensions = body.get("dimensions", DIMENSIONS)
    if dimensions > DIMENSIONS:
        raise bad_request(
            f"This model ({model.id}) makes {DIMENSIONS}-dimensional embeddings; "
            f"'dimensions' must be at most {DIMENSIONS}, not {dimensions}.",
            "dimensions",
        )
    if texts:
        id_lists = await run_in_threadpool(engine.tokenize, texts)
    counts = [len(ids) + 2 for ids in id_lists]  # + [CLS] and [SEP]
    for n, count in enumerate(counts):
        if count > MAX_INPUT_TOKENS:
            raise bad_request(
                f"Input {n} has {count} tokens; the maximum is {MAX_INPUT_TOKENS}.", "input"
            )
    total = sum(counts)
    if total > MAX_REQUEST_TOKENS:
        raise bad_request(
            f"The request has {total} tokens; the maximum is {MAX_REQUEST_TOKENS}.", "input"
        )
    try:
        result = await run_in_threadpool(engine.embed_ids, id_lists)
    except ValueError as exc:
        raise bad_request(f"Invalid token array in 'input': {exc}.", "input") from None
    vectors = result.vectors
    if dimensions < DIMENSIONS:
        vectors = normalize(vectors[:, :dimensions])
    encoding = body.get("encoding_format", "float")
    return json_response({
        "object": "list",
        "data": [
            {"object": "embedding", "index": i, "embedding": _vector(v, encoding)}
            for i, v in enumerate(vectors)
        ],
        "model": model.id,
        "usage": {"prompt_tokens": total, "total_tokens": total},
    })


routes = [Route("/v1/embeddings", create_embedding, methods=["POST"])]
