"""The sandbox's models: local model ids, and the OpenAI ids that resolve to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import SandboxError


@dataclass(frozen=True)
class LocalModel:
    id: str
    kind: str  # chat | embeddings | moderations | speech | transcription | images
    owned_by: str
    aliases: tuple[str, ...] = field(default=())


CHAT_ALIASES = (
    "gpt-4o-mini", "gpt-4o", "chatgpt-4o-latest", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
    "gpt-4-turbo", "gpt-4", "gpt-3.5-turbo", "gpt-3.5-turbo-instruct", "gpt-5", "gpt-5-mini",
    "gpt-5-nano", "o1", "o1-mini", "o3", "o3-mini", "o4-mini", "davinci-002", "babbage-002",
)

DEFAULT_MODELS: tuple[LocalModel, ...] = (
    LocalModel("gemma-3-270m", "chat", "google", CHAT_ALIASES),
    LocalModel(
        "all-minilm-l6-v2", "embeddings", "sentence-transformers",
        ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"),
    ),
    LocalModel(
        "minilm-moderation", "moderations", "oai-notebook",
        ("omni-moderation-latest", "omni-moderation-2024-09-26",
         "text-moderation-latest", "text-moderation-stable"),
    ),
    LocalModel("piper-en-us-joe-medium", "speech", "rhasspy", ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")),
    LocalModel(
        "whisper-tiny.en", "transcription", "openai",
        ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"),
    ),
    LocalModel("pillow-painter", "images", "oai-notebook", ("dall-e-2", "dall-e-3", "gpt-image-1")),
)


class Catalog:
    """Resolves a requested model id (local or OpenAI alias) to a local model of a kind."""

    def __init__(self, models: tuple[LocalModel, ...] | list[LocalModel] = DEFAULT_MODELS) -> None:
        self.models = list(models)
        self._by_name: dict[str, LocalModel] = {}
        for model in self.models:
            self._by_name[model.id] = model
            for alias in model.aliases:
                self._by_name.setdefault(alias, model)

    def add(self, model: LocalModel) -> None:
        self.models.append(model)
        self._by_name[model.id] = model
        for alias in model.aliases:
            self._by_name[alias] = model

    def lookup(self, name: str) -> LocalModel | None:
        return self._by_name.get(name)

    def resolve(self, kind: str, requested: str | None, param: str = "model") -> LocalModel:
        """The local model for `requested`, or a 404 (unknown) / 400 (wrong kind) SandboxError."""
        if not requested:
            raise SandboxError(400, "you must provide a model parameter", param=param)
        model = self._by_name.get(requested)
        if model is None:
            raise SandboxError(
                404,
                f"The model `{requested}` does not exist or you do not have access to it.",
                param=param,
                code="model_not_found",
            )
        if model.kind != kind:
            raise SandboxError(
                400,
                f"The model `{requested}` is a {model.kind} model and cannot be used here ({kind}).",
                param=param,
                code="model_not_supported",
            )
        return model
