"""Images: generate, edit (with an optional mask) and create_variation."""

from __future__ import annotations

from typing import Any

from .._files import FileInput
from .._resource import Resource, drop_none


class Images(Resource):
    def generate(self, *, prompt: str, model: str | None = None, **params: Any) -> Any:
        """Create images from a prompt (`n`, `size`, `quality`, `style`, `response_format`...)."""
        return self._post(
            "/images/generations", drop_none({"prompt": prompt, "model": model, **params}), model=model
        )

    def edit(
        self,
        *,
        image: FileInput | list[FileInput],
        prompt: str,
        mask: FileInput | None = None,
        model: str | None = None,
        **params: Any,
    ) -> Any:
        """Edit an image (a path, bytes, file object, or a list of them); transparent mask areas change."""
        body = drop_none({"prompt": prompt, "model": model, **params})
        return self._post("/images/edits", body, files={"image": image, "mask": mask}, model=model)

    def create_variation(self, *, image: FileInput, model: str | None = None, **params: Any) -> Any:
        body = drop_none({"model": model, **params})
        return self._post("/images/variations", body, files={"image": image}, model=model)
