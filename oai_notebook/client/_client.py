"""Client and AsyncClient: one request path (auth, retries, errors, streams, pages) for every resource."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from typing import Any

import httpx

from ._config import DEFAULT_CONNECT_TIMEOUT, Settings, azure_settings, mask_key, openai_settings
from ._errors import APIConnectionError, APIStatusError, APITimeoutError, status_error
from ._files import Upload, form_fields
from ._objects import APIObject, BinaryResponse, TextResponse, attach, jsonable, loads
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._retry import RetryEvent, retry_delay, should_retry
from ._streaming import AsyncStream, AsyncStreamedBinary, Stream, StreamedBinary, chunk_parser

log = logging.getLogger("oai_notebook.client")

RetryCallback = Callable[[RetryEvent], None]
_NOT_GIVEN: Any = httpx.USE_CLIENT_DEFAULT


class _Prepared:
    """A request ready to send (and to rebuild for a retry)."""

    __slots__ = ("build", "uploads", "stream")

    def __init__(self, build: Callable[[], httpx.Request], uploads: list[Upload], stream: bool) -> None:
        self.build = build
        self.uploads = uploads
        self.stream = stream

    def close(self) -> None:
        for upload in self.uploads:
            upload.close()


def _timeout(value: Any) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(value, connect=DEFAULT_CONNECT_TIMEOUT if value is None else min(value, DEFAULT_CONNECT_TIMEOUT))


class BaseClient:
    """What Client and AsyncClient share: settings, resources, request building and result parsing.

    Arguments default to OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID.
    `http_client` takes your own httpx client (proxies, transports); `on_retry` is told of each retry.
    """

    is_async = False
    _stream_cls: Any = Stream
    _binary_stream_cls: Any = StreamedBinary
    _page_cls: Any = SyncPage

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: float | httpx.Timeout | None = 600.0,
        max_retries: int = 2,
        default_headers: dict[str, str] | None = None,
        default_query: dict[str, str] | None = None,
        http_client: Any = None,
        on_retry: RetryCallback | None = None,
        check_reasoning_params: bool = True,
        _settings: Settings | None = None,
    ) -> None:
        settings = _settings or openai_settings(
            api_key=api_key, base_url=base_url, organization=organization, project=project,
            timeout=timeout, max_retries=max_retries, default_headers=dict(default_headers or {}),
            default_query=dict(default_query or {}), check_reasoning_params=check_reasoning_params,
        )
        self.settings = settings
        self.on_retry = on_retry
        self._base_url = settings.base_url
        self._query = settings.query()
        owned = http_client is None
        self._owns_http = owned
        headers = settings.static_headers()
        if settings.azure_ad_token_provider is None:
            headers.update(settings.auth_headers())
            self._auth_per_request = False
        else:
            self._auth_per_request = True
        # Our own httpx client carries the fixed headers; a caller's client gets them per request.
        self._request_headers = None if owned else headers
        self._timeout = _timeout(settings.timeout)
        self._http = http_client if not owned else self._make_http(headers)

    _make_http: Callable[[dict[str, str]], Any]  # Client and AsyncClient build their httpx client

    # -- configuration ---------------------------------------------------------------------
    @property
    def api_key(self) -> str | None:
        return self.settings.api_key

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def max_retries(self) -> int:
        return self.settings.max_retries

    def with_options(self, **changes: Any):
        """A client with some settings changed (timeout, max_retries, ...) sharing this connection pool."""
        clone = object.__new__(type(self))
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if not _is_resource(v)})
        clone.settings = replace(self.settings, **changes)
        clone._query = clone.settings.query()
        clone._base_url = clone.settings.base_url
        clone._timeout = _timeout(clone.settings.timeout)
        clone._owns_http = False
        # Request-level headers override the shared pool's defaults (a changed key, say).
        clone._request_headers = {**clone.settings.static_headers(), **clone.settings.auth_headers()}
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r}, api_key={mask_key(self.api_key)!r})"

    # -- resources -------------------------------------------------------------------------
    @cached_property
    def chat(self):
        from .resources.chat import Chat

        return Chat(self)

    @cached_property
    def completions(self):
        from .resources.completions import Completions

        return Completions(self)

    @cached_property
    def embeddings(self):
        from .resources.embeddings import Embeddings

        return Embeddings(self)

    @cached_property
    def images(self):
        from .resources.images import Images

        return Images(self)

    @cached_property
    def audio(self):
        from .resources.audio import Audio

        return Audio(self)

    @cached_property
    def moderations(self):
        from .resources.moderations import Moderations

        return Moderations(self)

    @cached_property
    def models(self):
        from .resources.models import Models

        return Models(self)

    @cached_property
    def files(self):
        from .resources.files import Files

        return Files(self)

    @cached_property
    def fine_tuning(self):
        from .resources.fine_tuning import FineTuning

        return FineTuning(self)

    @cached_property
    def batches(self):
        from .resources.batches import Batches

        return Batches(self)

    @cached_property
    def beta(self):
        from .resources.beta import Beta

        return Beta(self)

    @cached_property
    def vector_stores(self):
        from .resources.vector_stores import VectorStores

        return VectorStores(self)

    # -- building requests -----------------------------------------------------------------
    def _prepare(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None,
        stream: bool,
        body: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: Any = _NOT_GIVEN,
        model: str | None = None,
    ) -> _Prepared:
        url = self._base_url + self.settings.path_for(path, model)
        params = {**self._query, **query} if query else (self._query or None)
        request_headers = self._request_headers
        if headers or self._auth_per_request:
            request_headers = {**(request_headers or {}), **(headers or {})}
            if self._auth_per_request:
                request_headers.update(self.settings.auth_headers())
        if stream:
            request_headers = {**(request_headers or {}), "Accept": "text/event-stream"}
        timeout = self._timeout if timeout is _NOT_GIVEN else _timeout(timeout)
        build_request = self._http.build_request
        if files:
            uploads = _uploads(files)
            data = form_fields(body or {})

            def build() -> httpx.Request:
                parts = [(name, upload.part()) for name, upload in uploads]
                return build_request(
                    method, url, params=params, headers=request_headers, data=data, files=parts, timeout=timeout
                )

            return _Prepared(build, [upload for _, upload in uploads], stream)
        if body is not None:
            content = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=jsonable).encode()
            request_headers = {**(request_headers or {}), "Content-Type": "application/json"}
        else:
            content = None

        def build() -> httpx.Request:
            return build_request(
                method, url, params=params, headers=request_headers, content=content, timeout=timeout
            )

        return _Prepared(build, [], stream)

    def _retry_or_raise(
        self,
        retries: int,
        max_retries: int,
        request: httpx.Request,
        exc: httpx.TransportError | None = None,
        response: httpx.Response | None = None,
    ) -> float:
        """The wait before the next try, or raise the error if this failure is final."""
        if exc is not None:
            error: Exception = _connection_error(exc, request)
            final = retries >= max_retries
            headers, status = None, None
        else:
            error = status_error(response)
            headers, status = response.headers, response.status_code
            final = retries >= max_retries or not should_retry(status, headers)
        if final:
            raise error from exc
        event = RetryEvent(retries + 1, max_retries, retry_delay(retries, headers), _failure_reason(error), status)
        log.info("%s", event)
        if self.on_retry is not None:
            self.on_retry(event)
        return event.delay

    def _finish(
        self,
        response: httpx.Response,
        path: str,
        *,
        stream: bool,
        stream_parse: Callable[[str | None, Any], Any],
        kind: str,
        cast: Callable[[Any], Any] | None,
        page: bool,
        query: dict[str, Any] | None,
        options: dict[str, Any],
    ) -> Any:
        """The user's result: a stream, a streamed body, a page, or the parsed response."""
        if stream:
            return self._stream_cls(response, stream_parse)
        if kind == "binary_stream":
            return self._binary_stream_cls(response)
        result = self._result(response, kind, cast)
        if page:
            page_options = {k: options[k] for k in ("headers", "timeout", "max_retries") if k in options}
            return self._page_cls(self, result, path, dict(query or {}), page_options)
        return result

    @staticmethod
    def _result(response: httpx.Response, kind: str, cast: Callable[[Any], Any] | None) -> Any:
        if kind == "binary":
            result: Any = BinaryResponse(response.content, response.headers.get("content-type"))
        else:
            content_type = response.headers.get("content-type", "")
            if "json" in content_type or (kind == "json" and not content_type.startswith("text/")):
                result = loads(response.content) if response.content else APIObject()
            else:
                result = TextResponse(response.text)
            if cast is not None:
                result = cast(result)
        return attach(result, response)


