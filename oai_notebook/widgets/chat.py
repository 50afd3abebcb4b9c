"""`Chat()`: a conversation panel whose replies stream in, with Stop; shares conversations with %%chat."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import ipywidgets as widgets

from oai_notebook.notebook.render import finish_note, footer_text, markdown_bundle
from oai_notebook.notebook.session import with_system

from ._shared import Connection, Job, list_chat_models, status_html

ROLE_TITLES = {"user": "You", "assistant": "Assistant", "system": "System", "tool": "Tool"}


def _message_output(role: str, text: str) -> dict[str, Any]:
    """One message as an Output-widget display (Markdown, rendered by the front end)."""
    title = ROLE_TITLES.get(role, role or "?")
    bundle = markdown_bundle(f"**{title}**\n\n{text}" if text else f"**{title}**\n\n…")
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


class Chat(widgets.VBox):
    """A chat panel: history as Markdown, input box, Send/Stop, model, temperature and system prompt.

    The conversation is `%%chat --chat NAME`'s (`conversation="NAME"`); `.history` is a DataFrame.
    `submit(text)` is the Send button in Python; it returns a Job (`await chat.submit("Hi")` in a cell).
    """

    def __init__(
        self,
        conversation: str = "default",
        *,
        model: str | None = None,
        temperature: float | None = None,
        system: str | None = None,
        max_tokens: int | None = None,
        client: Any = None,
        shell: Any = None,
    ) -> None:
        self.connection = Connection(shell, client, on_retry=self._retrying)
        self.session = self.connection.session
        config = self.session.config
        self.name = conversation
        self.max_tokens = max_tokens if max_tokens is not None else config.max_tokens
        self.job: Job | None = None
        self._live: widgets.Output | None = None

        first = model or config.chat_model
        self.model = widgets.Dropdown(options=[first], value=first, description="Model")
        start = temperature if temperature is not None else (config.temperature if config.temperature is not None else 1.0)
        self.temperature = widgets.FloatSlider(value=start, min=0.0, max=2.0, step=0.05, description="Temperature",
                                              style={"description_width": "initial"})
        existing = self.conversation
        if system is None:
            system = existing[0]["content"] if existing and existing[0].get("role") == "system" else config.system_prompt
        self.system_prompt = widgets.Textarea(
            value=system or "", placeholder="System prompt (optional)", layout=widgets.Layout(width="100%", height="3.2em")
        )
        self.messages = widgets.VBox(layout=widgets.Layout(max_height="420px", overflow="auto", width="100%"))
        self.messages.add_class("oai-chat-messages")
        self.status = widgets.HTML()
        self.status.add_class("oai-chat-status")
        self.prompt = widgets.Textarea(placeholder="Message", layout=widgets.Layout(flex="1", height="4em"))
        self.prompt.add_class("oai-chat-input")
        self.send_button = widgets.Button(description="Send", button_style="primary", icon="paper-plane")
        self.stop_button = widgets.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.send_button.add_class("oai-chat-send")
        self.stop_button.add_class("oai-chat-stop")
        self.send_button.on_click(lambda _: self.submit())
        self.stop_button.on_click(lambda _: self.stop())
        super().__init__(children=[
            widgets.HBox([self.model, self.temperature]),
            self.system_prompt,
            self.messages,
            self.status,
            widgets.HBox([self.prompt, widgets.VBox([self.send_button, self.stop_button])]),
        ])
        self.add_class("oai-chat")
        self.refresh()
        self._models_job = Job(self._load_models(first))

    # -- state -------------------------------------------------------------------------------
    @property
    def conversation(self) -> list[dict[str, Any]]:
        """The messages of this panel's conversation (shared with %%chat --chat NAME)."""
        return self.session.conversations.get(self.name, [])

    @property
    def history(self) -> Any:
        """The conversation as a DataFrame: role and content."""
        from oai_notebook.notebook.frames import messages_frame

        return messages_frame(self.conversation)

    @property
    def streaming(self) -> bool:
        return self.job is not None and not self.job.done()

    def refresh(self) -> None:
        """Show the conversation as it is now (after %%chat added to it, say)."""
        from oai_notebook.notebook.frames import messages_frame

        shown = []
        for role, content in messages_frame(self.conversation).itertuples(index=False):
            if role == "system":
                continue
            output = widgets.Output(outputs=(_message_output(role, content or ""),))
            output.add_class(f"oai-chat-{role}")
            shown.append(output)
        self._replace_messages(shown)

    def _replace_messages(self, shown: list[Any]) -> None:
        old = self.messages.children
        self.messages.children = shown
        for view in old:
            if view not in shown:
                view.close()

    def _show(self, text: str, kind: str = "info") -> None:
        self.status.value = status_html(text, kind)

    def _retrying(self, event: Any) -> None:
        self._show(self.session.scrub(f"{event.reason} … retrying in {event.delay:.0f} s"))

    def _busy(self, busy: bool) -> None:
        self.send_button.disabled = busy
        self.stop_button.disabled = not busy

    # -- actions -----------------------------------------------------------------------------
    def submit(self, text: str | None = None) -> Job | None:
        """Send `text` (or what the input box holds); the reply streams into the panel."""
        if self.streaming:
            self._show("a reply is still streaming: Stop it first", "error")
            return None
        if text is not None:
            self.prompt.value = text
        message = self.prompt.value.strip()
        if not message:
            self._show("type a message first", "error")
            return None
        self.prompt.value = ""
        self.refresh()
        user_view = widgets.Output(outputs=(_message_output("user", message),))
        user_view.add_class("oai-chat-user")
        self._live = widgets.Output(outputs=(_message_output("assistant", ""),))
        self._live.add_class("oai-chat-assistant")
        self.messages.children = [*self.messages.children, user_view, self._live]
        self._busy(True)
        self._show("streaming…")
        self.job = Job(self._reply(message), on_cancelled=lambda: self._stopped_early(message))
        return self.job

    def stop(self) -> None:
        """End the streaming reply now, keeping the text received so far."""
        if self.streaming:
            self.job.cancel()

    async def _load_models(self, first: str) -> None:
        try:
            models = await list_chat_models(self.connection.client(), [first])
        except Exception as exc:  # the panel still works with the default model
            self._show(f"cannot list models: {self.connection.error_line(exc)}", "error")
            return
        current = self.model.value
        self.model.options = models
        self.model.value = current if current in models else first

    async def _reply(self, message: str) -> str | None:
        """Stream one reply; on Stop keep the partial text, on failure change nothing."""
        from oai_notebook.client import Accumulator

        system = self.system_prompt.value.strip() or None
        history = with_system(list(self.conversation), system)
        user = {"role": "user", "content": message}
        model = self.model.value
        params: dict[str, Any] = {"temperature": self.temperature.value}
        if self.max_tokens:
            params["max_completion_tokens"] = self.max_tokens
        accumulator = Accumulator()
        started = time.perf_counter()
        stopped = False
        last_update = 0.0
        try:
            stream = await self.connection.client().chat.completions.create(
                model=model, messages=[*history, user], stream=True,
                stream_options={"include_usage": True}, **params,
            )
            try:
                async for chunk in stream:
                    accumulator.add(chunk)
                    now = time.monotonic()
                    if now - last_update >= self.session.config.update_interval:
                        last_update = now
                        self._update_live(accumulator)
            finally:
                await stream.close()
        except asyncio.CancelledError:
            stopped = True
        except Exception as exc:
            self._failed(message, self.connection.error_line(exc))
            return None
        finally:
            self._busy(False)
        return self._finish(history, user, model, accumulator, time.perf_counter() - started, stopped)

    def _update_live(self, accumulator: Any) -> None:
        if self._live is not None:
            self._live.outputs = (_message_output("assistant", _reply_text(accumulator.result())),)

    def _failed(self, message: str, line: str) -> None:
        """Show the error; the conversation is unchanged and the message goes back in the box."""
        self.refresh()
        if not self.prompt.value:
            self.prompt.value = message
        self._show(line, "error")

    def _stopped_early(self, message: str) -> None:
        self._busy(False)
        self._failed(message, "stopped before the reply began; nothing was kept")

    def _finish(self, history: list, user: dict, model: str, accumulator: Any, latency: float, stopped: bool) -> str | None:
        completion = accumulator.result()
        text = _reply_text(completion)
        if stopped and not text:
            self._stopped_early(user["content"])
            return None
        self.session.conversations[self.name] = [*history, user, {"role": "assistant", "content": text}]
        usage = completion.get("usage") or {}
        served = completion.get("model") or model
        prompt_tokens, completion_tokens = usage.get("prompt_tokens"), usage.get("completion_tokens")
        cost = self.connection.cost(served, prompt_tokens, completion_tokens)
        self.session.record("Chat", served, latency=latency, prompt_tokens=prompt_tokens,
                            completion_tokens=completion_tokens, cost=cost)
        self.refresh()
        self._live = None
        note = "stopped: kept the partial reply" if stopped else finish_note(completion)
        self._show(footer_text(served, latency, prompt_tokens, completion_tokens, cost, note),
                   "info" if stopped else "ok")
        return text


def _reply_text(completion: Any) -> str:
    choices = completion.get("choices") or []
    message = (choices[0].get("message") or {}) if choices else {}
    return message.get("content") or message.get("refusal") or ""
