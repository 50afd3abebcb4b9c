"""Sandbox settings and the per-user data directory."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def default_data_dir() -> Path:
    """A per-user folder: $OAI_NOTEBOOK_SANDBOX_DIR, else the platform's user data directory."""
    override = os.environ.get("OAI_NOTEBOOK_SANDBOX_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "oai-notebook" / "sandbox"


@dataclass
class SandboxConfig:
    data_dir: Path = field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = 0  # 0 = pick a free port
    api_key: str | None = field(default=None, repr=False)
    rpm: int | None = None  # requests per minute, None = unlimited
    tpm: int | None = None  # tokens per minute, None = unlimited
    chat_model_path: Path | None = None  # a GGUF file instead of the packaged Gemma 3 270M
    max_upload_bytes: int = 512 * 1024 * 1024  # OpenAI's per-file limit
    default_max_tokens: int = 256  # cap when a request sets no max_tokens
    context_size: int = 4096
    n_threads: int | None = None  # None = all cores

    def __post_init__(self) -> None:
        if self.host not in LOCAL_HOSTS:
            raise ValueError(f"the sandbox binds to 127.0.0.1 only, not {self.host!r}")
        self.host = "127.0.0.1"
        self.data_dir = Path(self.data_dir).expanduser()
        if self.chat_model_path is not None:
            self.chat_model_path = Path(self.chat_model_path).expanduser()

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "sandbox.sqlite3"
