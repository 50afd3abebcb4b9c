"""`Playground(template)`: one prompt template on a grid of models × temperatures (× system prompts)."""

from __future__ import annotations

import asyncio
import contextlib
import html
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from oai_notebook.notebook.errors import InputError
from oai_notebook.notebook.interpolate import interpolate
from oai_notebook.notebook.render import finish_note, footer_text

from ._shared import Connection, Job, list_chat_models, status_html

COLUMNS = ["case", "system", "model", "temperature", "prompt", "output", "prompt_tokens",
           "completion_tokens", "cost_usd", "latency_s", "finish_reason", "error"]


class _AnyValue:
    """Stands in for every variable while collecting a template's field names."""

    def __getattr__(self, name: str) -> _AnyValue:
        return self

    def __getitem__(self, key: Any) -> _AnyValue:
        return self

    def __format__(self, spec: str) -> str:
        return ""


class _FieldCollector(dict):
    def __missing__(self, name: str) -> _AnyValue:
        self[name] = _AnyValue()
        return self[name]


def template_fields(template: str) -> list[str]:
    """The variable names a template uses, in order (`{name}`, `{name.attr}`, `{name[0]}`)."""
    collector = _FieldCollector()
    with contextlib.suppress(InputError):  # a field the collector cannot stand in for
        interpolate(template, collector)
    return list(collector)


