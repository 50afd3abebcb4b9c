"""Every inline rendering of the magics, as mimebundles with a text/plain fallback (terminal IPython).

matplotlib is used through `matplotlib.figure.Figure` (no pyplot, no global figure state).
"""

from __future__ import annotations

import base64
import html
import io
import sys
import time
from collections.abc import Sequence
from typing import Any

Bundle = dict[str, Any]


def show(bundle: Bundle, display_id: bool = False) -> Any:
    """Display a mimebundle; with display_id=True return its DisplayHandle."""
    from IPython.display import display

    return display(bundle, raw=True, display_id=display_id or None)


def is_live(shell: Any, mode: str) -> bool:
    """Whether displays can be updated in place: inside a kernel, or when asked for."""
    return mode == "live" or (mode == "auto" and getattr(shell, "kernel", None) is not None)


# -- text -----------------------------------------------------------------------------------
def markdown_bundle(text: str, footer: str | None = None) -> Bundle:
    markdown = text if not footer else f"{text}\n\n<sub>{html.escape(footer)}</sub>"
    plain = text if not footer else f"{text}\n[{footer}]"
    return {"text/markdown": markdown, "text/plain": plain}


def footer_text(
    model: str | None,
    latency: float,
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
    cost: float | None = None,
    note: str | None = None,
) -> str:
    """`gpt-4o-mini · 12 → 85 tokens · ~$0.000053 · 1.2 s`."""
    parts = [model or "?"]
    if prompt_tokens is not None:
        parts.append(f"{prompt_tokens} → {completion_tokens or 0} tokens")
    if cost is not None:
        parts.append(f"~${cost:.6f}" if cost < 0.01 else f"~${cost:.4f}")
    parts.append(f"{latency:.1f} s")
    if note:
        parts.append(note)
    return " · ".join(parts)



def finish_note(completion: Any) -> str | None:
    """A footer note when a reply did not end normally (token limit, content filter)."""
    reasons = {choice.get("finish_reason") for choice in completion.get("choices") or []}
    if "length" in reasons:
        return "cut at the token limit"
    if "content_filter" in reasons:
        return "stopped by the content filter"
    return None

