"""The committed notebooks carry no run-time metadata: no execution timestamps, no saved widget state.

A re-run then changes a notebook's file only where its outputs changed. `make normalize` (or the
pre-commit hook) strips them: tests/normalize_notebooks.py.
"""
import json
from pathlib import Path

import nbformat
import pytest
from normalize_notebooks import main, run_metadata

NOTEBOOKS = sorted(p for p in (Path(__file__).resolve().parents[1] / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_without_timestamps_or_widget_state(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"], "saved widget state: run `make normalize`"
    assert run_metadata(notebook) == [], "execution timestamps: run `make normalize`"


def _executed_notebook() -> str:
    """A notebook as nbclient leaves it: timestamps on a code cell, widget state, an output to keep."""
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=1, id="a1b2c3d4",
                                     outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                                                     execution_count=1)])
    cell.metadata["execution"] = {"iopub.execute_input": "2026-11-29T10:53:19.263833Z",
                                  "shell.execute_reply": "2026-11-29T10:53:24.936835Z"}
    cell.metadata["slideshow"] = {"slide_type": "slide"}
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title", id="e5f6a7b8"), cell])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                                    "version_minor": 0}}
    return nbformat.writes(notebook) + "\n"


def test_normalize_strips_only_run_metadata_and_is_idempotent(tmp_path, capsys):
    path = tmp_path / "executed.ipynb"
    path.write_text(_executed_notebook(), encoding="utf-8")
    assert main(["--check", str(path)]) == 1
    assert str(path) in capsys.readouterr().out
    assert main([str(path)]) == 0
    once = path.read_text(encoding="utf-8")
    notebook = json.loads(once)
    assert run_metadata(notebook) == [] and "widgets" not in notebook["metadata"]
    code = notebook["cells"][1]
    assert code["metadata"] == {"slideshow": {"slide_type": "slide"}}
    assert code["execution_count"] == 1 and code["outputs"][0]["data"] == {"text/plain": ["2"]}
    assert once.startswith('{\n "cells": [\n  {\n') and once.endswith("}\n")  # nbformat's 1-space indent
    assert main([str(path)]) == 0 and main(["--check", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == once
