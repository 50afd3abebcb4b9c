"""`EmbeddingExplorer(texts)`: embed texts once, then rank them against queries on a table and a 2-D map."""

from __future__ import annotations

import textwrap
import time
from typing import Any

import ipywidgets as widgets

from oai_notebook.notebook.errors import InputError
from oai_notebook.notebook.render import figure_bundle, footer_text, ranking_bundle

from ._shared import Connection, Job, status_html

MAX_NEIGHBOURS = 50


def _texts_and_index(source: Any, column: str | None) -> tuple[list[str], list[Any]]:
    """Texts (empty and missing values dropped) and their index labels, from a list, Series or DataFrame."""
    if hasattr(source, "columns"):  # a DataFrame
        if column is None:
            from pandas.api.types import is_string_dtype

            column = "text" if "text" in source.columns else next(
                (name for name in source.columns if is_string_dtype(source[name])), None)
        if column is None or column not in source.columns:
            raise InputError(f"no text column '{column}': pass column=NAME" if column else
                             "the DataFrame has no text column: pass column=NAME")
        source = source[column]
    if isinstance(source, str):
        raise InputError("give a list of texts, not one string")
    pairs = list(source.items()) if hasattr(source, "iloc") else list(enumerate(source))
    kept = [(label, str(value)) for label, value in pairs if value is not None and value == value and str(value).strip()]
    if not kept:
        raise InputError("no texts to embed")
    return [text for _, text in kept], [label for label, _ in kept]


