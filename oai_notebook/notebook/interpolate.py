"""`{name}` in a cell body, filled from the user's namespace.

`{name}`, `{obj.attr}`, `{items[0]}`, `{table[key]}` and format specs (`{x:.2f}`, `{x!r}`) work as in
str.format; `{{` and `}}` stand for literal braces. Braces around anything that is not a name (JSON,
code) are left alone, so prompts can quote them without escaping.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from .errors import InputError

# {{ | }} | {field} where field = name(.attr | [index])* with an optional !conversion and :spec
_TOKEN = re.compile(
    r"\{\{|\}\}|\{(?P<field>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[[^\[\]{}]+\])*)"
    r"(?:!(?P<conversion>[rsa]))?(?::(?P<spec>[^{}]*))?\}"
)
_FORMATTER = string.Formatter()


class _Namespace(Mapping):
    """The user's namespace, reporting a missing name with the field that wanted it."""

    def __init__(self, namespace: Mapping[str, Any], field: str) -> None:
        self._namespace = namespace
        self._field = field

    def __getitem__(self, name: str) -> Any:
        try:
            return self._namespace[name]
        except KeyError:
            raise InputError(f"no variable '{name}' for {{{self._field}}}") from None

    def __iter__(self):
        return iter(self._namespace)

    def __len__(self) -> int:
        return len(self._namespace)


def resolve(field: str, namespace: Mapping[str, Any]) -> Any:
    """The value of `name`, `name.attr` or `name[index]` in the namespace (InputError if missing)."""
    try:
        value, _ = _FORMATTER.get_field(field, (), _Namespace(namespace, field))
    except InputError:
        raise
    except (AttributeError, KeyError, IndexError, TypeError) as exc:
        raise InputError(f"cannot read {{{field}}}: {type(exc).__name__}: {exc}") from None
    return value


def is_field(text: str) -> bool:
    """Whether `text` looks like a variable reference (name, attribute or index access)."""
    match = _TOKEN.fullmatch("{" + text + "}")
    return bool(match and match.group("field") == text)


def interpolate(text: str, namespace: Mapping[str, Any]) -> str:
    """`text` with every `{field}` replaced by its value; `{{`/`}}` become single braces."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        value = resolve(match.group("field"), namespace)
        if match.group("conversion"):
            value = _FORMATTER.convert_field(value, match.group("conversion"))
        try:
            return _FORMATTER.format_field(value, match.group("spec") or "")
        except (ValueError, TypeError) as exc:
            raise InputError(f"cannot format {token}: {exc}") from None

    return _TOKEN.sub(replace, text)
