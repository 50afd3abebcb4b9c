"""Local model engines. Each loads lazily on first use and then stays warm."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class EngineRegistry:
    """Builds each engine once, on first use, from a factory; thread-safe."""

    def __init__(self, factories: dict[str, Callable[[], Any]]) -> None:
        self._factories = dict(factories)
        self._engines: dict[str, Any] = {}
        self._lock = threading.RLock()  # an engine may load another (moderator -> embedder)

    def get(self, name: str) -> Any:
        engine = self._engines.get(name)
        if engine is not None:
            return engine
        with self._lock:
            if name not in self._engines:
                self._engines[name] = self._factories[name]()
            return self._engines[name]

    def loaded(self) -> list[str]:
        return sorted(self._engines)
