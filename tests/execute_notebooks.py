"""Run every notebook top to bottom in this environment and report what a clean run must not show.

Printed numbers are not compared (that is nbval's job in `make test`, on the locked versions): this is
for other versions (`make test-oldest`), where the last digits may move but every cell must still run
clean. Usage: python tests/execute_notebooks.py [notebook ...]   (default: every notebook).
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from notebook_checks import problems

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# ipykernel 6.29's debugger warns on the kernel's stderr (not in the notebook) about frozen modules.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def execute(path: Path) -> list[str]:
    """Execute one notebook (in its own folder, a fresh kernel of this Python) and list its problems."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError:
        pass  # the error output is in the notebook; problems() reports it with its cell
    return problems(notebook)


def main(paths: list[str]) -> int:
    chosen = [Path(p) for p in paths] or sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    failed = 0
    for path in chosen:
        start = time.perf_counter()
        found = execute(path)
        print(f"{path.name}: {'clean' if not found else 'NOT CLEAN'} in {time.perf_counter() - start:.1f} s", flush=True)
        for line in found:
            print(f"    {line}", flush=True)
        failed += bool(found)
    print(f"{len(chosen) - failed} of {len(chosen)} notebooks ran clean")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
