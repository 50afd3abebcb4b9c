"""oai_notebook's adapter for ../shared/bench/bench_clients.py (see bench/README.md)."""

from __future__ import annotations

from oai_notebook.client import AsyncClient, Client


class OaiNotebookAdapter:
    name = "oai_notebook"
    description = "oai_notebook client, defaults (sharded async pool, base64 -> float32)"

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.client = Client(base_url=base_url, api_key=api_key)

    def chat(self, model, messages) -> str:
        reply = self.client.chat.completions.create(model=model, messages=messages)
        return reply.choices[0].message.content

    def stream(self, model, messages, chunks) -> str:
        parts = []
        with self.client.chat.completions.create(
            model=model, messages=messages, stream=True, extra_query={"chunks": chunks}
        ) as stream:
            for chunk in stream:
                choices = chunk["choices"]
                if choices:
                    content = choices[0]["delta"].get("content")
                    if content:
                        parts.append(content)
        return "".join(parts)

    def embed(self, model, texts):
        return self.client.embeddings.create(input=texts, model=model).array

    def close(self) -> None:
        self.client.close()

    async def aopen(self) -> None:
        self.aclient = AsyncClient(base_url=self.base_url, api_key=self.api_key)

    async def achat(self, model, messages) -> str:
        reply = await self.aclient.chat.completions.create(model=model, messages=messages)
        return reply.choices[0].message.content

    async def aembed(self, model, texts):
        result = await self.aclient.embeddings.create(input=texts, model=model)
        return result.array

    async def aclose(self) -> None:
        await self.aclient.close()
