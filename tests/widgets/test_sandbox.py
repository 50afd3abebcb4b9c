"""The widgets on the real offline sandbox, which the session starts by itself when no API key is set."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from oai_notebook.notebook.session import get_session
from oai_notebook.widgets import Chat, EmbeddingExplorer, Playground

from .conftest import KEYS, reset, until


@pytest.fixture(scope="module")
def sandboxed(shell) -> Iterator[object]:
    saved = {name: os.environ.pop(name) for name in KEYS if name in os.environ}
    session = get_session(shell)
    session.close()
    session.config.backend = "auto"
    yield session
    session.close()
    os.environ.update(saved)


@pytest.fixture
def session(sandboxed):
    reset(sandboxed)
    return sandboxed


async def test_chat_streams_a_reply_from_the_local_model(shell, session):
    chat = Chat(max_tokens=8, temperature=0.0, shell=shell)
    await chat._models_job
    assert session.backend == "sandbox"
    assert "gemma-3-270m" in chat.model.options and "all-minilm-l6-v2" not in chat.model.options
    reply = await chat.submit("Name a colour.")
    assert reply and session.conversations["default"][-1] == {"role": "assistant", "content": reply}
    assert chat.messages.children[-1].outputs[0]["data"]["text/markdown"] == f"**Assistant**\n\n{reply}"
    assert session.usage[-1]["completion_tokens"] <= 8 and "tokens" in chat.status.value


async def test_stop_during_a_sandbox_stream_keeps_the_partial_reply(shell, session):
    chat = Chat(max_tokens=200, temperature=1.0, shell=shell)
    job = chat.submit("Write a long story about a lighthouse keeper.")
    await until(lambda: "\n\n…" not in chat.messages.children[-1].outputs[0]["data"]["text/markdown"], 120)
    chat.stop_button.click()
    reply = await job
    assert reply and "stopped" in chat.status.value
    assert session.conversations["default"][-1]["content"] == reply
    assert session.usage[-1]["completion_tokens"] is None  # the usage chunk never came: it was stopped early


async def test_playground_fills_a_grid_from_the_local_model(shell, session):
    playground = Playground("Say {word}.", models=["gpt-4o-mini", "gemma-3-270m"], temperatures=[0.0, 1.0],
                            max_tokens=4, shell=shell)
    playground.set_fields(word="hello")
    results = await playground.run()
    assert len(results) == 4 and results.error.isna().all()
    assert (results.completion_tokens <= 4).all() and (results.latency_s > 0).all()
    assert results.cost_usd.isna().all()  # no list prices for a local model
    assert playground.table.value.count('class="oai-cell oai-cell-done"') == 4


async def test_explorer_ranks_by_meaning_with_minilm(shell, session):
    texts = ["The kitten sleeps on the sofa.", "Interest rates rose again.", "A cat chased a mouse.",
             "The central bank held rates.", "It rained all day in London."]
    explorer = EmbeddingExplorer(texts, k=2, batch_size=2, shell=shell)
    matrix = await explorer.job
    assert matrix.shape == (5, 384)
    results = await explorer.search("a cat")
    assert set(results.text) == {texts[0], texts[2]}
    explorer.neighbours.value = 4
    assert len(explorer.results) == 4
