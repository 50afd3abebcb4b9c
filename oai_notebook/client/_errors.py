"""The error hierarchy, shaped like the official SDK's, and error-body parsing."""

from __future__ import annotations

import json
from typing import Any

import httpx


class OpenAIError(Exception):
    """Base of every error this client raises."""


class APIError(OpenAIError):
    """An error from the API, or while talking to it."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        body: Any = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.type = type
        self.code = code
        self.param = param

    def __str__(self) -> str:
        return self.message


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status."""

    status_code: int = 0

    def __init__(self, message: str, *, response: httpx.Response, **fields: Any) -> None:
        super().__init__(message, request=response.request, **fields)
        self.response = response
        self.status_code = response.status_code
        self.request_id: str | None = response.headers.get("x-request-id")
        self.inner_error: Any = None

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    @property
    def rate_limits(self):
        from ._objects import RateLimits

        return RateLimits.from_headers(self.response.headers)

    def __str__(self) -> str:
        details = ", ".join(
            f"{name}={value}"
            for name, value in (("type", self.type), ("code", self.code), ("param", self.param))
            if value
        )
        text = f"Error code: {self.status_code} - {self.message}"
        if details:
            text += f" ({details})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    status_code = 500


class APIConnectionError(APIError):
    """The request never got an HTTP answer (DNS, refused connection, reset...)."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request | None = None):
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    def __init__(self, request: httpx.Request | None = None) -> None:
        super().__init__("Request timed out.", request=request)


class ParameterError(OpenAIError, ValueError):
    """A request the client refuses to send, because the API would reject it."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_fields(body: Any, fallback: str) -> dict[str, Any]:
    """message/type/code/param from an OpenAI-shaped body, or the best that other shapes offer."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, str):  # {"error": "model not found"} (Ollama and others)
            return {"message": error}
        if isinstance(error, dict):
            message = error.get("message") or body.get("message") or body.get("detail")
            if isinstance(message, list):  # FastAPI validation details
                message = "; ".join(str(m.get("msg", m)) if isinstance(m, dict) else str(m) for m in message)
            code = error.get("code")
            return {
                "message": str(message) if message else fallback,
                "type": error.get("type"),
                "code": str(code) if code is not None else None,
                "param": error.get("param"),
            }
    if isinstance(body, str) and body.strip():
        return {"message": _short(body)}
    return {"message": fallback}


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for a 4xx/5xx response (whose body has been read)."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = response.text
    fields = error_fields(body, fallback=response.reason_phrase or f"HTTP {response.status_code}")
    cls = _STATUS_ERRORS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    error = cls(fields.pop("message"), response=response, body=body, **fields)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error.inner_error = body["error"].get("innererror")  # Azure content filter details
    return error


def stream_error(data: Any, request: httpx.Request | None) -> APIError:
    """An `{"error": ...}` frame inside an SSE stream."""
    fields = error_fields(data, fallback="An error occurred during streaming")
    return APIError(fields.pop("message"), request=request, body=data, **fields)
