"""%%chat on a real InteractiveShell against a fake API: streaming, memory, structured output, compare."""

from __future__ import annotations

import pydantic


def test_streams_into_one_display_updated_in_place(nb):
    ran = nb.run("%%chat -o reply\nSay hello")
    assert ran.error is None
    ids = {output["transient"]["display_id"] for output in ran.outputs}
    assert len(ids) == 1  # one display...
    assert sum(output["update"] for output in ran.outputs) >= 5  # ...updated as chunks arrive
    final = ran.outputs[-1]["data"]
    assert final["text/markdown"].startswith("Hello **world**, here is a reply. [gpt-4o-mini]")
    assert "10 → 20 tokens" in final["text/markdown"] and "~$" in final["text/markdown"]
    assert final["text/plain"].startswith("Hello **world**")
    assert nb.ns["reply"] == "Hello **world**, here is a reply. [gpt-4o-mini]"
    body = nb.api.bodies("/chat/completions")[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_named_conversations_remember(nb):
    nb.run("%%chat --chat trip --system 'You plan trips.'\nPlan a day in Rome")
    nb.run("%%chat --chat trip\nAnd the next day?")
    messages = nb.api.bodies("/chat/completions")[-1]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0]["content"] == "You plan trips."
    assert messages[2]["content"].startswith("Hello **world**")
    nb.run("%%chat --chat trip --new\nStart over")
    assert [m["role"] for m in nb.api.bodies("/chat/completions")[-1]["messages"]] == ["user"]
    assert len(nb.session.conversations["trip"]) == 2


def test_interpolation_with_attributes_indexes_and_escapes(nb):
    nb.ns.update(city={"name": "Oslo"}, days=[3, 4], price=12.5)
    nb.run("class Trip:\n    mode = 'train'\ntrip = Trip()")
    nb.run("%%chat\n{city[name]} for {days[1]} days by {trip.mode}, {price:.2f} EUR, {{literal}} {\"json\": 1}")
    prompt = nb.api.bodies("/chat/completions")[-1]["messages"][-1]["content"]
    assert prompt == 'Oslo for 4 days by train, 12.50 EUR, {literal} {"json": 1}'


def test_missing_variable_is_one_line_and_changes_nothing(nb):
    nb.run("%%chat -o reply\nfirst")
    before = list(nb.session.conversations["default"])
    ran = nb.run("%%chat -o reply\nsummarise {df}")
    assert ran.stdout.strip() == "no variable 'df' for {df}"
    assert "Traceback" not in ran.stdout + ran.stderr
    assert type(ran.error).__name__ == "MagicError"
    assert nb.session.conversations["default"] == before
    assert nb.ns["reply"].startswith("Hello")
    assert len(nb.api.bodies("/chat/completions")) == 1  # nothing was sent


def test_bad_flag_prints_a_usage_line(nb):
    ran = nb.run("%%chat --temprature 2\nhi")
    lines = ran.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "unrecognized arguments: --temprature 2" in lines[0] and "usage: %%chat" in lines[0]


def test_line_form_takes_options_then_text(nb):
    ran = nb.run("%chat -m gpt-4o -o answer What's 2+2? Don't explain.")
    assert ran.error is None
    body = nb.api.bodies("/chat/completions")[-1]
    assert body["model"] == "gpt-4o"
    assert body["messages"][-1]["content"] == "What's 2+2? Don't explain."
    assert nb.ns["answer"].endswith("[gpt-4o]")


def test_help_is_available_for_every_magic(nb):
    for name in ("chat", "image", "embed", "moderate", "speak", "transcribe", "translate", "oai"):
        doc = nb.shell.find_line_magic(name).__doc__
        assert "-o NAME" in doc or name == "oai", name
    assert "--schema NAME" in nb.shell.find_line_magic("chat").__doc__


