"""Light result objects: dicts with attribute access that keep the raw JSON and the HTTP metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class APIObject(dict):
    """A JSON object from the API. `obj.field` and `obj["field"]` both work.

    A missing field reads as None (as in the official SDK, where optional fields default to None).
    Top-level results also carry `.headers`, `.rate_limits`, `.request_id` and `.http_status`.
    """

    __slots__ = ("_http",)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __dir__(self) -> list[str]:
        return [*self.keys(), *super().__dir__()]

    def to_dict(self) -> dict[str, Any]:
        """A plain-dict deep copy (numpy arrays become lists)."""
        return json.loads(self.to_json())

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self, default=jsonable, **kwargs)

    @property
    def headers(self) -> Any:
        http = getattr(self, "_http", None)
        return http.headers if http is not None else None

    @property
    def http_status(self) -> int | None:
        http = getattr(self, "_http", None)
        return http.status_code if http is not None else None

    @property
    def request_id(self) -> str | None:
        headers = self.headers
        return headers.get("x-request-id") if headers is not None else None

    @property
    def rate_limits(self) -> RateLimits | None:
        headers = self.headers
        return RateLimits.from_headers(headers) if headers is not None else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_plain(self)!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"{type(self).__name__}(")
        printer.pretty(_plain(self))
        printer.text(")")


def _plain(value: Any) -> Any:
    """Nested plain dicts and lists, for reprs."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def jsonable(value: Any) -> Any:
    """The JSON encoder's fallback: numpy arrays and scalars become lists and numbers."""
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def loads(text: str | bytes) -> Any:
    """Parse JSON into APIObjects."""
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8")
    return _decode(text)


_decode = json.JSONDecoder(object_pairs_hook=APIObject).decode  # one decoder, not one per call


def attach(result: Any, response: Any) -> Any:
    """Attach the HTTP response metadata to a top-level result, where it can hold it."""
    if isinstance(result, (APIObject, BinaryResponse, TextResponse)):
        result._http = _HTTPMeta(response.status_code, response.headers)
    return result


class _HTTPMeta:
    __slots__ = ("status_code", "headers")

    def __init__(self, status_code: int, headers: Any) -> None:
        self.status_code = status_code
        self.headers = headers


def parse_duration(value: str | None) -> float | None:
    """Seconds from OpenAI's reset durations: '6m0s', '1s', '20ms', '1h2m3.5s', or a bare number."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    total, number = 0.0, ""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    i = 0
    while i < len(value):
        char = value[i]
        if char.isdigit() or char == ".":
            number += char
            i += 1
            continue
        unit = "ms" if value.startswith("ms", i) else char
        if unit not in units or not number:
            return None
        total += float(number) * units[unit]
        number = ""
        i += len(unit)
    return total if not number else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class RateLimits:
    """The `x-ratelimit-*` headers, parsed; resets are in seconds."""

    limit_requests: int | None = None
    limit_tokens: int | None = None
    remaining_requests: int | None = None
    remaining_tokens: int | None = None
    reset_requests: float | None = None
    reset_tokens: float | None = None

    @classmethod
    def from_headers(cls, headers: Any) -> RateLimits:
        get = headers.get
        return cls(
            limit_requests=_int(get("x-ratelimit-limit-requests")),
            limit_tokens=_int(get("x-ratelimit-limit-tokens")),
            remaining_requests=_int(get("x-ratelimit-remaining-requests")),
            remaining_tokens=_int(get("x-ratelimit-remaining-tokens")),
            reset_requests=parse_duration(get("x-ratelimit-reset-requests")),
            reset_tokens=parse_duration(get("x-ratelimit-reset-tokens")),
        )


class _HasHTTP:
    _http: _HTTPMeta | None = None

    @property
    def headers(self) -> Any:
        return self._http.headers if self._http else None

    @property
    def request_id(self) -> str | None:
        return self._http.headers.get("x-request-id") if self._http else None

    @property
    def rate_limits(self) -> RateLimits | None:
        return RateLimits.from_headers(self._http.headers) if self._http else None


class BinaryResponse(_HasHTTP):
    """Binary content (speech audio, file content) with its HTTP metadata."""

    def __init__(self, content: bytes, content_type: str | None = None) -> None:
        self.content = content
        self.content_type = content_type

    def read(self) -> bytes:
        return self.content

    def write_to(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.content)
        return path

    stream_to_file = write_to

    def __len__(self) -> int:
        return len(self.content)

    def __repr__(self) -> str:
        return f"BinaryResponse({len(self.content)} bytes, {self.content_type!r})"


class TextResponse(str, _HasHTTP):
    """Plain-text results (transcripts as text, srt or vtt) with their HTTP metadata."""

    _http = None
