"""When to retry, and how long to wait: `retry-after-ms`, `retry-after`, else backoff with jitter."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Any

RETRY_STATUSES = frozenset({408, 409, 429})
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class RetryEvent:
    """What a retry callback is told: which try failed, why, and how long until the next."""

    attempt: int  # 1 for the first retry
    max_retries: int
    delay: float
    reason: str  # "RateLimitError (429): ..." or "APIConnectionError: ..."
    status_code: int | None = None

    def __str__(self) -> str:
        return f"{self.reason} … retrying in {self.delay:.1f} s ({self.attempt}/{self.max_retries})"


def should_retry(status_code: int, headers: Any) -> bool:
    explicit = headers.get("x-should-retry")
    if explicit == "true":
        return True
    if explicit == "false":
        return False
    return status_code in RETRY_STATUSES or status_code >= 500


def retry_after(headers: Any) -> float | None:
    """Seconds the server asked us to wait, if it said so in a usable way."""
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return float(value) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return float(value)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return email.utils.mktime_tz(parsed) - time.time()
    return None


def retry_delay(retries_done: int, headers: Any = None) -> float:
    """The wait before the next try, for `retries_done` earlier retries."""
    asked = retry_after(headers)
    if asked is not None and 0 <= asked <= MAX_RETRY_AFTER:
        return asked
    delay = min(INITIAL_DELAY * 2.0**retries_done, MAX_DELAY)
    return delay * (1.0 - 0.25 * random.random())
