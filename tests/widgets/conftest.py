"""The widgets on a real IPython shell's session: against a mock API, or the offline sandbox."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from oai_notebook.notebook.session import get_session

from .mock_api import MockAPI

os.environ.setdefault("HF_HUB_OFFLINE", "1")
KEYS = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT", "OPENAI_BASE_URL")


@pytest.fixture(scope="session")
def shell() -> Iterator[InteractiveShell]:
    """The IPython shell with the extension loaded (so %%chat shares conversations with Chat)."""
    ip = InteractiveShell.instance()
    loaded_here = "oai_notebook" not in ip.extension_manager.loaded
    if loaded_here:
        ip.run_line_magic("load_ext", "oai_notebook")
    yield ip
    if loaded_here:
        ip.run_line_magic("unload_ext", "oai_notebook")


def reset(session: Any) -> None:
    session.conversations.clear()
    session.usage.clear()
    session.config.update_interval = 0.0
    session.config.stream_display = "live"


@pytest.fixture
def api(shell) -> Iterator[MockAPI]:
    """A mock API; the session's own client points at it too, as backend 'openai' (costs estimated)."""
    mock = MockAPI()
    session = get_session(shell)
    reset(session)
    session.set_client(mock.sync_client(), backend="openai")
    yield mock
    session.close()


async def until(condition: Callable[[], Any], seconds: float = 10.0) -> None:
    """Let the event loop run until `condition()` holds (fail after `seconds`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.005)
