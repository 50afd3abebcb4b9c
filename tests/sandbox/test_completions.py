"""/v1/completions (legacy) through the official openai SDK."""

from __future__ import annotations

MODEL = "gpt-3.5-turbo-instruct"


def test_completion_continues_the_prompt(any_client, http, valid_response):
    reply = any_client.completions.create(model=MODEL, prompt="The capital of France is")
    assert reply.model == "gemma-3-270m"
    assert reply.object == "text_completion"
    assert reply.choices[0].text
    assert reply.usage.completion_tokens <= 16  # OpenAI's default max_tokens here
    raw = http.post("completions", json={"model": MODEL, "prompt": "Hello", "max_tokens": 3})
    valid_response("createCompletion", raw.json())


def test_several_prompts_and_n(openai_client):
    reply = openai_client.completions.create(
        model=MODEL, prompt=["One, two,", "Red, green,"], n=2, max_tokens=4, seed=5
    )
    assert [c.index for c in reply.choices] == [0, 1, 2, 3]


def test_echo_and_token_prompt(openai_client):
    reply = openai_client.completions.create(
        model=MODEL, prompt="Once upon a time", echo=True, max_tokens=4, temperature=0
    )
    assert reply.choices[0].text.startswith("Once upon a time")
    tokens = openai_client.completions.create(model=MODEL, prompt=[9259, 3324], max_tokens=3)
    assert tokens.usage.prompt_tokens == 3  # <bos> + two tokens


def test_deterministic_with_temperature_zero(openai_client):
    def ask() -> str:
        return openai_client.completions.create(
            model=MODEL, prompt="A list of fruits:", temperature=0, max_tokens=12
        ).choices[0].text

    assert ask() == ask()


def test_streaming_with_usage(any_client):
    chunks = list(any_client.completions.create(
        model=MODEL, prompt="The sky is", temperature=0, max_tokens=10, stream=True,
        stream_options={"include_usage": True},
    ))
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    plain = any_client.completions.create(
        model=MODEL, prompt="The sky is", temperature=0, max_tokens=10
    )
    assert text == plain.choices[0].text
    assert chunks[-1].usage.completion_tokens == plain.usage.completion_tokens


def test_unsupported_options_are_400(http, openai_error):
    for extra, param in (({"suffix": "end"}, "suffix"), ({"logprobs": 2}, "logprobs"),
                         ({"best_of": 3}, "best_of"), ({"prompt": [[999999999]]}, "prompt")):
        body = {"model": MODEL, "prompt": "x", "max_tokens": 2, **extra}
        openai_error(http.post("completions", json=body), 400, param)