def neighbours_bundle(points: Any, texts: list[str], ranked: list[int]) -> dict[str, Any]:
    """The 2-D map: every text grey, the ranked neighbours red and numbered."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 4.5))
    ax = figure.subplots()
    ax.scatter(points[:, 0], points[:, 1], s=14, c="#9e9e9e")
    if ranked:
        ax.scatter(points[ranked, 0], points[ranked, 1], s=60, c="crimson", edgecolors="black", linewidths=0.5)
        for rank, position in enumerate(ranked, start=1):
            label = f"{rank}. {textwrap.shorten(texts[position], 28, placeholder='…')}"
            ax.annotate(label, points[position], fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_title(f"PCA projection of {len(texts)} texts" + (f"; {len(ranked)} nearest in red" if ranked else ""))
    ax.set_xticks([])
    ax.set_yticks([])
    description = f"<map of {len(texts)} texts; nearest: {', '.join(str(r) for r in ranked) or 'none'}>"
    return figure_bundle(figure, description)


def _output(bundle: dict[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


class EmbeddingExplorer(widgets.VBox):
    """Embeds the texts once (batched, with progress); a query ranks the nearest on a table and a map.

    `texts_or_dataframe`: a list or Series of texts, or a DataFrame (its `column`, else "text" or
    its first text column). `.frame` holds text and embedding; `.results` the last ranking.
    `search(query)` is the query box in Python (`await explorer.search("...")` in a cell).
    """

    def __init__(
        self,
        texts_or_dataframe: Any,
        column: str | None = None,
        *,
        model: str | None = None,
        k: int = 5,
        batch_size: int | None = None,
        concurrency: int | None = None,
        client: Any = None,
        shell: Any = None,
    ) -> None:
        self.texts, self.index = _texts_and_index(texts_or_dataframe, column)
        self.connection = Connection(shell, client)
        self.session = self.connection.session
        config = self.session.config
        self.model = model or config.embed_model
        self.batch_size = batch_size or config.embed_batch_size
        self.concurrency = concurrency or config.embed_concurrency
        self.matrix: Any = None
        self._unit: Any = None
        self._points: Any = None
        self._scores: Any = None
        self.query_job: Job | None = None

        count = len(self.texts)
        self.progress = widgets.IntProgress(value=0, min=0, max=count, description="Embedding")
        self.status = widgets.HTML()
        self.status.add_class("oai-explorer-status")
        self.query = widgets.Text(placeholder="Query: find the nearest texts", continuous_update=False,
                                  disabled=True, layout=widgets.Layout(flex="1"))
        self.query.add_class("oai-explorer-query")
        self.search_button = widgets.Button(description="Search", icon="search", disabled=True)
        self.neighbours = widgets.IntSlider(value=max(1, min(k, count)), min=1, max=min(MAX_NEIGHBOURS, count),
                                            description="Neighbours", continuous_update=False)
        self.table = widgets.Output(layout=widgets.Layout(flex="1", min_width="280px"))
        self.table.add_class("oai-explorer-table")
        self.map = widgets.Output(layout=widgets.Layout(flex="1"))
        self.map.add_class("oai-explorer-map")
        self.query.observe(lambda change: self.search(change["new"]) if change["new"].strip() else None, names="value")
        self.search_button.on_click(lambda _: self.search(self.query.value))
        self.neighbours.observe(lambda _: self._render(), names="value")
        super().__init__(children=[
            widgets.HBox([self.progress, self.status]),
            widgets.HBox([self.query, self.search_button, self.neighbours]),
            widgets.HBox([self.table, self.map]),
        ])
        self.add_class("oai-explorer")
        self._show(f"embedding {count} texts with {self.model}…")
        self.job = Job(self._embed_all())

    # -- results -----------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.matrix is not None

    @property
    def frame(self) -> Any:
        """The texts and their vectors (None until embedded)."""
        from oai_notebook.notebook.frames import embeddings_frame

        return None if self.matrix is None else embeddings_frame(self.texts, self.matrix, index=self.index)

    @property
    def results(self) -> Any:
        """The nearest texts to the last query, best first: text and similarity (None before a query)."""
        if self._scores is None:
            return None
        import pandas as pd

        frame = pd.DataFrame({"text": self.texts, "similarity": self._scores}, index=self.index)
        return frame.sort_values("similarity", ascending=False, kind="stable").head(self.neighbours.value)

    def _show(self, text: str, kind: str = "info") -> None:
        self.status.value = status_html(text, kind)

    # -- work --------------------------------------------------------------------------------
    async def _embed_all(self) -> Any:
        from oai_notebook.notebook.frames import normalize, pca_2d

        def progress(done: int, total: int) -> None:
            self.progress.value = done

        started = time.perf_counter()
        try:
            matrix = await self.connection.client().embeddings.embed(
                self.texts, model=self.model, batch_size=self.batch_size, concurrency=self.concurrency,
                progress=progress,
            )
        except Exception as exc:
            self.progress.bar_style = "danger"
            self._show(self.connection.error_line(exc), "error")
            return None
        latency = time.perf_counter() - started
        if matrix.shape[0] != len(self.texts):
            self._show(f"the API returned {matrix.shape[0]} vectors for {len(self.texts)} texts", "error")
            return None
        self.session.record("EmbeddingExplorer", self.model, latency=latency)
        self.matrix, self._unit = matrix, normalize(matrix)
        self._points = pca_2d(self._unit)
        self.progress.bar_style = "success"
        self.query.disabled = self.search_button.disabled = False
        self._show(footer_text(self.model, latency, note=f"{len(self.texts)} texts → {matrix.shape}"), "ok")
        self._render()
        return self.matrix

    def search(self, query: str) -> Job | None:
        """Rank the texts by cosine similarity to `query`; returns a Job whose result is `.results`."""
        query = (query or "").strip()
        if not query:
            self._show("type a query first", "error")
            return None
        if not self.ready:
            self._show("still embedding the texts: try again when they are done", "error")
            return None
        if self.query_job is not None and not self.query_job.done():
            self.query_job.cancel()
        self._show(f"embedding the query with {self.model}…")
        self.query_job = Job(self._search(query))
        return self.query_job

    async def _search(self, query: str) -> Any:
        from oai_notebook.notebook.frames import normalize

        started = time.perf_counter()
        try:
            result = await self.connection.client().embeddings.create(input=[query], model=self.model)
        except Exception as exc:
            self._show(self.connection.error_line(exc), "error")
            return None
        latency = time.perf_counter() - started
        tokens = (result.get("usage") or {}).get("prompt_tokens")
        cost = self.connection.cost(self.model, tokens)
        self.session.record("EmbeddingExplorer", self.model, latency=latency, prompt_tokens=tokens, cost=cost)
        self._scores = self._unit @ normalize(result.array)[0]
        self._show(footer_text(self.model, latency, tokens, None, cost, f"query: {query}"), "ok")
        self._render()
        return self.results

    def _render(self) -> None:
        """The ranking table and the map for the current query and number of neighbours."""
        if self._points is None:
            return
        ranked: list[int] = []
        if self._scores is not None:
            import numpy as np

            ranked = [int(i) for i in np.argsort(-self._scores, kind="stable")[: self.neighbours.value]]
            self.table.outputs = (_output(ranking_bundle(self.results, top=self.neighbours.value)),)
        self.map.outputs = (_output(neighbours_bundle(self._points, self.texts, ranked)),)
