"""Legacy text completions: `client.completions.create(model=..., prompt=...)`."""

from __future__ import annotations

from typing import Any

from .._resource import Resource


class Completions(Resource):
    def create(self, *, model: str, prompt: Any, stream: bool = False, **params: Any) -> Any:
        """Create a completion; with stream=True, a Stream of chunks."""
        body = {"model": model, "prompt": prompt, **params}
        if stream:
            body["stream"] = True
        return self._post("/completions", body, model=model, stream=stream)
