"""Check a chat-format fine-tuning file before uploading it, the way OpenAI's data-preparation guide does.

    report = validate_chat_jsonl("train.jsonl")
    print(report)                 # "line 4: message 2 has an unrecognised role 'bot'", ...
    report.raise_for_problems()   # ValueError if anything would make the job fail

Every problem carries its 1-based line number and a code named as in the guide's `format_errors`
(data_type, missing_messages_list, message_missing_key, message_unrecognized_key, unrecognized_role,
missing_content, example_missing_assistant_message) plus a few more.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIN_EXAMPLES = 10  # the API refuses a training file with fewer
EXAMPLE_KEYS = {"messages", "tools", "functions", "parallel_tool_calls"}
MESSAGE_KEYS = {"role", "content", "name", "function_call", "tool_calls", "tool_call_id", "weight", "refusal"}
ROLES = {"system", "developer", "user", "assistant", "tool", "function"}


@dataclass(frozen=True)
class Problem:
    """One problem: where (1-based line, None for the whole file), what kind (code), and a message."""

    line: int | None
    code: str
    message: str
    severity: str = "error"  # or "warning": the job may still run

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        return f"{where}: {self.message}" + (" (warning)" if self.severity == "warning" else "")


@dataclass
class DataReport:
    """What `validate_chat_jsonl` found: examples counted, problems by line."""

    examples: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing would make the fine-tuning job refuse the file."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Problems per code, like the guide's `format_errors` summary."""
        return dict(Counter(p.code for p in self.problems))

    def raise_for_problems(self) -> None:
        if self.errors:
            raise ValueError(f"the training file has {len(self.errors)} problem(s):\n{self}")

    def __str__(self) -> str:
        if not self.problems:
            return f"{self.examples} examples, no problems found"
        return "\n".join(str(p) for p in self.problems)


def validate_chat_jsonl(source: str | os.PathLike | bytes) -> DataReport:
    """Check every line of a chat-format JSONL file (a path or its bytes) and report problems by line."""
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    report = DataReport()
    lines = raw.decode("utf-8", errors="replace").splitlines()
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            if number < len(lines):
                report.problems.append(Problem(number, "empty_line", "empty line (JSONL has one example per line)"))
            continue
        try:
            example = json.loads(text)
        except json.JSONDecodeError as exc:
            report.problems.append(Problem(number, "invalid_json", f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        report.examples += 1
        report.problems.extend(check_example(example, number))
    if report.examples < MIN_EXAMPLES:
        report.problems.append(
            Problem(None, "too_few_examples",
                    f"{report.examples} example(s); fine-tuning needs at least {MIN_EXAMPLES}")
        )
    return report


def check_example(example: Any, line: int) -> list[Problem]:
    """The problems of one training example (one parsed JSONL line)."""
    if not isinstance(example, dict):
        return [Problem(line, "data_type", f"an example must be a JSON object, not {type(example).__name__}")]
    problems = [
        Problem(line, "example_unrecognized_key", f"unrecognised key {key!r} (expected {sorted(EXAMPLE_KEYS)})")
        for key in example if key not in EXAMPLE_KEYS
    ]
    messages = example.get("messages")
    if not isinstance(messages, list) or not messages:
        problems.append(Problem(line, "missing_messages_list", "no 'messages' list (or it is empty)"))
        return problems
    for index, message in enumerate(messages, start=1):
        problems.extend(_check_message(message, index, line))
    roles = [m.get("role") for m in messages if isinstance(m, dict)]
    if "assistant" not in roles:
        problems.append(Problem(line, "example_missing_assistant_message", "no assistant message to learn from"))
    if "user" not in roles:
        problems.append(Problem(line, "example_missing_user_message", "no user message", "warning"))
    return problems


def _check_message(message: Any, index: int, line: int) -> list[Problem]:
    where = f"message {index}"
    if not isinstance(message, dict):
        return [Problem(line, "data_type", f"{where} must be a JSON object, not {type(message).__name__}")]
    problems = []
    if "role" not in message:
        problems.append(Problem(line, "message_missing_key", f"{where} has no 'role'"))
    problems.extend(
        Problem(line, "message_unrecognized_key", f"{where} has an unrecognised key {key!r}")
        for key in message if key not in MESSAGE_KEYS
    )
    role = message.get("role")
    if "role" in message and role not in ROLES:
        problems.append(Problem(line, "unrecognized_role", f"{where} has an unrecognised role {role!r}"))
    content = message.get("content")
    calls = message.get("function_call") or message.get("tool_calls")
    if role == "assistant" and calls:
        if content is not None and not isinstance(content, (str, list)):
            problems.append(Problem(line, "missing_content", f"{where}: 'content' must be text"))
    elif not _has_content(content):
        problems.append(Problem(line, "missing_content", f"{where} has no text 'content'"))
    if role == "tool" and not message.get("tool_call_id"):
        problems.append(Problem(line, "message_missing_key", f"{where} (a tool result) has no 'tool_call_id'"))
    if "weight" in message:
        if message["weight"] not in (0, 1) or isinstance(message["weight"], bool):
            problems.append(Problem(line, "invalid_weight", f"{where}: 'weight' must be 0 or 1"))
        elif role != "assistant":
            problems.append(Problem(line, "invalid_weight", f"{where}: only assistant messages take a 'weight'"))
    return problems


def _has_content(content: Any) -> bool:
    if isinstance(content, str):
        return bool(content)
    if isinstance(content, list):  # content parts (text, image_url)
        return bool(content) and all(isinstance(part, dict) and part.get("type") for part in content)
    return False
