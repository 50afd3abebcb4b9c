"""Request and response helpers every sandbox route uses: parsing, validation, JSON and SSE."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from starlette.concurrency import iterate_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse

from .errors import SandboxError, bad_request

log = logging.getLogger("oai_notebook.sandbox")

if TYPE_CHECKING:
    from .catalog import Catalog
    from .config import SandboxConfig
    from .engines import EngineRegistry
    from .storage import Storage


@dataclass
class SandboxState:
    """Everything a route needs: engines, models, storage and settings."""

    config: SandboxConfig
    catalog: Catalog
    engines: EngineRegistry
    store: Storage
    base_url: str = ""  # the server's root URL (no /v1), set once the port is bound


def sandbox(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    if not state.base_url:  # an app served some other way: take the root from the request
        return replace(state, base_url=str(request.base_url).rstrip("/"))
    return state


# ---------------------------------------------------------------- reading requests


async def read_body(request: Request) -> bytes:
    """The raw body, refusing (413) anything over the configured upload limit."""
    limit = request.app.state.sandbox.config.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # lets Starlette's own form parser reuse what was read
    return body


def _too_large(limit: int) -> SandboxError:
    return SandboxError(
        413,
        f"Request body too large: the limit is {limit} bytes ({limit / 1_048_576:.1f} MB).",
        code="request_too_large",
    )


async def read_json(request: Request, operation_id: str) -> dict[str, Any]:
    """The JSON body as a dict, validated against the operation's request schema (400 otherwise)."""
    body = await read_body(request)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(
            f"We could not parse the JSON body of your request: {exc}. "
            "The body must be a valid JSON object."
        ) from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    validate_request(data, operation_id, "application/json")
    return data


async def read_form(
    request: Request, operation_id: str
) -> tuple[dict[str, Any], dict[str, UploadFile]]:
    """A multipart form as (plain fields, uploaded files), coerced and validated (400/413)."""
    await read_body(request)
    try:
        form = await request.form(max_files=64, max_fields=1000)
    except Exception as exc:  # malformed multipart bodies
        raise bad_request(f"Could not parse the multipart form body: {exc}") from None
    fields: dict[str, Any] = {}
    uploads: dict[str, list[UploadFile]] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            uploads.setdefault(key.removesuffix("[]"), []).append(value)
        else:
            _put_field(fields, key, value)
    fields = _coerce(fields, _request_schema(operation_id, "multipart/form-data"))
    to_validate = dict(fields)
    for name, many in uploads.items():
        to_validate[name] = "<file>" if len(many) == 1 else ["<file>"] * len(many)
    validate_request(to_validate, operation_id, "multipart/form-data")
    request.state.uploads = uploads
    return fields, {name: many[0] for name, many in uploads.items()}


def uploaded_all(request: Request, name: str) -> list[UploadFile]:
    """Every file uploaded under `name` (e.g. several `image[]` parts), after read_form."""
    return list(getattr(request.state, "uploads", {}).get(name, []))


def _put_field(fields: dict[str, Any], key: str, value: str) -> None:
    """Store `a`, `a[]` (list) and `a[b][c]` (nested) form keys the way JSON would carry them."""
    if key.endswith("[]"):
        fields.setdefault(key[:-2], []).append(value)
        return
    head, bracket, rest = key.partition("[")
    if not bracket or not rest.endswith("]"):
        fields[key] = value
        return
    inner = fields.setdefault(head, {})
    if isinstance(inner, dict):
        sub, _, more = rest[:-1].partition("][")
        _put_field(inner, f"{sub}[{more}]" if more else sub, value)


# ---------------------------------------------------------------- validation


def _request_schema(operation_id: str, media: str) -> dict[str, Any]:
    from oai_notebook import spec

    return _resolve(spec.request_schema(operation_id, media))


