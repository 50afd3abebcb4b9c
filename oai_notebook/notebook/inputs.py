"""What magics accept as files: a path, a URL, or a variable holding a PIL image, bytes or a path."""

from __future__ import annotations

import base64
import mimetypes
import os
from pathlib import Path
from typing import Any

from .errors import InputError
from .interpolate import is_field, resolve

_AUDIO_SIGNATURES = ((b"RIFF", "wav"), (b"ID3", "mp3"), (b"\xff\xfb", "mp3"), (b"\xff\xf3", "mp3"),
                     (b"OggS", "ogg"), (b"fLaC", "flac"), (b"\x1aE\xdf\xa3", "webm"))


def lookup(token: str, namespace: dict[str, Any]) -> Any:
    """The variable `token` names (with attribute/index access), or the token itself (a path, a URL)."""
    token = token.strip()
    if is_field(token) and token.split(".")[0].split("[")[0] in namespace:
        return resolve(token, namespace)
    return token


def _is_pil(value: Any) -> bool:
    return type(value).__module__.startswith("PIL.") and hasattr(value, "save")


def _read_path(value: str | os.PathLike) -> Path:
    path = Path(os.path.expanduser(str(value)))
    if not path.is_file():
        raise InputError(f"no file or variable '{value}'")
    return path


def _raw(value: Any) -> bytes | None:
    """Bytes held by `value` (bytes, a BinaryResponse, a file object), else None."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    content = getattr(value, "content", None)
    if isinstance(content, bytes):
        return content
    if hasattr(value, "read"):
        return value.read()
    return None


def image_bytes(value: Any) -> tuple[str, bytes, str]:
    """(filename, bytes, media type) of an image given as a path, bytes or PIL image."""
    if _is_pil(value):
        from .render import png_bytes

        return "image.png", png_bytes(value), "image/png"
    raw = _raw(value)
    if raw is not None:
        return "image.png", raw, "image/png"
    if isinstance(value, (str, os.PathLike)):
        path = _read_path(value)
        return path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "image/png"
    raise InputError(f"cannot use a {type(value).__name__} as an image: give a path, bytes or a PIL image")


def image_url(value: Any) -> str:
    """An image for a chat message: URLs pass through, everything else becomes a data URL."""
    if isinstance(value, str) and value.startswith(("http://", "https://", "data:")):
        return value
    _, data, media_type = image_bytes(value)
    return f"data:{media_type};base64," + base64.b64encode(data).decode()


def audio_file(value: Any) -> Any:
    """An upload for the audio endpoints: a path, or (name, bytes) with the format sniffed."""
    raw = _raw(value)
    if raw is not None:
        suffix = next((fmt for magic, fmt in _AUDIO_SIGNATURES if raw.startswith(magic)), "mp3")
        return (f"audio.{suffix}", raw)
    if isinstance(value, (str, os.PathLike)):
        return _read_path(value)
    raise InputError(f"cannot use a {type(value).__name__} as audio: give a path or bytes")
