"""`oai-notebook quickstart`: the README's first command runs the quickstart headless, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from oai_notebook import showcase
from oai_notebook.cli import main

from .conftest import NOTEBOOKS, REPO, keyless_environment


def run_quickstart(out: Path, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "oai_notebook.cli", "quickstart", "--out", str(out)]
    return subprocess.run(
        command,
        cwd=cwd,
        env=keyless_environment(**env),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_quickstart_writes_the_executed_notebook_and_html_and_says_how_to_open_lab(tmp_path):
    # A key in the environment must not send the quickstart to OpenAI: it runs on the sandbox.
    result = run_quickstart(tmp_path / "out", OPENAI_API_KEY="sk-this-key-must-not-be-used")
    assert result.returncode == 0, result.stderr
    executed = nbformat.read(tmp_path / "out" / "01-quickstart.ipynb", as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "every cell ran"
    assert not [out for cell in code for out in cell.outputs if out.output_type == "error"]
    text = "\n".join(out.get("text", "") for cell in code for out in cell.outputs)
    assert "using the offline sandbox" in text
    html = (tmp_path / "out" / "01-quickstart.html").read_text()
    assert "Quickstart: every magic" in html and "data:image/png;base64" in html
    assert result.stdout.strip().splitlines()[-1].endswith("jupyter lab notebooks")


def test_a_failing_cell_fails_the_command_and_still_writes_both_copies(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    broken = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("print('first cell ran')"),
            nbformat.v4.new_code_cell("assert 1 + 1 == 3, 'arithmetic is broken'"),
        ]
    )
    nbformat.write(broken, notebooks / "01-quickstart.ipynb")
    result = run_quickstart(tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "a cell failed: AssertionError: arithmetic is broken" in result.stderr
    assert "\x1b" not in result.stderr, "no terminal colour codes in the message"
    executed = nbformat.read(tmp_path / "out" / "01-quickstart.ipynb", as_version=4)
    assert executed.cells[0].outputs[0].text == "first cell ran\n"
    assert (tmp_path / "out" / "01-quickstart.html").is_file()


def test_without_a_notebooks_folder_the_command_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(showcase, "PACKAGE_PARENT", tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["quickstart", "--out", str(tmp_path / "out")])
    message = str(exit_info.value)
    assert "no notebooks/ folder" in message and str(tmp_path / "notebooks") in message
    assert "clone of the oai_notebook repository" in message
    assert not (tmp_path / "out").exists()


def test_notebooks_are_found_from_the_repository_or_its_subfolders():
    assert showcase.find_notebooks(REPO) == NOTEBOOKS
    assert showcase.find_notebooks(REPO / "tests") == NOTEBOOKS


def test_the_kernel_gets_no_api_key_unless_asked(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-secret")
    assert "OPENAI_API_KEY" not in showcase.kernel_environment(offline=True)
    assert "AZURE_OPENAI_API_KEY" not in showcase.kernel_environment(offline=True)
    assert showcase.kernel_environment(offline=False)["OPENAI_API_KEY"] == "sk-secret"


def test_the_open_command_names_this_environments_jupyter(monkeypatch):
    monkeypatch.chdir(REPO)
    program, verb, folder = showcase.open_command(NOTEBOOKS).split()
    assert (verb, folder) == ("lab", "notebooks")
    assert Path(program).name == "jupyter"
    assert (REPO / program).is_file() or shutil.which(program)
