"""Running the sandbox: in this process (serve), in a child process or in a thread (start)."""

from __future__ import annotations

import collections
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .config import SandboxConfig

READY_PREFIX = "oai-notebook sandbox ready at "
_READY = re.compile(re.escape(READY_PREFIX) + r"(http://\S+)/v1")


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0 = a free one the OS picks)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _make_server(config: SandboxConfig, sock: socket.socket, on_ready, log_level: str):
    import uvicorn

    from .app import build_app

    url = f"http://{config.host}:{sock.getsockname()[1]}"
    app = build_app(config)
    app.state.sandbox.base_url = url

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                on_ready(url)

    uv_config = uvicorn.Config(
        app, log_level=log_level, access_log=log_level == "debug", lifespan="off",
        timeout_graceful_shutdown=3,
    )
    return Server(uv_config), url


def serve(
    config: SandboxConfig,
    *,
    parent_pid: int | None = None,
    watch_stdin: bool = False,
    max_seconds: float | None = None,
    log_level: str = "warning",
) -> None:
    """Serve until a signal, the parent's death, stdin closing or `max_seconds` ends it."""
    sock = bind_socket(config.host, config.port)

    def announce(url: str) -> None:
        print(f"{READY_PREFIX}{url}/v1", flush=True)

    server, _ = _make_server(config, sock, announce, log_level)
    _start_watchdog(server, parent_pid, watch_stdin, max_seconds)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _start_watchdog(
    server: Any, parent_pid: int | None, watch_stdin: bool, max_seconds: float | None
) -> None:
    """Ask the server to stop when its parent goes away or its time is up."""
    deadline = time.monotonic() + max_seconds if max_seconds else None
    original_parent = os.getppid()

    def parent_gone() -> bool:
        if parent_pid is None:
            return False
        if sys.platform != "win32" and os.getppid() != original_parent:
            return True
        return not _pid_alive(parent_pid)

    def stop() -> None:
        server.should_exit = True
        time.sleep(5)
        os._exit(0)  # graceful shutdown took too long

    def poll() -> None:
        while not server.should_exit:
            if parent_gone() or (deadline and time.monotonic() > deadline):
                stop()
            time.sleep(0.5)

    def read_stdin() -> None:
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (OSError, ValueError):
            pass
        stop()

    threading.Thread(target=poll, name="sandbox-watchdog", daemon=True).start()
    if watch_stdin:
        threading.Thread(target=read_stdin, name="sandbox-stdin", daemon=True).start()


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # on Windows the stdin pipe closing is the signal
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------- handles for callers


class SandboxHandle:
    """A running sandbox. `.url` is its root, `.base_url` the OpenAI base URL (…/v1)."""

    def __init__(self, url: str, data_dir: Path, api_key: str | None, stopper, cleanup_dir: bool):
        self.url = url
        self.base_url = f"{url}/v1"
        self.data_dir = data_dir
        self.api_key = api_key
        self._stopper = stopper
        self._cleanup_dir = cleanup_dir
        self._stopped = False

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<SandboxHandle {self.base_url} {state}>"

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._stopper()
        if self._cleanup_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def running(self) -> bool:
        return not self._stopped

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    port: int | None = None,
    data_dir: str | Path | None = None,
    api_key: str | None = None,
    *,
    rpm: int | None = None,
    tpm: int | None = None,
    chat_model_path: str | Path | None = None,
    max_upload_bytes: int | None = None,
    default_max_tokens: int | None = None,
    temporary: bool = False,
    mode: str = "process",
    max_seconds: float | None = None,
    ready_timeout: float = 60.0,
) -> SandboxHandle:
    """Start a sandbox in the background and return once it answers.

    mode="process" (default) runs it in a child process that exits when this process dies;
    mode="thread" runs it in a daemon thread here. `temporary=True` uses a throwaway data
    directory, deleted on stop.
    """
    if temporary and data_dir is None:
        data_dir = tempfile.mkdtemp(prefix="oai-notebook-sandbox-")
    config = SandboxConfig(
        port=port or 0, api_key=api_key, rpm=rpm, tpm=tpm,
        chat_model_path=Path(chat_model_path) if chat_model_path else None,
        **({"data_dir": Path(data_dir)} if data_dir is not None else {}),
        **({"max_upload_bytes": max_upload_bytes} if max_upload_bytes else {}),
        **({"default_max_tokens": default_max_tokens} if default_max_tokens else {}),
    )
    if mode == "thread":
        url, stopper = _start_thread(config, ready_timeout)
    elif mode == "process":
        url, stopper = _start_process(config, max_seconds, ready_timeout)
    else:
        raise ValueError(f"mode must be 'process' or 'thread', not {mode!r}")
    return SandboxHandle(url, config.data_dir, api_key, stopper, cleanup_dir=temporary)


def _child_command(config: SandboxConfig, max_seconds: float | None) -> list[str]:
    cmd = [
        sys.executable, "-m", "oai_notebook.sandbox",
        "--port", str(config.port), "--data-dir", str(config.data_dir),
        "--parent-pid", str(os.getpid()), "--watch-stdin",
        "--max-upload-bytes", str(config.max_upload_bytes),
        "--default-max-tokens", str(config.default_max_tokens),
    ]
    for flag, value in (
        ("--rpm", config.rpm), ("--tpm", config.tpm),
        ("--chat-model-path", config.chat_model_path), ("--max-seconds", max_seconds),
    ):
        if value is not None:
            cmd += [flag, str(value)]
    return cmd


def _start_process(config: SandboxConfig, max_seconds: float | None, timeout: float):
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    if config.api_key:
        env["OAI_NOTEBOOK_SANDBOX_API_KEY"] = config.api_key  # not on the command line
    proc = subprocess.Popen(
        _child_command(config, max_seconds),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env=env, text=True, bufsize=1,
    )
    lines: collections.deque[str] = collections.deque(maxlen=200)
    ready = threading.Event()
    found: list[str] = []

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            match = _READY.search(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=drain, name="sandbox-output", daemon=True).start()
    if not ready.wait(timeout) or not found:
        _stop_process(proc)
        raise RuntimeError("the sandbox did not start:\n" + "\n".join(lines))
    return found[0], lambda: _stop_process(proc)


def _stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        if proc.stdin:
            proc.stdin.close()  # the child treats stdin closing as "stop"
        proc.terminate()
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _start_thread(config: SandboxConfig, timeout: float):
    import asyncio

    sock = bind_socket(config.host, config.port)
    ready = threading.Event()
    server, url = _make_server(config, sock, lambda _url: ready.set(), "warning")
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # surfaced to the caller below
            failure.append(exc)
        finally:
            sock.close()
            ready.set()

    thread = threading.Thread(target=run, name="oai-notebook-sandbox", daemon=True)
    thread.start()
    if not ready.wait(timeout) or failure:
        server.should_exit = True
        raise RuntimeError(f"the sandbox did not start: {failure[0] if failure else 'timeout'}")

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return url, stop
