"""What a clean notebook run looks like: no error output, nothing on stderr, no log noise in stdout.

Shared by the check of the committed notebooks and by `execute_notebooks.py` (the oldest-versions run).
"""
import re

NOISE = re.compile(r"WARNING|Traceback|DeprecationWarning|FutureWarning|(^|\n)[IWE]\d{4} |tensorflow/core")


def problems(notebook: dict) -> list[str]:
    """Every error, stderr stream and noisy stdout line in an executed notebook's code cells."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]).strip().splitlines()
        where = source[0][:60] if source else "(empty cell)"
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                found.append(f"{where!r}: {out['ename']}: {out['evalue'][:200]}")
            elif out["output_type"] == "stream":
                text = "".join(out["text"])
                if out["name"] != "stdout":
                    found.append(f"{where!r}: stderr output: {text[:200]!r}")
                elif NOISE.search(text):
                    found.append(f"{where!r}: log noise in output: {text[:200]!r}")
    return found
