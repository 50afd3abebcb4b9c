"""The subset of OpenAI's OpenAPI spec (MIT, see LICENSE here) used for validation and tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).with_name("openapi-subset.json")


@cache
def load() -> dict[str, Any]:
    return json.loads(SPEC_FILE.read_text())


def operation(operation_id: str) -> dict[str, Any]:
    return load()["operations"][operation_id]


def request_schema(operation_id: str, media_type: str = "application/json") -> dict[str, Any]:
    return operation(operation_id)["request"][media_type]


def response_schema(
    operation_id: str, status: str = "200", media_type: str = "application/json"
) -> dict[str, Any]:
    return operation(operation_id)["responses"][status][media_type]


def validator(schema: dict[str, Any]):
    """A jsonschema validator for `schema` that resolves the spec's `#/components/...` refs."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator({**schema, "components": load()["components"]})


@cache
def request_validator(operation_id: str, media_type: str = "application/json"):
    return validator(request_schema(operation_id, media_type))


@cache
def response_validator(operation_id: str, status: str = "200", media_type: str = "application/json"):
    return validator(response_schema(operation_id, status, media_type))
