"""Starting and stopping the sandbox: CLI, Python API (process and thread), parent death."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from oai_notebook.sandbox import start


def _ready_line(proc: subprocess.Popen) -> str:
    for line in proc.stdout:
        if "ready at" in line:
            return line
    return ""


def test_start_and_stop_a_process_sandbox(tmp_path):
    handle = start(data_dir=tmp_path, max_seconds=300)
    assert handle.base_url.startswith("http://127.0.0.1:") and handle.base_url.endswith("/v1")
    assert httpx.get(handle.base_url + "/models").status_code == 200
    assert (tmp_path / "sandbox.sqlite3").exists()
    handle.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(handle.base_url + "/models", timeout=2)


def test_thread_mode_and_context_manager():
    with start(mode="thread", temporary=True) as handle:
        data_dir = handle.data_dir
        assert httpx.get(handle.base_url + "/models").json()["object"] == "list"
    assert not data_dir.exists()  # a temporary data dir goes with the sandbox


def test_state_persists_in_the_data_dir(tmp_path):
    with start(data_dir=tmp_path, max_seconds=300) as first:
        file_id = httpx.post(first.base_url + "/files", files={"file": ("a.txt", b"kept")},
                             data={"purpose": "user_data"}).json()["id"]
    with start(data_dir=tmp_path, max_seconds=300) as second:
        assert httpx.get(f"{second.base_url}/files/{file_id}/content").content == b"kept"


def test_given_port_is_used(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with start(port=port, data_dir=tmp_path, max_seconds=300) as handle:
        assert handle.url == f"http://127.0.0.1:{port}"


def test_cli_prints_url_and_stops_on_sigterm(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "oai_notebook.cli", "sandbox", "--data-dir", str(tmp_path),
         "--max-seconds", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        line = _ready_line(proc)
        assert "ready at http://127.0.0.1:" in line
        url = line.split("ready at ")[1].strip()
        assert httpx.get(url + "/models").status_code == 200
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_cli_refuses_a_public_host():
    result = subprocess.run(
        [sys.executable, "-m", "oai_notebook.cli", "sandbox", "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0 and "invalid choice" in result.stderr


def test_child_exits_when_its_parent_dies(tmp_path):
    """A 'kernel' starts a sandbox and is killed; the sandbox must not outlive it."""
    url_file = tmp_path / "url.txt"
    script = textwrap.dedent(f"""
        import time
        from oai_notebook.sandbox import start
        handle = start(data_dir={str(tmp_path / 'data')!r})
        open({str(url_file)!r}, "w").write(handle.url)
        time.sleep(600)
    """)
    kernel = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not url_file.exists() or not url_file.read_text():
            assert time.monotonic() < deadline, "sandbox did not start"
            time.sleep(0.2)
        url = url_file.read_text()
        assert httpx.get(url + "/v1/models").status_code == 200
        kernel.kill()  # no cleanup code runs in the parent
        kernel.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/v1/models", timeout=1)
            except httpx.TransportError:
                break
            time.sleep(0.3)
        else:
            pytest.fail("the sandbox outlived its parent")
    finally:
        if kernel.poll() is None:
            kernel.kill()


def test_max_seconds_stops_the_server(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "oai_notebook.sandbox", "--data-dir", str(tmp_path),
         "--max-seconds", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert "ready at" in _ready_line(proc)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_user_gguf_becomes_the_chat_model(tmp_path):
    import openai

    from oai_notebook.sandbox.engines.llm import packaged_model_path

    gguf = tmp_path / "my-model.gguf"
    gguf.symlink_to(packaged_model_path())
    with start(data_dir=tmp_path / "data", chat_model_path=gguf, max_seconds=300) as handle:
        client = openai.OpenAI(base_url=handle.base_url, api_key="sk-x", max_retries=0)
        assert "my-model" in {m.id for m in client.models.list()}
        reply = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], max_tokens=3
        )
        assert reply.model == "my-model"


def test_cli_refuses_a_missing_gguf(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "oai_notebook.cli", "sandbox", "--data-dir", str(tmp_path),
         "--chat-model-path", str(tmp_path / "nope.gguf")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0 and "no GGUF file" in result.stderr
