"""Fixtures for the tests of the notebooks' tooling: the repository and a keyless environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oai_notebook.showcase import API_KEY_VARIABLES

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "binder: replays binder/ (requirements.txt + postBuild) in a fresh virtual environment; "
        "slow (minutes), deselect with -m 'not binder'",
    )


def keyless_environment(**extra: str) -> dict[str, str]:
    """This environment without any API key, plus `extra`."""
    env = {name: value for name, value in os.environ.items() if name not in API_KEY_VARIABLES}
    env.update(HF_HUB_OFFLINE="1", **extra)
    return env
