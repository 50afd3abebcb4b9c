"""%%embed: texts to vectors in a DataFrame, with a similarity heatmap, a PCA projection and ranking."""

from __future__ import annotations

import time
from typing import Any

from IPython.core.magic import line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import InputError, fails_cleanly
from ..pricing import token_cost
from ..render import Progress, footer_text, ranking_bundle, show, similarity_bundle
from ._base import SessionMagics, common_arguments

MAX_BATCH = 2048


@magics_class
class EmbedMagics(SessionMagics):
    @magic_arguments()
    @common_arguments
    @argument("--from", dest="source", metavar="DF.COLUMN", help="Embed a column (or any list of texts) instead of the cell's lines.")
    @argument("--query", help="Rank the texts by cosine similarity to this text.")
    @argument("--dimensions", type=int, help="Shorter vectors (text-embedding-3 models).")
    @argument("--no-plot", action="store_true", help="Skip the heatmap and projection.")
    @line_cell_magic
    @fails_cleanly
    def embed(self, line: str, cell: str | None = None) -> None:
        """Embed each non-empty line of the cell (or --from df.column).

        -o NAME binds a DataFrame: `text` and `embedding` (one float32 vector per row; the (n, d)
        array is `oai_notebook.notebook.frames.embedding_matrix(df)`), plus `similarity` with --query,
        sorted best first. Large inputs go in batches of up to 2048 texts, a few at a time.
        """
        args, body = self.parse_body(self.embed, line, cell)
        if args.source:
            texts, index = self.column(args.source)
        else:
            texts, index = self.lines(args, body), None
        if not texts:
            raise InputError("%embed needs texts: one per line in the cell, or --from df.column")
        query = self.text(args, args.query).strip() if args.query is not None else None
        if query == "":
            raise InputError("--query is empty")
        model = args.model or self.config_.embed_model
        started = time.perf_counter()
        matrix, tokens = self._embed([*texts, query] if query else texts, model, args.dimensions)
        latency = time.perf_counter() - started
        cost = self.cost(token_cost(model, tokens))
        self.session.record("embed", model, latency=latency, prompt_tokens=tokens, cost=cost)

        from ..frames import cosine_similarity, embeddings_frame

        query_vector = matrix[-1] if query else None
        vectors = matrix[:-1] if query else matrix
        frame = embeddings_frame(texts, vectors, index=index)
        if query_vector is not None:
            frame.insert(1, "similarity", cosine_similarity(vectors, query_vector))
            frame = frame.sort_values("similarity", ascending=False)
        print(footer_text(model, latency, tokens, None, cost, f"{len(texts)} texts → {vectors.shape} float32"))
        if query_vector is not None:
            show(ranking_bundle(frame))
        if not args.no_plot:
            bundle = similarity_bundle(vectors, texts, query_vector)
            if bundle is not None:
                show(bundle)
        self.bind(args, frame)

    def _embed(self, texts: list[str], model: str, dimensions: int | None) -> tuple[Any, int | None]:
        """One (n, d) float32 array, in batches of up to `embed_batch_size` run a few at a time."""
        import numpy as np

        client = self.session.client
        size = max(1, min(self.config_.embed_batch_size, MAX_BATCH))
        batches = [(start, texts[start:start + size]) for start in range(0, len(texts), size)]
        progress = Progress(self.live, "embedding", len(texts)) if len(batches) > 1 else None
        params = {"dimensions": dimensions} if dimensions else {}

        def run(batch: list[str]) -> Any:
            return client.embeddings.create(input=batch, model=model, **params)

        results: list[Any] = [None] * len(batches)
        if len(batches) == 1:
            results[0] = run(batches[0][1])
        else:
            from concurrent.futures import ThreadPoolExecutor, as_completed

            pool = ThreadPoolExecutor(max_workers=max(1, self.config_.embed_concurrency))
            try:
                futures = {pool.submit(run, batch): position for position, (_, batch) in enumerate(batches)}
                done = 0
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    done += len(batches[futures[future]][1])
                    progress.update(done)
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
        matrix = np.concatenate([result.array for result in results]).astype(np.float32, copy=False)
        if matrix.shape[0] != len(texts):
            raise InputError(f"the API returned {matrix.shape[0]} vectors for {len(texts)} texts")
        tokens = [(result.get("usage") or {}).get("prompt_tokens") for result in results]
        return matrix, (sum(tokens) if None not in tokens else None)
