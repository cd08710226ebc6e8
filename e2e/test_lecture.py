"""The lecture side in the browser: a live RISE slideshow, the Voila app, and the static slide decks.

RISE and Voila run the explorers in a kernel, so a slider moved on a slide or in the app must give a new
figure whose panel states the new setting; a static deck has no kernel, so its explorer slide must show
the snapshot image.
"""
import re
import shutil
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e.browser_lab import ROOT, ExplorerView, Notebook, Voila

ARTIFACTS = ROOT / "build" / "e2e"
EXPLORER_BOX = ".widget-vbox:has(> .widget-image)"
# Voila's page template links Font Awesome from a CDN (our widgets use no icons): offline, that fails.
OFFLINE_NOISE = re.compile(r"net::ERR_NAME_NOT_RESOLVED|cdn\.jsdelivr\.net/npm/@fortawesome")


def _explorer_slide(frame) -> str:
    """The reveal.js hash of the first slide holding a live explorer: '#/h/v' style indices as 'h-v'."""
    return frame.evaluate("""sel => {
      const tops = [...document.querySelectorAll('.reveal .slides > section')];
      for (const [h, top] of tops.entries()) {
        const subs = top.querySelectorAll(':scope > section');
        for (const [v, sub] of (subs.length ? [...subs] : [top]).entries())
          if (sub.querySelector(sel)) return h + '-' + v;
      }
      return null;
    }""", EXPLORER_BOX)


def _go_to_explorer_slide(slides, page, timeout_s: float = 90) -> str:
    """Turn the slideshow to the explorer's slide once reveal.js has built it; returns its 'h-v'.

    The explorer's widget can be in the frame before RISE has wrapped every cell in its slide, or before
    reveal.js reads the address: a hash set then is lost (CI, a busy machine). So ask again until the
    present slide holds the explorer, and say what was on screen if it never does.
    """
    deadline, where = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        where = _explorer_slide(slides)
        if where and slides.locator(".reveal.ready").count():
            slides.evaluate(f"() => {{ location.hash = '#/slide-{where}'; }}")
            try:
                slides.wait_for_selector(f".reveal section.present {EXPLORER_BOX}", state="visible", timeout=5_000)
                return where
            except PlaywrightTimeout:
                pass
        slides.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "rise-explorer-not-shown.png"))
    raise AssertionError(f"the slideshow never showed the explorer's slide in {timeout_s:.0f} s: slide {where}, "
                         f"address {slides.url}, reveal ready: {slides.locator('.reveal.ready').count()}")


def test_a_slider_moved_on_a_rise_slide_redraws_the_figure(lab, browser):
    """Run All, save, Alt+R: on the explorer's slide, a drag of the learning-rate handle gives a new figure."""
    # Its own copy, so that saving it leaves the notebook the other tests open alone.
    shutil.copy(lab.root / "00_start_here.ipynb", lab.root / "rise_00_start_here.ipynb")
    notebook = Notebook(browser, lab, "rise_00_start_here.ipynb")
    try:
        notebook.run_all()
        notebook.page.keyboard.press("Control+s")  # RISE's page reads the saved file
        # In a long session JupyterLab may think the file changed on disk and ask; keep what was just run.
        overwrite = notebook.page.locator(".jp-Dialog button", has_text="Overwrite")
        try:
            overwrite.wait_for(state="visible", timeout=3000)
            overwrite.click()
        except PlaywrightTimeout:
            pass
        notebook.page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
        notebook.page.keyboard.press("Escape")
        notebook.page.keyboard.press("Alt+r")  # RISE: render as slideshow, beside the notebook
        deadline = time.monotonic() + 90
        while not (frames := [f for f in notebook.page.frames if "/rise/" in f.url]) or \
                not frames[0].locator(EXPLORER_BOX).count():
            if time.monotonic() > deadline:
                notebook.page.screenshot(path=str(ARTIFACTS / "rise-no-explorer.png"))
                raise AssertionError(f"the RISE slideshow showed no live explorer within 90 s; frames: "
                                     f"{[f.url for f in notebook.page.frames]}; console: {notebook.console_errors[:5]}")
            notebook.page.wait_for_timeout(200)
        slides = frames[0]
        where = _go_to_explorer_slide(slides, notebook.page)
        view = ExplorerView(slides, slides.locator(f".reveal section.present {EXPLORER_BOX}").first)
        before, old = view.readout("learning rate"), view.src()
        view.drag("learning rate", 60)
        assert view.readout("learning rate") != before, "the drag did not move the slider"
        seconds = view.wait_shown("learning rate", old)
        assert slides.url.endswith(f"#/slide-{where}"), "moving the slider turned the slide"
        notebook.page.screenshot(path=str(ARTIFACTS / "rise-explorer-slide.png"))
        print(f"RISE slide {where}: learning rate {before} -> {view.readout('learning rate')}, shown in {seconds:.2f} s")
        assert not [e for e in notebook.console_errors if "Shared module" in e], notebook.console_errors
    finally:
        notebook.close()
        lab.shutdown_kernels()


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    server = Voila(tmp_path_factory.mktemp("voila"), ARTIFACTS / "voila.log")
    yield server
    server.stop()


