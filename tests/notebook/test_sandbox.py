"""The magics against the real offline sandbox, started by the session itself (no key, no network)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from oai_notebook.notebook.session import get_session

from .conftest import Notebook, reset

KEYS = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT", "OPENAI_BASE_URL")


@pytest.fixture(scope="module")
def sandboxed(shell) -> Iterator[tuple[Notebook, object]]:
    """The session with no key in the environment; its first %%chat starts the sandbox."""
    saved = {name: os.environ.pop(name) for name in KEYS if name in os.environ}
    session = get_session(shell)
    reset(session)
    session._client = None
    session.config.backend = "auto"
    notebook = Notebook(shell, None)
    first = notebook.run("%%chat --max-tokens 8 -o hello\nSay hi")
    yield notebook, first
    session.close()
    os.environ.update(saved)


@pytest.fixture
def box(sandboxed) -> Notebook:
    notebook, _ = sandboxed
    if notebook.session.backend != "sandbox":
        notebook.session.use("sandbox")
    reset(notebook.session)
    return notebook


def test_no_key_starts_the_sandbox_and_says_so_once(sandboxed):
    notebook, first = sandboxed
    assert first.error is None, first.stdout
    lines = [line for line in first.stdout.splitlines() if "sandbox" in line]
    assert len(lines) == 1
    assert re.fullmatch(r"oai_notebook: no API key found, using the offline sandbox at http://127\.0\.0\.1:\d+/v1", lines[0])
    assert isinstance(notebook.ns["hello"], str) and notebook.ns["hello"]
    assert notebook.session.backend == "sandbox"
    again = notebook.run("%%chat --max-tokens 4\nAgain")
    assert "offline sandbox" not in again.stdout  # reused, not restarted


def test_chat_streams_from_the_local_model(box):
    ran = box.run("%%chat --max-tokens 12 -t 0 -o reply\nName a colour.")
    assert ran.error is None
    assert len({o["transient"]["display_id"] for o in ran.outputs}) == 1
    final = ran.outputs[-1]["data"]["text/markdown"]
    assert final.startswith(box.ns["reply"]) and "tokens" in final
    assert box.session.usage[-1]["completion_tokens"] <= 12
    assert box.session.usage[-1]["cost_usd"] is None  # no prices for a local model


def test_structured_output_from_the_local_model(box):
    box.ns["Colour"] = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    ran = box.run("%%chat --schema Colour --max-tokens 40 -t 0 -o colour\nName a colour, as JSON.")
    assert ran.error is None, ran.stdout
    assert isinstance(box.ns["colour"]["name"], str)


def test_unknown_model_on_the_sandbox(box):
    assert box.run("%%chat -m gpt-5o\nhi").stdout.strip() == "unknown model 'gpt-5o' (see %oai models)"


def test_images_and_models_from_the_sandbox(box):
    ran = box.run("%%image -m dall-e-2 -n 2 --size 256x256 -o pics\nA lighthouse at dusk")
    assert ran.error is None, ran.stdout
    assert [p.size for p in box.ns["pics"]] == [(256, 256), (256, 256)]
    assert ran.data("text/html")[0].count("<img") == 2
    box.run("models = %oai models")
    models = box.ns["models"]
    assert list(models.columns) == ["id", "created", "owned_by"]
    assert {"gemma-3-270m", "pillow-painter"} <= set(models["id"])


def test_embed_with_the_local_minilm(box):
    ran = box.run("%%embed -o vectors --query 'a pet animal'\nthe cat sleeps\nthe dog barks\ninterest rates rose")
    assert ran.error is None, ran.stdout
    frame = box.ns["vectors"]
    assert frame["embedding"].iloc[0].shape == (384,)
    assert frame["text"].iloc[-1] == "interest rates rose"  # least like a pet
    assert len(ran.data("image/png")) == 1


def test_moderate_with_the_local_model(box):
    ran = box.run("%%moderate -o checks\nhave a lovely day\nI will hurt you badly")
    assert ran.error is None, ran.stdout
    frame = box.ns["checks"]
    assert len(frame) == 2 and {"flagged", "flagged_categories", "violence"} <= set(frame.columns)
    assert frame["violence"][1] > frame["violence"][0]


def test_speak_then_transcribe_round_trip(box):
    ran = box.run("%%speak -f wav -o audio\nHello world, this is a test.")
    assert ran.error is None, ran.stdout
    assert box.ns["audio"].startswith(b"RIFF")
    assert 'src="data:audio/wav;base64,' in ran.data("text/html")[0]
    box.run("text = %transcribe -f verbose_json audio")
    assert "hello" in box.ns["text"].lower()
    assert len(box.ns["text"].segments) >= 1
