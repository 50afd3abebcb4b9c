"""Moderations: `client.moderations.create(input=..., model="omni-moderation-latest")`."""

from __future__ import annotations

from typing import Any

from .._resource import Resource, drop_none


class Moderations(Resource):
    def create(self, *, input: Any, model: str | None = None, **params: Any) -> Any:
        return self._post("/moderations", drop_none({"input": input, "model": model, **params}), model=model)