def test_the_voila_app_shows_every_explorer_without_code_and_a_move_redraws(voila, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})  # a projector
    errors = []
    page.on("console", lambda m: m.type == "error" and not OFFLINE_NOISE.search(m.text) and errors.append(m.text))
    page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
    try:
        t0 = time.perf_counter()
        page.goto(voila.url + "/")
        page.wait_for_function("""sel => { const imgs = [...document.querySelectorAll(sel + ' > .widget-image')];
            return imgs.length === 5 && imgs.every(i => i.complete && i.naturalWidth > 0); }""",
                               arg=EXPLORER_BOX, timeout=180_000, polling=100)
        first_render = time.perf_counter() - t0
        assert page.locator(".cm-editor, .CodeMirror").count() == 0, "the app shows code"
        assert "Traceback" not in page.locator("body").text_content()
        view = ExplorerView(page, page.locator(EXPLORER_BOX).first)
        assert view.image.evaluate("img => img.naturalWidth") >= 1280, "not drawn in the lecture style"
        before, old = view.readout("learning rate"), view.src()
        view.press("learning rate", "ArrowRight")
        seconds = view.wait_shown("learning rate", old)
        page.screenshot(path=str(ARTIFACTS / "voila-app.png"))
        print(f"Voila app: first render {first_render:.1f} s; learning rate {before} -> "
              f"{view.readout('learning rate')} shown in {seconds:.2f} s")
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("deck", ["00_start_here", "04_range_overshoot"])
def test_a_static_deck_shows_the_explorer_snapshot_on_its_slide(browser, deck):
    path = ROOT / "build" / "slides" / f"{deck}.slides.html"
    assert path.exists(), f"{path} is missing: `make slides` writes it (make e2e runs it first)"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js loaded from build/slides/vendor
        where = page.evaluate("""() => {
          const tops = [...document.querySelectorAll('.reveal .slides > section')];
          for (const [h, top] of tops.entries()) {
            const subs = top.querySelectorAll(':scope > section');
            for (const [v, sub] of (subs.length ? [...subs] : [top]).entries())
              if (sub.querySelector('figure.au-snapshot img')) return [h, v];
          }
          return null; }""")
        assert where, "no slide holds an explorer snapshot"
        page.goto(f"{path.as_uri()}#/{where[0]}/{where[1]}")
        snapshot = page.locator(".reveal section.present figure.au-snapshot img").first
        snapshot.wait_for(state="visible", timeout=10_000)
        assert snapshot.evaluate("img => img.complete && img.naturalWidth > 0")
        assert "showing" in page.locator(".reveal section.present figure.au-snapshot figcaption").first.text_content()
        page.screenshot(path=str(ARTIFACTS / f"deck-{deck}.png"))
    finally:
        page.close()
