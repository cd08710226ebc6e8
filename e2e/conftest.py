"""Fixtures for the browser tests: one JupyterLab and one Chromium for the session, and each notebook
opened and Run All'ed once, in its own page, for all the tests that look at it.

Tests say what a notebook must have with markers (`explorer`, `live`, `diverging`); a notebook without
it is deselected for that test, so the summary counts what was checked, not skips.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from e2e.browser_lab import ROOT, Lab, Notebook, chromium_or_exit_message, launch_chromium

ARTIFACTS = ROOT / "build" / "e2e"
NOTEBOOKS = sorted(str(p.relative_to(ROOT / "notebooks")) for p in (ROOT / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
EXPLORER_CALL = re.compile(r"(?m)^au\.(\w+_explorer|workbench)\(")  # a displayed one: the cell's expression


@functools.cache
def explorers_in(path: str) -> list[str]:
    """The explorer functions a notebook's code cells call, in order (what the page must render)."""
    cells = json.loads((ROOT / "notebooks" / path).read_text())["cells"]
    return [m.group(1) for c in cells if c["cell_type"] == "code" for m in EXPLORER_CALL.finditer("".join(c["source"]))]


# What a test needs from a notebook's explorer: any explorer, a "Train live" button, a diverging setting.
HAS_LIVE = {"scaling_explorer", "collapse_explorer", "overshoot_explorer", "workbench"}
DIVERGING = {"scaling_explorer": ("press", "learning rate", "End"), "workbench": ("press", "learning rate", "End"),
             "collapse_explorer": ("choose", "cause", "learning rate too large: 1.0")}
# A setting the package refuses: (dropdown, the refused option, an option to go back to).
REJECTING = {"workbench": ("loss", "cross-entropy (sigmoid head)", "squared error")}
SELF_CHECK_CALL = re.compile(r"""(?m)^au\.check_yourself\(["'](\d\d)["']\)$""")


@functools.cache
def self_check_in(path: str) -> str | None:
    """The notebook number whose 'Check yourself' widget a notebook shows, if it shows one."""
    cells = json.loads((ROOT / "notebooks" / path).read_text())["cells"]
    found = [m.group(1) for c in cells if c["cell_type"] == "code" for m in SELF_CHECK_CALL.finditer("".join(c["source"]))]
    return found[0] if found else None


@functools.cache
def in_lecture_style(path: str) -> bool:
    """Whether a notebook draws its explorers in the lecture style (a code cell calls set_style("lecture"))."""
    cells = json.loads((ROOT / "notebooks" / path).read_text())["cells"]
    return any('set_style("lecture")' in "".join(c["source"]) for c in cells if c["cell_type"] == "code")


NEEDS = {"explorer": lambda path: bool(explorers_in(path)),
         "lecture": lambda path: bool(explorers_in(path)) and in_lecture_style(path),
         "live": lambda path: bool(explorers_in(path)) and explorers_in(path)[0] in HAS_LIVE,
         "diverging": lambda path: bool(explorers_in(path)) and explorers_in(path)[0] in DIVERGING,
         "rejecting": lambda path: bool(explorers_in(path)) and explorers_in(path)[0] in REJECTING,
         "selfcheck": lambda path: self_check_in(path) is not None}


def pytest_configure(config):
    for name in NEEDS:
        config.addinivalue_line("markers", f"{name}: needs a notebook whose explorer has this")


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        path = getattr(item, "callspec", None) and item.callspec.params.get("notebook")
        needs = [name for name in NEEDS if item.get_closest_marker(name)]
        (drop if path and any(not NEEDS[n](path) for n in needs) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    missing = chromium_or_exit_message()
    if missing:
        pytest.exit(missing, returncode=4)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = Lab(tmp_path_factory.mktemp("lab"), ARTIFACTS / "jupyterlab.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", params=NOTEBOOKS)
def notebook(request, lab, browser):
    """The notebook opened in its own page and Run All'ed; `run_seconds` is how long that took."""
    page = Notebook(browser, lab, request.param)
    try:
        page.run_seconds = page.run_all()
    except Exception:
        page.screenshot(ARTIFACTS / f"{Path(request.param).stem}-run-all.png")
        raise
    page.expected_explorers = explorers_in(request.param)
    yield page
    page.close()
    lab.shutdown_kernels()



@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, save a screenshot of the page under build/e2e/ and attach the server's log."""
    report = yield
    if report.failed and "notebook" in getattr(item, "fixturenames", ()):
        page = item.funcargs.get("notebook")
        if page is not None:
            shot = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", item.name) + ".png")
            try:
                page.screenshot(shot)
                report.sections.append(("screenshot", str(shot)))
            except Exception as err:  # the page may be gone
                report.sections.append(("screenshot", f"none: {err}"))
        lab = item.funcargs.get("lab")
        if lab is not None:
            report.sections.append(("JupyterLab log (tail)", lab.log(3000)))
    return report