def _resolve(schema: Any) -> Any:
    from oai_notebook import spec

    while isinstance(schema, dict) and "$ref" in schema:
        schema = spec.load()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _types(schema: Any) -> set[str]:
    """All JSON types a (possibly nested anyOf/oneOf/$ref) schema allows."""
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return set()
    found: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(kind)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found |= _types(sub)
    if "enum" in schema and not found:
        found.add("string")
    return found


def _coerce(fields: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Turn form strings into the numbers, booleans and objects the schema asks for."""
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        sub = _resolve(props.get(key, {}))
        if isinstance(value, dict):
            out[key] = _coerce(value, _object_branch(sub))
        elif isinstance(value, list):
            item = _resolve(sub.get("items", {})) if isinstance(sub, dict) else {}
            out[key] = [_coerce_scalar(v, item) for v in value]
        else:
            out[key] = _coerce_scalar(value, sub)
    return out


def _object_branch(schema: Any) -> dict[str, Any]:
    schema = _resolve(schema)
    if isinstance(schema, dict) and "properties" in schema:
        return schema
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in (schema or {}).get(key, []):
            branch = _object_branch(sub)
            if branch:
                return branch
    return {}


def _coerce_scalar(value: Any, schema: Any) -> Any:
    if not isinstance(value, str):
        return value
    types = _types(schema)
    if not types or "string" in types:
        return value
    if "boolean" in types and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if "null" in types and value.lower() in ("null", ""):
        return None
    for kind, convert in (("integer", int), ("number", float)):
        if kind in types:
            try:
                return convert(value)
            except ValueError:
                pass
    if types & {"object", "array"}:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            pass
    return value


def validate_request(data: dict[str, Any], operation_id: str, media: str) -> None:
    """Raise a 400 naming the first offending parameter if `data` breaks the request schema."""
    from jsonschema.exceptions import best_match

    from oai_notebook import spec

    validator = spec.request_validator(operation_id, media)
    error = best_match(validator.iter_errors(data))
    if error is None:
        return
    raise bad_request(*_describe(error, data))


def _describe(error: Any, data: Any) -> tuple[str, str | None]:
    """A short readable message and the dotted `param` path for a jsonschema error."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = next((name for name in error.validator_value if name not in error.instance), None)
        if missing is not None:
            param = param_path([*path, missing])
            return f"Missing required parameter: '{param}'.", param
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        param = param_path([*path, extra[0]]) if extra else param_path(path)
        return f"Unrecognized request argument supplied: {', '.join(extra) or param}", param
    param = param_path(path) or None
    value = _short(error.instance)
    if error.validator in ("anyOf", "oneOf"):
        return f"Invalid value for '{param}': {value} is not a valid value here.", param
    return f"Invalid value for '{param}': {_short_message(error.message)}", param


def param_path(parts: Iterable[Any]) -> str:
    """['messages', 0, 'role'] -> 'messages[0].role'."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_message(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


# ---------------------------------------------------------------- responses


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=headers)


def _frame(event: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(event, separators=(',', ':'))}\n\n".encode()


def sse_response(
    events: AsyncIterator[dict[str, Any]] | Iterator[dict[str, Any]] | Iterable[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> StreamingResponse:
    """Server-sent events: one `data: {json}` frame per dict, then `data: [DONE]`.

    A sync iterator runs in the threadpool, so blocking model work never stalls the event loop.
    """

    async def frames() -> AsyncIterator[bytes]:
        source = events if hasattr(events, "__aiter__") else iterate_in_threadpool(iter(events))
        try:
            async for event in source:  # type: ignore[union-attr]
                yield _frame(event)
        except SandboxError as error:  # headers are gone: report it in the stream, as OpenAI does
            yield _frame(error.body())
        except Exception as exc:
            log.exception("sandbox stream failed")
            yield _frame(SandboxError(500, f"The sandbox failed: {exc}", type="server_error").body())
        yield b"data: [DONE]\n\n"

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", **(headers or {})},
    )
