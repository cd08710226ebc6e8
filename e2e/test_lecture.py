"""The lecture side in the browser: a live RISE slideshow, the Voila app, and the static slide decks.

RISE and Voila run the explorers in a kernel, so a slider moved on a slide or in the app must give a new
figure whose panel states the new setting; a static deck has no kernel, so its explorer slide must show
the snapshot image. Both are for a room: no code input on a slide, every deck slide within the screen at
1280x720 and 1920x1080, and a deck opened from the file system with the network blocked asks for nothing.
"""
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e.browser_lab import ROOT, ExplorerView, Notebook, Voila, check_lecture_explorers

ARTIFACTS = ROOT / "build" / "e2e"
DECKS = ["00_start_here", "01_saturation", "02_constant_collapse", "03_scaling_and_init", "04_range_overshoot",
         "05_fixes_workbench"]
SCREENS = {"1280x720": {"width": 1280, "height": 720}, "1920x1080": {"width": 1920, "height": 1080}}
# jupyterlab-rise 0.43.1 (the newest): its slideshow page is its own app, built on JupyterLab 4.3.4's packages
# and @jupyter/web-components 0.16.7, whatever JupyterLab is installed (4.2.7 and 4.6.6 both tried). When RISE
# adds the notebook panel, the panel's hidden <jp-toolbar> sets its `fill-color` design token to a value derived
# from the panel's; reading that builds the panel's FAST design-token node inside the derivation, and the panel's
# `accent-palette` and `accent-fill-rest` (new objects on each evaluation) then recompute one another until the
# stack overflows: FAST's DesignTokenBindingObserver catches it and logs this, 5 to 40 times, for any notebook
# (one markdown cell will do; no RISE, notebook-toolbar or CSS setting reaches it). @jupyter/web-components 0.17
# (JupyterLab 4.6.6's own pages) no longer has that toolbar code. jupyterlab-rise 0.42.0 logs none, but links
# rise.css as files//rise.css for a notebook at the server root, so no code is hidden. Any other error fails.
RISE_KNOWN_ERROR = re.compile(r"^RangeError: Maximum call stack size exceeded$")
EXPLORER_BOX = ".widget-vbox:has(> .widget-image)"
# Voila's page template links Font Awesome from a CDN (our widgets use no icons): offline, that fails.
OFFLINE_NOISE = re.compile(r"net::ERR_NAME_NOT_RESOLVED|cdn\.jsdelivr\.net/npm/@fortawesome")


# Every reveal.js slide as [h, v] (a top-level slide without sub-slides is v = 0); with a selector, only the
# slides holding a match.
_SLIDES = """sel => { const out = [];
  [...document.querySelectorAll('.reveal .slides > section')].forEach((top, h) => {
    const subs = top.querySelectorAll(':scope > section');
    (subs.length ? [...subs] : [top]).forEach((s, v) => { if (!sel || s.querySelector(sel)) out.push([h, v]); }); });
  return out; }"""


