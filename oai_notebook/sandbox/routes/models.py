"""/v1/models: the local models under their own ids (OpenAI ids resolve to them)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from ..catalog import LocalModel
from ..errors import SandboxError, not_found
from ..http import json_response, sandbox

# A fixed creation time keeps responses stable (2025-08-14, Gemma 3 270M's release).
CREATED = 1755129600


def model_object(model: LocalModel) -> dict:
    return {"id": model.id, "object": "model", "created": CREATED, "owned_by": model.owned_by}


def _lookup(request: Request) -> LocalModel:
    name = request.path_params["model"]
    model = sandbox(request).catalog.lookup(name)
    if model is None:
        raise not_found(
            f"The model '{name}' does not exist", param="model", code="model_not_found"
        )
    return model


async def list_models(request: Request):
    models = sandbox(request).catalog.models
    return json_response({"object": "list", "data": [model_object(m) for m in models]})


async def retrieve_model(request: Request):
    return json_response(model_object(_lookup(request)))


async def delete_model(request: Request):
    model = _lookup(request)
    raise SandboxError(
        403,
        f"The model '{model.id}' is built into the sandbox and cannot be deleted.",
        type="invalid_request_error",
        param="model",
        code="model_not_deletable",
    )


routes = [
    Route("/v1/models", list_models, methods=["GET"]),
    Route("/v1/models/{model:path}", retrieve_model, methods=["GET"]),
    Route("/v1/models/{model:path}", delete_model, methods=["DELETE"]),
]
