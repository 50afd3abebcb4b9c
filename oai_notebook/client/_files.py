"""Upload inputs for multipart requests: a path, bytes, a file object, or (name, content[, type])."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import IO, Any

FileInput = str | os.PathLike | bytes | IO[bytes] | tuple

_DEFAULT_TYPE = "application/octet-stream"


def _guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or _DEFAULT_TYPE


class Upload:
    """One file part. Paths open lazily and close after the request; streams rewind for retries."""

    def __init__(self, value: FileInput, default_name: str = "upload") -> None:
        self._path: Path | None = None
        self._handle: IO[bytes] | None = None
        content_type = None
        if isinstance(value, tuple):
            name, content, *rest = value
            content_type = rest[0] if rest else None
        else:
            name, content = None, value
        if isinstance(content, (str, os.PathLike)):
            self._path = Path(content)
            if not self._path.is_file():
                raise FileNotFoundError(f"no such file to upload: {self._path}")
            name = name or self._path.name
            content = None
        elif isinstance(content, (bytearray, memoryview)):
            content = bytes(content)
        elif not isinstance(content, bytes) and not hasattr(content, "read"):
            raise TypeError(
                f"cannot upload a {type(content).__name__}: give a path, bytes or a binary file object"
            )
        if name is None:
            raw = getattr(content, "name", None)
            name = os.path.basename(raw) if isinstance(raw, str) else default_name
        self.name = str(name)
        self.content_type = content_type or _guess_type(self.name)
        self._content = content
        self._start = content.tell() if hasattr(content, "tell") and hasattr(content, "seek") else None

    def part(self) -> tuple[str, Any, str]:
        """The (filename, content, type) tuple httpx wants, rewound for this attempt."""
        if self._path is not None:
            if self._handle is None:
                self._handle = self._path.open("rb")
            self._handle.seek(0)
            return self.name, self._handle, self.content_type
        if self._start is not None:
            self._content.seek(self._start)
        return self.name, self._content, self.content_type

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def form_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Multipart form values: lists become repeated `name[]` fields, scalars become strings."""
    data: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[key if key.endswith("[]") else f"{key}[]"] = [str(v) for v in value]
        elif isinstance(value, bool):
            data[key] = "true" if value else "false"
        elif isinstance(value, dict):
            import json

            data[key] = json.dumps(value)
        else:
            data[key] = str(value)
    return data
