"""The committed notebooks read well on a web viewer: a clean top-to-bottom run, no errors, no log noise."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").rglob("*.ipynb"))
NOISE = re.compile(r"WARNING|Traceback|DeprecationWarning|FutureWarning|(^|\n)[IWE]\d{4} |tensorflow/core")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_from_a_clean_run_with_clean_output(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1)), "commit after Restart & Run All"
    for cell in cells:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", cell["source"]
            if out["output_type"] == "stream":
                assert out["name"] == "stdout", f"stderr output in {path.name}: {''.join(out['text'])[:200]}"
                assert not NOISE.search("".join(out["text"])), "".join(out["text"])[:300]


def test_every_notebook_checks_what_its_prose_relies_on():
    for path in NOTEBOOKS:
        sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert any("NBVAL_CHECK_OUTPUT" in s for s in sources), path.name
