"""The widgets in a real browser: JupyterLab (headless, 127.0.0.1) driven through Debian's Chromium by Playwright.

Opens widgets_demo.ipynb, runs all cells, chats (types, clicks Send, waits for the streamed reply),
runs the Playground grid and queries the EmbeddingExplorer, all on the offline sandbox. Screenshots
go to out/screenshots/browser/ (or $OAI_SCREENSHOTS_DIR), kept by CI as artefacts.
CI needs: apt-get install chromium (plus fonts-dejavu-core), and pip install -e .[notebook,sandbox,browser].
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
HARD_LIMIT_S = 420  # JupyterLab (and its kernels) are killed after this, whatever happens
KEYS = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT", "OPENAI_BASE_URL")
MODELS, TEMPERATURES = ["gpt-4o-mini", "gemma-3-270m"], [0.0, 1.0]  # as in widgets_demo.ipynb


def screenshots_dir() -> Path:
    folder = Path(os.environ.get("OAI_SCREENSHOTS_DIR") or HERE.parents[1] / "out" / "screenshots" / "browser")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def wait_for_kernel(self, notebook: str, seconds: float = 90) -> None:
        """Until the notebook's kernel has started and answered (idle)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            sessions = self.api("GET", "/api/sessions") or []
            if any(s["path"].endswith(notebook) and s["kernel"]["execution_state"] == "idle" for s in sessions):
                return
            time.sleep(0.3)
        raise AssertionError(f"the kernel of {notebook} did not start")


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, sig)  # the group this test started (start_new_session=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with a random token, in a fresh config; stopped (with its kernels) at the end."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(HERE / "widgets_demo.ipynb", root / "widgets_demo.ipynb")
    config = root / ".config"
    (config / "labconfig").mkdir(parents=True)
    # No news or update toasts over the screenshots.
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = {name: value for name, value in os.environ.items() if name not in KEYS}
    env.update(HF_HUB_OFFLINE="1", JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
               IPYTHONDIR=str(root / ".ipython"), JUPYTER_PLATFORM_DIRS="1")
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", "--no-browser", f"--ServerApp.root_dir={root}",
               "--ServerApp.port_retries=0", f"--LabApp.workspaces_dir={root / '.workspaces'}",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False"]
    if os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    log = (root / "jupyterlab.log").open("wb")
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    watchdog = threading.Timer(HARD_LIMIT_S, _kill_group, (process, signal.SIGKILL))
    watchdog.daemon = True
    watchdog.start()
    server = Lab(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                server.api("GET", "/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (root / "jupyterlab.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield server
    finally:
        try:  # kernels run in their own sessions: shut them down through the server first
            for kernel in server.api("GET", "/api/kernels") or []:
                server.api("DELETE", f"/api/kernels/{kernel['id']}")
        except OSError:
            pass
        _kill_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _kill_group(process, signal.SIGKILL)
            process.wait(timeout=5)
        watchdog.cancel()
        log.close()


@pytest.fixture(scope="module")
def page(lab: Lab, tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(f"{lab.url}/lab/tree/widgets_demo.ipynb?token={lab.token}")
        yield page
        context.close()


def test_widgets_work_in_jupyterlab(lab, page, capsys):
    shots = screenshots_dir()
    (shots / "failure.png").unlink(missing_ok=True)
    with capsys.disabled():
        print(f"\nscreenshots: {shots}")

    try:
        page.locator(".jp-Notebook").wait_for()
        lab.wait_for_kernel("widgets_demo.ipynb")
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
        page.locator(".lm-MenuBar-item", has_text="Run").click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()

        # Chat: type, Send, and watch the reply stream in.
        chat = page.locator(".oai-chat").first
        chat.wait_for(timeout=120_000)
        page.locator(".oai-explorer").wait_for(timeout=120_000)  # all cells ran
        assert page.get_by_text("Error displaying widget").count() == 0
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
        # Typed like a person: each keystroke reaches the kernel before the next (ipywidgets holds back
        # value updates while one is unanswered, but sends a click at once, so a click could overtake them).
        chat.locator(".oai-chat-input textarea").press_sequentially("Name a colour.", delay=40)
        chat.locator(".oai-chat-send").click()
        # Streaming (Stop is live), or already done on a fast machine.
        chat.locator(".oai-chat-stop:not([disabled]), .oai-chat-status .oai-status-ok").first.wait_for()
        chat.screenshot(path=str(shots / "chat-streaming.png"))
        reply = chat.locator(".oai-chat-assistant").last
        chat.locator(".oai-chat-status .oai-status-ok").wait_for(timeout=120_000)
        assert chat.locator(".oai-chat-user").last.inner_text().strip().endswith("Name a colour.")
        assert "Assistant" in reply.inner_text() and reply.inner_text().strip() != "Assistant\n\n…"
        assert "tokens" in chat.locator(".oai-chat-status").inner_text()
        chat.screenshot(path=str(shots / "chat.png"))

        # Stop while a long reply streams: the kernel handles the click at once and keeps the partial text.
        story = page.locator(".oai-chat").nth(1)
        story.locator(".oai-chat-input textarea").press_sequentially("Tell me a long story.", delay=40)
        story.locator(".oai-chat-send").click()
        story.locator(".oai-chat-assistant p").last.filter(has_not_text="…").wait_for(timeout=120_000)
        story.locator(".oai-chat-stop").click()
        story.locator(".oai-chat-status", has_text="stopped").wait_for()
        partial = story.locator(".oai-chat-assistant").last.inner_text()
        assert partial.startswith("Assistant") and len(partial) > len("Assistant") + 2
        assert story.locator(".oai-chat-send").is_enabled() and story.locator(".oai-chat-stop").is_disabled()
        story.screenshot(path=str(shots / "chat-stopped.png"))

        # Playground: Run fills a cell per model × temperature.
        playground = page.locator(".oai-playground")
        playground.locator(".oai-playground-run").click()
        cells = playground.locator("td.oai-cell")
        playground.locator(".oai-playground-status .oai-status-ok").wait_for(timeout=120_000)
        assert cells.count() == len(MODELS) * len(TEMPERATURES)
        assert playground.locator("td.oai-cell-done").count() == len(MODELS) * len(TEMPERATURES)
        headers = playground.locator("table.oai-grid thead th").all_inner_texts()
        for model in MODELS:
            for temperature in TEMPERATURES:
                assert f"{model}\nT={temperature:g}" in headers
        playground.screenshot(path=str(shots / "playground.png"))

        # Embedding explorer: a query ranks the texts and marks them on the map.
        explorer = page.locator(".oai-explorer")
        explorer.locator(".oai-explorer-status .oai-status-ok").wait_for(timeout=60_000)
        query = explorer.locator(".oai-explorer-query input")
        query.fill("a cat")
        query.press("Enter")
        explorer.locator(".oai-explorer-table table").wait_for(timeout=60_000)
        ranking = explorer.locator(".oai-explorer-table table tbody tr").all_inner_texts()
        assert len(ranking) == 2 and "A cat chased a mouse." in ranking[0]
        explorer.locator(".oai-explorer-map img").wait_for()
        explorer.screenshot(path=str(shots / "explorer.png"))

        page.screenshot(path=str(shots / "jupyterlab.png"))
        for name in ("chat-streaming.png", "chat.png", "chat-stopped.png", "playground.png", "explorer.png", "jupyterlab.png"):
            assert (shots / name).stat().st_size > 0
    except Exception:
        page.screenshot(path=str(shots / "failure.png"))
        raise