def _explorer_slide(frame) -> str | None:
    """The reveal.js hash of the first slide holding a live explorer: '#/h/v' style indices as 'h-v'."""
    holding = frame.evaluate(_SLIDES, EXPLORER_BOX)
    return f"{holding[0][0]}-{holding[0][1]}" if holding else None


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
    shutil.copy(lab.root / "00_start_here.css", lab.root / "rise_00_start_here.css")  # RISE asks for it
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
        assert slides.evaluate(_VISIBLE_CODE) == 0, "code shown on the slide (notebooks/rise.css hides it)"
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


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_the_voila_app_shows_each_explorer_as_built_readable_and_within_the_screen(voila, browser, size):
    """The app at projector sizes: no code, explorers appearing one by one (progressive rendering), every control
    and panel text at least 18 px, every explorer on one screen, and a move redraws."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors = []
    page.on("console", lambda m: m.type == "error" and not OFFLINE_NOISE.search(m.text) and errors.append(m.text))
    page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
    try:
        t0 = time.perf_counter()
        page.goto(voila.url + "/")
        page.wait_for_function("""sel => [...document.querySelectorAll(sel + ' > .widget-image')]
            .some(i => i.complete && i.naturalWidth > 0)""", arg=EXPLORER_BOX, timeout=180_000, polling=100)
        first = time.perf_counter() - t0
        page.wait_for_function("""sel => { const imgs = [...document.querySelectorAll(sel + ' > .widget-image')];
            return imgs.length === 5 && imgs.every(i => i.complete && i.naturalWidth > 0); }""",
                               arg=EXPLORER_BOX, timeout=180_000, polling=100)
        last = time.perf_counter() - t0
        assert page.locator(".cm-editor, .CodeMirror").count() == 0, "the app shows code"
        assert "Traceback" not in page.locator("body").text_content()
        sizes = check_lecture_explorers(page, f"app at {size[0]}x{size[1]}")
        first_panel = page.locator(EXPLORER_BOX).first.locator(".au-panel").text_content()
        assert "s of training" in first_panel
        view = ExplorerView(page, page.locator(EXPLORER_BOX).first)
        assert view.image.evaluate("img => img.naturalWidth") >= 1280, "not drawn in the lecture style"
        before, old = view.readout("learning rate"), view.src()
        view.press("learning rate", "ArrowRight")
        seconds = view.wait_shown("learning rate", old)
        page.locator(EXPLORER_BOX).first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"voila-app-{size[0]}x{size[1]}.png"))
        print(f"Voila app {size[0]}x{size[1]}: first explorer {first:.1f} s, all five {last:.1f} s; {sizes}; "
              f"learning rate {before} -> {view.readout('learning rate')} shown in {seconds:.2f} s")
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
        holding = page.evaluate(_SLIDES, "figure.au-snapshot img")
        assert holding, "no slide holds an explorer snapshot"
        where = holding[0]
        page.goto(f"{path.as_uri()}#/{where[0]}/{where[1]}")
        snapshot = page.locator(".reveal section.present figure.au-snapshot img").first
        snapshot.wait_for(state="visible", timeout=10_000)
        assert snapshot.evaluate("img => img.complete && img.naturalWidth > 0")
        assert "showing" in page.locator(".reveal section.present figure.au-snapshot figcaption").first.text_content()
        page.screenshot(path=str(ARTIFACTS / f"deck-{deck}.png"))
    finally:
        page.close()


# Code of a code cell on screen: its input area, editor or prompt (a markdown cell's input area is its text).
_VISIBLE_CODE = """() => [...document.querySelectorAll(
    '.jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-InputPrompt, .jp-CodeCell .cm-editor, .CodeMirror, .jp-Cell .highlight')]
  .filter(el => { const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
                  return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; })
  .length"""

_MATHJAX_IDLE = "() => !(window.MathJax && MathJax.Hub && (MathJax.Hub.queue.pending || MathJax.Hub.queue.running))"

# Every leaf slide shown in turn: how far its boxes reach (in slide pixels, against reveal's configured box)
# and the smallest font of its text on screen (computed size x the scale reveal.js draws it at). MathJax's
# sub- and superscripts (R², by design 0.7 of their line) and its hidden MathML copy do not count.
_MEASURE_SLIDE = """([h, v]) => {
  Reveal.slide(h, v);
  while (Reveal.nextFragment()) {}  // every fragment shown
  const slide = Reveal.getCurrentSlide(), box = slide.getBoundingClientRect();
  const scale = box.height / slide.offsetHeight, cfg = Reveal.getConfig();
  let bottom = box.top, right = box.left, font = Infinity, where = '';
  for (const el of slide.querySelectorAll('*')) {
    if (el.closest('.MJX_Assistive_MathML')) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden') continue;
    bottom = Math.max(bottom, r.bottom); right = Math.max(right, r.right);
    if (el.closest('.mjx-sup, .mjx-sub')) continue;
    if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) {
      const px = parseFloat(cs.fontSize) * scale;
      if (px < font) { font = px; where = el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 40); }
    }
  }
  return {h, v, height: (bottom - box.top) / scale, width: (right - box.left) / scale, boxHeight: cfg.height,
          boxWidth: cfg.width, font, where, scale, text: slide.textContent.trim().slice(0, 50)};
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("deck", DECKS)
def test_a_deck_slide_fits_the_screen_shows_no_code_and_asks_the_network_for_nothing(browser, deck, screen):
    """Opened from the file system with the network blocked: no failed request, no console error; every slide,
    its fragments shown, within reveal.js's box (so within the screen, which it scales to); no code input."""
    path = ROOT / "build" / "slides" / f"{deck}.slides.html"
    assert path.exists(), f"{path} is missing: `make slides` writes it (make e2e runs it first)"
    page = browser.new_page(viewport=SCREENS[screen])
    asked, errors = [], []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (asked.append(route.request.url), route.abort()))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url[:120]}"))
    try:
        page.goto(path.as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && !!document.documentElement.dataset.fitted",
                               timeout=60_000, polling=100)
        page.wait_for_function(_MATHJAX_IDLE, timeout=60_000, polling=100)
        page.wait_for_timeout(300)
        slides = page.evaluate(_SLIDES, None)
        measured, code = [], 0
        for where in slides:
            m = page.evaluate(_MEASURE_SLIDE, where)
            page.wait_for_function(_MATHJAX_IDLE, timeout=30_000, polling=50)
            if page.evaluate("() => !!window.MathJax && MathJax.Hub.getAllJax(Reveal.getCurrentSlide()).length > 0"):
                m = page.evaluate(_MEASURE_SLIDE, where)  # MathJax has re-rendered the slide it shows
            measured.append(m)
            code += page.evaluate(_VISIBLE_CODE)
        fullest = max(measured, key=lambda m: m["height"])
        page.evaluate("([h, v]) => { Reveal.slide(h, v); while (Reveal.nextFragment()) {} }", [fullest["h"], fullest["v"]])
        page.wait_for_timeout(100)
        page.wait_for_function(_MATHJAX_IDLE, timeout=30_000, polling=50)
        page.screenshot(path=str(ARTIFACTS / f"deck-{deck}-{screen}.png"))
        smallest = min(measured, key=lambda m: m["font"])
        print(f"deck {deck} at {screen}: {len(measured)} slides, scale {fullest['scale']:.2f}; fullest slide "
              f"{fullest['h']}/{fullest['v']} {fullest['height']:.0f} of {fullest['boxHeight']} px; smallest text "
              f"{smallest['font']:.1f} px on screen ({smallest['where']!r}, slide {smallest['h']}/{smallest['v']})")
        too_tall = [f"{m['h']}/{m['v']} {m['height']:.0f} px: {m['text']!r}" for m in measured
                    if m["height"] > m["boxHeight"] + 1]
        too_wide = [f"{m['h']}/{m['v']} {m['width']:.0f} px: {m['text']!r}" for m in measured
                    if m["width"] > m["boxWidth"] + 2]
        assert too_tall == [], f"slides taller than the {fullest['boxHeight']} px box (split them): {too_tall}"
        assert too_wide == [], f"slides wider than the box: {too_wide}"
        assert code == 0, f"{code} code inputs shown on the slides"
        assert asked == [] and errors == [], f"asked the network for {asked}; console: {errors[:5]}"
    finally:
        page.close()