class Playground(widgets.VBox):
    """Run a prompt template on models × temperatures (× system prompts) for each test case.

    `{fields}` come from the field boxes, or from `cases` (a DataFrame or a list of dicts, one test
    case per row). Run fills a table (output, tokens, estimated cost, latency of every cell), a few
    requests at a time; Cancel stops them. `.results` is a DataFrame; `await pg.run()` returns it.
    """

    def __init__(
        self,
        prompt_template: str,
        cases: Any = None,
        *,
        models: Sequence[str] | None = None,
        temperatures: Iterable[float] = (0.0, 1.0),
        systems: Iterable[str] = (),
        max_tokens: int | None = None,
        concurrency: int = 4,
        client: Any = None,
        shell: Any = None,
    ) -> None:
        self.connection = Connection(shell, client, on_retry=self._retrying)
        self.session = self.connection.session
        config = self.session.config
        self.cases = _case_records(cases)
        self.concurrency = max(1, concurrency)
        self.job: Job | None = None
        self._rows: list[dict[str, Any]] = []

        self.template = widgets.Textarea(value=prompt_template, description="Template",
                                         layout=widgets.Layout(width="100%", height="5em"))
        self.fields = widgets.VBox()
        self.template.observe(lambda _: self._build_fields(), names="value")
        chosen = list(models or [config.chat_model])
        self.models = widgets.SelectMultiple(options=chosen, value=chosen, description="Models", rows=4)
        self.temperatures = widgets.FloatsInput(value=[float(t) for t in temperatures], min=0.0, max=2.0,
                                                format=".2f")
        self.systems = widgets.Textarea(value="\n".join(systems), description="Systems",
                                        placeholder="System prompts, one per line (optional)",
                                        layout=widgets.Layout(width="100%", height="4em"))
        self.max_tokens = widgets.BoundedIntText(value=max_tokens or config.max_tokens or 256, min=1,
                                                 max=100_000, description="Max tokens")
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.cancel_button = widgets.Button(description="Cancel", button_style="warning", icon="stop", disabled=True)
        self.run_button.add_class("oai-playground-run")
        self.cancel_button.add_class("oai-playground-cancel")
        self.run_button.on_click(lambda _: self.run())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Done")
        self.status = widgets.HTML()
        self.status.add_class("oai-playground-status")
        self.table = widgets.HTML()
        self.table.add_class("oai-playground-table")
        self._build_fields()
        super().__init__(children=[
            self.template, self.fields,
            widgets.HBox([self.models, widgets.VBox([widgets.Label("Temperatures"), self.temperatures])]),
            self.systems,
            widgets.HBox([self.max_tokens, self.run_button, self.cancel_button, self.progress]),
            self.status, self.table,
        ])
        self.add_class("oai-playground")
        self._models_job = Job(self._load_models(chosen))

    # -- inputs ------------------------------------------------------------------------------
    def _build_fields(self) -> None:
        """One text box per {field} of the template (or a note when test cases fill them)."""
        if self.cases is not None:
            columns = sorted({key for case in self.cases for key in case})
            self.fields.children = [widgets.HTML(status_html(
                f"{len(self.cases)} test cases; fields from their columns: {', '.join(columns)}"))]
            return
        old = {box.description: box.value for box in self.fields.children if isinstance(box, widgets.Text)}
        self.fields.children = [widgets.Text(value=old.get(name, ""), description=name)
                                for name in template_fields(self.template.value)]

    @property
    def field_values(self) -> dict[str, str]:
        """The field boxes' values by field name."""
        return {box.description: box.value for box in self.fields.children if isinstance(box, widgets.Text)}

    def set_fields(self, **values: str) -> None:
        """Fill field boxes by name."""
        for box in self.fields.children:
            if isinstance(box, widgets.Text) and box.description in values:
                box.value = str(values[box.description])

    def grid(self) -> list[dict[str, Any]]:
        """Every cell to run: case × system × model × temperature (InputError for a bad setup)."""
        template = self.template.value
        if not template.strip():
            raise InputError("the template is empty")
        models = list(dict.fromkeys(self.models.value))
        temperatures = list(dict.fromkeys(self.temperatures.value)) or [None]
        systems = list(dict.fromkeys(line.strip() for line in self.systems.value.splitlines() if line.strip())) or [None]
        if not models:
            raise InputError("choose at least one model")
        cases = self.cases if self.cases is not None else [self.field_values]
        cells = []
        for number, case in enumerate(cases):
            prompt = interpolate(template, case)
            for system in systems:
                for model in models:
                    for temperature in temperatures:
                        cells.append({"case": number, "system": system, "model": model,
                                      "temperature": temperature, "prompt": prompt})
        return cells

    # -- results -----------------------------------------------------------------------------
    @property
    def results(self) -> Any:
        """One row per cell of the last run: output, tokens, estimated cost, latency, error."""
        from oai_notebook.notebook.frames import records_frame

        return records_frame(self._rows, COLUMNS)

    def _show(self, text: str, kind: str = "info") -> None:
        self.status.value = status_html(text, kind)

    def _retrying(self, event: Any) -> None:
        self._show(self.session.scrub(f"{event.reason} … retrying in {event.delay:.0f} s"))

    # -- actions -----------------------------------------------------------------------------
    def run(self) -> Job | None:
        """Start the grid; returns a Job whose result is `.results` (`await pg.run()`)."""
        if self.job is not None and not self.job.done():
            self._show("already running: Cancel it first", "error")
            return None
        try:
            cells = self.grid()
        except InputError as exc:
            self._show(str(exc), "error")
            return None
        self._rows = [{**cell, "output": None, "error": None} for cell in cells]
        self.progress.max, self.progress.value, self.progress.bar_style = len(cells), 0, ""
        self.run_button.disabled, self.cancel_button.disabled = True, False
        self._show(f"running {len(cells)} requests, {min(self.concurrency, len(cells))} at a time…")
        self._render()
        self.job = Job(self._run_all(int(self.max_tokens.value)))
        return self.job

    def cancel(self) -> None:
        """Stop the running grid; finished cells are kept."""
        if self.job is not None and not self.job.done():
            self.job.cancel()

    async def _load_models(self, chosen: list[str]) -> None:
        try:
            models = await list_chat_models(self.connection.client(), chosen)
        except Exception as exc:
            self._show(f"cannot list models: {self.connection.error_line(exc)}", "error")
            return
        selected = self.models.value
        self.models.options = models
        self.models.value = [m for m in selected if m in models]

    async def _run_all(self, max_tokens: int) -> Any:
        gate = asyncio.Semaphore(self.concurrency)
        client = self.connection.client()

        async def run_one(row: dict[str, Any]) -> None:
            async with gate:
                await self._run_cell(client, row, max_tokens)
            self.progress.value += 1
            self._render()

        cancelled = False
        try:
            await asyncio.gather(*(run_one(row) for row in self._rows))
        except asyncio.CancelledError:
            cancelled = True
        finally:
            self.run_button.disabled, self.cancel_button.disabled = False, True
        self._summarize(cancelled)
        return self.results

    async def _run_cell(self, client: Any, row: dict[str, Any], max_tokens: int) -> None:
        messages = [{"role": "user", "content": row["prompt"]}]
        if row["system"]:
            messages.insert(0, {"role": "system", "content": row["system"]})
        params: dict[str, Any] = {"max_completion_tokens": max_tokens}
        if row["temperature"] is not None:
            params["temperature"] = row["temperature"]
        started = time.perf_counter()
        try:
            completion = await client.chat.completions.create(model=row["model"], messages=messages, **params)
        except asyncio.CancelledError:
            row["error"] = "cancelled"
            raise
        except Exception as exc:
            row.update(error=self.connection.error_line(exc), latency_s=round(time.perf_counter() - started, 3))
            return
        latency = time.perf_counter() - started
        usage = completion.get("usage") or {}
        prompt_tokens, completion_tokens = usage.get("prompt_tokens"), usage.get("completion_tokens")
        message = (completion["choices"][0].get("message") or {}) if completion.get("choices") else {}
        cost = self.connection.cost(row["model"], prompt_tokens, completion_tokens)
        row.update(
            output=message.get("content") or message.get("refusal") or "",
            prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost_usd=cost,
            latency_s=round(latency, 3), finish_reason=finish_note(completion),
            served_model=completion.get("model"),
        )
        self.session.record("Playground", row["model"], latency=latency, prompt_tokens=prompt_tokens,
                            completion_tokens=completion_tokens, cost=cost)

    def _summarize(self, cancelled: bool) -> None:
        done = sum(row["output"] is not None for row in self._rows)
        failed = [row["error"] for row in self._rows if row["error"] and row["error"] != "cancelled"]
        for row in self._rows:
            if cancelled and row["output"] is None and not row["error"]:
                row["error"] = "cancelled"
        self._render()
        total_cost = sum(row.get("cost_usd") or 0 for row in self._rows)
        parts = [f"{done} of {len(self._rows)} cells done"]
        if failed:
            parts.append(f"{len(failed)} failed ({failed[0]})")
        if self.session.priced:
            parts.append(f"~${total_cost:.6f}")
        if cancelled:
            self.progress.bar_style = "warning"
            self._show("cancelled: " + ", ".join(parts), "info")
        else:
            self.progress.bar_style = "danger" if failed else "success"
            self._show(", ".join(parts), "error" if failed else "ok")

    def _render(self) -> None:
        self.table.value = grid_html(self._rows)


