"""An async transport that spreads requests over several small httpcore pools.

httpcore's pool scans all its connections and queued requests on every event
(encode/httpx#3215), so one pool with 64 requests in flight spends most of its time
scanning. Small pools keep each scan short; requests go to the least busy one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


class _CountedStream(httpx.AsyncByteStream):
    __slots__ = ("_stream", "_shard", "_open")

    def __init__(self, stream: httpx.AsyncByteStream, shard: _Shard) -> None:
        self._stream = stream
        self._shard = shard
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._open:
                self._open = False
                self._shard.in_flight -= 1


class _Shard:
    __slots__ = ("transport", "in_flight")

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.in_flight = 0


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """`shards` pools of `connections_per_shard` connections each, least-busy first."""

    def __init__(self, shards: int = 16, connections_per_shard: int = 8, **transport_options) -> None:
        limits = httpx.Limits(
            max_connections=connections_per_shard, max_keepalive_connections=connections_per_shard
        )
        self._shards = [
            _Shard(httpx.AsyncHTTPTransport(limits=limits, **transport_options)) for _ in range(shards)
        ]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        shard = min(self._shards, key=_load)
        shard.in_flight += 1
        try:
            response = await shard.transport.handle_async_request(request)
        except BaseException:
            shard.in_flight -= 1
            raise
        response.stream = _CountedStream(response.stream, shard)
        return response

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.transport.aclose()


def _load(shard: _Shard) -> int:
    return shard.in_flight
