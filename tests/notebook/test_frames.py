"""The DataFrame converters on client-shaped results (usable outside the magics)."""

from __future__ import annotations

import pandas as pd

from oai_notebook.client._objects import loads
from oai_notebook.notebook import frames


def test_chat_frame_one_row_per_choice():
    completion = loads('{"model": "gpt-4o", "usage": {"prompt_tokens": 3, "completion_tokens": 5},'
                       '"choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"},'
                       '{"index": 1, "message": {"role": "assistant", "content": null, "tool_calls": [{}]}, "finish_reason": "tool_calls"}]}')
    frame = frames.chat_frame(completion)
    assert frame["content"][0] == "hi" and pd.isna(frame["content"][1])
    assert list(frame["tool_calls"]) == [0, 1]
    assert frame["prompt_tokens"].tolist() == [3, 3]


def test_listing_frames_dig_into_nested_fields_and_convert_times():
    files = loads('{"object": "list", "data": [{"id": "file-1", "filename": "a.jsonl", "purpose": "batch",'
                  '"bytes": 10, "created_at": 1700000000, "status": "processed", "expires_at": null}]}')
    frame = frames.files_frame(files)
    assert frame.loc[0, "filename"] == "a.jsonl"
    assert frame.loc[0, "created_at"] == pd.Timestamp(1700000000, unit="s", tz="UTC")
    batches = [{"id": "batch_1", "endpoint": "/v1/chat/completions", "status": "completed", "created_at": 1,
                "request_counts": {"total": 4, "completed": 3, "failed": 1}}]
    frame = frames.batches_frame(batches)
    assert frame.loc[0, "request_counts.failed"] == 1 and pd.isna(frame.loc[0, "output_file_id"])
    jobs = [{"id": "ftjob-1", "model": "gpt-4o-mini", "status": "failed", "created_at": 1,
             "error": {"message": "bad file"}}]
    assert frames.fine_tuning_jobs_frame(jobs).loc[0, "error.message"] == "bad file"
    events = [{"id": "ev-1", "created_at": 2, "level": "info", "type": "message", "message": "step 1"}]
    assert list(frames.fine_tuning_events_frame(events)["message"]) == ["step 1"]


def test_moderation_frame_and_embeddings_helpers():
    result = {"results": [{"flagged": True, "categories": {"hate": True, "violence": False},
                           "category_scores": {"hate": 0.8, "violence": 0.1}}]}
    frame = frames.moderation_frame(result, ["some text"])
    assert list(frame.columns) == ["text", "flagged", "flagged_categories", "hate", "violence"]
    assert frame.loc[0, "flagged_categories"] == "hate"
    import numpy as np

    matrix = np.eye(3, dtype=np.float32)
    emb = frames.embeddings_frame(["a", "b", "c"], matrix)
    assert np.array_equal(frames.embedding_matrix(emb), matrix)
    assert frames.cosine_similarity(matrix, matrix[1]).tolist() == [0.0, 1.0, 0.0]
    assert frames.pca_2d(matrix).shape == (3, 2)
