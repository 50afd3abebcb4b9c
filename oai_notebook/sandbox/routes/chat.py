"""/v1/chat/completions on the local GGUF model, with JSON and tool calls enforced by grammar."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ..engines.llm import Generation, GrammarError, LlmEngine, Sampling
from ..errors import bad_request
from ..http import json_response, read_json, sandbox, sse_response
from .generation import (
    completion_id,
    generate_all,
    llm_engine,
    sampling_from,
    seeds,
    stream_choices,
    stream_options,
    unsupported,
    usage,
)

FINGERPRINT = "fp_oai_notebook_sandbox"


# ---------------------------------------------------------------- prompt


def _text_of(message: dict[str, Any], index: int) -> str:
    """A message's text; non-text parts are refused (the local model reads text only)."""
    content = message.get("content")
    if content is None or isinstance(content, str):
        return content or ""
    texts = []
    for j, part in enumerate(content):
        kind = part.get("type")
        if kind in ("text", "refusal"):
            texts.append(part.get("text") or part.get("refusal") or "")
        else:
            raise bad_request(
                f"The sandbox's chat model reads text only; content parts of type {kind!r} "
                "are not supported.",
                param=f"messages[{index}].content[{j}].type",
            )
    return "\n".join(texts)


def plain_messages(messages: list[dict[str, Any]], preamble: str) -> list[dict[str, str]]:
    """OpenAI messages as plain system/user/assistant text: tool calls and results written out."""
    out: list[dict[str, str]] = []
    for index, message in enumerate(messages):
        role, text = message["role"], _text_of(message, index)
        if role in ("system", "developer"):
            out.append({"role": "system", "content": text})
        elif role == "assistant":
            calls = [
                {"name": c["function"]["name"], "arguments": _json_or_text(c["function"]["arguments"])}
                for c in message.get("tool_calls") or [] if c.get("type") == "function"
            ]
            text = "\n".join(filter(None, [text, *(json.dumps(c) for c in calls)]))
            out.append({"role": "assistant", "content": text})
        elif role in ("tool", "function"):
            source = message.get("tool_call_id") or message.get("name") or "tool"
            out.append({"role": "user", "content": f"Result of {source}:\n{text}"})
        else:
            out.append({"role": "user", "content": text})
    if preamble:  # after the caller's own system messages
        position = next((i for i, m in enumerate(out) if m["role"] != "system"), len(out))
        out.insert(position, {"role": "system", "content": preamble})
    return out


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except (TypeError, json.JSONDecodeError):
        return value


# ---------------------------------------------------------------- output constraints


@dataclass
class Plan:
    """How to constrain and read the model's output for one request."""

    preamble: str = ""
    grammar: str | None = None
    tool_mode: str | None = None  # None | "auto" | "required" | "named"
    tool_name: str | None = None  # for "named"
    call_grammar: str | None = None  # for "auto", once the model opts to call


def _function_tools(body: dict[str, Any]) -> list[dict[str, Any]]:
    tools = body.get("tools") or []
    for i, tool in enumerate(tools):
        if tool.get("type") != "function":
            raise bad_request(
                f"Only function tools are supported by the sandbox, not {tool.get('type')!r}.",
                param=f"tools[{i}].type",
            )
    return [tool["function"] for tool in tools]


def _parameters(function: dict[str, Any]) -> dict[str, Any]:
    return function.get("parameters") or {"type": "object", "properties": {}}


def _grammar(engine: LlmEngine, schema: dict[str, Any], param: str) -> str:
    try:
        return engine.schema_grammar(schema)
    except GrammarError as exc:
        raise bad_request(str(exc), param=param) from None


def plan_output(body: dict[str, Any], engine: LlmEngine) -> Plan:
    functions = _function_tools(body)
    choice = body.get("tool_choice")
    if functions and choice != "none":
        return _tool_plan(functions, choice, engine)
    if choice not in (None, "none", "auto"):
        raise bad_request("'tool_choice' is only allowed when 'tools' are specified.", "tool_choice")
    fmt = body.get("response_format") or {"type": "text"}
    if fmt["type"] == "json_object":
        texts = json.dumps([m.get("content") for m in body["messages"]]).lower()
        if "json" not in texts:
            raise bad_request(
                "'messages' must contain the word 'json' in some form, to use 'response_format' "
                "of type 'json_object'.",
                param="messages",
            )
        return Plan("Reply with a single JSON object.", engine.json_grammar())
    if fmt["type"] == "json_schema":
        spec = fmt["json_schema"]
        schema = spec.get("schema") or {}
        return Plan(
            f"Reply with JSON matching this schema ({spec['name']}): {json.dumps(schema)}",
            _grammar(engine, schema, "response_format.json_schema.schema"),
        )
    return Plan()


def _tool_plan(functions: list[dict[str, Any]], choice: Any, engine: LlmEngine) -> Plan:
    listing = "\n".join(
        json.dumps({"name": f["name"], "description": f.get("description", ""),
                    "parameters": _parameters(f)})
        for f in functions
    )
    intro = f"You can call these functions:\n{listing}\n"
    by_name = {f["name"]: f for f in functions}
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if name not in by_name:
            raise bad_request(
                f"tool_choice names the function {name!r}, which is not in 'tools'.",
                param="tool_choice",
            )
        return Plan(
            intro + f"Call the function {name}: reply with its arguments as a JSON object.",
            _grammar(engine, _parameters(by_name[name]), "tools"),
            "named",
            name,
        )
    call_schema = {
        "anyOf": [
            {
                "type": "object",
                "properties": {"name": {"const": f["name"]}, "arguments": _parameters(f)},
                "required": ["name", "arguments"],
                "additionalProperties": False,
            }
            for f in functions
        ]
    }
    call_grammar = _grammar(engine, call_schema, "tools")
    how = 'To call one, reply with only {"name": <function name>, "arguments": {...}}.'
    if choice == "required":
        return Plan(intro + how, call_grammar, "required")
    return Plan(intro + how + " Otherwise answer in plain text.", None, "auto", None, call_grammar)


