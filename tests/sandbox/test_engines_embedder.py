"""The embedding engine on its own: MiniLM sentence vectors from onnxruntime."""

from __future__ import annotations

import numpy as np
import pytest

from oai_notebook.sandbox.engines import embedder as embedder_module


@pytest.fixture(scope="module")
def embedder():
    return embedder_module.load()


def test_vectors_are_384_dimensional_unit_vectors(embedder):
    result = embedder.embed_texts(["A cat sits on the mat.", "Stocks fell sharply today."])
    assert result.vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    assert result.token_counts == [len(ids) + 2 for ids in embedder.tokenize(
        ["A cat sits on the mat.", "Stocks fell sharply today."])]


def test_paraphrases_are_closer_than_unrelated_sentences(embedder):
    v = embedder.embed_texts([
        "A man is playing a guitar.", "Someone is strumming a guitar.", "The parliament passed a tax law.",
    ]).vectors
    assert v[0] @ v[1] > 0.6
    assert v[0] @ v[1] > v[0] @ v[2] + 0.4


def test_token_ids_embed_like_their_text(embedder):
    text = "Token arrays are WordPiece ids."
    by_text = embedder.embed_texts([text]).vectors
    by_ids = embedder.embed_ids(embedder.tokenize([text])).vectors
    assert np.allclose(by_text, by_ids, atol=1e-6)


def test_batching_does_not_change_results(embedder):
    texts = [f"sentence number {i} " + "word " * (i % 7) for i in range(40)]
    together = embedder.embed_texts(texts).vectors
    alone = np.vstack([embedder.embed_texts([t]).vectors for t in texts[:5]])
    assert np.allclose(together[:5], alone, atol=1e-4)


def test_ids_outside_the_vocabulary_are_refused(embedder):
    with pytest.raises(ValueError, match="vocabulary"):
        embedder.embed_ids([[101, 10**7]])


def test_long_inputs_are_truncated_to_the_model_window(embedder):
    result = embedder.embed_texts(["word " * 1000])
    assert result.token_counts == [1002]
    assert np.isclose(np.linalg.norm(result.vectors[0]), 1.0, atol=1e-5)
