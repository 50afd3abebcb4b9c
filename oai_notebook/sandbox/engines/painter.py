"""A deterministic Pillow painter: the sandbox's stand-in for an image model.

No image model small enough ships on PyPI, so pictures are drawn from a hash of the prompt:
the same prompt, size and index always give the same picture.
"""

from __future__ import annotations

import hashlib
import io
import random
import textwrap
from typing import Any

NAME = "pillow-painter"


class ImageInputError(ValueError):
    """The uploaded image or mask cannot be used."""


class Painter:
    def _rng(self, *parts: Any) -> random.Random:
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def paint(self, prompt: str, width: int, height: int, index: int = 0):
        """A picture of gradient, shapes and the prompt's words, fixed by (prompt, size, index)."""
        from PIL import Image, ImageDraw

        rng = self._rng(prompt, width, height, index)
        top, bottom = _colour(rng), _colour(rng)
        gradient = Image.linear_gradient("L").resize((width, height))
        image = Image.composite(
            Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top),
            gradient,
        )
        draw = ImageDraw.Draw(image, "RGBA")
        scale = min(width, height)
        for _ in range(rng.randint(6, 14)):
            x, y = rng.uniform(0, width), rng.uniform(0, height)
            r = rng.uniform(0.05, 0.25) * scale
            fill = (*_colour(rng), rng.randint(90, 200))
            shape = rng.choice(("ellipse", "rectangle", "polygon"))
            if shape == "ellipse":
                draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
            elif shape == "rectangle":
                draw.rectangle((x - r, y - r / 2, x + r, y + r / 2), fill=fill)
            else:
                points = [(x + rng.uniform(-r, r), y + rng.uniform(-r, r)) for _ in range(3)]
                draw.polygon(points, fill=fill)
        self._caption(draw, prompt, width, height)
        return image

    @staticmethod
    def _caption(draw: Any, prompt: str, width: int, height: int) -> None:
        from PIL import ImageFont

        size = max(10, min(width, height) // 24)
        font = ImageFont.load_default(size=size)
        lines = textwrap.wrap(prompt, width=max(10, int(width / (size * 0.6))))[:4]
        y = height - (len(lines) + 1) * size * 1.25
        for line in lines:
            draw.text((size, y), line, fill=(255, 255, 255, 235), font=font,
                      stroke_width=max(1, size // 12), stroke_fill=(0, 0, 0, 200))
            y += size * 1.25

    def edit(self, image_bytes: bytes, mask_bytes: bytes | None, prompt: str,
             width: int, height: int, index: int = 0):
        """Repaint where the mask (or the image itself) is fully transparent; keep the rest."""
        from PIL import Image

        original = open_image(image_bytes, "image").convert("RGBA").resize((width, height))
        if mask_bytes is not None:
            mask_image = open_image(mask_bytes, "mask").convert("RGBA")
            if mask_image.size != open_image(image_bytes, "image").size:
                raise ImageInputError("The mask must have the same dimensions as the image.", "mask")
            alpha = mask_image.resize((width, height)).getchannel("A")
        else:
            alpha = original.getchannel("A")
            if alpha.getextrema()[0] == 255:  # nothing transparent: the whole image is editable
                alpha = Image.new("L", (width, height), 0)
        editable = alpha.point(lambda a: 255 if a == 0 else 0)
        painted = self.paint(prompt, width, height, index).convert("RGBA")
        result = original.copy()
        result.paste(painted, (0, 0), editable)
        return result

    def vary(self, image_bytes: bytes, width: int, height: int, index: int = 0):
        """A variation: the input shifted in hue, mirrored or rotated, with new shapes on top."""
        from PIL import Image, ImageDraw, ImageOps

        source = open_image(image_bytes, "image")
        rng = self._rng(hashlib.sha256(image_bytes).hexdigest(), width, height, index)
        image = source.convert("RGB").resize((width, height))
        hsv = image.convert("HSV")
        h, s, v = hsv.split()
        shift = rng.randint(20, 235)
        h = h.point(lambda value: (value + shift) % 256)
        image = Image.merge("HSV", (h, s, v)).convert("RGB")
        if rng.random() < 0.5:
            image = ImageOps.mirror(image)
        draw = ImageDraw.Draw(image, "RGBA")
        scale = min(width, height)
        for _ in range(rng.randint(2, 5)):
            x, y = rng.uniform(0, width), rng.uniform(0, height)
            r = rng.uniform(0.03, 0.12) * scale
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(*_colour(rng), 110))
        return image

    @staticmethod
    def encode(image: Any, output_format: str = "png", compression: int | None = None) -> bytes:
        buffer = io.BytesIO()
        fmt = {"jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"}.get(output_format, "PNG")
        if fmt == "JPEG":
            image = image.convert("RGB")
        options: dict[str, Any] = {}
        if fmt in ("JPEG", "WEBP") and compression is not None:
            options["quality"] = max(1, 100 - compression)
        image.save(buffer, fmt, **options)
        return buffer.getvalue()


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)


def open_image(data: bytes, param: str):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageInputError(f"The uploaded {param} is not a readable image: {exc}", param) from None
    return image


def load() -> Painter:
    return Painter()
