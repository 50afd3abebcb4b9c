"""Playground: a template on a grid of models × temperatures (× systems) per test case, against the mock API."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from oai_notebook.notebook.session import get_session
from oai_notebook.widgets import Playground
from oai_notebook.widgets.playground import template_fields

from .conftest import until
from .mock_api import error_body


@pytest.fixture
def echo(api):
    """Replies name the model, temperature and system prompt they were asked with."""

    def reply_for(body):
        system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "-")
        return f"{body['model']}|{body.get('temperature')}|{system}|{body['messages'][-1]['content']}"

    api.reply_for = reply_for
    return api


def cells(playground: Playground) -> list[str]:
    return re.findall(r'<td class="oai-cell oai-cell-(\w+)"', playground.table.value)


def test_template_fields_are_found_like_the_magics_fill_them():
    assert template_fields("Translate {text} into {language}. JSON: {\"a\": 1} {{literal}}") == ["text", "language"]
    assert template_fields("{user.name} likes {items[0]}") == ["user", "items"]


async def test_run_fills_a_table_cell_per_model_and_temperature(shell, echo):
    playground = Playground("Translate {text} into {language}", models=["gpt-4o-mini", "gpt-4o"],
                            temperatures=[0.0, 0.7], max_tokens=20, client=echo.async_client(), shell=shell)
    assert [box.description for box in playground.fields.children] == ["text", "language"]
    playground.set_fields(text="cheese", language="French")
    playground.run_button.click()
    assert playground.run_button.disabled and not playground.cancel_button.disabled
    results = await playground.job
    assert len(results) == 4 and cells(playground) == ["done"] * 4
    assert set(zip(results["model"], results["temperature"], strict=True)) == {
        ("gpt-4o-mini", 0.0), ("gpt-4o-mini", 0.7), ("gpt-4o", 0.0), ("gpt-4o", 0.7)}
    for row in results.itertuples():
        assert row.output == f"{row.model}|{row.temperature}|-|Translate cheese into French"
        assert row.prompt_tokens > 0 and row.completion_tokens == len(row.output.split()) and row.cost_usd > 0 and row.latency_s >= 0
    assert list(results.columns) == ["case", "system", "model", "temperature", "prompt", "output", "prompt_tokens",
                                     "completion_tokens", "cost_usd", "latency_s", "finish_reason", "error"]
    assert all(body["max_completion_tokens"] == 20 for body in echo.bodies("/chat/completions"))
    table = html.unescape(playground.table.value)
    assert "gpt-4o-mini<br>T=0.7" in table and "Translate cheese into French" in table and "tokens" in table
    assert playground.progress.value == playground.progress.max == 4 and playground.progress.bar_style == "success"
    assert "4 of 4 cells done" in playground.status.value and "~$" in playground.status.value
    assert [u["magic"] for u in get_session(shell).usage].count("Playground") == 4
    assert not playground.run_button.disabled and playground.cancel_button.disabled


async def test_test_cases_from_a_dataframe_and_system_prompts_multiply_the_grid(shell, echo):
    cases = pd.DataFrame({"word": ["cat", "dog", "fish"]})
    playground = Playground("Spell {word}", cases, models=["gpt-4o-mini"], temperatures=[0.0, 1.0],
                            systems=["Be brief.", "Be loud."], client=echo.async_client(), shell=shell)
    assert "3 test cases" in playground.fields.children[0].value
    results = await playground.run()
    assert len(results) == 3 * 2 * 2 and len(cells(playground)) == 12
    assert playground.table.value.count("<tr>") == 1 + 3 * 2  # header + a row per case × system
    row = results[(results.case == 2) & (results.system == "Be loud.") & (results.temperature == 1.0)].iloc[0]
    assert row.output == "gpt-4o-mini|1.0|Be loud.|Spell fish"


async def test_requests_run_concurrently_but_bounded(shell, echo):
    echo.first_delay = 0.05
    playground = Playground("Hi {name}", [{"name": n} for n in "abcdef"], models=["gpt-4o-mini"],
                            temperatures=[0.0, 1.0], concurrency=3, client=echo.async_client(), shell=shell)
    await playground._models_job
    echo.max_in_flight = 0
    await playground.run()
    assert echo.max_in_flight == 3  # 12 requests, never more than 3 at once
    assert playground.progress.value == 12


async def test_cancel_stops_the_requests_and_keeps_the_finished_cells(shell, echo):
    playground = Playground("Say {word}", [{"word": str(i)} for i in range(8)], models=["gpt-4o-mini"],
                            temperatures=[0.5], concurrency=2, client=echo.async_client(), shell=shell)
    await playground._models_job
    echo.first_delay = 0.2
    playground.run()
    # Cancel while later requests are really in flight, so there is a connection to close.
    await until(lambda: playground.progress.value >= 2 and echo.in_flight >= 1)
    playground.cancel_button.click()
    results = await playground.job
    done = results[results.output.notna()]
    assert 2 <= len(done) < 8
    assert set(results[results.output.isna()].error) == {"cancelled"}
    assert echo.cancelled >= 1 and echo.in_flight == 0  # in-flight requests were closed
    assert "cancelled" in playground.status.value and playground.progress.bar_style == "warning"
    assert not playground.run_button.disabled and playground.cancel_button.disabled
    states = cells(playground)
    assert states.count("done") == len(done) and states.count("cancelled") == 8 - len(done)
    echo.first_delay = 0.0
    assert (await playground.run()).output.notna().all()  # runs again after a cancel


async def test_a_failing_cell_shows_its_error_and_the_others_finish(shell, echo):
    playground = Playground("Hello", models=["gpt-4o-mini", "gpt-9"], temperatures=[0.0],
                            client=echo.async_client(), shell=shell)
    await playground._models_job
    original = echo.answer

    def answer(request, slow=False):
        if b'"gpt-9"' in request.content:
            import httpx

            return httpx.Response(404, json=error_body("The model `gpt-9` does not exist", "model", "model_not_found"))
        return original(request, slow)

    echo.answer = answer
    results = await playground.run()
    assert results.set_index("model").loc["gpt-9", "error"] == "unknown model 'gpt-9' (see %oai models)"
    assert results.set_index("model").loc["gpt-4o-mini", "output"]
    assert sorted(cells(playground)) == ["done", "error"]
    assert "1 failed" in html.unescape(playground.status.value) and playground.progress.bar_style == "danger"


async def test_a_missing_field_is_one_line_and_sends_nothing(shell, echo):
    playground = Playground("Hi {name}", [{"nom": "Ada"}], client=echo.async_client(), shell=shell)
    await playground._models_job
    assert playground.run() is None
    assert "no variable 'name' for {name}" in html.unescape(playground.status.value)
    assert echo.bodies("/chat/completions") == []
    playground.models.value = []
    playground.template.value = "Hi {nom}"
    assert playground.run() is None and "choose at least one model" in playground.status.value


async def test_the_model_list_fills_the_choices_and_editing_the_template_rebuilds_the_fields(shell, echo):
    playground = Playground("Hi {a}", client=echo.async_client(), shell=shell)
    await playground._models_job
    assert playground.models.options == ("gpt-4o-mini", "gpt-4o") and playground.models.value == ("gpt-4o-mini",)
    playground.set_fields(a="kept")
    playground.template.value = "Hi {a} and {b}"
    assert playground.field_values == {"a": "kept", "b": ""}