@pytest.mark.parametrize("name", [f"{deck}.ipynb" for deck in DECKS])
def test_a_rise_slideshow_shows_no_code_and_logs_no_error(lab, browser, name):
    """The slideshow RISE serves beside JupyterLab (what Alt+R shows), from the saved notebook, without a kernel
    run: it loads rise.css and <notebook>.css (no 404), hides every code input, and its text is projector-sized."""
    page = browser.new_page(viewport=SCREENS["1280x720"])
    errors, missing = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
    page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    try:
        page.goto(f"{lab.url}/rise/{name}")
        page.wait_for_selector(".reveal.ready .slides section.present", timeout=120_000)
        page.wait_for_function("() => !!document.querySelector('#rise-custom-css') && "
                               "[...document.styleSheets].some(s => s.href && s.href.endsWith('/rise.css'))",
                               timeout=30_000)
        page.wait_for_timeout(1500)  # what the slideshow logs while it settles
        code = page.evaluate("""() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea')]
            .filter(el => getComputedStyle(el).display !== 'none').length""")  # on any slide, shown or not
        text = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
            '.reveal section.present .jp-RenderedMarkdown p, .reveal section.present .jp-RenderedMarkdown li')]
            .map(el => parseFloat(getComputedStyle(el).fontSize)))""")
        page.screenshot(path=str(ARTIFACTS / f"rise-{Path(name).stem}.png"))
        known = [e for e in errors if RISE_KNOWN_ERROR.match(e)]
        print(f"RISE {name}: markdown text {text:.0f} px at 1280x720; {len(known)} known jupyterlab-rise errors "
              f"(fill-color design token recursion); other console errors: {len(errors) - len(known)}")
        assert code == 0, f"{code} code inputs not hidden by notebooks/rise.css"
        assert text >= 18, f"slide text {text} px"
        assert missing == [], missing
        assert [e for e in errors if not RISE_KNOWN_ERROR.match(e)] == []
    finally:
        page.close()
