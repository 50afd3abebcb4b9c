"""Embeddings, decoded from base64 straight into one float32 numpy array of shape (n, d)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from .._objects import APIObject
from .._resource import Resource, drop_none

MAX_BATCH = 2048


class EmbeddingResult(APIObject):
    """The API's embedding list; `.array` is every vector as one (n, d) float32 array in input order.

    With the default encoding each `data[i].embedding` is a row of that array (a numpy view).
    """

    __slots__ = ("_array",)

    @property
    def array(self):
        array = getattr(self, "_array", None)
        if array is None:
            import numpy as np

            rows = sorted(self["data"], key=lambda item: item["index"])
            array = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
            self._array = array
        return array


def decode(obj: APIObject) -> EmbeddingResult:
    """Decode base64 vectors (or accept float lists) into one float32 array, rows in input order."""
    import numpy as np

    result = EmbeddingResult(obj)
    data = result.get("data") or []
    if not data:
        result._array = np.zeros((0, 0), dtype=np.float32)
        return result
    first = data[0]["embedding"]
    width = len(base64.b64decode(first)) // 4 if isinstance(first, str) else len(first)
    array = np.empty((len(data), width), dtype=np.float32)
    for position, item in enumerate(data):
        row = item.get("index", position)
        vector = item["embedding"]
        if isinstance(vector, str):
            array[row] = np.frombuffer(base64.b64decode(vector), dtype="<f4")
        else:
            array[row] = vector
        item["embedding"] = array[row]
    result._array = array
    return result


class Embeddings(Resource):
    def create(
        self,
        *,
        input: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
        model: str,
        encoding_format: str | None = None,
        dimensions: int | None = None,
        **params: Any,
    ) -> Any:
        """Embed `input`. By default asks for base64 and returns an EmbeddingResult (`.array`)."""
        body = drop_none(
            {"input": input, "model": model, "encoding_format": encoding_format or "base64",
             "dimensions": dimensions, **params}
        )
        cast = decode if encoding_format in (None, "base64") else EmbeddingResult
        return self._post("/embeddings", body, model=model, cast=cast)

    def embed(
        self,
        texts: Sequence[str],
        *,
        model: str,
        batch_size: int = MAX_BATCH,
        concurrency: int = 4,
        progress: Callable[[int, int], None] | None = None,
        **params: Any,
    ) -> Any:
        """Embed many texts in batches into one (len(texts), d) float32 array.

        Async clients run up to `concurrency` batches at once. `progress(done, total)` is called
        after each batch.
        """
        texts = list(texts)
        batch_size = max(1, min(batch_size, MAX_BATCH))
        batches = [(start, texts[start : start + batch_size]) for start in range(0, len(texts), batch_size)]
        if self._client.is_async:
            return self._embed_async(batches, len(texts), model, concurrency, progress, params)
        array = None
        for start, batch in batches:
            result = self.create(input=batch, model=model, **params)
            array = _place(array, len(texts), start, result.array)
            if progress is not None:
                progress(start + len(batch), len(texts))
        return _finish(array)

    async def _embed_async(self, batches, total, model, concurrency, progress, params) -> Any:
        import asyncio

        gate = asyncio.Semaphore(max(1, concurrency))
        array = None
        done = 0

        async def run(start: int, batch: list[str]) -> None:
            nonlocal array, done
            async with gate:
                result = await self.create(input=batch, model=model, **params)
            array = _place(array, total, start, result.array)
            done += len(batch)
            if progress is not None:
                progress(done, total)

        await asyncio.gather(*(run(start, batch) for start, batch in batches))
        return _finish(array)


def _place(array: Any, total: int, start: int, rows: Any) -> Any:
    import numpy as np

    if array is None:
        array = np.empty((total, rows.shape[1]), dtype=np.float32)
    array[start : start + len(rows)] = rows
    return array


def _finish(array: Any) -> Any:
    import numpy as np

    return array if array is not None else np.zeros((0, 0), dtype=np.float32)
