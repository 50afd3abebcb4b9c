"""Fine-tuning: jobs (with events, checkpoints, pause and resume), checkpoint permissions, graders."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from typing import Any

from .._resource import Resource, drop_none
from .._workflow import poll, run_steps, status_in
from ._paths import deep_object, url

JOB = "/fine_tuning/jobs/{job_id}"
JOB_DONE = ("succeeded", "failed", "cancelled")


class Checkpoints(Resource):
    def list(
        self, fine_tuning_job_id: str, *, after: str | None = None, limit: int | None = None, **params: Any
    ) -> Any:
        """The job's model checkpoints (one per epoch): a page."""
        route = url(JOB + "/checkpoints", job_id=fine_tuning_job_id)
        return self._list(route, drop_none({"after": after, "limit": limit, **params}))


class Jobs(Resource):
    def create(
        self,
        *,
        model: str,
        training_file: str,
        validation_file: str | None = None,
        method: dict[str, Any] | None = None,
        hyperparameters: dict[str, Any] | None = None,
        suffix: str | None = None,
        seed: int | None = None,
        metadata: dict[str, str] | None = None,
        integrations: list[dict[str, Any]] | None = None,
        **params: Any,
    ) -> Any:
        """Start fine-tuning `model` on an uploaded `training_file` (a file id, purpose fine-tune)."""
        body = drop_none(
            {"model": model, "training_file": training_file, "validation_file": validation_file,
             "method": method, "hyperparameters": hyperparameters, "suffix": suffix, "seed": seed,
             "metadata": metadata, "integrations": integrations, **params}
        )
        return self._post("/fine_tuning/jobs", body)

    def retrieve(self, fine_tuning_job_id: str, **params: Any) -> Any:
        return self._get(url(JOB, job_id=fine_tuning_job_id), params)

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: dict[str, str] | None = None,
        **params: Any,
    ) -> Any:
        """Your fine-tuning jobs, newest first (only those whose metadata matches, if given): a page."""
        query = drop_none({"after": after, "limit": limit, **deep_object("metadata", metadata), **params})
        return self._list("/fine_tuning/jobs", query)

    def cancel(self, fine_tuning_job_id: str, **params: Any) -> Any:
        return self._post(url(JOB + "/cancel", job_id=fine_tuning_job_id), params)

    def pause(self, fine_tuning_job_id: str, **params: Any) -> Any:
        return self._post(url(JOB + "/pause", job_id=fine_tuning_job_id), params)

    def resume(self, fine_tuning_job_id: str, **params: Any) -> Any:
        return self._post(url(JOB + "/resume", job_id=fine_tuning_job_id), params)

    def list_events(
        self, fine_tuning_job_id: str, *, after: str | None = None, limit: int | None = None, **params: Any
    ) -> Any:
        """The job's status events, newest first: a page."""
        route = url(JOB + "/events", job_id=fine_tuning_job_id)
        return self._list(route, drop_none({"after": after, "limit": limit, **params}))

    def wait(
        self,
        fine_tuning_job_id: str,
        *,
        poll_interval_ms: int | None = 10_000,
        max_wait_seconds: float | None = None,
        progress: Callable[[Any], None] | None = None,
    ) -> Any:
        """Poll until the job succeeds, fails or is cancelled; `progress(job)` sees each state."""
        steps = poll(
            lambda: self.retrieve(fine_tuning_job_id), status_in(*JOB_DONE),
            poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds, progress=progress,
        )
        return run_steps(self._client, steps)

    @cached_property
    def checkpoints(self) -> Checkpoints:
        return Checkpoints(self._client)


PERMISSIONS = "/fine_tuning/checkpoints/{checkpoint}/permissions"


class Permissions(Resource):
    def create(self, fine_tuned_model_checkpoint: str, *, project_ids: list[str], **params: Any) -> Any:
        """Share a checkpoint with projects (needs an admin key): a page of the new permissions."""
        route = url(PERMISSIONS, checkpoint=fine_tuned_model_checkpoint)
        return self._post(route, {"project_ids": project_ids, **params})

    def retrieve(
        self,
        fine_tuned_model_checkpoint: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        project_id: str | None = None,
        **params: Any,
    ) -> Any:
        """The checkpoint's permissions as one list object."""
        query = drop_none({"after": after, "limit": limit, "order": order, "project_id": project_id, **params})
        return self._get(url(PERMISSIONS, checkpoint=fine_tuned_model_checkpoint), query)

    def list(self, fine_tuned_model_checkpoint: str, **params: Any) -> Any:
        """The checkpoint's permissions: a page you can iterate."""
        return self._list(url(PERMISSIONS, checkpoint=fine_tuned_model_checkpoint), drop_none(params))

    def delete(self, permission_id: str, *, fine_tuned_model_checkpoint: str, **params: Any) -> Any:
        route = url(
            PERMISSIONS + "/{permission_id}", checkpoint=fine_tuned_model_checkpoint, permission_id=permission_id
        )
        return self._delete(route, params)


class CheckpointResources(Resource):
    @cached_property
    def permissions(self) -> Permissions:
        return Permissions(self._client)


class Graders(Resource):
    def run(self, *, grader: dict[str, Any], model_sample: str, item: Any = None, **params: Any) -> Any:
        """Score `model_sample` with `grader` (as a fine-tuning job would)."""
        body = drop_none({"grader": grader, "model_sample": model_sample, "item": item, **params})
        return self._post("/fine_tuning/alpha/graders/run", body)

    def validate(self, *, grader: dict[str, Any], **params: Any) -> Any:
        return self._post("/fine_tuning/alpha/graders/validate", {"grader": grader, **params})


class Alpha(Resource):
    @cached_property
    def graders(self) -> Graders:
        return Graders(self._client)


class FineTuning(Resource):
    @cached_property
    def jobs(self) -> Jobs:
        return Jobs(self._client)

    @cached_property
    def checkpoints(self) -> CheckpointResources:
        return CheckpointResources(self._client)

    @cached_property
    def alpha(self) -> Alpha:
        return Alpha(self._client)

    @staticmethod
    def validate_training_file(source: str | os.PathLike | bytes) -> Any:
        """Check a chat-format JSONL training file locally (see `finetune_data.validate_chat_jsonl`)."""
        from ..finetune_data import validate_chat_jsonl

        return validate_chat_jsonl(source)
