"""POST /v1/moderations: the sandbox's MiniLM-based classifier (see engines/moderator.py)."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ..errors import bad_request
from ..http import json_response, read_json, sandbox

DEFAULT_MODEL = "omni-moderation-latest"


def _texts(raw: Any) -> list[str]:
    """One text per result: each string, or all text parts of a multi-modal input together."""
    if isinstance(raw, str):
        return [raw]
    if not raw:
        raise bad_request("'input' must not be empty.", "input")
    if all(isinstance(item, str) for item in raw):
        return list(raw)
    parts: list[str] = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("type") != "text":
            raise bad_request(
                "The sandbox's moderation model classifies text only; image inputs are not "
                "supported.",
                f"input[{n}]",
            )
        parts.append(item["text"])
    return ["\n".join(parts)]


async def create_moderation(request: Request) -> Any:
    body = await read_json(request, "createModeration")
    state = sandbox(request)
    model = state.catalog.resolve("moderations", body.get("model", DEFAULT_MODEL))
    texts = _texts(body["input"])
    engine = await run_in_threadpool(state.engines.get, "moderator")
    results = await run_in_threadpool(engine.moderate, texts)
    return json_response({"id": f"modr-{uuid.uuid4().hex}", "model": model.id, "results": results})


routes = [Route("/v1/moderations", create_moderation, methods=["POST"])]
