"""The notebook layer: IPython magics, inline rendering and DataFrames.

`%load_ext oai_notebook` registers %%chat, %%image, %%embed, %%moderate, %%speak, %transcribe,
%translate and %oai. Nothing heavy (httpx, pandas, numpy, matplotlib, PIL) is imported until a
magic needs it.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ip: Any) -> None:
    """Register the magics and the `OAI` configurable on an IPython shell."""
    from .session import get_session

    session = get_session(ip)
    session.register_magics()


def unload_ipython_extension(ip: Any) -> None:
    """Stop the sandbox this session started and forget the session (its magics stay defined)."""
    from .session import drop_session

    drop_session(ip)
