"""A real IPython InteractiveShell with the extension loaded, talking to a fake API (or the sandbox)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from oai_notebook.client import Client
from oai_notebook.notebook.session import get_session

from .fake_api import SECRET, FakeAPI

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass
class Ran:
    """One executed cell: its result, stdout, stderr and every display published."""

    result: Any
    stdout: str
    stderr: str
    outputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error(self) -> Any:
        return self.result.error_in_exec

    def mimetypes(self) -> list[str]:
        return [mime for output in self.outputs for mime in output["data"]]

    def data(self, mime: str) -> list[Any]:
        return [output["data"][mime] for output in self.outputs if mime in output["data"]]


class Notebook:
    """Runs cells on the shared shell and captures what a frontend would see."""

    def __init__(self, shell: InteractiveShell, api: FakeAPI | None) -> None:
        self.shell = shell
        self.api = api
        self.session = get_session(shell)

    @property
    def ns(self) -> dict[str, Any]:
        return self.shell.user_ns

    def run(self, code: str) -> Ran:
        with capture_output() as captured:
            result = self.shell.run_cell(code, store_history=False)
        outputs = [{"data": o.data, "transient": o.transient, "update": o.update} for o in captured.outputs]
        return Ran(result, captured.stdout, captured.stderr, outputs)


@pytest.fixture(scope="session")
def shell() -> Iterator[InteractiveShell]:
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "oai_notebook")
    yield ip
    ip.run_line_magic("unload_ext", "oai_notebook")


def reset(session: Any) -> None:
    session.conversations.clear()
    session.usage.clear()
    config = session.config
    config.stream_display = "live"
    config.update_interval = 0.0
    config.embed_batch_size = 2048


@pytest.fixture
def nb(shell: InteractiveShell) -> Iterator[Notebook]:
    """The shell on a fresh fake API (backend 'openai', so costs are estimated)."""
    api = FakeAPI()
    session = get_session(shell)
    reset(session)
    client = Client(base_url="http://api.test/v1", api_key=SECRET, max_retries=2,
                    http_client=httpx.Client(transport=httpx.MockTransport(api)))
    session.set_client(client, backend="openai")
    yield Notebook(shell, api)
    session._client = None
