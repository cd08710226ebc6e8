"""Run every notebook top to bottom in this environment and report what a clean run must not show.

Printed numbers are not compared (that is nbval's job in `make test`, on the locked versions): this is
for other versions (`make test-oldest`), where the last digits may move but every cell must still run
clean. Two notebooks run at a time, one per core, as nbval's two workers run them in `make test`.
Usage: python tests/execute_notebooks.py [notebook ...]   (default: every notebook).
"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from notebook_checks import problems

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WORKERS = 2
# ipykernel 6.29's debugger warns on the kernel's stderr (not in the notebook) about frozen modules.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def execute(path: Path) -> tuple[list[str], float]:
    """Execute one notebook (in its own folder, a fresh kernel of this Python): its problems, and the seconds."""
    start = time.perf_counter()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError:
        pass  # the error output is in the notebook; problems() reports it with its cell
    return problems(notebook), time.perf_counter() - start


def main(paths: list[str]) -> int:
    chosen = [Path(p) for p in paths] or sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    failed = 0
    with ProcessPoolExecutor(WORKERS) as pool:
        runs = {pool.submit(execute, path): path for path in chosen}
        for run in as_completed(runs):
            found, seconds = run.result()
            print(f"{runs[run].name}: {'clean' if not found else 'NOT CLEAN'} in {seconds:.1f} s", flush=True)
            for line in found:
                print(f"    {line}", flush=True)
            failed += bool(found)
    print(f"{len(chosen) - failed} of {len(chosen)} notebooks ran clean")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