def _case_records(cases: Any) -> list[dict[str, Any]] | None:
    """Test cases as dicts: from a DataFrame's rows or a list of mappings."""
    if cases is None:
        return None
    if hasattr(cases, "to_dict") and hasattr(cases, "columns"):
        records = cases.to_dict("records")
    else:
        records = [dict(case) for case in cases]
    if not records:
        raise InputError("no test cases: give at least one row")
    for record in records:
        if not isinstance(record, Mapping):
            raise InputError("test cases must be dicts (or DataFrame rows)")
    return [{str(key): value for key, value in record.items()} for record in records]


def _cell_html(row: dict[str, Any]) -> str:
    if row["output"] is not None:
        stats = footer_text(row.get("served_model") or row["model"], row["latency_s"], row.get("prompt_tokens"),
                            row.get("completion_tokens"), row.get("cost_usd"), row.get("finish_reason"))
        body = (f'<div class="oai-output" style="white-space:pre-wrap">{html.escape(row["output"])}</div>'
                f'<sub class="oai-stats">{html.escape(stats)}</sub>')
        state = "done"
    elif row["error"]:
        body = f'<div class="oai-error" style="color:#c62828">{html.escape(row["error"])}</div>'
        state = "cancelled" if row["error"] == "cancelled" else "error"
    else:
        body, state = '<div style="color:#999">…</div>', "pending"
    return (f'<td class="oai-cell oai-cell-{state}" style="vertical-align:top;border:1px solid #ccc;'
            f'padding:4px;min-width:180px;max-width:360px">{body}</td>')


def grid_html(rows: Sequence[dict[str, Any]]) -> str:
    """The results side by side: a row per case (× system prompt), a column per model × temperature."""
    if not rows:
        return ""
    columns = list(dict.fromkeys((row["model"], row["temperature"]) for row in rows))
    lines = list(dict.fromkeys((row["case"], row["system"]) for row in rows))
    by_key = {(row["case"], row["system"], row["model"], row["temperature"]): row for row in rows}
    head = "".join(
        f'<th style="border:1px solid #ccc;padding:4px">{html.escape(model)}'
        + ("" if temperature is None else f"<br>T={temperature:g}") + "</th>"
        for model, temperature in columns
    )
    body = []
    for case, system in lines:
        prompt = next(row["prompt"] for row in rows if row["case"] == case)
        label = html.escape(prompt if len(prompt) <= 160 else prompt[:159] + "…")
        if system:
            label += f"<br><i>system: {html.escape(system[:80])}</i>"
        cells = "".join(_cell_html(by_key[(case, system, model, temperature)]) for model, temperature in columns)
        body.append(f'<tr><th style="text-align:left;vertical-align:top;border:1px solid #ccc;padding:4px;'
                    f'max-width:240px;font-weight:normal">{label}</th>{cells}</tr>')
    return ('<table class="oai-grid" style="border-collapse:collapse;font-size:90%">'
            f'<thead><tr><th style="border:1px solid #ccc">prompt</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
