"""oai_notebook.client: a small, fast client for the OpenAI API and OpenAI-compatible servers.

    from oai_notebook.client import Client
    client = Client()                      # OPENAI_API_KEY / OPENAI_BASE_URL from the environment
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    print(reply.choices[0].message.content)
"""

from ._client import AsyncAzureClient, AsyncClient, AzureClient, BaseClient, Client
from ._config import Settings, mask_key
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAIError,
    ParameterError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._objects import APIObject, BinaryResponse, RateLimits, TextResponse
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._retry import RetryEvent
from ._streaming import Accumulator, AsyncStream, Stream, accumulate

# The official SDK's names, so code moves between the two unchanged.
OpenAI = Client
AsyncOpenAI = AsyncClient
AzureOpenAI = AzureClient
AsyncAzureOpenAI = AsyncAzureClient

__all__ = [
    "APIConnectionError", "APIError", "APIObject", "APIStatusError", "APITimeoutError", "Accumulator",
    "AsyncAzureClient", "AsyncAzureOpenAI", "AsyncClient", "AsyncOpenAI", "AsyncPage", "AsyncPaginator",
    "AsyncStream", "AuthenticationError", "AzureClient", "AzureOpenAI", "BadRequestError", "BaseClient",
    "BinaryResponse", "Client", "ConflictError", "InternalServerError", "NotFoundError", "OpenAI",
    "OpenAIError", "ParameterError", "PermissionDeniedError", "RateLimitError", "RateLimits", "RetryEvent",
    "Settings", "Stream", "SyncPage", "TextResponse", "UnprocessableEntityError", "accumulate", "mask_key",
]
