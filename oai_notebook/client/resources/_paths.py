"""URL paths with their ids checked and escaped."""

from __future__ import annotations

from urllib.parse import quote


def url(template: str, **ids: str) -> str:
    """`url("/threads/{thread_id}", thread_id=tid)`, refusing empty ids (they would hit another endpoint)."""
    for name, value in ids.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return template.format(**{name: quote(value, safe="") for name, value in ids.items()})


def deep_object(name: str, value: dict[str, str] | None) -> dict[str, str]:
    """Query parameters for an OpenAPI deepObject: {"k": "v"} becomes `name[k]=v`."""
    return {f"{name}[{key}]": str(item) for key, item in (value or {}).items()}
