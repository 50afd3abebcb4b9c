"""Models: list, retrieve, and delete (a fine-tuned model)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .._resource import Resource


class Models(Resource):
    def list(self, **params: Any) -> Any:
        """Every model: a page you can iterate."""
        return self._list("/models", params)

    def retrieve(self, model: str, **params: Any) -> Any:
        return self._get(f"/models/{quote(model, safe='')}", params)

    def delete(self, model: str, **params: Any) -> Any:
        return self._delete(f"/models/{quote(model, safe='')}", params)
