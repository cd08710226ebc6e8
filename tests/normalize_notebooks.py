"""Strip run-time metadata from notebooks before they are committed: the same run gives the same file.

Removed: each cell's `metadata.execution` (the iopub/shell timestamps nbclient and JupyterLab write),
`metadata.ExecuteTime` (jupyterlab-execute-time) and `metadata.papermill` (papermill's timings), and the
notebook's `metadata.widgets` (saved widget state) and `metadata.papermill`. Outputs and execution counts
stay: nbval compares them. The file is written as nbformat writes it (1-space indent, sorted keys, a final
newline), which is how the committed notebooks are written, so nothing else in it changes; a notebook
with nothing to strip is not rewritten.

Usage: python tests/normalize_notebooks.py [--check] NOTEBOOK...
  --check  change nothing; list the notebooks that carry such metadata and exit 1 if any do.
`make normalize` runs it on every notebook; the pre-commit hook runs it on staged notebooks.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

CELL_KEYS = ("execution", "ExecuteTime", "papermill")  # per-cell timings
NOTEBOOK_KEYS = ("widgets", "papermill")               # widget state, papermill's run record


def run_metadata(notebook: dict) -> list[str]:
    """Where a notebook (as parsed JSON or nbformat node) carries run-time metadata: one entry per place."""
    found = [f"metadata.{key}" for key in NOTEBOOK_KEYS if key in notebook.get("metadata", {})]
    for index, cell in enumerate(notebook.get("cells", [])):
        found += [f"cell {index}: metadata.{key}" for key in CELL_KEYS if key in cell.get("metadata", {})]
    return found


def strip(notebook: dict) -> None:
    """Remove the run-time metadata in place."""
    for key in NOTEBOOK_KEYS:
        notebook.get("metadata", {}).pop(key, None)
    for cell in notebook.get("cells", []):
        for key in CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)


def normalize(path: Path, check: bool) -> list[str]:
    """The run-time metadata `path` carries; unless `check`, strip it and rewrite the file."""
    text = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    found = run_metadata(notebook)
    if found and not check:
        strip(notebook)
        path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")  # as nbformat.write does
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook needs stripping")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    dirty = 0
    for path in args.notebooks:
        found = normalize(path, args.check)
        if found:
            dirty += 1
            print(f"{path}: {'carries' if args.check else 'stripped'} {len(found)} run-time metadata "
                  f"({', '.join(sorted({f.split(': ')[-1] for f in found}))})")
    if args.check and dirty:
        print(f"{dirty} notebook(s) carry run-time metadata: run `make normalize`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
