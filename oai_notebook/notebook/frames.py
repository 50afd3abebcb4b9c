"""DataFrame converters for API results; call them on client results too.

    from oai_notebook.notebook.frames import models_frame
    models_frame(client.models.list())
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def _items(result: Any) -> list[Any]:
    """The items of a list response, a page (all pages), or a plain sequence."""
    if isinstance(result, dict) and isinstance(result.get("data"), list):
        return list(result["data"])
    return list(result)


def _dig(item: Any, path: str) -> Any:
    """`item["a"]["b"]` for path "a.b"; None where anything is missing."""
    for key in path.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def records_frame(items: Iterable[Any], columns: Sequence[str], times: Sequence[str] = ()) -> Any:
    """A DataFrame with one row per item; dotted columns dig into nested objects; unix times become UTC datetimes."""
    import pandas as pd

    rows = [{column: _dig(item, column) for column in columns} for item in items]
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in times:
        frame[column] = pd.to_datetime(frame[column], unit="s", utc=True)
    return frame


# -- chat and usage -------------------------------------------------------------------------
def chat_frame(completion: Any) -> Any:
    """One row per choice of a chat completion: content, finish reason, tool calls, tokens."""
    usage = completion.get("usage") or {}
    rows = []
    for choice in completion.get("choices") or []:
        message = choice.get("message") or {}
        rows.append({
            "index": choice.get("index"), "role": message.get("role"), "content": message.get("content"),
            "refusal": message.get("refusal"), "tool_calls": len(message.get("tool_calls") or []),
            "finish_reason": choice.get("finish_reason"), "model": completion.get("model"),
            "prompt_tokens": usage.get("prompt_tokens"), "completion_tokens": usage.get("completion_tokens"),
        })
    return records_frame(rows, ["index", "role", "content", "refusal", "tool_calls", "finish_reason",
                                "model", "prompt_tokens", "completion_tokens"])


def usage_frame(records: Sequence[dict[str, Any]]) -> Any:
    """The session's usage log: magic, model, tokens, estimated cost and latency per call."""
    columns = ["time", "magic", "backend", "model", "prompt_tokens", "completion_tokens",
               "total_tokens", "cost_usd", "latency_s"]
    return records_frame(records, columns, times=["time"])


def messages_frame(messages: Sequence[dict[str, Any]]) -> Any:
    """A conversation: role and text of each message."""
    rows = [{"role": m.get("role"), "content": _message_text(m.get("content"))} for m in messages]
    return records_frame(rows, ["role", "content"])


def _message_text(content: Any) -> Any:
    if isinstance(content, list):  # text and image parts
        return " ".join(part.get("text", "[image]") for part in content if isinstance(part, dict))
    return content


# -- embeddings -----------------------------------------------------------------------------
def embeddings_frame(texts: Sequence[str], matrix: Any, index: Any = None) -> Any:
    """The texts and one float32 vector per row (rows of `matrix`); see embedding_matrix."""
    import pandas as pd

    frame = pd.DataFrame({"text": list(texts)}, index=index)
    frame["embedding"] = list(matrix)
    return frame


def embedding_matrix(frame: Any, column: str = "embedding") -> Any:
    """The (n, d) float32 array of a frame's embedding column."""
    import numpy as np

    vectors = list(frame[column])
    return np.stack(vectors).astype(np.float32, copy=False) if vectors else np.zeros((0, 0), np.float32)


def normalize(matrix: Any) -> Any:
    """Rows scaled to unit length (zero rows stay zero)."""
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def cosine_similarity(matrix: Any, vector: Any) -> Any:
    """Cosine similarity of each row of `matrix` with `vector`."""
    import numpy as np

    return normalize(matrix) @ normalize(np.asarray(vector)[None, :])[0]


def pca_2d(matrix: Any) -> Any:
    """The rows projected on their first two principal components (an (n, 2) array)."""
    import numpy as np

    centered = np.asarray(matrix, dtype=np.float64) - np.mean(matrix, axis=0)
    _, _, components = np.linalg.svd(centered, full_matrices=False)
    points = centered @ components[:2].T
    if points.shape[1] < 2:
        points = np.hstack([points, np.zeros((len(points), 2 - points.shape[1]))])
    return points


# -- moderation -----------------------------------------------------------------------------
def moderation_frames(result: Any, texts: Sequence[str] | None = None) -> tuple[Any, Any]:
    """(scores, flags): category scores and flags, one row per input, indexed by text."""
    import pandas as pd

    results = result["results"]
    index = list(texts) if texts is not None else [f"input {i}" for i in range(len(results))]
    scores = pd.DataFrame([dict(r.get("category_scores") or {}) for r in results], index=index).fillna(0.0)
    flags = pd.DataFrame([dict(r.get("categories") or {}) for r in results], index=index)
    flags = flags.reindex(columns=scores.columns).fillna(False).astype(bool)
    return scores, flags


def moderation_frame(result: Any, texts: Sequence[str] | None = None) -> Any:
    """One row per text: flagged, the flagged categories, then every category score."""
    scores, flags = moderation_frames(result, texts)
    frame = scores.copy()
    frame.insert(0, "flagged", [bool(r.get("flagged")) for r in result["results"]])
    frame.insert(1, "flagged_categories", [", ".join(flags.columns[row]) for row in flags.to_numpy()])
    frame.index.name = "text"
    return frame.reset_index()


# -- listings -------------------------------------------------------------------------------
def models_frame(models: Any) -> Any:
    """Models (a list result or page): id, created, owned_by; sorted by id."""
    frame = records_frame(_items(models), ["id", "created", "owned_by"], times=["created"])
    return frame.sort_values("id", ignore_index=True)


def files_frame(files: Any) -> Any:
    return records_frame(
        _items(files), ["id", "filename", "purpose", "bytes", "created_at", "status", "expires_at"],
        times=["created_at", "expires_at"],
    )


def fine_tuning_jobs_frame(jobs: Any) -> Any:
    return records_frame(
        _items(jobs),
        ["id", "model", "fine_tuned_model", "status", "created_at", "finished_at", "trained_tokens",
         "training_file", "validation_file", "error.message"],
        times=["created_at", "finished_at"],
    )


def fine_tuning_events_frame(events: Any) -> Any:
    return records_frame(_items(events), ["id", "created_at", "level", "type", "message"], times=["created_at"])


def batches_frame(batches: Any) -> Any:
    return records_frame(
        _items(batches),
        ["id", "endpoint", "status", "created_at", "completed_at", "input_file_id", "output_file_id",
         "error_file_id", "request_counts.total", "request_counts.completed", "request_counts.failed"],
        times=["created_at", "completed_at"],
    )


# -- images and audio -----------------------------------------------------------------------
def images_frame(rows: Sequence[dict[str, Any]]) -> Any:
    return records_frame(rows, ["prompt", "revised_prompt", "size", "model"])


def segments_frame(transcript: Any) -> Any:
    """The segments of a verbose_json transcription: start and end (seconds) and text."""
    return records_frame(
        transcript.get("segments") or [],
        ["id", "start", "end", "text", "avg_logprob", "no_speech_prob"],
    )
