"""/v1/chat/completions through the official openai SDK, on the real local model."""

from __future__ import annotations

import json

import jsonschema
import openai
import pytest

MODEL = "gpt-4o-mini"  # an OpenAI id: resolves to the local Gemma 3 270M
ASK = [{"role": "user", "content": "Name a colour."}]
FEW_SHOT_JSON = [  # a base model needs an example to stop after one JSON object
    {"role": "user", "content": "Return JSON for: apple"},
    {"role": "assistant", "content": '{"name": "apple", "age": 1, "likes_cats": false}'},
    {"role": "user", "content": "Return JSON for: Ada, a person"},
]

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 20},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
        "likes_cats": {"type": "boolean"},
    },
    "required": ["name", "age", "likes_cats"],
    "additionalProperties": False,
}

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "maxLength": 30},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {
            "type": "object",
            "properties": {"timezone": {"type": "string", "maxLength": 30}},
            "required": ["timezone"],
        },
    },
}


def test_reply_names_the_model_that_ran(any_client, http, valid_response):
    reply = any_client.chat.completions.create(model=MODEL, messages=ASK, max_tokens=8)
    assert reply.model == "gemma-3-270m"
    choice = reply.choices[0]
    assert choice.message.role == "assistant" and choice.message.content
    assert reply.usage.completion_tokens <= 8
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    raw = http.post("chat/completions", json={"model": MODEL, "messages": ASK, "max_tokens": 4})
    valid_response("createChatCompletion", raw.json())


def test_max_tokens_and_max_completion_tokens_cap_the_reply(openai_client):
    for key in ("max_tokens", "max_completion_tokens"):
        reply = openai_client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Count from 1 to 100."}],
            temperature=0, **{key: 5},
        )
        assert reply.usage.completion_tokens == 5
        assert reply.choices[0].finish_reason == "length"


def test_default_cap_stops_runaway_replies(openai_client):
    reply = openai_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Write a very long story."}],
        temperature=0, logit_bias={"1": -100, "106": -100},  # ban <eos> and <end_of_turn>
    )
    assert reply.usage.completion_tokens == 40  # the test sandbox's cap (DEFAULT_MAX_TOKENS)
    assert reply.choices[0].finish_reason == "length"


def test_temperature_zero_is_deterministic(openai_client):
    def ask() -> str:
        return openai_client.chat.completions.create(
            model=MODEL, messages=ASK, temperature=0, max_tokens=24
        ).choices[0].message.content

    first = ask()
    openai_client.chat.completions.create(  # something else in between must not matter
        model=MODEL, messages=[{"role": "user", "content": "Name a colour. And a fruit."}],
        max_tokens=10,
    )
    assert ask() == first


def test_same_seed_same_reply_other_seed_other_reply(openai_client):
    def ask(seed: int) -> str:
        return openai_client.chat.completions.create(
            model=MODEL, messages=ASK, temperature=1.0, seed=seed, max_tokens=24
        ).choices[0].message.content

    assert ask(7) == ask(7)
    assert len({ask(s) for s in (1, 2, 3, 4)}) > 1


def test_n_gives_several_choices(openai_client):
    reply = openai_client.chat.completions.create(
        model=MODEL, messages=ASK, n=3, seed=11, max_tokens=12
    )
    assert [c.index for c in reply.choices] == [0, 1, 2]
    assert len({c.message.content for c in reply.choices}) > 1


def test_stop_sequence_ends_the_reply(openai_client):
    messages = [{"role": "user", "content": "List the numbers 1, 2, 3, 4, 5, 6 separated by commas."}]
    full = openai_client.chat.completions.create(
        model=MODEL, messages=messages, temperature=0, max_tokens=30
    ).choices[0].message.content
    assert "," in full
    cut = openai_client.chat.completions.create(
        model=MODEL, messages=messages, temperature=0, max_tokens=30, stop=[","]
    ).choices[0]
    assert cut.message.content == full.split(",")[0]
    assert cut.finish_reason == "stop"