def test_json_reply_is_parsed(nb):
    ran = nb.run("%%chat --json -o person\nGive me a person")
    assert ran.error is None
    assert nb.ns["person"] == {"name": "Ada", "age": 36}
    body = nb.api.bodies("/chat/completions")[-1]
    assert body["response_format"] == {"type": "json_object"}
    assert "JSON" in body["messages"][0]["content"]  # the API insists the word json is present


def test_schema_from_a_dict_and_from_a_pydantic_model(nb):
    nb.ns["PersonSchema"] = {"type": "object", "properties": {"name": {"type": "string"},
                                                              "age": {"type": "integer"}},
                             "required": ["name", "age"]}
    nb.run("%%chat --schema PersonSchema -o p1\nA person")
    assert nb.ns["p1"] == {"name": "Ada", "age": 36}
    sent = nb.api.bodies("/chat/completions")[-1]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["name"] == "PersonSchema"

    class Person(pydantic.BaseModel):
        name: str
        age: int

    nb.ns["Person"] = Person
    nb.run("%%chat --schema Person -o p2\nA person")
    assert isinstance(nb.ns["p2"], Person) and nb.ns["p2"].age == 36
    assert nb.api.bodies("/chat/completions")[-1]["response_format"]["json_schema"]["schema"]["title"] == "Person"


def test_schema_mismatch_is_one_line_and_keeps_history(nb):
    class Strict(pydantic.BaseModel):
        name: str
        email: str

    nb.ns["Strict"] = Strict
    ran = nb.run("%%chat --schema Strict -o p\nA person")
    assert ran.stdout.strip().splitlines()[-1] == "the reply does not fit Strict: email: Field required"
    assert "p" not in nb.ns and "default" not in nb.session.conversations


def test_compare_models_and_temperatures_side_by_side(nb):
    ran = nb.run("%%chat --compare gpt-4o-mini,gpt-4o,gpt-4o@0.2 -o table\nHaiku about tea")
    frame = nb.ns["table"]
    assert list(frame["model"]) == ["gpt-4o-mini", "gpt-4o", "gpt-4o"]
    assert list(frame["temperature"].fillna(-1)) == [-1, -1, 0.2]
    assert {"reply", "prompt_tokens", "completion_tokens", "cost_usd", "latency_s"} <= set(frame.columns)
    assert frame["reply"][1].endswith("[gpt-4o]")
    assert "display:flex" in ran.data("text/html")[0]
    ran = nb.run("%%chat --compare 0,1.2 -o temps\nHaiku")
    assert list(nb.ns["temps"]["temperature"]) == [0.0, 1.2]


def test_n_replies_and_image_input(nb, tmp_path):
    from PIL import Image

    nb.ns["picture"] = Image.new("RGB", (8, 8), "blue")
    nb.run("%%chat -n 2 --image picture --image https://example.com/cat.png -o replies\nDescribe")
    assert len(nb.ns["replies"]) == 2
    content = nb.api.bodies("/chat/completions")[-1]["messages"][-1]["content"]
    assert content[0] == {"type": "text", "text": "Describe"}
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert content[2]["image_url"]["url"] == "https://example.com/cat.png"


def test_ctrl_c_keeps_the_partial_reply(nb):
    nb.api.interrupt_after = 3
    ran = nb.run("%%chat -o partial\nTell me a long story")
    assert ran.error is None
    assert nb.ns["partial"] == "Hello **world**"  # three 5-character chunks
    assert "interrupted: kept the partial reply" in ran.stderr
    assert nb.session.conversations["default"][-1] == {"role": "assistant", "content": "Hello **world**"}
    assert nb.api.streams[-1].closed
    assert "interrupted" in ran.outputs[-1]["data"]["text/markdown"]


def test_terminal_fallback_prints_the_stream(nb):
    nb.session.config.stream_display = "text"
    ran = nb.run("%%chat\nhi")
    assert ran.outputs == []
    assert ran.stdout.startswith("Hello **world**, here is a reply. [gpt-4o-mini]\n[gpt-4o-mini · 10 → 20 tokens")
