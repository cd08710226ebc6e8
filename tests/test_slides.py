"""The lecture side of the committed notebooks: slide metadata, and explorer snapshots for readers without a kernel."""
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter, SlidesExporter

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("0*.ipynb")) + [ROOT / "notebooks" / "lecture_app.ipynb"]
ALL = sorted((ROOT / "notebooks").rglob("*.ipynb"))
EXPLORER = re.compile(r"(?m)^au\.(\w+_explorer|workbench)\(")  # a displayed explorer: the cell's expression
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def code(cell) -> str:
    return "".join(cell["source"])


def is_setup(cell) -> bool:
    """A code cell of imports and settings only (what a slideshow skips)."""
    lines = [line for line in code(cell).splitlines() if line.strip() and not line.strip().startswith("#")]
    return all(line.startswith(("import ", "from ", "au.set_style(")) for line in lines)


@pytest.mark.parametrize("path", LECTURES, ids=[p.name for p in LECTURES])
def test_every_cell_has_slide_metadata_and_setup_cells_are_skipped(path):
    cells = json.loads(path.read_text())["cells"]
    kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in cells]
    assert set(kinds) <= SLIDE_TYPES, kinds
    assert kinds[0] == "slide"
    for cell, kind in zip(cells, kinds):
        if cell["cell_type"] == "code" and is_setup(cell):
            assert kind == "skip", code(cell)
        if cell["cell_type"] == "code" and EXPLORER.search(code(cell)):
            assert kind in ("slide", "subslide", "-"), f"an explorer must be on a slide of its own or its heading's: {kind}"
    assert kinds.count("slide") >= 4


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_no_widget_state_is_committed(path):
    """Without saved widget state, nbconvert, nbviewer and GitHub show the explorer's snapshot, not a dead widget."""
    assert "widgets" not in json.loads(path.read_text())["metadata"]


def displays_an_explorer(path) -> bool:
    return any(c["cell_type"] == "code" and EXPLORER.search(code(c)) for c in json.loads(path.read_text())["cells"])


@pytest.mark.parametrize("exporter", [HTMLExporter, SlidesExporter])
@pytest.mark.parametrize("path", [p for p in ALL if displays_an_explorer(p)], ids=lambda p: p.name)
def test_every_explorer_cell_becomes_an_image_in_static_html(path, exporter):
    notebook = nbformat.read(path, as_version=4)
    explorers = [c for c in notebook.cells if c.cell_type == "code" and EXPLORER.search(c.source)]
    body, _ = exporter().from_notebook_node(notebook)
    snapshots = re.findall(r"<figure class=[\"']au-snapshot[\"'].*?</figure>", body, flags=re.S)
    assert len(snapshots) == len(explorers) > 0
    for snapshot in snapshots:  # nbconvert rewrites the markup (quotes, attribute order)
        assert re.search(r"<img [^>]*src=[\"']data:image/png;base64,", snapshot) and "showing" in snapshot


@pytest.mark.parametrize("path", LECTURES, ids=[p.name for p in LECTURES])
def test_a_predict_prompt_shows_first_and_its_measured_answer_is_the_next_fragment(path):
    cells = json.loads(path.read_text())["cells"]
    prompts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and code(c).startswith("**Predict.**")]
    for i in prompts:
        kind = cells[i]["metadata"]["slideshow"]["slide_type"]
        after = cells[i + 1]
        assert kind != "skip" and after["cell_type"] == "code", f"cell {i}: a prompt answered by the next code cell"
        assert after["metadata"]["slideshow"]["slide_type"] == "fragment", f"cell {i + 1} answers cell {i}'s prompt"
    if path.name[:2] in {"01", "02", "03", "04", "05"}:
        assert len(prompts) >= 3, f"{path.name}: {len(prompts)} Predict prompts"


def lecture_deck(path) -> str:
    """The deck `make slides` writes for a notebook: nbconvert with slides/nbconvert_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbconvert_config.py", path=str(ROOT / "slides")).load_config()
    body, _ = SlidesExporter(config=config).from_notebook_node(nbformat.read(path, as_version=4))
    return body


DECKS = [p for p in LECTURES if p.name[:2].isdigit()]


@pytest.mark.parametrize("path", DECKS, ids=[p.name for p in DECKS])
def test_a_lecture_deck_shows_no_code_and_asks_the_web_for_nothing(path):
    """The room sees the question, the result and the verdict; the deck opens offline (browser-checked in
    e2e/test_lecture.py): no code input, no CDN (mermaid, Google Fonts of a reveal.js theme)."""
    body = lecture_deck(path)
    code_inputs = re.findall(r'class="[^"]*\b(jp-InputArea-editor|jp-InputPrompt|highlight)\b', body)
    assert code_inputs == [], f"{len(code_inputs)} code inputs or prompts in the deck"
    notebook = nbformat.read(path, as_version=4)
    shown = [c for c in notebook.cells if c.cell_type == "code" and c.outputs
             and c.metadata.get("slideshow", {}).get("slide_type") != "skip"]
    assert body.count("jp-OutputArea-child") >= sum(len(c.outputs) for c in shown) > 0, "an output went missing"
    assert body.count("au-snapshot") >= len([c for c in shown if EXPLORER.search(c.source)])
    loaded = re.findall(r"""(?:src|href)=["']([^"'#]+)["']|@import\s+url\(([^)]+)\)|import\s+\w+\s+from\s+['"]([^'"]+)""",
                        body)
    remote = [u for groups in loaded for u in groups if u.startswith(("http:", "https:", "//"))]
    assert remote == [], remote
    assert "theme/white.css" in body  # its font ships with reveal.js; 'simple' (nbconvert's default) asks Google
