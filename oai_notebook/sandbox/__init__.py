"""The offline sandbox: a local OpenAI-compatible server on small models shipped in PyPI packages.

    from oai_notebook import sandbox
    with sandbox.start(temporary=True) as box:
        client = openai.OpenAI(base_url=box.base_url, api_key="sk-local")

Heavy dependencies (starlette, uvicorn, llama_cpp, ...) load only when the server runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import SandboxHandle

__all__ = ["SandboxHandle", "start"]


def start(*args: Any, **kwargs: Any) -> SandboxHandle:
    """Start a sandbox in the background; see `oai_notebook.sandbox.server.start`."""
    from .server import start as _start

    return _start(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "SandboxHandle":
        from .server import SandboxHandle

        return SandboxHandle
    raise AttributeError(name)
