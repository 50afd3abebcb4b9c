"""%%image, %%embed, %%moderate, %%speak and %transcribe against the fake API."""

from __future__ import annotations

import base64

import numpy as np

from oai_notebook.notebook.frames import embedding_matrix


def test_image_generate_grid_images_and_frame(nb, tmp_path):
    ran = nb.run(f"%%image -n 2 --size 1024x1024 --quality hd -m dall-e-2 --save {tmp_path} -o pics\nA red fox")
    pics = nb.ns["pics"]
    assert len(pics) == 2 and pics[0].size == (64, 64)
    assert list(pics.frame.columns) == ["prompt", "revised_prompt", "size", "model"]
    assert list(pics.frame["revised_prompt"]) == ["revised 0", "revised 1"]
    html = ran.data("text/html")[0]
    assert html.count("<img") == 2 and "revised 1" in html
    assert "[image 0: 64x64]" in ran.data("text/plain")[0]
    assert len(list(tmp_path.glob("a-red-fox-*.png"))) == 2
    body = nb.api.bodies("/images/generations")[0]
    assert body == {"prompt": "A red fox", "model": "dall-e-2", "n": 2, "size": "1024x1024",
                    "response_format": "b64_json", "quality": "hd"}


def test_image_edit_with_mask_and_variation_from_variables(nb):
    from PIL import Image

    nb.ns["photo"] = Image.new("RGBA", (32, 32), "green")
    nb.ns["hole"] = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    assert nb.run("%%image --edit photo --mask hole -o edited\nAdd a hat").error is None
    multipart = nb.api.bodies("/images/edits")[0]
    assert b'name="image"; filename="image.png"' in multipart and b'name="mask"' in multipart
    assert b"Add a hat" in multipart
    assert nb.run("%image --variation photo -o varied").error is None
    assert len(nb.ns["varied"]) == 1


def test_embed_lines_frame_matrix_and_plots(nb):
    ran = nb.run("%%embed -o vectors\nthe cat sat\nthe dog sat\n\nstock prices fell")
    frame = nb.ns["vectors"]
    assert list(frame.columns) == ["text", "embedding"] and len(frame) == 3
    assert frame["embedding"][0].dtype == np.float32
    assert embedding_matrix(frame).shape == (3, 8)
    pngs = ran.data("image/png")
    assert len(pngs) == 1 and base64.b64decode(pngs[0]).startswith(b"\x89PNG")
    assert "heatmap" in ran.data("text/plain")[-1]
    assert "3 texts → (3, 8) float32" in ran.stdout
    assert nb.api.bodies("/embeddings")[0]["encoding_format"] == "base64"


def test_embed_query_ranks_and_from_column(nb):
    import pandas as pd

    nb.ns["docs"] = pd.DataFrame({"body": ["cats purr", None, "dogs bark", "cats sleep a lot"]}, index=[10, 11, 12, 13])
    ran = nb.run("%embed --from docs.body --query 'cats' --no-plot -o ranked")
    ranked = nb.ns["ranked"]
    assert list(ranked.columns) == ["text", "similarity", "embedding"]
    assert list(ranked.index)[-1] == 12  # the dog is least like the cats; missing values skipped
    assert set(ranked.index) == {10, 12, 13}
    assert ranked["similarity"].is_monotonic_decreasing
    assert ran.data("image/png") == [] and "similarity" in ran.data("text/html")[0]


def test_embed_batches_keep_order_and_show_progress(nb):
    nb.session.config.embed_batch_size = 3
    nb.ns["many"] = [f"text number {i}" for i in range(10)]
    ran = nb.run("%embed --from many --no-plot -o out")
    assert len(nb.api.bodies("/embeddings")) == 4
    out = nb.ns["out"]
    assert list(out["text"]) == nb.ns["many"]
    from .fake_api import vector

    assert np.allclose(embedding_matrix(out), np.stack([vector(t) for t in nb.ns["many"]]))
    progress = [o for o in ran.outputs if "<progress" in o["data"].get("text/html", "")]
    assert len({o["transient"]["display_id"] for o in progress}) == 1 and len(progress) == 4
    assert progress[-1]["data"]["text/plain"] == "embedding: 10/10"


def test_moderate_frame_and_chart(nb):
    ran = nb.run("%%moderate -o checks\nhave a nice day\nI will kill the process")
    frame = nb.ns["checks"]
    assert list(frame.columns[:3]) == ["text", "flagged", "flagged_categories"]
    assert list(frame["flagged"]) == [False, True]
    assert frame["flagged_categories"][1] == "violence"
    assert frame["violence"][1] == 0.92
    assert "flagged: violence" in ran.data("text/plain")[-1]
    assert len(ran.data("image/png")) == 1
    assert "1 of 2 flagged" in ran.stdout


def test_speak_then_transcribe_the_bytes(nb):
    ran = nb.run("%%speak -v nova --speed 1.25 -o audio\nHello there")
    assert nb.ns["audio"].startswith(b"ID3")
    html = ran.data("text/html")[0]
    assert html.startswith('<audio controls src="data:audio/mpeg;base64,')
    assert ran.data("text/plain")[0].startswith("<audio: mp3")
    body = nb.api.bodies("/audio/speech")[0]
    assert body == {"input": "Hello there", "model": "tts-1", "voice": "nova", "response_format": "mp3", "speed": 1.25}
    nb.run("text = %transcribe audio")
    assert nb.ns["text"] == "hello from the audio"
    assert b'filename="audio.mp3"' in nb.api.bodies("/audio/transcriptions")[0]


def test_transcribe_verbose_json_segments_and_srt(nb, tmp_path):
    clip = tmp_path / "clip.wav"
    clip.write_bytes(b"RIFF0000WAVEfmt ")
    ran = nb.run(f"t = %transcribe -f verbose_json {clip}")
    transcript = nb.ns["t"]
    assert transcript == "hello from the audio" and transcript.duration == 2.0
    assert list(transcript.segments.columns[:4]) == ["id", "start", "end", "text"] and len(transcript.segments) == 2
    assert "hello from" in ran.data("text/html")[0]
    nb.run(f"s = %translate -f srt {clip}")
    assert nb.ns["s"].startswith("1\n00:00:00,000 --> 00:00:02,000")
    assert [entry["magic"] for entry in nb.session.usage] == ["transcribe", "translate"]
    assert nb.session.usage[0]["cost_usd"] == 0.006 * 2 / 60
