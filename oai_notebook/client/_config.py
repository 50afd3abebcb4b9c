"""Client settings from arguments and the environment, as the official SDK reads them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = 600.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_MAX_RETRIES = 2

# Endpoints that Azure OpenAI serves under /deployments/{deployment}.
AZURE_DEPLOYMENT_PATHS = frozenset({
    "/completions", "/chat/completions", "/embeddings", "/audio/transcriptions",
    "/audio/translations", "/audio/speech", "/images/generations", "/images/edits",
    "/images/variations",
})


def mask_key(key: str | None) -> str:
    """A key as it may be shown: its prefix and last four characters."""
    if not key:
        return "<none>"
    if len(key) <= 8:
        return "****"
    prefix = key[:3] if key.startswith("sk-") else ""
    return f"{prefix}...{key[-4:]}"


@dataclass
class Settings:
    """Everything a client needs to reach an endpoint. Its repr never shows a secret."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    organization: str | None = None
    project: str | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: dict[str, str] = field(default_factory=dict)
    default_query: dict[str, str] = field(default_factory=dict)
    azure: bool = False
    api_version: str | None = None
    azure_deployment: str | None = None
    azure_ad_token: str | None = field(default=None, repr=False)
    azure_ad_token_provider: Callable[[], str] | None = field(default=None, repr=False)
    check_reasoning_params: bool = True

    def __repr__(self) -> str:
        return (
            f"Settings(base_url={self.base_url!r}, api_key={mask_key(self.api_key)!r}, "
            f"organization={self.organization!r}, project={self.project!r}, azure={self.azure})"
        )

    def auth_headers(self) -> dict[str, str]:
        if self.azure:
            if self.api_key:
                return {"api-key": self.api_key}
            token = self.azure_ad_token_provider() if self.azure_ad_token_provider else self.azure_ad_token
            return {"Authorization": f"Bearer {token}"} if token else {}
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def static_headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "oai-notebook"}
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        headers.update(self.default_headers)
        return headers

    def query(self) -> dict[str, str]:
        query = dict(self.default_query)
        if self.azure and self.api_version:
            query["api-version"] = self.api_version
        return query

    def path_for(self, path: str, model: str | None) -> str:
        """The request path; Azure puts model endpoints under the deployment."""
        if self.azure and path in AZURE_DEPLOYMENT_PATHS:
            deployment = self.azure_deployment or model
            if deployment:
                return f"/deployments/{deployment}{path}"
        return path


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value or None


def openai_settings(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    organization: str | None = None,
    project: str | None = None,
    **options,
) -> Settings:
    """Settings for OpenAI or any OpenAI-compatible server (OPENAI_* variables fill the gaps)."""
    return Settings(
        api_key=api_key if api_key is not None else _env("OPENAI_API_KEY"),
        base_url=(base_url or _env("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        organization=organization or _env("OPENAI_ORG_ID"),
        project=project or _env("OPENAI_PROJECT_ID"),
        **options,
    )


def azure_settings(
    *,
    azure_endpoint: str | None = None,
    api_version: str | None = None,
    api_key: str | None = None,
    azure_ad_token: str | None = None,
    azure_ad_token_provider: Callable[[], str] | None = None,
    azure_deployment: str | None = None,
    base_url: str | None = None,
    organization: str | None = None,
    project: str | None = None,
    **options,
) -> Settings:
    """Settings for Azure OpenAI (AZURE_OPENAI_* and OPENAI_API_VERSION fill the gaps)."""
    api_key = api_key if api_key is not None else _env("AZURE_OPENAI_API_KEY")
    azure_ad_token = azure_ad_token or _env("AZURE_OPENAI_AD_TOKEN")
    api_version = api_version or _env("OPENAI_API_VERSION")
    if not api_version:
        raise ValueError("Azure OpenAI needs an api_version (argument or OPENAI_API_VERSION)")
    if not (api_key or azure_ad_token or azure_ad_token_provider):
        raise ValueError(
            "Azure OpenAI needs api_key (or AZURE_OPENAI_API_KEY), azure_ad_token or azure_ad_token_provider"
        )
    if base_url is None:
        endpoint = azure_endpoint or _env("AZURE_OPENAI_ENDPOINT")
        if not endpoint:
            raise ValueError("Azure OpenAI needs azure_endpoint (or AZURE_OPENAI_ENDPOINT)")
        base_url = endpoint.rstrip("/") + "/openai"
    return Settings(
        api_key=api_key,
        base_url=base_url.rstrip("/"),
        organization=organization or _env("OPENAI_ORG_ID"),
        project=project or _env("OPENAI_PROJECT_ID"),
        azure=True,
        api_version=api_version,
        azure_deployment=azure_deployment,
        azure_ad_token=azure_ad_token,
        azure_ad_token_provider=azure_ad_token_provider,
        **options,
    )