def test_streaming_with_usage(any_client):
    stream = any_client.chat.completions.create(
        model=MODEL, messages=ASK, temperature=0, max_tokens=16, stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 1  # incremental
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert all(c.usage is None for c in chunks[:-1])
    assert chunks[-2].choices[0].finish_reason in ("stop", "length")
    plain = any_client.chat.completions.create(
        model=MODEL, messages=ASK, temperature=0, max_tokens=16
    )
    assert text == plain.choices[0].message.content
    assert chunks[-1].usage.prompt_tokens == plain.usage.prompt_tokens
    assert chunks[-1].usage.completion_tokens == plain.usage.completion_tokens


def test_stream_chunks_validate(http, valid_response):
    from oai_notebook import spec

    body = {"model": MODEL, "messages": ASK, "max_tokens": 6, "stream": True,
            "stream_options": {"include_usage": True}}
    with http.stream("POST", "chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        frames = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert frames[-1] == "[DONE]"
    validator = spec.validator(spec.load()["components"]["schemas"]["CreateChatCompletionStreamResponse"])
    for frame in frames[:-1]:
        errors = list(validator.iter_errors(json.loads(frame)))
        assert not errors, errors[0].message


def test_json_schema_reply_parses_and_matches(any_client, http, valid_response):
    reply = any_client.chat.completions.create(
        model=MODEL,
        messages=FEW_SHOT_JSON,
        response_format={"type": "json_schema",
                         "json_schema": {"name": "person", "schema": PERSON, "strict": True}},
        max_tokens=60, seed=3,
    )
    data = json.loads(reply.choices[0].message.content)
    jsonschema.validate(data, PERSON)


def test_sdk_parse_helper_with_pydantic(openai_client):
    from pydantic import BaseModel

    class City(BaseModel):
        name: str
        country: str
        population: int

    reply = openai_client.chat.completions.parse(
        model=MODEL,
        messages=[
            {"role": "user", "content": "JSON for Rome"},
            {"role": "assistant", "content": '{"name": "Rome", "country": "Italy", "population": 2800000}'},
            {"role": "user", "content": "JSON for Paris"},
        ],
        response_format=City, max_tokens=60, temperature=0,
    )
    city = reply.choices[0].message.parsed
    assert isinstance(city, City)


def test_json_object_mode(openai_client):
    reply = openai_client.chat.completions.create(
        model=MODEL, messages=FEW_SHOT_JSON,
        response_format={"type": "json_object"}, max_tokens=60, temperature=0,
    )
    assert isinstance(json.loads(reply.choices[0].message.content), dict)


def test_json_object_needs_the_word_json(openai_client):
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.chat.completions.create(
            model=MODEL, messages=ASK, response_format={"type": "json_object"}
        )
    assert caught.value.body["param"] == "messages"


def _check_call(call, tool) -> dict:
    assert call.type == "function" and call.id
    assert call.function.name == tool["function"]["name"]
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, tool["function"]["parameters"])
    return arguments


def test_required_tool_choice_calls_a_tool(any_client):
    reply = any_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "What's the weather in Oslo?"}],
        tools=[WEATHER_TOOL, TIME_TOOL], tool_choice="required", max_tokens=60, temperature=0,
    )
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    tool = WEATHER_TOOL if call.function.name == "get_weather" else TIME_TOOL
    _check_call(call, tool)


def test_named_tool_choice_calls_that_tool(any_client, http, valid_response):
    body = {
        "model": MODEL, "messages": [{"role": "user", "content": "Weather in Rome, please."}],
        "tools": [WEATHER_TOOL, TIME_TOOL], "max_tokens": 60, "temperature": 0,
        "tool_choice": {"type": "function", "function": {"name": "get_time"}},
    }
    reply = any_client.chat.completions.create(**body)
    _check_call(reply.choices[0].message.tool_calls[0], TIME_TOOL)
    valid_response("createChatCompletion", http.post("chat/completions", json=body).json())


def test_auto_tool_choice_gives_text_or_a_valid_call(openai_client):
    for seed in range(3):
        reply = openai_client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "What's the weather in Oslo?"}],
            tools=[WEATHER_TOOL], max_tokens=60, seed=seed,
        )
        message = reply.choices[0].message
        if message.tool_calls:
            _check_call(message.tool_calls[0], WEATHER_TOOL)
            assert reply.choices[0].finish_reason == "tool_calls"
        else:
            assert message.content


def test_tool_round_trip_conversation(openai_client):
    first = openai_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Weather in Oslo?"}],
        tools=[WEATHER_TOOL], tool_choice="required", max_tokens=60, temperature=0,
    ).choices[0].message
    call = first.tool_calls[0]
    follow = openai_client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "user", "content": "Weather in Oslo?"},
            first.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": '{"temp": 4, "sky": "rain"}'},
        ],
        tools=[WEATHER_TOOL], tool_choice="none", max_tokens=20,
    )
    assert follow.choices[0].message.content and not follow.choices[0].message.tool_calls


def test_streamed_tool_call(openai_client):
    stream = openai_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Weather in Oslo?"}],
        tools=[WEATHER_TOOL], tool_choice="required", max_tokens=60, temperature=0, stream=True,
    )
    chunks = list(stream)
    calls = [tc for c in chunks for tc in (c.choices[0].delta.tool_calls or [])]
    assert calls and calls[0].function.name == "get_weather"
    jsonschema.validate(json.loads(calls[0].function.arguments),
                        WEATHER_TOOL["function"]["parameters"])
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_system_message_and_text_parts(openai_client):
    reply = openai_client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Answer in one word."},
            {"role": "user", "content": [{"type": "text", "text": "Name a colour."}]},
        ],
        max_tokens=5,
    )
    assert reply.choices[0].message.content is not None


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]},
         "messages[0].content[0].type"),
        ({"logprobs": True}, "logprobs"),
        ({"stream_options": {"include_usage": True}}, "stream_options"),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tools": [WEATHER_TOOL], "tool_choice": {"type": "function", "function": {"name": "nope"}}},
         "tool_choice"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {
            "type": "string", "pattern": "(?<=a)b"}}}}, "response_format.json_schema.schema"),
    ],
)
def test_bad_requests_are_400_with_param(http, openai_error, extra, param):
    body = {"model": MODEL, "messages": ASK, "max_tokens": 4, **extra}
    openai_error(http.post("chat/completions", json=body), 400, param)


def test_context_overflow_is_400(http, openai_error):
    long = "word " * 5000
    error = openai_error(http.post("chat/completions", json={
        "model": MODEL, "messages": [{"role": "user", "content": long}]}), 400, "messages")
    assert error["code"] == "context_length_exceeded"
