"""Chat completions: `client.chat.completions.create(model=..., messages=[...], stream=...)`."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .._reasoning import check_reasoning_params
from .._resource import Resource


class ChatCompletions(Resource):
    def create(
        self,
        *,
        model: str,
        messages: list[dict[str, Any]],
        stream: bool = False,
        check_params: bool | None = None,
        **params: Any,
    ) -> Any:
        """Create a chat completion; with stream=True, a Stream of chunks (`.collect()` folds them).

        Parameters reasoning models refuse (max_tokens, temperature, logprobs...) raise ParameterError
        before sending, unless check_params=False.
        """
        if check_params if check_params is not None else self._client.settings.check_reasoning_params:
            check_reasoning_params(model, params)
        body = {"model": model, "messages": messages, **params}
        if stream:
            body["stream"] = True
        return self._post("/chat/completions", body, model=model, stream=stream)


class Chat(Resource):
    @cached_property
    def completions(self) -> ChatCompletions:
        return ChatCompletions(self._client)