async def settle_auto(
    engine: LlmEngine, tokens: list[int], sampling: Sampling, plan: Plan
) -> tuple[Plan, Sampling]:
    """For tool_choice=auto, let the model's own first token decide: '{' starts a call (then
    constrained by the call grammar), anything else is plain text (unconstrained, so fast)."""
    if plan.tool_mode != "auto":
        return plan, sampling
    probe = await run_in_threadpool(engine.generate, tokens, replace(sampling, max_tokens=1))
    if probe.text.lstrip().startswith("{"):
        return replace(plan, tool_mode="required"), replace(sampling, grammar=plan.call_grammar)
    return replace(plan, tool_mode=None), sampling


def read_message(plan: Plan, generation: Generation) -> tuple[dict[str, Any], str]:
    """The assistant message and finish_reason for a generation under `plan`."""
    text = generation.text
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    call = None
    if plan.tool_mode == "named":
        call = {"name": plan.tool_name, "arguments": text.strip()}
    elif plan.tool_mode in ("required", "auto") and text.lstrip().startswith("{"):
        parsed = _json_or_text(text)
        if isinstance(parsed, dict) and "name" in parsed:
            call = {"name": parsed["name"], "arguments": json.dumps(parsed.get("arguments", {}))}
    if call is None or generation.finish_reason == "length" and plan.tool_mode != "named":
        return message, generation.finish_reason
    message["content"] = None
    message["tool_calls"] = [
        {"id": f"call_{secrets.token_hex(12)}", "type": "function", "function": call}
    ]
    return message, "tool_calls" if generation.finish_reason != "length" else "length"


# ---------------------------------------------------------------- the endpoint


def _check(body: dict[str, Any]) -> None:
    if body.get("logprobs"):
        raise unsupported("logprobs", "the local model runs without per-token logits.")
    if "audio" in (body.get("modalities") or []) or body.get("audio"):
        raise unsupported("audio", "the local chat model produces text only.")
    if body.get("functions") or body.get("function_call"):
        name = "functions" if body.get("functions") else "function_call"
        raise unsupported(name, "use 'tools' and 'tool_choice' instead.")


async def create_chat_completion(request: Request):
    body = await read_json(request, "createChatCompletion")
    state = sandbox(request)
    model = state.catalog.resolve("chat", body.get("model"))
    _check(body)
    include_usage = stream_options(body)
    engine = await llm_engine(state)
    plan = plan_output(body, engine)
    tokens = engine.tokenize(engine.chat_prompt(plain_messages(body["messages"], plan.preamble)))
    sampling = sampling_from(body, engine, len(tokens), state.config.default_max_tokens)
    sampling = replace(sampling, grammar=plan.grammar)
    settled = [
        await settle_auto(engine, tokens, choice_sampling, plan)
        for choice_sampling in seeds(sampling, body.get("n") or 1)
    ]
    plans = [p for p, _ in settled]
    samplings = [s for _, s in settled]
    base = {
        "id": completion_id("chatcmpl"),
        "created": int(time.time()),
        "model": model.id,
        "system_fingerprint": FINGERPRINT,
    }
    if body.get("stream"):
        return sse_response(_stream(engine, tokens, samplings, plans, base, include_usage))
    generations = await generate_all(engine, tokens, samplings)
    choices = []
    for index, generation in enumerate(generations):
        message, finish = read_message(plans[index], generation)
        choices.append(
            {"index": index, "message": message, "logprobs": None, "finish_reason": finish}
        )
    used = sum(g.completion_tokens for g in generations)
    return json_response({
        **base, "object": "chat.completion", "choices": choices,
        "usage": usage(len(tokens), used),
    })


async def _stream(engine, tokens, samplings, plans: list[Plan], base, include_usage: bool):
    """Chat chunks: text as it is generated; a tool call arrives whole once generated."""
    extra = {"usage": None} if include_usage else {}

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base, "object": "chat.completion.chunk", **extra,
            "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }

    def buffered(index: int) -> bool:  # a tool call must be read whole before it is sent
        return plans[index].tool_mode is not None

    def on_piece(index: int, piece: str) -> dict[str, Any] | None:
        return None if buffered(index) else chunk(index, {"content": piece})

    def on_finish(index: int, generation: Generation) -> dict[str, Any]:
        message, finish = read_message(plans[index], generation)
        return {"message": message, "finish": finish, "index": index}

    started: set[int] = set()
    used = 0
    async for event, running in stream_choices(engine, tokens, samplings, on_piece, on_finish):
        used = running
        if event is None:
            continue
        index = event["index"] if "message" in event else event["choices"][0]["index"]
        if index not in started:
            started.add(index)
            yield chunk(index, {"role": "assistant", "content": "", "refusal": None})
        if "message" not in event:
            yield event
            continue
        message = event["message"]
        if buffered(index) and message.get("tool_calls"):
            calls = [{"index": i, **call} for i, call in enumerate(message["tool_calls"])]
            yield chunk(index, {"tool_calls": calls})
        elif buffered(index) and message["content"]:
            yield chunk(index, {"content": message["content"]})
        yield chunk(index, {}, event["finish"])
    if include_usage:
        yield {**base, "object": "chat.completion.chunk", "choices": [],
               "usage": usage(len(tokens), used)}


routes = [Route("/v1/chat/completions", create_chat_completion, methods=["POST"])]
