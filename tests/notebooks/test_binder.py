"""Binder cannot rot silently: replay mybinder.org's build steps in a fresh virtual environment.

repo2docker installs binder/requirements.txt from the repository root and then runs
binder/postBuild. Here the same two steps run in a new venv without system site-packages (so a
dependency missing from binder/ fails the test), reusing pip's cache so it takes minutes rather
than the quarter of an hour a cold build needs to compile llama-cpp-python. Then the checks a user
would make: JupyterLab starts, the kernel is this environment's, and the quickstart runs offline.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from .conftest import REPO, keyless_environment

BINDER = REPO / "binder"


def step(command: list[str | Path], env: dict[str, str], log: Path, timeout: float) -> str:
    """Run one build step from the repository root; fail with the tail of its output."""
    with log.open("a") as sink:
        sink.write(f"\n$ {' '.join(map(str, command))}\n")
    result = subprocess.run(
        [str(part) for part in command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    with log.open("a") as sink:
        sink.write(result.stdout + result.stderr)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        pytest.fail(
            f"{command[0]} {command[1] if len(command) > 1 else ''} failed ({result.returncode}):\n{tail}"
        )
    return result.stdout


def test_binder_files_are_what_repo2docker_reads():
    assert (BINDER / "requirements.txt").is_file()
    assert os.access(BINDER / "postBuild", os.X_OK), "postBuild must be executable"
    assert (BINDER / "runtime.txt").read_text().strip().startswith("python-3.")


@pytest.mark.binder
def test_binder_build_replayed_in_a_fresh_venv_runs_the_quickstart(tmp_path):
    venv = tmp_path / "venv"
    log = tmp_path / "build.log"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = keyless_environment(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv)
    )
    env.pop("PYTHONPATH", None)

    step([bin_dir / "python", "-m", "pip", "install", "--upgrade", "pip"], env, log, timeout=600)
    step(
        [bin_dir / "python", "-m", "pip", "install", "-r", "binder/requirements.txt"],
        env,
        log,
        timeout=2400,
    )
    step(["bash", "binder/postBuild"], env, log, timeout=900)

    # What a Binder user gets: JupyterLab, and a python3 kernel running this environment's Python.
    step([bin_dir / "jupyter", "lab", "--version"], env, log, timeout=120)
    specs = json.loads(
        step([bin_dir / "jupyter", "kernelspec", "list", "--json"], env, log, timeout=120)
    )
    # argv[0] is "python" (found on PATH) or a full path; either way it must be the venv's.
    program = specs["kernelspecs"]["python3"]["spec"]["argv"][0]
    assert Path(shutil.which(program, path=env["PATH"])).parent == bin_dir
    installed = step(
        [bin_dir / "python", "-c", "import oai_notebook, sys; print(oai_notebook.__file__)"],
        {**env, "PYTHONSAFEPATH": "1"},
        log,
        timeout=120,
    )
    assert Path(installed.strip()).is_relative_to(venv), (
        "the package comes from the venv, not the clone"
    )

    # And the notebook the badge opens runs top to bottom on the sandbox.
    out = tmp_path / "quickstart"
    step([bin_dir / "oai-notebook", "quickstart", "--out", out], env, log, timeout=900)
    executed = nbformat.read(out / "01-quickstart.ipynb", as_version=4)
    errors = [
        o
        for cell in executed.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if o.output_type == "error"
    ]
    assert not errors
    assert (out / "01-quickstart.html").stat().st_size > 10_000
