"""Widgets for people who click: a chat panel, a prompt playground and an embedding explorer.

    from oai_notebook.widgets import Chat, Playground, EmbeddingExplorer
    Chat()                                           # streams replies; Stop keeps the partial text
    Playground("Translate {text} to French", models=["gpt-4o-mini", "gpt-4o"], temperatures=[0, 1])
    EmbeddingExplorer(df, column="text")

Built on ipywidgets alone (JupyterLab, Notebook 7, VS Code, Binder); they use the magics' session:
the same backend (the offline sandbox without an API key), conversations and usage log.
"""

from .chat import Chat
from .explorer import EmbeddingExplorer
from .playground import Playground

__all__ = ["Chat", "EmbeddingExplorer", "Playground"]
