"""EmbeddingExplorer: batched embedding with progress, query ranking, the neighbour slider and the map."""

from __future__ import annotations

import base64
import html

import numpy as np
import pandas as pd
import pytest

from oai_notebook.notebook.errors import InputError
from oai_notebook.notebook.session import get_session
from oai_notebook.widgets import EmbeddingExplorer

from .mock_api import error_body, vector

TEXTS = ["red apple pie", "green apple tart", "stock market news", "bond market yields", "apple orchard",
         "market crash", "blue sky", "sky at night"]


def png_of(output_widget) -> bytes:
    return base64.b64decode(output_widget.outputs[0]["data"]["image/png"])


async def test_texts_are_embedded_once_in_batches_with_progress(shell, api):
    explorer = EmbeddingExplorer(TEXTS, batch_size=3, client=api.async_client(), shell=shell)
    assert explorer.query.disabled and not explorer.ready
    matrix = await explorer.job
    assert matrix.shape == (8, 64) and explorer.ready
    assert [len(body["input"]) for body in api.bodies("/embeddings")] == [3, 3, 2]
    assert explorer.progress.value == explorer.progress.max == 8 and explorer.progress.bar_style == "success"
    np.testing.assert_allclose(matrix[4], vector("apple orchard"), rtol=1e-6)
    frame = explorer.frame
    assert list(frame.columns) == ["text", "embedding"] and list(frame.text) == TEXTS
    assert not explorer.query.disabled and "8 texts" in explorer.status.value
    assert png_of(explorer.map).startswith(b"\x89PNG")


async def test_a_query_ranks_the_nearest_texts_and_highlights_them(shell, api):
    explorer = EmbeddingExplorer(TEXTS, k=3, client=api.async_client(), shell=shell)
    await explorer.job
    plain_map = png_of(explorer.map)
    results = await explorer.search("apple")
    assert len(results) == 3 and list(results.columns) == ["text", "similarity"]
    assert set(results.text) == {"red apple pie", "green apple tart", "apple orchard"}
    assert results.similarity.is_monotonic_decreasing
    table = html.unescape(explorer.table.outputs[0]["data"]["text/html"])
    assert all(text in table for text in results.text)
    assert png_of(explorer.map) != plain_map  # the neighbours are drawn
    described = explorer.map.outputs[0]["data"]["text/plain"]  # "<map of 8 texts; nearest: 0, 1, 4>"
    assert {int(n) for n in described.rstrip(">").split("nearest: ")[1].split(", ")} == {TEXTS.index(t) for t in results.text}
    usage = get_session(shell).usage[-1]
    assert usage["magic"] == "EmbeddingExplorer" and usage["prompt_tokens"] == 1


async def test_the_slider_sets_how_many_neighbours_without_a_new_request(shell, api):
    explorer = EmbeddingExplorer(TEXTS, k=2, client=api.async_client(), shell=shell)
    await explorer.job
    await explorer.search("market")
    requests = len(api.requests)
    explorer.neighbours.value = 5
    assert len(explorer.results) == 5 and len(api.requests) == requests
    assert explorer.table.outputs[0]["data"]["text/html"].count("<tr") == 1 + 5
    assert explorer.neighbours.max == len(TEXTS)


async def test_the_query_box_searches_when_submitted(shell, api):
    explorer = EmbeddingExplorer(TEXTS, client=api.async_client(), shell=shell)
    await explorer.job
    explorer.query.value = "sky"
    await explorer.query_job
    assert explorer.results.text.iloc[0] in {"blue sky", "sky at night"}


async def test_a_dataframe_keeps_its_index_and_picks_its_text_column(shell, api):
    frame = pd.DataFrame({"id": [10, 11, 12], "body": ["apple pie", None, "market news"]}, index=["a", "b", "c"])
    explorer = EmbeddingExplorer(frame, client=api.async_client(), shell=shell)  # the first text column
    await explorer.job
    assert explorer.texts == ["apple pie", "market news"] and list(explorer.frame.index) == ["a", "c"]
    results = await explorer.search("apple")
    assert results.index[0] == "a"


async def test_failures_are_one_line(shell, api):
    api.failures["/embeddings"] = [(400, error_body("input is too long", param="input"))]
    explorer = EmbeddingExplorer(TEXTS, client=api.async_client(), shell=shell)
    assert await explorer.job is None
    assert "BadRequestError (400): input is too long" in explorer.status.value
    assert explorer.query.disabled and explorer.progress.bar_style == "danger"
    assert explorer.search("apple") is None and "still embedding" in explorer.status.value


async def test_a_failed_query_keeps_the_last_results(shell, api):
    explorer = EmbeddingExplorer(TEXTS, k=2, client=api.async_client(), shell=shell)
    await explorer.job
    first = await explorer.search("apple")
    api.failures["/embeddings"] = [(500, error_body("server down"))]
    assert await explorer.search("sky") is None
    assert "InternalServerError (500)" in explorer.status.value
    pd.testing.assert_frame_equal(explorer.results, first)


def test_bad_input_is_a_clear_error(shell):
    with pytest.raises(InputError, match="no texts"):
        EmbeddingExplorer(["", "  ", None], shell=shell)
    with pytest.raises(InputError, match="not one string"):
        EmbeddingExplorer("just one text", shell=shell)
    with pytest.raises(InputError, match="no text column"):
        EmbeddingExplorer(pd.DataFrame({"x": [1, 2]}), shell=shell)
