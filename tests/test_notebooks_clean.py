"""The committed notebooks read well on a web viewer: a clean top-to-bottom run, no errors, no log noise."""
import json
import re
from pathlib import Path

import pytest
from notebook_checks import problems

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").rglob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_from_a_clean_run_with_clean_output(path):
    notebook = json.loads(path.read_text())
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1)), "commit after Restart & Run All"
    assert problems(notebook) == []


def test_every_notebook_checks_what_its_prose_relies_on():
    for path in NOTEBOOKS:
        if path.name == "lecture_app.ipynb":
            continue  # only explorers for a projector: it states no result
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        # nbval reads the cell tag; a student does not see it (a '# NBVAL_CHECK_OUTPUT' line they would)
        assert any("nbval-check-output" in c["metadata"].get("tags", []) for c in cells), path.name
        assert not any("NBVAL" in "".join(c["source"]) for c in cells), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_figures_are_shown_one_to_one_at_a_laptops_width_with_no_small_text(path):
    """A figure wider than a notebook output at 1280x800 (~850 px) is shrunk, and its 10-pt text with it."""
    import base64
    import struct

    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert not re.search(r"fontsize\s*=\s*[0-9]", "".join(cell["source"])), f"cell {i} sets a font size"
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png and "text/html" not in out["data"]:  # an explorer's snapshot is drawn at the style's width
                width = struct.unpack(">I", base64.b64decode(png)[16:20])[0]
                assert width <= 870, f"cell {i}: a figure {width} px wide"
