"""Failures show one line, no traceback, never the key, and leave history and variables alone."""

from __future__ import annotations

from .fake_api import SECRET

RATE_LIMITED = (429, {"error": {"message": "Rate limit reached for gpt-4o-mini", "type": "requests",
                                "param": None, "code": "rate_limit_exceeded"}}, {"retry-after-ms": "10"})


def test_rate_limit_retries_then_gives_up(nb):
    nb.run("%%chat -o reply\nfirst")
    history = list(nb.session.conversations["default"])
    nb.api.failures["/chat/completions"] = [RATE_LIMITED] * 3
    ran = nb.run("%%chat -o reply\nsecond")
    retries = ran.stderr.strip().splitlines()
    assert retries == ["RateLimitError (429): Rate limit reached for gpt-4o-mini … retrying in 0 s"] * 2
    assert ran.stdout.strip() == "RateLimitError (429): Rate limit reached for gpt-4o-mini … gave up after 3 tries"
    assert "Traceback" not in ran.stdout + ran.stderr
    assert nb.session.conversations["default"] == history
    assert nb.ns["reply"].startswith("Hello")


def test_a_retry_that_succeeds_just_notes_it(nb):
    nb.api.failures["/chat/completions"] = [RATE_LIMITED]
    ran = nb.run("%%chat -o reply\nhi")
    assert ran.error is None and "retrying in" in ran.stderr
    assert nb.ns["reply"].startswith("Hello")


def test_unknown_model(nb):
    ran = nb.run("%%chat -m gpt-5o\nhi")
    assert ran.stdout.strip() == "unknown model 'gpt-5o' (see %oai models)"
    assert "default" not in nb.session.conversations


def test_the_key_never_shows(nb):
    message = f"Incorrect API key provided: {SECRET}. You can find your API key at platform."
    nb.api.failures["/chat/completions"] = [(401, {"error": {"message": message, "code": "invalid_api_key"}}, {})]
    ran = nb.run("%%chat\nhi")
    assert ran.stdout.startswith("AuthenticationError (401): Incorrect API key provided: sk-...1234.")
    status = nb.run("%oai status")
    for text in (ran.stdout, ran.stderr, status.stdout, repr(nb.session.client), str(ran.outputs)):
        assert SECRET not in text
    assert "sk-...1234" in status.stdout


def test_bad_inputs_are_one_line(nb):
    cases = {
        "%image --variation nowhere.png": "no file or variable 'nowhere.png'",
        "%chat": "%chat needs a prompt: in the cell, or after the options",
        "%embed --from nothing.text": "no variable 'nothing' for {nothing.text}",
        "%transcribe missing.wav": "no file or variable 'missing.wav'",
        "%%chat --compare gpt-4o\nhi": "--compare needs at least two models or temperatures, separated by commas",
        "%oai fly": "unknown %oai command 'fly'; try %oai help",
        "%%chat -o 1x\nhi": "-o needs a variable name, not '1x'",
    }
    for code, line in cases.items():
        ran = nb.run(code)
        assert ran.stdout.strip() == line, code
        assert type(ran.error).__name__ == "MagicError"
