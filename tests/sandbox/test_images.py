from __future__ import annotations

import base64
import io

import httpx
import openai
import pytest
from PIL import Image


def _decode(item) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(item.b64_json)))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_generation_honours_size_and_n(any_client):
    result = any_client.images.generate(
        model="dall-e-2", prompt="a red fox in snow", n=3, size="256x256",
        response_format="b64_json",
    )
    images = [_decode(item) for item in result.data]
    assert len(images) == 3
    assert all(image.size == (256, 256) for image in images)
    assert len({image.tobytes() for image in images}) == 3  # n distinct pictures
    assert "Pillow painter" in result.data[0].revised_prompt


def test_generation_is_deterministic_per_prompt(openai_client):
    def draw(prompt: str) -> bytes:
        item = openai_client.images.generate(
            prompt=prompt, size="256x256", response_format="b64_json"
        ).data[0]
        return _decode(item).tobytes()

    assert draw("a lighthouse") == draw("a lighthouse")
    assert draw("a lighthouse") != draw("a submarine")


def test_url_response_is_served_by_the_sandbox(openai_client, http, valid_response):
    result = openai_client.images.generate(prompt="a cat", size="512x512")  # url by default
    url = result.data[0].url
    assert url and url.startswith(str(http.base_url).split("/v1")[0])
    fetched = httpx.get(url)
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(fetched.content)).size == (512, 512)
    raw = http.post("images/generations", json={"prompt": "a cat", "size": "256x256"})
    valid_response("createImage", raw.json())


def test_wide_sizes_and_gpt_image_defaults_to_b64(openai_client):
    result = openai_client.images.generate(model="gpt-image-1", prompt="a boat", size="1536x1024")
    assert _decode(result.data[0]).size == (1536, 1024)
    assert result.size == "1536x1024"


def test_edit_keeps_pixels_outside_the_mask(any_client, valid_response, http):
    original = Image.new("RGB", (256, 256), (10, 200, 30))
    mask = Image.new("RGBA", (256, 256), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (0, 0, 128, 256))  # the left half is transparent: edit it
    result = any_client.images.edit(
        image=("in.png", _png(original)), mask=("mask.png", _png(mask)),
        prompt="a sun", n=2, size="256x256", response_format="b64_json",
    )
    assert len(result.data) == 2
    edited = _decode(result.data[0]).convert("RGB")
    assert edited.size == (256, 256)
    right = edited.crop((128, 0, 256, 256))
    assert set(right.getdata()) == {(10, 200, 30)}  # untouched
    left = edited.crop((0, 0, 128, 256))
    assert len(set(left.getdata())) > 10  # repainted
    raw = http.post(
        "images/edits",
        files={"image": ("in.png", _png(original)), "mask": ("m.png", _png(mask))},
        data={"prompt": "a sun", "size": "256x256", "response_format": "b64_json"},
    )
    valid_response("createImageEdit", raw.json())


def test_edit_rejects_a_mask_of_another_size(openai_client):
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.images.edit(
            image=("in.png", _png(Image.new("RGB", (64, 64)))),
            mask=("mask.png", _png(Image.new("RGBA", (32, 32)))),
            prompt="x", size="256x256",
        )
    assert caught.value.body["param"] == "mask"


def test_variation_changes_the_input(any_client):
    source = Image.new("RGB", (256, 256), (200, 40, 40))
    source.paste((40, 40, 200), (0, 0, 128, 128))
    result = any_client.images.create_variation(
        image=("in.png", _png(source)), n=2, size="256x256", response_format="b64_json"
    )
    variations = [_decode(item).convert("RGB") for item in result.data]
    assert all(v.size == (256, 256) for v in variations)
    assert all(v.tobytes() != source.tobytes() for v in variations)
    assert variations[0].tobytes() != variations[1].tobytes()


def test_not_an_image_is_400(openai_client):
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.images.create_variation(image=("in.png", b"not an image"))
    assert caught.value.body["param"] == "image"


def test_bad_size_and_n_are_400(http, openai_error):
    openai_error(http.post("images/generations", json={"prompt": "x", "size": "300x300"}), 400, "size")
    openai_error(http.post("images/generations", json={"prompt": "x", "n": 0}), 400, "n")
    openai_error(http.post("images/generations", json={"size": "256x256"}), 400, "prompt")


def test_unknown_image_url_is_404(http):
    root = str(http.base_url).split("/v1")[0]
    assert httpx.get(f"{root}/sandbox/images/img-nothing.png").status_code == 404
