"""Parameters that reasoning models (o1, o3, o4, gpt-5 families) refuse, caught before sending."""

from __future__ import annotations

import re
from typing import Any

from ._errors import ParameterError

_REASONING_MODEL = re.compile(r"^(o1|o3|o4|gpt-5)(?!-chat)")
_FIXED = {"temperature": 1, "top_p": 1, "n": 1, "presence_penalty": 0, "frequency_penalty": 0}
_OPT_OUT = "pass check_params=False (or Client(check_reasoning_params=False)) to send it anyway"


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING_MODEL.match(model.rsplit("/", 1)[-1]))


def check_reasoning_params(model: str, params: dict[str, Any]) -> None:
    """Raise ParameterError for a parameter the reasoning model `model` would reject."""
    if not is_reasoning_model(model):
        return
    if params.get("max_tokens") is not None:
        raise ParameterError(
            f"{model} does not accept max_tokens; use max_completion_tokens instead ({_OPT_OUT})."
        )
    if params.get("logprobs") or params.get("top_logprobs") is not None:
        raise ParameterError(f"{model} does not return logprobs ({_OPT_OUT}).")
    for name, fixed in _FIXED.items():
        value = params.get(name)
        if value is not None and value != fixed:
            raise ParameterError(f"{model} fixes {name} at {fixed}; got {value} ({_OPT_OUT}).")
