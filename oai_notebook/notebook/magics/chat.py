"""%%chat: streamed replies, conversations with memory, structured output, model comparison."""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

from IPython.core.magic import line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import InputError, fails_cleanly
from ..inputs import image_url, lookup
from ..interpolate import resolve
from ..pricing import token_cost
from ..render import LiveMarkdown, comparison_bundle, finish_note, footer_text, show
from ..session import with_system
from ._base import SessionMagics, common_arguments

JSON_HINT = "Reply with one JSON object only."


@magics_class
class ChatMagics(SessionMagics):
    @magic_arguments()
    @common_arguments
    @argument("--chat", metavar="NAME", default="default", help="Conversation to continue (it remembers).")
    @argument("--new", action="store_true", help="Start the conversation afresh.")
    @argument("--system", help="System message (replaces the conversation's).")
    @argument("-t", "--temperature", type=float, help="Sampling temperature.")
    @argument("--max-tokens", type=int, help="Longest reply, in tokens.")
    @argument("-n", type=int, default=1, help="Number of replies (the first one is remembered).")
    @argument("--json", action="store_true", help="Ask for a JSON object; the result is parsed.")
    @argument("--schema", metavar="NAME", help="Structured output: a JSON-schema dict or a pydantic model in your namespace; the result is parsed (and validated).")
    @argument("--compare", metavar="M1,M2,...", help="Run the prompt on several models, temperatures (0.2,1.0) or model@temperature side by side; the result is a DataFrame.")
    @argument("--image", action="append", metavar="IMG", help="An image to show the model: a path, a URL or a PIL image variable (repeatable).")
    @line_cell_magic
    @fails_cleanly
    def chat(self, line: str, cell: str | None = None) -> None:
        """Chat with a model: the reply streams in as Markdown.

        `{name}` in the cell is filled from your variables ({{ for a literal brace). The result
        (text, parsed JSON, a list for -n > 1, a DataFrame for --compare) is bound with -o NAME.
        Ctrl-C stops the stream and keeps the partial reply.
        """
        args, body = self.parse_body(self.chat, line, cell)
        prompt = self.text(args, body).strip()
        if not prompt:
            raise InputError("%chat needs a prompt: in the cell, or after the options")
        if args.n < 1:
            raise InputError("-n must be at least 1")
        config = self.config_
        model = args.model or config.chat_model
        system = self.text(args, args.system) if args.system is not None else None
        history = [] if args.new else list(self.session.conversations.get(args.chat, []))
        history = with_system(history, system if system is not None else (config.system_prompt or None))
        user = _user_message(prompt, [image_url(lookup(token, self.namespace)) for token in args.image or ()])
        params: dict[str, Any] = {}
        temperature = args.temperature if args.temperature is not None else config.temperature
        if temperature is not None:
            params["temperature"] = temperature
        max_tokens = args.max_tokens if args.max_tokens is not None else config.max_tokens
        if max_tokens is not None:
            params["max_completion_tokens"] = max_tokens
        if args.compare:
            if args.json or args.schema or args.n > 1:
                raise InputError("--compare runs plain prompts: leave out --json, --schema and -n")
            rows = self._compare(_variants(args.compare, model, temperature), [*history, user], params)
            self.bind(args, _frame(rows))
            return
        schema = _Schema.find(args.schema, self.namespace) if args.schema else None
        request = [*history, user]
        if schema is not None:
            params["response_format"] = schema.response_format()
        elif args.json:
            params["response_format"] = {"type": "json_object"}
            if not any("json" in json.dumps(m.get("content")).lower() for m in request):
                request = [{"role": "system", "content": JSON_HINT}, *request]
        if args.n > 1:
            params["n"] = args.n
        replies, interrupted = self._stream(model, request, params)
        result: Any = replies if args.n > 1 else replies[0]
        if not interrupted and schema is not None:
            result = schema.parse(replies[0])
        elif not interrupted and args.json:
            result = _parse_json(replies[0])
        self.session.conversations[args.chat] = [*history, user, {"role": "assistant", "content": replies[0]}]
        self.bind(args, result)

    def _stream(self, model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> tuple[list[str], bool]:
        """Stream a reply into one live display; (replies, interrupted). Records the call."""
        from oai_notebook.client import Accumulator

        client = self.session.client
        live = LiveMarkdown(self.live, self.config_.update_interval)
        started = time.perf_counter()
        stream = client.chat.completions.create(
            model=model, messages=messages, stream=True, stream_options={"include_usage": True}, **params
        )
        accumulator = Accumulator()
        interrupted = False
        try:
            for chunk in stream:
                accumulator.add(chunk)
                live.update(_shown(_texts(accumulator)))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            stream.close()
        latency = time.perf_counter() - started
        completion = accumulator.result()
        replies = _texts(accumulator) or [""]
        usage = completion.get("usage") or {}
        served = completion.get("model") or model
        prompt_tokens, completion_tokens = usage.get("prompt_tokens"), usage.get("completion_tokens")
        cost = self.cost(token_cost(served, prompt_tokens, completion_tokens))
        note = "interrupted" if interrupted else finish_note(completion)
        self.session.record("chat", served, latency=latency, prompt_tokens=prompt_tokens,
                            completion_tokens=completion_tokens, cost=cost)
        footer = footer_text(served, latency, prompt_tokens, completion_tokens, cost, note) if self.config_.show_footer else None
        live.finish(_shown(replies), footer)
        if interrupted:
            print(f"interrupted: kept the partial reply ({len(replies[0])} characters)", file=sys.stderr)
        return replies, interrupted

    def _compare(self, variants: list[tuple[str, float | None]], messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
        """The same prompt on each (model, temperature), a few at a time; one row each."""
        from concurrent.futures import ThreadPoolExecutor

        from oai_notebook.client import OpenAIError

        from ..errors import describe

        client = self.session.client

        def run(variant: tuple[str, float | None]) -> dict[str, Any]:
            model, temperature = variant
            options = dict(params)
            if temperature is not None:
                options["temperature"] = temperature
            started = time.perf_counter()
            row: dict[str, Any] = {"model": model, "temperature": temperature, "reply": None,
                                   "prompt_tokens": None, "completion_tokens": None, "cost_usd": None}
            try:
                completion = client.chat.completions.create(model=model, messages=messages, **options)
            except OpenAIError as exc:
                row.update(error=describe(exc), latency_s=round(time.perf_counter() - started, 3))
                return row
            usage = completion.get("usage") or {}
            row.update(
                reply=completion["choices"][0]["message"].get("content") or "",
                prompt_tokens=usage.get("prompt_tokens"), completion_tokens=usage.get("completion_tokens"),
                cost_usd=self.cost(token_cost(model, usage.get("prompt_tokens"), usage.get("completion_tokens"))),
                latency_s=round(time.perf_counter() - started, 3), error=None,
            )
            return row

        pool = ThreadPoolExecutor(max_workers=min(4, len(variants)))
        try:
            rows = list(pool.map(run, variants))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        failed = [row for row in rows if row["error"]]
        if len(failed) == len(rows):
            raise InputError(failed[0]["error"])
        for row in rows:
            if not row["error"]:
                self.session.record("chat", row["model"], latency=row["latency_s"], prompt_tokens=row["prompt_tokens"],
                                    completion_tokens=row["completion_tokens"], cost=row["cost_usd"])
        show(comparison_bundle(rows))
        return rows


# -- messages -------------------------------------------------------------------------------
def _user_message(prompt: str, images: list[str]) -> dict[str, Any]:
    if not images:
        return {"role": "user", "content": prompt}
    parts: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
    parts += [{"type": "image_url", "image_url": {"url": url}} for url in images]
    return {"role": "user", "content": parts}


def _texts(accumulator: Any) -> list[str]:
    return [
        (accumulator.choices[index].get("message") or {}).get("content")
        or (accumulator.choices[index].get("message") or {}).get("refusal") or ""
        for index in sorted(accumulator.choices)
    ]


def _shown(replies: list[str]) -> str:
    if len(replies) <= 1:
        return replies[0] if replies else ""
    return "\n\n".join(f"**Reply {i + 1}**\n\n{text}" for i, text in enumerate(replies))


def _variants(spec: str, model: str, temperature: float | None) -> list[tuple[str, float | None]]:
    """'gpt-4o,gpt-4o-mini' / '0,0.7,1.2' / 'gpt-4o@0.2,gpt-4o@1' → (model, temperature) pairs."""
    variants = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, _, temp = item.partition("@")
        try:
            if not temp and re.fullmatch(r"\d+(\.\d*)?|\.\d+", name):
                variants.append((model, float(name)))
            else:
                variants.append((name, float(temp) if temp else temperature))
        except ValueError:
            raise InputError(f"--compare: '{item}' is not MODEL, TEMPERATURE or MODEL@TEMPERATURE") from None
    if len(variants) < 2:
        raise InputError("--compare needs at least two models or temperatures, separated by commas")
    return variants


def _frame(rows: list[dict[str, Any]]) -> Any:
    from ..frames import records_frame

    return records_frame(rows, ["model", "temperature", "reply", "prompt_tokens", "completion_tokens",
                                "cost_usd", "latency_s", "error"])


# -- structured output ----------------------------------------------------------------------
def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the reply is not valid JSON ({exc.msg} at character {exc.pos})") from None


class _Schema:
    """A JSON-schema dict or a pydantic model from the user's namespace."""

    def __init__(self, name: str, schema: dict[str, Any], model: Any = None, wrapper: dict[str, Any] | None = None):
        self.name, self.schema, self.model, self.wrapper = name, schema, model, wrapper

    @classmethod
    def find(cls, field: str, namespace: dict[str, Any]) -> _Schema:
        target = resolve(field, namespace)
        name = re.sub(r"[^A-Za-z0-9_-]", "_", field)[:64]
        if isinstance(target, type) and hasattr(target, "model_json_schema"):
            return cls(target.__name__, target.model_json_schema(), model=target)
        if isinstance(target, dict):
            if isinstance(target.get("schema"), dict) and "name" in target:  # already {"name", "schema", ...}
                return cls(target["name"], target["schema"], wrapper=dict(target))
            return cls(name, target)
        raise InputError(f"--schema {field} is a {type(target).__name__}; give a JSON-schema dict or a pydantic model")

    def response_format(self) -> dict[str, Any]:
        return {"type": "json_schema", "json_schema": self.wrapper or {"name": self.name, "schema": self.schema}}

    def parse(self, text: str) -> Any:
        if self.model is not None:
            try:
                return self.model.model_validate_json(text)
            except ValueError as exc:
                errors = getattr(exc, "errors", lambda: [])()
                detail = f"{'.'.join(map(str, errors[0]['loc']))}: {errors[0]['msg']}" if errors else str(exc)
                raise InputError(f"the reply does not fit {self.name}: {detail}") from None
        value = _parse_json(text)
        try:
            import jsonschema
        except ImportError:  # validation is optional
            return value
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(self.schema).iter_errors(value))
        if error is not None:
            raise InputError(f"the reply does not fit {self.name}: {error.message}")
        return value
