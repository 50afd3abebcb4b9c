"""Fine-tuning jobs, events, checkpoints, pause/resume, permissions, graders, and the data validator."""

from __future__ import annotations

import json

import pytest

from oai_notebook.client.finetune_data import validate_chat_jsonl

from ._helpers_stateful import SpecServer, async_client, ok, pages, sequence, sync_client

JOB = {"id": "ftjob_1", "object": "fine_tuning.job", "model": "gpt-4o-mini-2024-07-18", "status": "queued",
       "training_file": "file_1", "created_at": 1}


def test_create_job_with_method():
    server = SpecServer({"createFineTuningJob": lambda call: ok({**JOB, **call.body})})
    method = {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}}
    job = sync_client(server).fine_tuning.jobs.create(
        model="gpt-4o-mini-2024-07-18", training_file="file_1", validation_file="file_2",
        method=method, suffix="notes", seed=7, metadata={"team": "a"},
    )
    assert server.last().body == {
        "model": "gpt-4o-mini-2024-07-18", "training_file": "file_1", "validation_file": "file_2",
        "method": method, "suffix": "notes", "seed": 7, "metadata": {"team": "a"},
    }
    assert job.status == "queued"


def test_list_jobs_with_metadata_filter_and_paging():
    jobs = [{**JOB, "id": f"ftjob_{i}"} for i in range(5)]
    server = SpecServer({"listPaginatedFineTuningJobs": pages(jobs, 2)})
    page = sync_client(server).fine_tuning.jobs.list(limit=2, metadata={"team": "a"})
    assert [job.id for job in page] == [job["id"] for job in jobs]
    queries = [call.query for call in server.calls]
    assert queries[0] == {"limit": ["2"], "metadata[team]": ["a"]}
    assert queries[1]["after"] == ["ftjob_1"] and queries[1]["metadata[team]"] == ["a"]


@pytest.mark.parametrize("action, op", [("retrieve", "retrieveFineTuningJob"), ("cancel", "cancelFineTuningJob"),
                                        ("pause", "pauseFineTuningJob"), ("resume", "resumeFineTuningJob")])
def test_job_actions(action, op):
    server = SpecServer({op: lambda call: ok({**JOB, "id": call.params["fine_tuning_job_id"]})})
    job = getattr(sync_client(server).fine_tuning.jobs, action)("ftjob_9")
    assert server.ops() == [op] and job.id == "ftjob_9"


def test_events_and_checkpoints_page():
    events = [{"id": f"ftevent_{i}", "object": "fine_tuning.job.event", "level": "info",
               "message": f"step {i}", "created_at": i} for i in range(3)]
    checkpoints = [{"id": f"ftckpt_{i}", "object": "fine_tuning.job.checkpoint", "step_number": i,
                    "fine_tuned_model_checkpoint": f"ft:gpt-4o-mini:ckpt-{i}"} for i in range(3)]
    server = SpecServer({"listFineTuningEvents": pages(events, 2),
                         "listFineTuningJobCheckpoints": pages(checkpoints, 1)})
    jobs = sync_client(server).fine_tuning.jobs
    assert [event.message for event in jobs.list_events("ftjob_1", limit=2)] == ["step 0", "step 1", "step 2"]
    first = jobs.checkpoints.list("ftjob_1", limit=1)
    assert first.has_more and first.last_id == "ftckpt_0"
    assert [c.step_number for c in first] == [0, 1, 2]
    assert server.ops().count("listFineTuningJobCheckpoints") == 3


def test_checkpoint_permissions_and_graders():
    server = SpecServer()
    client = sync_client(server)
    ckpt = "ft:gpt-4o-mini:org:custom:ckpt-step-10"
    client.fine_tuning.checkpoints.permissions.create(ckpt, project_ids=["proj_1"])
    client.fine_tuning.checkpoints.permissions.retrieve(ckpt, project_id="proj_1")
    client.fine_tuning.checkpoints.permissions.delete("cp_1", fine_tuned_model_checkpoint=ckpt)
    grader = {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}",
              "reference": "{{item.answer}}", "operation": "eq"}
    client.fine_tuning.alpha.graders.validate(grader=grader)
    client.fine_tuning.alpha.graders.run(grader=grader, model_sample="4", item={"answer": "4"})
    assert server.ops() == ["createFineTuningCheckpointPermission", "listFineTuningCheckpointPermissions",
                            "deleteFineTuningCheckpointPermission", "validateGrader", "runGrader"]
    assert server.calls[0].request.url.raw_path.decode().startswith(
        "/v1/fine_tuning/checkpoints/ft%3Agpt-4o-mini%3Aorg%3Acustom%3Ackpt-step-10/permissions")


def test_wait_reports_progress(poll_sleeps):
    statuses = ["validating_files", "running", "succeeded"]
    server = SpecServer({"retrieveFineTuningJob": sequence(*({**JOB, "status": s} for s in statuses))})
    seen = []
    job = sync_client(server).fine_tuning.jobs.wait("ftjob_1", poll_interval_ms=250, progress=lambda j: seen.append(j.status))
    assert job.status == "succeeded" and seen == statuses and poll_sleeps == [0.25, 0.25]


