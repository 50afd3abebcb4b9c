"""The state of the magics in one IPython shell: backend and client, conversations, usage log."""

from __future__ import annotations

import atexit
import os
import sys
import time
import weakref
from typing import Any

from .config import OAI
from .errors import InputError

BACKENDS = ("sandbox", "openai", "azure")
PRICED_BACKENDS = ("openai", "azure")

_SESSIONS: weakref.WeakKeyDictionary[Any, Session] = weakref.WeakKeyDictionary()


def get_session(shell: Any = None) -> Session:
    """The session of `shell` (the running IPython by default), created on first use."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    session = _SESSIONS.get(shell)
    if session is None:
        session = _SESSIONS[shell] = Session(shell)
    return session


def drop_session(shell: Any) -> None:
    session = _SESSIONS.pop(shell, None)
    if session is not None:
        session.close()


def auto_backend(environ: Any = os.environ) -> str:
    """openai with OPENAI_API_KEY, azure with Azure settings, else the offline sandbox."""
    if environ.get("OPENAI_API_KEY"):
        return "openai"
    if environ.get("AZURE_OPENAI_ENDPOINT") and (
        environ.get("AZURE_OPENAI_API_KEY") or environ.get("AZURE_OPENAI_AD_TOKEN")
    ):
        return "azure"
    return "sandbox"



def with_system(history: list[dict[str, Any]], system: str | None) -> list[dict[str, Any]]:
    """A conversation with `system` as its first message (replacing an earlier one)."""
    if system is None:
        return history
    rest = history[1:] if history and history[0].get("role") == "system" else history
    return [{"role": "system", "content": system}, *rest]

class Session:
    """Backend, client, named conversations and the usage log shared by every magic of a shell."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.config = OAI(parent=shell)
        if shell is not None and self.config not in shell.configurables:
            shell.configurables.append(self.config)
        self.config.observe(self._backend_changed, names=["backend", "max_retries", "timeout"])
        self.conversations: dict[str, list[dict[str, Any]]] = {}
        self.usage: list[dict[str, Any]] = []
        self.retries = 0  # retries during the current magic, for "gave up after N tries"
        self.backend: str | None = None
        self._client: Any = None
        self._sandbox: Any = None
        self._secrets: list[str] = []
        self._registered = False

    # -- magics ------------------------------------------------------------------------------
    def register_magics(self) -> None:
        if self._registered or self.shell is None:
            return
        from .magics import MAGICS

        for cls in MAGICS:
            self.shell.register_magics(cls(self.shell))
        self._registered = True

    @property
    def namespace(self) -> dict[str, Any]:
        return self.shell.user_ns if self.shell is not None else {}

    # -- backend -----------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        """The client for the chosen backend, connected (and the sandbox started) on first use."""
        if self._client is None:
            self.use(self.config.backend)
        return self._client

    def use(self, target: str, api_key_env: str | None = None) -> None:
        """Switch to sandbox, openai, azure, or a base URL (its key read from `api_key_env`)."""
        target = (target or "auto").strip()
        name = auto_backend() if target == "auto" else target
        options = {"max_retries": self.config.max_retries, "timeout": self.config.timeout, "on_retry": self._on_retry}
        if name == "sandbox":
            client = self._sandbox_client(options)
        elif name == "openai":
            from oai_notebook.client import Client

            if not os.environ.get("OPENAI_API_KEY"):
                raise InputError("no OpenAI key: set OPENAI_API_KEY (or use %oai use sandbox)")
            client = Client(**options)
        elif name == "azure":
            from oai_notebook.client import AzureClient

            client = AzureClient(**options)
        elif name.startswith(("http://", "https://")):
            from oai_notebook.client import Client

            key = os.environ.get(api_key_env) if api_key_env else None
            if api_key_env and not key:
                raise InputError(f"no key in ${api_key_env}")
            # Another server never gets the OpenAI key unless asked for with --key-env.
            client = Client(base_url=name, api_key=key or "sk-no-key", **options)
            name = "url"
        else:
            raise InputError(f"unknown backend '{target}': use sandbox, openai, azure or a base URL")
        self._swap(name, client)

    def set_client(self, client: Any, backend: str = "custom") -> None:
        """Use your own Client (a proxy, a mock); `backend` "openai"/"azure" enables cost estimates."""
        client.on_retry = self._on_retry
        self._swap(backend, client)

    def _swap(self, backend: str, client: Any) -> None:
        old = self._client
        self._client, self.backend = client, backend
        key = getattr(client, "api_key", None)
        if key and key not in self._secrets:
            self._secrets.append(key)
        if old is not None and old is not client and getattr(old, "_owns_http", False):
            old._http.close()

    def _sandbox_client(self, options: dict[str, Any]) -> Any:
        from oai_notebook.client import Client

        if self._sandbox is None or not self._sandbox.running:
            from oai_notebook import sandbox

            self._sandbox = sandbox.start(temporary=True)
            atexit.register(self._sandbox.stop)
            how = "no API key found, using" if self.config.backend == "auto" else "using"
            print(f"oai_notebook: {how} the offline sandbox at {self._sandbox.base_url}")
        return Client(base_url=self._sandbox.base_url, api_key="sk-sandbox", **options)

    def _backend_changed(self, change: Any) -> None:
        """New backend/retry/timeout settings: reconnect on the next call."""
        old, self._client = self._client, None
        if old is not None and getattr(old, "_owns_http", False):
            old._http.close()

    @property
    def priced(self) -> bool:
        """Whether costs are estimated (OpenAI list prices mean nothing for local servers)."""
        return self.backend in PRICED_BACKENDS

    def base_url(self) -> str | None:
        return self._client.base_url if self._client is not None else None

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        self._client = None

    # -- failures ----------------------------------------------------------------------------
    def _on_retry(self, event: Any) -> None:
        self.retries = event.attempt
        print(self.scrub(f"{event.reason} … retrying in {event.delay:.0f} s"), file=sys.stderr, flush=True)

    def scrub(self, text: str) -> str:
        """`text` with every key this session has used masked."""
        from oai_notebook.client import mask_key

        for secret in (*self._secrets, os.environ.get("OPENAI_API_KEY"), os.environ.get("AZURE_OPENAI_API_KEY")):
            if secret and len(secret) > 4 and secret in text:
                text = text.replace(secret, mask_key(secret))
        return text

    # -- usage -------------------------------------------------------------------------------
    def record(
        self,
        magic: str,
        model: str | None,
        *,
        latency: float,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        cost: float | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Add one call to the usage log and return its record."""
        total = None if prompt_tokens is None else prompt_tokens + (completion_tokens or 0)
        entry = {
            "time": time.time(), "magic": magic, "backend": self.backend, "model": model,
            "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": total, "cost_usd": cost if self.priced else None,
            "latency_s": round(latency, 3), **extra,
        }
        self.usage.append(entry)
        return entry
