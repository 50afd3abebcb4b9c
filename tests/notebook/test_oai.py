"""%oai, %config OAI, usage and cost, and how the extension loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from oai_notebook.notebook.pricing import token_cost
from oai_notebook.notebook.session import auto_backend


def test_status_models_usage_history_reset(nb):
    nb.run("%%chat\nhi")
    nb.run("%%embed\none\ntwo")
    status = nb.run("%oai status").stdout
    assert "backend:  openai" in status and "base URL: http://api.test/v1" in status
    assert "chat_model=gpt-4o-mini" in status
    nb.run("models = %oai models")
    assert list(nb.ns["models"].columns) == ["id", "created", "owned_by"] and len(nb.ns["models"]) == 3
    nb.run("usage = %oai usage")
    usage = nb.ns["usage"]
    assert list(usage["magic"]) == ["chat", "embed"]
    assert {"model", "prompt_tokens", "completion_tokens", "cost_usd", "latency_s"} <= set(usage.columns)
    assert usage["cost_usd"][0] == pytest.approx(token_cost("gpt-4o-mini", 10, 20))
    nb.run("history = %oai history")
    assert list(nb.ns["history"]["role"]) == ["user", "assistant"]
    assert "cleared 1 conversation(s): default" in nb.run("%oai reset").stdout
    assert nb.session.conversations == {}
    assert "%%chat" in nb.run("%oai help").stdout


def test_config_sets_defaults(nb):
    nb.run("%config OAI.chat_model = 'gpt-4.1-mini'")
    try:
        nb.run("%%chat\nhi")
        assert nb.api.bodies("/chat/completions")[-1]["model"] == "gpt-4.1-mini"
    finally:
        nb.session.config.chat_model = "gpt-4o-mini"


def test_use_a_client_variable_and_a_url(nb):
    nb.run("from oai_notebook.client import Client\nother = Client(base_url='http://127.0.0.1:9/v1', api_key='sk-x')")
    assert "using custom at http://127.0.0.1:9/v1" in nb.run("%oai use other").stdout
    assert nb.session.priced is False
    ran = nb.run("%oai use http://127.0.0.1:9/v1")
    assert "using url at http://127.0.0.1:9/v1" in ran.stdout
    assert nb.session.client.api_key == "sk-no-key"  # another server never gets the OpenAI key


def test_auto_backend_follows_the_environment():
    assert auto_backend({"OPENAI_API_KEY": "sk-a"}) == "openai"
    assert auto_backend({"AZURE_OPENAI_ENDPOINT": "https://x", "AZURE_OPENAI_API_KEY": "k"}) == "azure"
    assert auto_backend({}) == "sandbox"


def test_pricing_matches_dated_models():
    assert token_cost("gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert token_cost("gpt-4o", 1_000_000, 0) == pytest.approx(2.5)
    assert token_cost("my-local-model", 10, 10) is None


def _python(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI"))}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**environment, **env}, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_load_ext_imports_nothing_heavy():
    out = _python(
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_line_magic('load_ext', 'oai_notebook')\n"
        "print(sorted(m for m in ('httpx', 'pandas', 'numpy', 'matplotlib', 'PIL') if m in sys.modules))\n"
        "print(sorted(ip.magics_manager.magics['cell']))\n"
    )
    heavy, cells = out.strip().splitlines()
    assert heavy == "[]"
    for name in ("chat", "image", "embed", "moderate", "speak"):
        assert f"'{name}'" in cells


def test_lazy_magics_and_configured_extensions():
    out = _python(
        "from traitlets.config import Config\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "c = Config()\n"
        "c.MagicsManager.lazy_magics = {'chat': 'oai_notebook', 'oai': 'oai_notebook'}\n"
        "ip = InteractiveShell.instance(config=c)\n"
        "ip.run_line_magic('oai', 'help')\n"
        "print(ip.find_cell_magic('embed') is not None)\n"
    )
    assert "%%chat" in out and out.strip().endswith("True")
    result = subprocess.run(
        [sys.executable, "-m", "IPython", "--no-banner", "--InteractiveShellApp.extensions=['oai_notebook']",
         "-c", "%oai help"], capture_output=True, text=True, timeout=120,
    )
    assert "%%embed" in result.stdout, result.stderr
