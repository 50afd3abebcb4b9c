"""/v1/images/*: pictures drawn by the deterministic Pillow painter, as b64_json or served URLs."""

from __future__ import annotations

import base64
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog import LocalModel
from ..engines.painter import ImageInputError
from ..errors import bad_request, not_found
from ..http import SandboxState, json_response, read_form, read_json, sandbox, uploaded_all

MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def _note(prompt: str) -> str:
    return (
        "Drawn by the sandbox's deterministic Pillow painter (no image model runs offline), "
        f"from the prompt: {prompt}"
    )


def _size(size: str | None) -> tuple[int, int]:
    """WIDTHxHEIGHT (or "auto" = 1024x1024) within the rules OpenAI gives for free sizes."""
    if not size or size == "auto":
        return 1024, 1024
    width, _, height = size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise bad_request(f"Invalid size {size!r}: expected WIDTHxHEIGHT, e.g. 1024x1024.", "size")
    w, h = int(width), int(height)
    if (
        w % 16 or h % 16 or min(w, h) < 256 or max(w, h) > 3840 or w * h > 3840 * 2160
        or max(w, h) > 3 * min(w, h)
    ):
        raise bad_request(
            f"Invalid size {size!r}: width and height must be multiples of 16 between 256 and "
            "3840, at most 3840x2160 pixels, with an aspect ratio between 1:3 and 3:1.",
            "size",
        )
    return w, h


def _check_request(body: dict[str, Any]) -> None:
    if body.get("stream"):
        raise bad_request("The sandbox's painter does not stream partial images.", "stream")
    if body.get("model") == "dall-e-3" and (body.get("n") or 1) > 1:
        raise bad_request("You requested n > 1 with dall-e-3, which supports only n=1.", "n")


def _is_gpt_image(requested: str | None) -> bool:
    return bool(requested) and requested.startswith(("gpt-image", "chatgpt-image"))


def _resolve(state: SandboxState, body: dict[str, Any], default: str) -> LocalModel:
    _check_request(body)
    return state.catalog.resolve("images", body.get("model") or default)


async def _respond(state: SandboxState, body: dict[str, Any], images: list, prompt: str) -> Response:
    """Encode pictures as b64_json or as URLs the sandbox serves, in an ImagesResponse."""
    gpt_image = _is_gpt_image(body.get("model"))
    if gpt_image and body.get("response_format"):
        raise bad_request(
            "response_format is not supported for GPT image models (they return b64_json).",
            param="response_format",
        )
    response_format = body.get("response_format") or ("b64_json" if gpt_image else "url")
    output_format = body.get("output_format") or "png"
    painter = state.engines.get("painter")
    data = []
    for image in images:
        encoded = await run_in_threadpool(
            painter.encode, image, output_format, body.get("output_compression")
        )
        item: dict[str, Any] = {"revised_prompt": _note(prompt)}
        if response_format == "b64_json":
            item["b64_json"] = base64.b64encode(encoded).decode()
        else:
            blob_id = await run_in_threadpool(
                state.store.put_blob, encoded, MEDIA_TYPES[output_format], "img"
            )
            item["url"] = f"{state.base_url}/sandbox/images/{blob_id}.{output_format}"
        data.append(item)
    width, height = images[0].size
    result: dict[str, Any] = {"created": int(time.time()), "data": data}
    if gpt_image:
        result.update(output_format=output_format)
        if f"{width}x{height}" in ("1024x1024", "1024x1536", "1536x1024"):
            result["size"] = f"{width}x{height}"
    return json_response(result)


async def create_image(request: Request):
    body = await read_json(request, "createImage")
    state = sandbox(request)
    _resolve(state, body, "dall-e-2")
    width, height = _size(body.get("size"))
    painter = state.engines.get("painter")
    n = body.get("n") or 1
    images = [
        await run_in_threadpool(painter.paint, body["prompt"], width, height, index)
        for index in range(n)
    ]
    return await _respond(state, body, images, body["prompt"])


async def _read_image_form(request: Request, operation_id: str) -> tuple[dict, dict]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise bad_request(
            "The sandbox takes image uploads as multipart/form-data (as the SDKs send them).",
        )
    return await read_form(request, operation_id)


async def create_image_edit(request: Request):
    body, uploads = await _read_image_form(request, "createImageEdit")
    state = sandbox(request)
    _resolve(state, body, "dall-e-2")
    images = uploaded_all(request, "image")
    if not images:
        raise bad_request("Missing required parameter: 'image'.", param="image")
    image_bytes = await images[0].read()
    mask = uploads.get("mask")
    mask_bytes = await mask.read() if mask is not None else None
    size = body.get("size")
    painter = state.engines.get("painter")
    if not size or size == "auto":
        width, height = _input_size(image_bytes)
    else:
        width, height = _size(size)
    results = [
        await _paint_input(painter.edit, image_bytes, mask_bytes, body["prompt"], width, height, i)
        for i in range(body.get("n") or 1)
    ]
    return await _respond(state, body, results, body["prompt"])


async def create_image_variation(request: Request):
    body, uploads = await _read_image_form(request, "createImageVariation")
    state = sandbox(request)
    _resolve(state, body, "dall-e-2")
    image_bytes = await uploads["image"].read()
    width, height = _size(body.get("size"))
    painter = state.engines.get("painter")
    results = [
        await _paint_input(painter.vary, image_bytes, width, height, i)
        for i in range(body.get("n") or 1)
    ]
    return await _respond(state, body, results, "a variation of the uploaded image")


def _input_size(image_bytes: bytes) -> tuple[int, int]:
    from ..engines.painter import open_image

    try:
        return open_image(image_bytes, "image").size
    except ImageInputError as exc:
        raise bad_request(exc.args[0], param=exc.args[1]) from None


async def _paint_input(function, *args):
    try:
        return await run_in_threadpool(function, *args)
    except ImageInputError as exc:
        raise bad_request(exc.args[0], param=exc.args[1]) from None


async def serve_image(request: Request):
    name = request.path_params["name"]
    blob_id = name.rsplit(".", 1)[0]
    try:
        found = await run_in_threadpool(sandbox(request).store.get_blob, blob_id)
    except KeyError:
        found = None
    if found is None:
        raise not_found(f"No image {name} in this sandbox.")
    data, media_type = found
    return Response(data, media_type=media_type, headers={"cache-control": "max-age=3600"})


routes = [
    Route("/v1/images/generations", create_image, methods=["POST"]),
    Route("/v1/images/edits", create_image_edit, methods=["POST"]),
    Route("/v1/images/variations", create_image_variation, methods=["POST"]),
    Route("/sandbox/images/{name}", serve_image, methods=["GET"]),
]
