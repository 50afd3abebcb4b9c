"""One readable line instead of a traceback when a magic fails.

A failing magic raises `MagicError`, whose `_render_traceback_` makes IPython show just its
message: no traceback, and the cell still counts as failed (`error_in_exec` is set, so "Run all"
stops there). Magics change state (conversations, variables, the usage log) only after success.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import Session


class MagicError(Exception):
    """A magic failed; IPython shows only this one line."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class InputError(ValueError):
    """Bad input from the user: a missing variable, an unreadable file, a wrong option value."""


def _model_in_error(exc: Any) -> str | None:
    match = re.search(r"model [`'\"]([^`'\"]+)[`'\"]", exc.message or "")
    return match.group(1) if match else None


def describe(exc: BaseException, retries: int = 0) -> str | None:
    """The one line for a failure we expect, or None for a bug (which keeps its traceback)."""
    from oai_notebook.client import APIConnectionError, APIStatusError, OpenAIError

    if isinstance(exc, APIStatusError):
        model = _model_in_error(exc)
        if exc.status_code == 404 and model and (exc.code == "model_not_found" or exc.param == "model"):
            return f"unknown model '{model}' (see %oai models)"
        line = f"{type(exc).__name__} ({exc.status_code}): {exc.message}"
    elif isinstance(exc, APIConnectionError):
        line = f"{type(exc).__name__}: {exc.message}"
    elif isinstance(exc, OpenAIError):
        line = f"{type(exc).__name__}: {exc}"
    elif isinstance(exc, InputError):
        return str(exc)
    elif isinstance(exc, (OSError, ValueError)):
        text = str(exc).strip().splitlines()
        line = f"{type(exc).__name__}: {text[0] if text else ''}"
    else:
        return None
    if retries:
        line += f" … gave up after {retries + 1} tries"
    return line


def fails_cleanly(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures of a magic method into one MagicError line (the key never shown)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        session: Session = self.session
        session.retries = 0
        try:
            return method(self, *args, **kwargs)
        except MagicError as exc:
            raise MagicError(session.scrub(str(exc))) from None
        except KeyboardInterrupt:
            raise MagicError("interrupted; nothing was changed") from None
        except Exception as exc:
            line = describe(exc, session.retries)
            if line is None:
                raise
            raise MagicError(session.scrub(line)) from None

    return wrapper
