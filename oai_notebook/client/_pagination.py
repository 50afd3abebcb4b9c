"""Cursor pages for list endpoints: iterate past the first page, or page by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from ._objects import APIObject

if TYPE_CHECKING:
    from ._client import AsyncClient, Client


class _PageBase:
    def __init__(self, obj: APIObject, path: str, query: dict[str, Any], options: dict[str, Any]) -> None:
        self.object = obj
        self.data: list[Any] = obj.get("data") or []
        self._path = path
        self._query = query
        self._options = options

    @property
    def has_more(self) -> bool:
        return bool(self.object.get("has_more"))

    @property
    def first_id(self) -> str | None:
        return self.object.get("first_id") or (self.data[0].get("id") if self.data else None)

    @property
    def last_id(self) -> str | None:
        return self.object.get("last_id") or (self.data[-1].get("id") if self.data else None)

    @property
    def headers(self) -> Any:
        return self.object.headers

    @property
    def rate_limits(self) -> Any:
        return self.object.rate_limits

    def to_dict(self) -> dict[str, Any]:
        """This page's raw list object."""
        return self.object.to_dict()

    def has_next_page(self) -> bool:
        return self.has_more and bool(self.data)

    def next_page_query(self) -> dict[str, Any]:
        """The query of the following page: `after` the last id, or `before` the first when paging back."""
        query = dict(self._query)
        if "before" in query and "after" not in query:
            query["before"] = self.first_id
        else:
            query["after"] = self.last_id
        return query

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> Any:
        return self.data[index]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.data)} items, has_more={self.has_more})"


class SyncPage(_PageBase):
    """One page of a list. Iterating yields every item, fetching later pages as needed."""

    def __init__(self, client: Client, obj: APIObject, path: str, query: dict, options: dict) -> None:
        super().__init__(obj, path, query, options)
        self._client = client

    def get_next_page(self) -> SyncPage:
        return self._client.request("GET", self._path, query=self.next_page_query(), page=True, **self._options)

    def iter_pages(self) -> Iterator[SyncPage]:
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[Any]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_PageBase):
    def __init__(self, client: AsyncClient, obj: APIObject, path: str, query: dict, options: dict) -> None:
        super().__init__(obj, path, query, options)
        self._client = client

    async def get_next_page(self) -> AsyncPage:
        return await self._client.request(
            "GET", self._path, query=self.next_page_query(), page=True, **self._options
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[Any]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator:
    """What an async list call returns: `await` it for the first page, or `async for` every item."""

    def __init__(self, first_page) -> None:
        self._first_page = first_page  # a coroutine function returning AsyncPage

    def __await__(self):
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        page = await self._first_page()
        async for item in page:
            yield item