def _uploads(files: dict[str, Any]) -> list[tuple[str, Upload]]:
    """(field, Upload) pairs; a list value becomes repeated `field[]` parts."""
    uploads = []
    for name, value in files.items():
        if value is None:
            continue
        if isinstance(value, list):
            field = name if name.endswith("[]") else f"{name}[]"
            uploads.extend((field, Upload(item, default_name=name)) for item in value)
        else:
            uploads.append((name, Upload(value, default_name=name)))
    return uploads


def _is_resource(value: Any) -> bool:
    return hasattr(value, "_client") and not isinstance(value, (str, bytes))


def _failure_reason(error: Exception) -> str:
    if isinstance(error, APIStatusError):
        return f"{type(error).__name__} ({error.status_code}): {error.message}"
    return f"{type(error).__name__}: {error}"


def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(f"Connection error: {exc}" if str(exc) else "Connection error.", request=request)


class Client(BaseClient):
    """A synchronous client for the OpenAI API or any OpenAI-compatible server."""

    def _make_http(self, headers: dict[str, str]) -> httpx.Client:
        return httpx.Client(
            headers=headers,
            timeout=_timeout(self.settings.timeout),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            follow_redirects=True,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        max_retries: int | None = None,
        stream: bool = False,
        stream_parse: Callable[[str | None, Any], Any] = chunk_parser,
        kind: str = "json",
        cast: Callable[[Any], Any] | None = None,
        page: bool = False,
        **options: Any,
    ) -> Any:
        """Send one API request and return its result (the path is relative to base_url).

        `options`: body, files, headers, timeout, model (see BaseClient._prepare).
        """
        prepared = self._prepare(method, path, query=query, stream=stream or kind == "binary_stream", **options)
        try:
            response = self._send(prepared, self.settings.max_retries if max_retries is None else max_retries)
        finally:
            prepared.close()
        options["max_retries"] = max_retries
        return self._finish(
            response, path, stream=stream, stream_parse=stream_parse, kind=kind, cast=cast, page=page,
            query=query, options=options,
        )

    def _send(self, prepared: _Prepared, max_retries: int) -> httpx.Response:
        retries = 0
        while True:
            request = prepared.build()
            try:
                response = self._http.send(request, stream=prepared.stream)
            except httpx.TransportError as exc:
                delay = self._retry_or_raise(retries, max_retries, request, exc=exc)
            else:
                if response.status_code < 400:
                    return response
                response.read()
                response.close()
                delay = self._retry_or_raise(retries, max_retries, request, response=response)
            time.sleep(delay)
            retries += 1

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class AsyncClient(BaseClient):
    """The asyncio twin of Client. Its connection pool is sharded to stay fast with many requests in flight."""

    is_async = True
    _stream_cls = AsyncStream
    _binary_stream_cls = AsyncStreamedBinary
    _page_cls = AsyncPage

    def _make_http(self, headers: dict[str, str]) -> httpx.AsyncClient:
        from ._transport import ShardedAsyncTransport

        return httpx.AsyncClient(
            headers=headers,
            timeout=_timeout(self.settings.timeout),
            transport=ShardedAsyncTransport(),
            follow_redirects=True,
        )

    def request(self, method: str, path: str, *, page: bool = False, **kwargs: Any) -> Any:
        """Like Client.request, but returns an awaitable (or, for lists, an AsyncPaginator)."""
        if page:
            return AsyncPaginator(lambda: self._request(method, path, page=True, **kwargs))
        return self._request(method, path, **kwargs)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        max_retries: int | None = None,
        stream: bool = False,
        stream_parse: Callable[[str | None, Any], Any] = chunk_parser,
        kind: str = "json",
        cast: Callable[[Any], Any] | None = None,
        page: bool = False,
        **options: Any,
    ) -> Any:
        prepared = self._prepare(method, path, query=query, stream=stream or kind == "binary_stream", **options)
        try:
            response = await self._send(prepared, self.settings.max_retries if max_retries is None else max_retries)
        finally:
            prepared.close()
        options["max_retries"] = max_retries
        return self._finish(
            response, path, stream=stream, stream_parse=stream_parse, kind=kind, cast=cast, page=page,
            query=query, options=options,
        )

    async def _send(self, prepared: _Prepared, max_retries: int) -> httpx.Response:
        retries = 0
        while True:
            request = prepared.build()
            try:
                response = await self._http.send(request, stream=prepared.stream)
            except httpx.TransportError as exc:
                delay = self._retry_or_raise(retries, max_retries, request, exc=exc)
            else:
                if response.status_code < 400:
                    return response
                await response.aread()
                await response.aclose()
                delay = self._retry_or_raise(retries, max_retries, request, response=response)
            import asyncio

            await asyncio.sleep(delay)
            retries += 1

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()


class _AzureMixin:
    def __init__(self, *, http_client: Any = None, on_retry: RetryCallback | None = None, **options: Any) -> None:
        """Options: azure_endpoint, api_version, api_key, azure_ad_token, azure_ad_token_provider,
        azure_deployment, base_url, organization, project, timeout, max_retries, default_headers,
        default_query, check_reasoning_params."""
        settings = azure_settings(**options)
        super().__init__(http_client=http_client, on_retry=on_retry, _settings=settings)


class AzureClient(_AzureMixin, Client):
    """Client for Azure OpenAI: `/openai/deployments/{deployment}/...`, `api-version`, `api-key`.

    Arguments default to AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN) and
    OPENAI_API_VERSION. The deployment is `azure_deployment`, or else each call's `model`.
    """


class AsyncAzureClient(_AzureMixin, AsyncClient):
    """The asyncio twin of AzureClient."""
