"""/v1/files: upload, list, retrieve, delete and download, stored in the sandbox's data dir."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import bad_request, not_found
from ..http import json_response, read_form, sandbox
from ..storage import FileRecord

PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")


async def create_file(request: Request):
    fields, uploads = await read_form(request, "createFile")
    upload = uploads.get("file")
    if upload is None:
        raise bad_request("Missing required parameter: 'file'.", param="file")
    data = await upload.read()
    expires = fields.get("expires_after")
    seconds = expires.get("seconds") if isinstance(expires, dict) else None
    store = sandbox(request).store
    record = await run_in_threadpool(
        store.add_file, data, upload.filename or "upload", fields["purpose"], seconds
    )
    return json_response(record.to_api())


def _int_query(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Invalid '{name}': expected an integer, got {raw!r}.", param=name) from None
    if not low <= value <= high:
        raise bad_request(f"Invalid '{name}': must be between {low} and {high}.", param=name)
    return value


async def list_files(request: Request):
    query = request.query_params
    limit = _int_query(request, "limit", 10000, 1, 10000)
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise bad_request("Invalid 'order': must be 'asc' or 'desc'.", param="order")
    after = query.get("after")
    records, has_more = await run_in_threadpool(
        sandbox(request).store.list_files, query.get("purpose"), limit, order, after
    )
    data = [record.to_api() for record in records]
    return json_response({
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else "",  # the spec types these as strings
        "last_id": data[-1]["id"] if data else "",
        "has_more": has_more,
    })


async def _record(request: Request) -> FileRecord:
    file_id = request.path_params["file_id"]
    record = await run_in_threadpool(sandbox(request).store.get_file, file_id)
    if record is None:
        raise not_found(f"No such File object: {file_id}", param="id")
    return record


async def retrieve_file(request: Request):
    return json_response((await _record(request)).to_api())


async def delete_file(request: Request):
    record = await _record(request)
    await run_in_threadpool(sandbox(request).store.delete_file, record.id)
    return json_response({"id": record.id, "object": "file", "deleted": True})


async def download_file(request: Request):
    record = await _record(request)
    data = await run_in_threadpool(sandbox(request).store.file_content, record.id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="{record.filename}"'},
    )


routes = [
    Route("/v1/files", create_file, methods=["POST"]),
    Route("/v1/files", list_files, methods=["GET"]),
    Route("/v1/files/{file_id}", retrieve_file, methods=["GET"]),
    Route("/v1/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/v1/files/{file_id}/content", download_file, methods=["GET"]),
]
