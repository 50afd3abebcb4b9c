"""%%image: generate, edit (with a mask) and vary images; a grid inline, PIL images and a DataFrame back."""

from __future__ import annotations

import base64
import io
import re
import time
from pathlib import Path
from typing import Any

from IPython.core.magic import line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import InputError, fails_cleanly
from ..inputs import image_bytes, lookup
from ..pricing import image_cost
from ..render import footer_text, image_grid_bundle, show
from ._base import SessionMagics, common_arguments


class ImageResult(list):
    """The images (PIL) of one %%image call; `.frame` has prompt, revised prompt, size and model."""

    def __init__(self, images: list[Any], frame: Any) -> None:
        super().__init__(images)
        self.frame = frame

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return image_grid_bundle(self)


@magics_class
class ImageMagics(SessionMagics):
    @magic_arguments()
    @common_arguments
    @argument("--size", help="e.g. 1024x1024, 1792x1024, 512x512.")
    @argument("--quality", help="standard/hd (dall-e-3), low/medium/high (gpt-image-1).")
    @argument("--style", help="vivid or natural (dall-e-3).")
    @argument("-n", type=int, default=1, help="Number of images.")
    @argument("--edit", metavar="IMG", help="Edit this image (path or PIL/bytes variable) as the prompt says.")
    @argument("--mask", metavar="M", help="With --edit: transparent areas of this image are redrawn.")
    @argument("--variation", metavar="IMG", help="Variations of this image (the prompt is not used).")
    @argument("--save", metavar="DIR", help="Also save the images as PNG files in DIR.")
    @line_cell_magic
    @fails_cleanly
    def image(self, line: str, cell: str | None = None) -> None:
        """Create images from the prompt in the cell; shows a grid.

        -o NAME binds an ImageResult: a list of PIL images with `.frame`, a DataFrame of prompt,
        revised prompt, size and model.
        """
        args, body = self.parse_body(self.image, line, cell)
        prompt = self.text(args, body).strip()
        if args.edit and args.variation:
            raise InputError("use either --edit or --variation")
        if args.mask and not args.edit:
            raise InputError("--mask goes with --edit")
        if not prompt and not args.variation:
            raise InputError("%image needs a prompt: in the cell, or after the options")
        model = args.model or self.config_.image_model
        params: dict[str, Any] = {"model": model, "n": args.n if args.n != 1 else None, "size": args.size}
        if not model.startswith(("gpt-image", "chatgpt-image")):
            params["response_format"] = "b64_json"  # gpt-image models always answer in base64
        images = self.session.client.images
        started = time.perf_counter()
        if args.variation:
            result = images.create_variation(image=image_bytes(lookup(args.variation, self.namespace)), **params)
        elif args.edit:
            mask = image_bytes(lookup(args.mask, self.namespace)) if args.mask else None
            result = images.edit(image=image_bytes(lookup(args.edit, self.namespace)), mask=mask,
                                 prompt=prompt, quality=args.quality, **params)
        else:
            result = images.generate(prompt=prompt, quality=args.quality, style=args.style, **params)
        pictures = [_decode(item) for item in result.get("data") or []]
        latency = time.perf_counter() - started
        cost = self.cost(image_cost(model, args.size, args.quality, len(pictures)))
        usage = result.get("usage") or {}
        self.session.record("image", model, latency=latency, prompt_tokens=usage.get("input_tokens"),
                            completion_tokens=usage.get("output_tokens"), cost=cost)
        from ..frames import images_frame

        rows = [{"prompt": prompt or None, "revised_prompt": item.get("revised_prompt"),
                 "size": f"{picture.size[0]}x{picture.size[1]}", "model": model}
                for item, picture in zip(result["data"], pictures, strict=True)]
        output = ImageResult(pictures, images_frame(rows))
        captions = [row["revised_prompt"] or "" for row in rows]
        show(image_grid_bundle(pictures, captions))
        if args.save:
            saved = _save(pictures, Path(args.save).expanduser(), prompt or "variation")
            print(f"saved {len(saved)} image(s): {', '.join(str(p) for p in saved)}")
        if self.config_.show_footer:
            print(footer_text(model, latency, cost=cost, note=f"{len(pictures)} image(s)"))
        self.bind(args, output)


def _decode(item: dict[str, Any]) -> Any:
    """A PIL image from a b64_json item, or downloaded from its URL."""
    from PIL import Image

    if item.get("b64_json"):
        data = base64.b64decode(item["b64_json"])
    elif item.get("url"):
        import httpx

        response = httpx.get(item["url"], timeout=60, follow_redirects=True)
        response.raise_for_status()
        data = response.content
    else:
        raise InputError("the API returned an image with neither b64_json nor url")
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def _save(pictures: list[Any], folder: Path, prompt: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-")[:40] or "image"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    paths = []
    for position, picture in enumerate(pictures):
        path = folder / f"{stem}-{stamp}-{position}.png"
        picture.save(path, format="PNG")
        paths.append(path)
    return paths
