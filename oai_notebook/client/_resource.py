"""The base of every API resource: turns keyword arguments into one request on the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._client import BaseClient

_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")


class Resource:
    """A group of API operations. The same class serves Client (results) and AsyncClient (awaitables)."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def _request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        in_query: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Send `params` as the JSON body (or the query, with in_query); per-call options are split off."""
        params = dict(params or {})
        options = {name: params.pop(name) for name in _OPTIONS if name in params}
        extra_body = options.pop("extra_body", None)
        extra_query = options.pop("extra_query", None)
        extra_headers = options.pop("extra_headers", None)
        if extra_body:
            params.update(extra_body)
        if in_query:
            query = {k: v for k, v in params.items() if v is not None}
            body = None
        else:
            query = None
            body = params if (params or method == "POST") else None
        if extra_query:
            query = {**(query or {}), **extra_query}
        if extra_headers:
            kwargs["headers"] = {**kwargs.get("headers", {}), **extra_headers}
        if "timeout" in options:
            kwargs["timeout"] = options["timeout"]
        if "max_retries" in options:
            kwargs["max_retries"] = options["max_retries"]
        if kwargs.get("files"):
            body = {k: v for k, v in (body or {}).items() if k not in kwargs["files"]}
        return self._client.request(method, path, body=body, query=query, **kwargs)

    def _get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self._request("GET", path, params, in_query=True, **kwargs)

    def _list(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self._request("GET", path, params, in_query=True, page=True, **kwargs)

    def _post(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self._request("POST", path, params, **kwargs)

    def _delete(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self._request("DELETE", path, params, in_query=True, **kwargs)


def drop_none(params: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments left at None are not sent."""
    return {k: v for k, v in params.items() if v is not None}


class WithStreamingResponse:
    """`resource.with_streaming_response.create(...)`: the body is read as it arrives (SDK-compatible)."""

    def __init__(self, resource: Resource) -> None:
        self._resource = resource

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._resource, name)
        if "_stream_response" not in getattr(method, "__func__", method).__code__.co_varnames:
            raise AttributeError(f"{name}() has no streaming response; call it directly")

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, _stream_response=True, **kwargs)
            if self._resource._client.is_async:
                from ._streaming import AsyncResponseContext

                return AsyncResponseContext(result)
            return result

        return call
