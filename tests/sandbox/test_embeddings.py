"""/v1/embeddings through the official openai SDK and raw HTTP."""

from __future__ import annotations

import base64

import numpy as np
import openai
import pytest


def _vectors(response) -> np.ndarray:
    return np.array([d.embedding for d in sorted(response.data, key=lambda d: d.index)])


def test_similar_sentences_embed_closer_than_unrelated_ones(openai_client):
    response = openai_client.embeddings.create(
        model="text-embedding-3-small",
        input=["How do I bake bread at home?", "What is a simple recipe for homemade bread?",
               "The central bank raised interest rates."],
    )
    assert response.model == "all-minilm-l6-v2"
    v = _vectors(response)
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert response.usage.prompt_tokens == response.usage.total_tokens > 10


def test_float_and_base64_agree(http, valid_response):
    body = {"model": "all-minilm-l6-v2", "input": ["one input", "another input"]}
    floats = http.post("embeddings", json={**body, "encoding_format": "float"}).json()
    b64 = http.post("embeddings", json={**body, "encoding_format": "base64"}).json()
    valid_response("createEmbedding", floats)
    for f, b in zip(floats["data"], b64["data"], strict=True):
        # base64 is little-endian float32 bytes (the spec only describes the float form)
        b["embedding"] = np.frombuffer(base64.b64decode(b["embedding"]), dtype="<f4").tolist()
        assert np.allclose(b["embedding"], f["embedding"], atol=1e-7)
    valid_response("createEmbedding", b64)


def test_dimensions_truncate_and_renormalise(openai_client):
    full = _vectors(openai_client.embeddings.create(model="text-embedding-3-small", input="hello"))[0]
    short = _vectors(openai_client.embeddings.create(
        model="text-embedding-3-small", input="hello", dimensions=32))[0]
    assert short.shape == (32,)
    assert np.isclose(np.linalg.norm(short), 1.0, atol=1e-5)
    assert np.allclose(short, full[:32] / np.linalg.norm(full[:32]), atol=1e-5)


def test_token_arrays_are_minilm_wordpiece_ids(openai_client):
    from tokenizers import Tokenizer

    from oai_notebook.sandbox.engines.embedder import TOKENIZER_FILE

    text = "Embeddings from token ids."
    tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
    tokenizer.no_padding()  # the shipped tokenizer.json pads to 128 by default
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    by_text = _vectors(openai_client.embeddings.create(model="text-embedding-3-small", input=text))
    one_array = _vectors(openai_client.embeddings.create(model="text-embedding-3-small", input=ids))
    many = openai_client.embeddings.create(model="text-embedding-3-small", input=[ids, ids[:2]])
    assert np.allclose(by_text, one_array, atol=1e-5)
    assert np.allclose(_vectors(many)[0], by_text[0], atol=1e-5)
    assert many.usage.prompt_tokens == len(ids) + 2 + 4


def test_many_inputs_keep_their_order(openai_client):
    texts = [f"item number {i}" for i in range(300)]
    response = openai_client.embeddings.create(model="text-embedding-3-small", input=texts)
    assert [d.index for d in response.data] == list(range(300))
    single = _vectors(openai_client.embeddings.create(model="text-embedding-3-small", input=texts[123]))
    assert np.allclose(_vectors(response)[123], single[0], atol=1e-4)


@pytest.mark.parametrize(("body", "param"), [
    ({"input": "x"}, "model"),
    ({"model": "all-minilm-l6-v2"}, "input"),
    ({"model": "all-minilm-l6-v2", "input": ""}, "input"),
    ({"model": "all-minilm-l6-v2", "input": ["ok", ""]}, "input[1]"),
    ({"model": "all-minilm-l6-v2", "input": [1, 2, 99999999]}, "input"),
    ({"model": "all-minilm-l6-v2", "input": ["x"] * 2049}, "input"),
    ({"model": "all-minilm-l6-v2", "input": "x", "dimensions": 1000}, "dimensions"),
    ({"model": "all-minilm-l6-v2", "input": "x", "dimensions": 0}, "dimensions"),
    ({"model": "all-minilm-l6-v2", "input": "x", "encoding_format": "int8"}, "encoding_format"),
    ({"model": "gpt-4o-mini", "input": "x"}, "model"),
])
def test_bad_requests_are_400_naming_the_param(http, openai_error, body, param):
    openai_error(http.post("embeddings", json=body), 400, param)


def test_unknown_model_is_404(openai_client):
    with pytest.raises(openai.NotFoundError) as caught:
        openai_client.embeddings.create(model="no-such-embedder", input="x")
    assert caught.value.body["code"] == "model_not_found"
