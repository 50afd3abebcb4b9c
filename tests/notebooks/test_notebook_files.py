"""The notebooks as files: each says what it teaches, runs on the standard kernel, and keeps its
outputs out of git except where nbval compares them."""

from __future__ import annotations

import configparser
import re

import nbformat
import pytest

from .conftest import NOTEBOOKS

PAGES = sorted(NOTEBOOKS.glob("*.ipynb"))
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"


def test_the_six_notebooks_are_there():
    names = [page.name for page in PAGES]
    assert names == [
        "01-quickstart.ipynb",
        "02-prompt-testing.ipynb",
        "03-embeddings.ipynb",
        "04-images-and-audio.ipynb",
        "05-moderation.ipynb",
        "06-client-without-magics.ipynb",
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_each_notebook_is_valid_and_says_what_it_teaches(page):
    notebook = nbformat.read(page, as_version=4)
    nbformat.validate(notebook)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "What this notebook teaches" in first.source
    # The standard kernel name, which JupyterLab, Notebook 7 and VS Code all offer.
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_outputs_are_stored_only_where_nbval_checks_them(page):
    notebook = nbformat.read(page, as_version=4)
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        checked = CHECK_MARKER in cell.source
        if checked:
            assert cell.outputs and cell.execution_count, (
                f"cell {number}: a checked cell needs its stored output"
            )
        else:
            assert not cell.outputs and cell.execution_count is None, (
                f"{page.name} cell {number} has outputs: clear them (Edit → Clear Outputs of Selected Cell), "
                f"or mark the cell {CHECK_MARKER} if its output is deterministic"
            )


def test_the_quickstart_tours_every_magic():
    source = "\n".join(
        cell.source for cell in nbformat.read(NOTEBOOKS / "01-quickstart.ipynb", 4).cells
    )
    for magic in (
        "%%chat",
        "%%image",
        "%%embed",
        "%%moderate",
        "%%speak",
        "%transcribe",
        "%translate",
        "%oai help",
        "%oai status",
        "%oai history",
        "%oai models",
        "%oai usage",
    ):
        assert magic in source, f"the quickstart should show {magic}"


def test_the_quickstart_points_to_every_other_notebook():
    source = "\n".join(
        cell.source for cell in nbformat.read(NOTEBOOKS / "01-quickstart.ipynb", 4).cells
    )
    for page in PAGES[1:]:
        assert page.name in source


def test_the_data_set_ships_with_its_licence():
    import pandas as pd

    sentences = pd.read_csv(NOTEBOOKS / "data" / "sentences.csv")
    assert list(sentences.columns) == ["id", "topic", "text"]
    assert len(sentences) == 300 and sentences.text.is_unique
    assert sentences.topic.value_counts().to_dict() == dict.fromkeys(
        ["animals", "food", "music", "space", "sports", "weather"], 50
    )
    assert "CC0" in (NOTEBOOKS / "data" / "LICENSE").read_text()


def test_the_sanitize_file_masks_ports_ids_and_times():
    config = configparser.ConfigParser()
    config.read(NOTEBOOKS / "nbval_sanitize.cfg")
    line = "sandbox at http://127.0.0.1:40123/v1 · chatcmpl-a1b2c3d4e5 · 2026-01-02 03:04:05.123+00:00 · 1.4 s"
    for section in config.sections():
        line = re.sub(config[section]["regex"], config[section]["replace"], line)
    assert line == "sandbox at http://127.0.0.1:PORT/v1 · chatcmpl-ID · TIMESTAMP · N s"