async def test_async_jobs():
    events = [{"id": f"ev_{i}", "object": "fine_tuning.job.event", "level": "info", "message": str(i),
               "created_at": i} for i in range(4)]
    server = SpecServer({"createFineTuningJob": lambda call: ok(JOB), "listFineTuningEvents": pages(events, 3)})
    client = async_client(server)
    assert (await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file_1")).id == "ftjob_1"
    assert [event.message async for event in client.fine_tuning.jobs.list_events("ftjob_1")] == ["0", "1", "2", "3"]


# -- the local data validator -----------------------------------------------------------------------
def example(*messages, **extra):
    return {"messages": list(messages), **extra}


SYSTEM = {"role": "system", "content": "You are terse."}
USER = {"role": "user", "content": "2+2?"}
ASSISTANT = {"role": "assistant", "content": "4"}


def write_jsonl(path, lines):
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_valid_file_passes(tmp_path):
    tool_call = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
    lines = [example(SYSTEM, USER, ASSISTANT) for _ in range(9)] + [example(
        USER, {"role": "assistant", "tool_calls": [tool_call], "weight": 0},
        {"role": "tool", "tool_call_id": "call_1", "content": "4"}, {**ASSISTANT, "weight": 1},
        tools=[{"type": "function", "function": {"name": "add"}}],
    )]
    report = validate_chat_jsonl(write_jsonl(tmp_path / "train.jsonl", lines))
    assert report.ok and report.examples == 10 and report.problems == []
    report.raise_for_problems()
    assert str(report) == "10 examples, no problems found"


def test_each_problem_is_reported_with_its_line(tmp_path):
    good = example(USER, ASSISTANT)
    lines = [
        good,                                                            # 1
        "{not json",                                                     # 2
        [1, 2],                                                          # 3 data_type
        {"prompt": "x", "completion": "y"},                              # 4 legacy format
        example(USER, {"role": "bot", "content": "hi"}),                 # 5 unrecognized_role + no assistant
        example(USER, {"content": "4"}, ASSISTANT),                      # 6 message_missing_key
        example(USER, {**ASSISTANT, "extra": 1}),                        # 7 message_unrecognized_key
        example(USER, {"role": "assistant", "content": None}),           # 8 missing_content
        example(USER),                                                   # 9 example_missing_assistant_message
        example(USER, {**ASSISTANT, "weight": 2}),                       # 10 invalid_weight
        example({"role": "tool", "content": "4"}, ASSISTANT),            # 11 tool without id, no user
    ]
    report = validate_chat_jsonl(write_jsonl(tmp_path / "bad.jsonl", lines).read_bytes())
    by_line = {}
    for problem in report.problems:
        by_line.setdefault(problem.line, set()).add(problem.code)
    assert 1 not in by_line
    assert by_line[2] == {"invalid_json"}
    assert by_line[3] == {"data_type"}
    assert by_line[4] == {"example_unrecognized_key", "missing_messages_list"}
    assert by_line[5] == {"unrecognized_role", "example_missing_assistant_message"}
    assert by_line[6] == {"message_missing_key"}
    assert by_line[7] == {"message_unrecognized_key"}
    assert by_line[8] == {"missing_content"}
    assert by_line[9] == {"example_missing_assistant_message"}
    assert by_line[10] == {"invalid_weight"}
    assert by_line[11] == {"message_missing_key", "example_missing_user_message"}
    assert report.examples == 10 and None not in by_line  # the unparseable line is not an example
    assert not report.ok
    assert report.counts()["example_missing_assistant_message"] == 2
    assert "line 5: message 2 has an unrecognised role 'bot'" in str(report)
    with pytest.raises(ValueError, match="problem"):
        report.raise_for_problems()


def test_user_warning_does_not_fail(tmp_path):
    lines = [example(SYSTEM, ASSISTANT)] * 10
    report = validate_chat_jsonl(write_jsonl(tmp_path / "t.jsonl", lines))
    assert report.ok and len(report.warnings) == 10 and report.warnings[0].line == 1


def test_too_few_examples(tmp_path):
    report = validate_chat_jsonl(write_jsonl(tmp_path / "t.jsonl", [example(USER, ASSISTANT)] * 3))
    assert [(p.line, p.code) for p in report.problems] == [(None, "too_few_examples")]
    assert str(report) == "file: 3 example(s); fine-tuning needs at least 10"


def test_blank_line_in_the_middle_is_an_error(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join([json.dumps(example(USER, ASSISTANT))] * 5 + [""] + [json.dumps(example(USER, ASSISTANT))] * 5) + "\n")
    report = validate_chat_jsonl(path)
    assert [(p.line, p.code) for p in report.problems] == [(6, "empty_line")]


def test_validator_is_reachable_from_the_client(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", [example(USER, ASSISTANT)] * 10)
    assert sync_client(SpecServer()).fine_tuning.validate_training_file(path).ok
