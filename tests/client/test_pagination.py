"""Every list endpoint pages past its first page (after/has_more, or before), sync and async."""

from __future__ import annotations

import pytest

from oai_notebook.client import AsyncPage, SyncPage

from ._helpers_stateful import SpecServer, async_client, pages, sync_client

ITEMS = [{"id": f"obj_{i:02}", "n": i} for i in range(11)]

LISTS = {
    "listFiles": lambda c, **q: c.files.list(**q),
    "listAssistants": lambda c, **q: c.beta.assistants.list(**q),
    "listMessages": lambda c, **q: c.beta.threads.messages.list("thread_1", **q),
    "listRuns": lambda c, **q: c.beta.threads.runs.list("thread_1", **q),
    "listRunSteps": lambda c, **q: c.beta.threads.runs.steps.list("run_1", thread_id="thread_1", **q),
    "listBatches": lambda c, **q: c.batches.list(**q),
    "listPaginatedFineTuningJobs": lambda c, **q: c.fine_tuning.jobs.list(**q),
    "listFineTuningEvents": lambda c, **q: c.fine_tuning.jobs.list_events("ftjob_1", **q),
    "listFineTuningJobCheckpoints": lambda c, **q: c.fine_tuning.jobs.checkpoints.list("ftjob_1", **q),
    "listFineTuningCheckpointPermissions": lambda c, **q: c.fine_tuning.checkpoints.permissions.list("ft:m", **q),
    "listVectorStores": lambda c, **q: c.vector_stores.list(**q),
    "listVectorStoreFiles": lambda c, **q: c.vector_stores.files.list("vs_1", **q),
    "listFilesInVectorStoreBatch": lambda c, **q: c.vector_stores.file_batches.list_files(
        "vsfb_1", vector_store_id="vs_1", **q),
}


@pytest.mark.parametrize("op", list(LISTS))
def test_iterating_follows_after_across_pages(op):
    server = SpecServer({op: pages(ITEMS, 4)})
    page = LISTS[op](sync_client(server), limit=4)
    assert isinstance(page, SyncPage)
    assert [item["n"] for item in page] == list(range(11))
    assert server.ops() == [op] * 3
    assert [call.query.get("after") for call in server.calls] == [None, ["obj_03"], ["obj_07"]]
    assert all(call.query["limit"] == ["4"] for call in server.calls)


@pytest.mark.parametrize("op", list(LISTS))
async def test_async_iterating_follows_after_across_pages(op):
    server = SpecServer({op: pages(ITEMS, 5)})
    client = async_client(server)
    assert [item["n"] async for item in LISTS[op](client, limit=5)] == list(range(11))
    first = await LISTS[op](client, limit=5)
    assert isinstance(first, AsyncPage) and len(first.data) == 5 and first.has_more


def test_manual_paging_with_data_has_more_and_last_id():
    server = SpecServer({"listAssistants": pages(ITEMS, 6)})
    assistants = sync_client(server).beta.assistants
    page = assistants.list(limit=6)
    assert [item.id for item in page.data] == [f"obj_{i:02}" for i in range(6)]
    assert page.has_more is True and page.last_id == "obj_05" and page.first_id == "obj_00"
    following = assistants.list(limit=6, after=page.last_id)
    assert following.has_more is False and following.last_id == "obj_10" and len(following) == 5
    assert page.get_next_page().data == following.data
    assert [len(p.data) for p in page.iter_pages()] == [6, 5]


def test_paging_backwards_with_before():
    server = SpecServer({"listMessages": pages(ITEMS, 3)})
    page = sync_client(server).beta.threads.messages.list("thread_1", before="obj_09", limit=3)
    assert [item.n for item in page] == [6, 7, 8, 3, 4, 5, 0, 1, 2]
    assert [call.query.get("before") for call in server.calls] == [["obj_09"], ["obj_06"], ["obj_03"]]
    assert all("after" not in call.query for call in server.calls)


async def test_async_manual_paging():
    server = SpecServer({"listVectorStores": pages(ITEMS, 10)})
    page = await async_client(server).vector_stores.list(limit=10)
    assert page.has_more and page.last_id == "obj_09"
    rest = await page.get_next_page()
    assert [item.id for item in rest.data] == ["obj_10"] and not rest.has_next_page()
    sizes = [len(p.data) async for p in page.iter_pages()]
    assert sizes == [10, 1]


def test_beta_header_is_kept_on_later_pages():
    server = SpecServer({"listRuns": pages(ITEMS, 5)})
    list(sync_client(server).beta.threads.runs.list("thread_1", limit=5))
    assert [call.request.headers.get("OpenAI-Beta") for call in server.calls] == ["assistants=v2"] * 3


def test_empty_list_stops():
    server = SpecServer({"listFiles": pages([], 5)})
    assert list(sync_client(server).files.list()) == []
    assert server.ops() == ["listFiles"]
