"""The sandbox's ASGI app: routes, OpenAI-shaped errors, API-key check and rate limits."""

from __future__ import annotations

import hmac
import importlib
import inspect
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .catalog import Catalog, LocalModel
from .config import SandboxConfig
from .engines import EngineRegistry
from .errors import SandboxError
from .http import SandboxState
from .ratelimit import RateLimiter
from .storage import Storage

log = logging.getLogger("oai_notebook.sandbox")

# Route modules by name; one still being written must not stop the others from starting.
ROUTE_MODULES = (
    "models", "chat", "completions", "files", "images",
    "embeddings", "moderations", "audio",
)

ENGINE_MODULES = ("llm", "painter", "embedder", "moderator", "speaker", "transcriber")


def _engine_factory(name: str, config: SandboxConfig, registry_ref: list[EngineRegistry]):
    """A factory calling engines/<name>.py's load(), passing `config`/`registry` if it takes them."""

    def load() -> Any:
        module = importlib.import_module(f"oai_notebook.sandbox.engines.{name}")
        accepted = inspect.signature(module.load).parameters
        offered = {"config": config, "registry": registry_ref[0]}
        return module.load(**{k: v for k, v in offered.items() if k in accepted})

    return load


def build_state(config: SandboxConfig) -> SandboxState:
    catalog = Catalog()
    if config.chat_model_path is not None:
        catalog = _catalog_with_chat_model(config)
    ref: list[EngineRegistry] = []
    engines = EngineRegistry({name: _engine_factory(name, config, ref) for name in ENGINE_MODULES})
    ref.append(engines)
    return SandboxState(config, catalog, engines, Storage(config.data_dir))


def _catalog_with_chat_model(config: SandboxConfig) -> Catalog:
    """The default catalog with the chat slot taken by the user's GGUF (its file stem is the id)."""
    from .catalog import CHAT_ALIASES, DEFAULT_MODELS

    custom = LocalModel(config.chat_model_path.stem, "chat", "user", ("gemma-3-270m", *CHAT_ALIASES))  # type: ignore[union-attr]
    return Catalog([custom, *(m for m in DEFAULT_MODELS if m.kind != "chat")])


def _load_routes() -> list[Route]:
    routes: list[Route] = []
    for name in ROUTE_MODULES:
        qualified = f"oai_notebook.sandbox.routes.{name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name != qualified:
                raise
            log.warning("sandbox route module %s is not available", name)
            continue
        routes.extend(module.routes)
    return routes


# ---------------------------------------------------------------- errors


def error_response(error: SandboxError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _sandbox_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SandboxError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        error = SandboxError(
            404, f"Invalid URL ({request.method} {request.url.path})", code="unknown_url"
        )
    elif exc.status_code == 405:
        error = SandboxError(
            405,
            f"Method {request.method} is not allowed for {request.url.path}.",
            code="method_not_allowed",
            headers=dict(exc.headers or {}),
        )
    else:
        error = SandboxError(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
    return error_response(error)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("sandbox internal error on %s %s", request.method, request.url.path)
    return error_response(
        SandboxError(500, f"The sandbox failed: {type(exc).__name__}: {exc}", type="server_error")
    )


# ---------------------------------------------------------------- auth + rate limits


class GateMiddleware:
    """Checks the API key (if the sandbox has one) and the RPM/TPM limits for /v1 requests."""

    def __init__(self, app: ASGIApp, config: SandboxConfig) -> None:
        self.app = app
        self.api_key = config.api_key
        self.limiter = RateLimiter(config.rpm, config.tpm)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        extra: dict[str, str] = {}
        try:
            self._check_key(headers)
            if self.limiter.enabled:
                extra = self.limiter.admit(self._estimate_tokens(headers))
        except SandboxError as error:
            await error_response(error)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and extra:
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in extra.items()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _check_key(self, headers: dict[str, str]) -> None:
        if not self.api_key:
            return
        auth = headers.get("authorization", "")
        scheme, _, given = auth.partition(" ")
        if not auth:
            raise SandboxError(
                401,
                "You didn't provide an API key. This sandbox was started with a key: send it in "
                "an Authorization header (Authorization: Bearer YOUR_KEY).",
                code="missing_api_key",
            )
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), self.api_key.encode()
        ):
            raise SandboxError(
                401, "Incorrect API key provided for this sandbox.", code="invalid_api_key"
            )

    @staticmethod
    def _estimate_tokens(headers: dict[str, str]) -> int:
        """About four bytes of request per token, as a cheap pre-admission estimate."""
        length = headers.get("content-length", "0")
        return max(1, int(length) // 4) if length.isdigit() else 1


# ---------------------------------------------------------------- the app


def build_app(config: SandboxConfig, state: SandboxState | None = None) -> Starlette:
    """The sandbox Starlette app; its state (engines, storage) is built from `config`."""
    from starlette.middleware import Middleware

    app = Starlette(
        routes=_load_routes(),
        middleware=[Middleware(GateMiddleware, config=config)],
        exception_handlers={
            SandboxError: _sandbox_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.sandbox = state or build_state(config)
    return app
