"""The notebooks as tests: `pytest` (or `pytest notebooks/`) runs each one top to bottom with nbval.

Every notebook runs in a fresh kernel on this Python, offline: API keys are removed from the
environment for the run, so the magics start the sandbox. Cells marked `# NBVAL_CHECK_OUTPUT`
must also reproduce their stored output (ids, ports, timestamps masked by nbval_sanitize.cfg);
the other cells must run without error, and their assertions are the checks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oai_notebook.showcase import API_KEY_VARIABLES

HERE = Path(__file__).parent
NBVAL_DEFAULT_CELL_TIMEOUT = 2000
CELL_TIMEOUT = 300  # seconds; the slowest cell (the first chat, loading the model) takes about 10
_saved: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    if not hasattr(option, "nbval_lax"):
        raise pytest.UsageError("the notebook tests need nbval: pip install -e '.[dev]'")
    if not (option.nbval or option.nbval_lax):
        option.nbval_lax = True
    if option.nbval_kernel_name is None:
        option.nbval_current_env = True
    if option.nbval_cell_timeout == NBVAL_DEFAULT_CELL_TIMEOUT:
        option.nbval_cell_timeout = CELL_TIMEOUT
    if option.nbval_sanitize_with is None:
        option.nbval_sanitize_with = str(HERE / "nbval_sanitize.cfg")
    for name in API_KEY_VARIABLES:
        if name in os.environ:
            _saved[name] = os.environ.pop(name)


def pytest_unconfigure(config: pytest.Config) -> None:
    os.environ.update(_saved)