class LiveMarkdown:
    """Markdown streamed into one display updated in place (or printed as it grows, in a terminal)."""

    def __init__(self, live: bool, interval: float = 0.05) -> None:
        self.live = live
        self.interval = interval
        self._handle: Any = None
        self._shown = ""
        self._last = 0.0
        self.updates = 0

    def update(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        if self.live:
            if self._handle is None:
                self._handle = show(markdown_bundle(text), display_id=True)
            else:
                self._handle.update(markdown_bundle(text), raw=True)
            self.updates += 1
        elif text.startswith(self._shown):
            sys.stdout.write(text[len(self._shown):])
            sys.stdout.flush()
            self._shown = text

    def finish(self, text: str, footer: str | None) -> None:
        """The final text and footer (in a terminal: whatever was not printed yet)."""
        if self.live:
            bundle = markdown_bundle(text, footer)
            if self._handle is None:
                self._handle = show(bundle, display_id=True)
            else:
                self._handle.update(bundle, raw=True)
            self.updates += 1
            return
        rest = text[len(self._shown):] if text.startswith(self._shown) else "\n" + text
        sys.stdout.write(rest + "\n" + (f"[{footer}]\n" if footer else ""))
        sys.stdout.flush()
        self._shown = text


class Progress:
    """A progress bar for long batches: an HTML <progress> updated in place, or one line per step."""

    def __init__(self, live: bool, label: str, total: int) -> None:
        self.live, self.label, self.total = live, label, total
        self._handle: Any = None

    def _bundle(self, done: int) -> Bundle:
        text = f"{self.label}: {done}/{self.total}"
        return {
            "text/html": f'<progress value="{done}" max="{self.total}"></progress> {html.escape(text)}',
            "text/plain": text,
        }

    def update(self, done: int) -> None:
        if not self.live:
            print(f"{self.label}: {done}/{self.total}", file=sys.stderr, flush=True)
        elif self._handle is None:
            self._handle = show(self._bundle(done), display_id=True)
        else:
            self._handle.update(self._bundle(done), raw=True)


# -- tables ---------------------------------------------------------------------------------
def comparison_bundle(rows: Sequence[dict[str, Any]]) -> Bundle:
    """Replies side by side: one column per model/temperature."""
    cells, plain = [], []
    for row in rows:
        title = row["model"] + ("" if row.get("temperature") is None else f" · T={row['temperature']}")
        body = row["reply"] if row.get("error") is None else f"error: {row['error']}"
        stats = footer_text(row["model"], row["latency_s"], row.get("prompt_tokens"),
                            row.get("completion_tokens"), row.get("cost_usd"))
        cells.append(
            '<div style="flex:1;min-width:220px;border:1px solid #ccc;border-radius:4px;padding:6px">'
            f"<b>{html.escape(title)}</b>"
            f'<pre style="white-space:pre-wrap;font-family:inherit">{html.escape(str(body))}</pre>'
            f"<sub>{html.escape(stats)}</sub></div>"
        )
        plain.append(f"--- {title} ---\n{body}\n[{stats}]")
    return {
        "text/html": '<div style="display:flex;gap:8px;align-items:flex-start">' + "".join(cells) + "</div>",
        "text/plain": "\n".join(plain),
    }



def ranking_bundle(frame: Any, top: int = 10) -> Bundle:
    """The `top` rows of a frame ranked by similarity: text and similarity."""
    best = frame[["text", "similarity"]].head(top)
    return {"text/html": best.to_html(float_format="{:.3f}".format), "text/plain": best.to_string()}

# -- images ---------------------------------------------------------------------------------
def png_bytes(image: Any, max_side: int | None = None) -> bytes:
    """A PIL image as PNG, optionally shrunk so its longest side is at most `max_side`."""
    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_grid_bundle(images: Sequence[Any], captions: Sequence[str] = ()) -> Bundle:
    """Images in a wrapping grid (shown at most 512 px wide), captions underneath."""
    width = 512 if len(images) == 1 else 256
    cells, plain = [], []
    for position, image in enumerate(images):
        data = base64.b64encode(png_bytes(image, max_side=1024)).decode()
        caption = captions[position] if position < len(captions) else ""
        cells.append(
            f'<figure style="margin:0;width:{width}px"><img src="data:image/png;base64,{data}" '
            f'style="width:100%"/><figcaption style="font-size:small">{html.escape(caption)}</figcaption></figure>'
        )
        plain.append(f"[image {position}: {image.size[0]}x{image.size[1]}] {caption}".rstrip())
    return {
        "text/html": '<div style="display:flex;flex-wrap:wrap;gap:8px">' + "".join(cells) + "</div>",
        "text/plain": "\n".join(plain),
    }


# -- audio ----------------------------------------------------------------------------------
AUDIO_TYPES = {
    "mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac",
    "wav": "audio/wav", "pcm": "audio/wav",
}


def pcm_to_wav(pcm: bytes, rate: int = 24000) -> bytes:
    """Wrap OpenAI's raw pcm (24 kHz, 16-bit, mono) in a WAV header so players can play it."""
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def audio_bundle(data: bytes, fmt: str, caption: str = "") -> Bundle:
    """An inline audio player."""
    playable = pcm_to_wav(data) if fmt == "pcm" else data
    source = f"data:{AUDIO_TYPES.get(fmt, 'audio/mpeg')};base64," + base64.b64encode(playable).decode()
    label = f"<audio: {fmt}, {len(data) / 1024:.1f} kB>" + (f" {caption}" if caption else "")
    return {
        "text/html": f'<audio controls src="{source}"></audio>'
        + (f"<br><sub>{html.escape(caption)}</sub>" if caption else ""),
        "text/plain": label,
    }


# -- charts ---------------------------------------------------------------------------------
def figure_bundle(figure: Any, description: str) -> Bundle:
    """A matplotlib Figure as PNG, with a description for text frontends."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return {"image/png": base64.b64encode(buffer.getvalue()).decode(), "text/plain": description}


def _short(label: str, width: int = 24) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= width else label[: width - 1] + "…"


HEATMAP_MAX = 40  # more texts than this and the heatmap is unreadable; the projection stays


def similarity_bundle(matrix: Any, labels: Sequence[str], query: Any = None) -> Bundle | None:
    """Cosine-similarity heatmap (up to 40 texts) and a 2-D PCA projection; None for < 2 texts."""
    import numpy as np
    from matplotlib.figure import Figure

    from .frames import normalize, pca_2d

    count = len(labels)
    if count < 2:
        return None
    unit = normalize(matrix)
    heatmap = count <= HEATMAP_MAX
    figure = Figure(figsize=(11 if heatmap else 5.5, 4.8))
    axes = figure.subplots(1, 2 if heatmap else 1, squeeze=False)[0]
    if heatmap:
        similarity = unit @ unit.T
        image = axes[0].imshow(similarity, cmap="viridis", vmin=min(0.0, float(similarity.min())), vmax=1.0)
        ticks = [_short(label, 18) for label in labels]
        axes[0].set_xticks(range(count), ticks, rotation=90, fontsize=7)
        axes[0].set_yticks(range(count), ticks, fontsize=7)
        axes[0].set_title("cosine similarity")
        figure.colorbar(image, ax=axes[0], fraction=0.046)
    extra = None if query is None else normalize(np.asarray(query, dtype=np.float32)[None, :])
    points = pca_2d(unit if extra is None else np.vstack([unit, extra]))
    ax = axes[-1]
    ax.scatter(points[:count, 0], points[:count, 1], s=18)
    if count <= 30:
        for (x, y), label in zip(points[:count], labels, strict=True):
            ax.annotate(_short(label), (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if extra is not None:
        ax.scatter(points[count:, 0], points[count:, 1], marker="*", s=160, c="crimson", label="query")
        ax.legend(fontsize=7)
    ax.set_title("PCA projection")
    description = f"<cosine-similarity heatmap and PCA projection of {count} texts>"
    return figure_bundle(figure, description)


def moderation_bundle(scores: Any, flags: Any) -> Bundle:
    """Category scores per text as a heatmap; flagged cells boxed in red, flagged categories red."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    rows, columns = scores.shape
    figure = Figure(figsize=(max(6, 0.45 * columns + 2), max(1.6, 0.35 * rows + 1.4)))
    ax = figure.subplots()
    image = ax.imshow(scores.to_numpy(dtype=float), cmap="Oranges", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(columns), list(scores.columns), rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(rows), [_short(label, 30) for label in scores.index], fontsize=7)
    flagged_columns = set()
    for row in range(rows):
        for column in range(columns):
            if flags.iat[row, column]:
                flagged_columns.add(column)
                ax.add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    for column, tick in enumerate(ax.get_xticklabels()):
        if column in flagged_columns:
            tick.set_color("red")
            tick.set_fontweight("bold")
    figure.colorbar(image, ax=ax, fraction=0.03)
    ax.set_title("moderation scores (red: flagged)")
    names = sorted(scores.columns[column] for column in flagged_columns)
    description = f"<moderation scores of {rows} texts; flagged: {', '.join(names) or 'none'}>"
    return figure_bundle(figure, description)
