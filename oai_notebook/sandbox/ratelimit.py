"""Optional requests-per-minute and tokens-per-minute limits with OpenAI's x-ratelimit-* headers."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from .errors import SandboxError

WINDOW_SECONDS = 60.0


class _Window:
    """A sliding one-minute window of (time, amount) entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: deque[tuple[float, int]] = deque()
        self.used = 0

    def _expire(self, now: float) -> None:
        while self.entries and self.entries[0][0] <= now - WINDOW_SECONDS:
            self.used -= self.entries.popleft()[1]

    def wait_for(self, amount: int, now: float) -> float:
        """Seconds until `amount` more fits (0 if it fits now)."""
        self._expire(now)
        if self.used + amount <= self.limit:
            return 0.0
        freed = self.used
        for stamp, size in self.entries:
            freed -= size
            if freed + amount <= self.limit:
                return stamp + WINDOW_SECONDS - now
        return WINDOW_SECONDS

    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def reset_seconds(self, now: float) -> float:
        return self.entries[0][0] + WINDOW_SECONDS - now if self.entries else 0.0


def _duration(seconds: float) -> str:
    """OpenAI's reset format, e.g. '1s', '6m0s', '250ms'."""
    if seconds < 1:
        return f"{max(0, int(seconds * 1000))}ms"
    minutes, secs = divmod(math.ceil(seconds), 60)
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


class RateLimiter:
    """Admits or refuses (429) a request of an estimated token cost; thread-safe."""

    def __init__(self, rpm: int | None, tpm: int | None) -> None:
        self.requests = _Window(rpm) if rpm else None
        self.tokens = _Window(tpm) if tpm else None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.requests or self.tokens)

    def admit(self, tokens: int) -> dict[str, str]:
        """Record the request and return its rate-limit headers, or raise a 429 SandboxError."""
        with self._lock:
            now = time.monotonic()
            waits = {}
            if self.requests:
                waits["requests"] = self.requests.wait_for(1, now)
            if self.tokens:
                waits["tokens"] = self.tokens.wait_for(tokens, now)
            blocked = {kind: wait for kind, wait in waits.items() if wait > 0}
            if blocked:
                kind, wait = max(blocked.items(), key=lambda item: item[1])
                limit = (self.requests if kind == "requests" else self.tokens).limit  # type: ignore[union-attr]
                headers = self._headers(now)
                headers["retry-after"] = str(max(1, math.ceil(wait)))
                headers["retry-after-ms"] = str(max(1, math.ceil(wait * 1000)))
                raise SandboxError(
                    429,
                    f"Rate limit reached on {kind} per min (RPM/TPM limits set for this sandbox): "
                    f"limit {limit}. Please try again in {_duration(wait)}.",
                    type=kind,
                    code="rate_limit_exceeded",
                    headers=headers,
                )
            if self.requests:
                self.requests.entries.append((now, 1))
                self.requests.used += 1
            if self.tokens:
                self.tokens.entries.append((now, tokens))
                self.tokens.used += tokens
            return self._headers(now)

    def _headers(self, now: float) -> dict[str, str]:
        headers: dict[str, str] = {}
        for kind, window in (("requests", self.requests), ("tokens", self.tokens)):
            if window is None:
                continue
            headers[f"x-ratelimit-limit-{kind}"] = str(window.limit)
            headers[f"x-ratelimit-remaining-{kind}"] = str(window.remaining())
            headers[f"x-ratelimit-reset-{kind}"] = _duration(window.reset_seconds(now))
        return headers
