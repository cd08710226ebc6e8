"""JupyterLab in a real browser, for the end-to-end tests and `benchmarks/bench_browser.py`.

`Lab` starts a JupyterLab on a free local port (no token) serving a *copy* of notebooks/ (Run All in a
browser would otherwise autosave new outputs and widget state over the committed notebooks) and stops
it by its process group. `launch_chromium` drives Debian's Chromium through Playwright: never a
downloaded browser. `Notebook` and `ExplorerView` do what a student does: Run All from the menu,
focus a slider handle and press an arrow key, click a button, read the figure and the panel.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}  # a laptop screen
# Without the background-networking flags Chromium keeps dialling hosts this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# JupyterLab settings for a test run: no news or update check (a toast over the page, a request to the
# web), no autosave (the served copy stays as copied).
SETTINGS = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/docmanager-extension/plugin": {"autosave": False}}


def chromium_or_exit_message() -> str | None:
    """None if Debian's Chromium is there, else what to install: a missing browser is an error, never a skip."""
    if Path(CHROMIUM).exists():
        return None
    return (f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium), or set CHROMIUM "
            "to a Chromium binary; `make e2e` installs it when run as root")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A local Jupyter server process serving a *copy* of notebooks/ under `work`; its log is `log_path`.

    Subclasses give the command line (`_command`); starting waits for `probe` to answer, stopping kills the
    process group (kernels included)."""

    probe = "/api/status"

    def __init__(self, work: Path, log_path: Path, timeout: float = 120):
        self.root = work / "notebooks"
        shutil.copytree(ROOT / "notebooks", self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.config = work / "jupyter-config"
        for plugin, values in SETTINGS.items():
            path = self.config / "lab-settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.log_path = log_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow",
               "JUPYTER_CONFIG_DIR": str(self.config), "JUPYTERLAB_SETTINGS_DIR": str(self.config / "lab-settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.config / "workspaces")}
        env.pop("MPLBACKEND", None)  # the kernel draws inline, as for a student
        self._log = open(log_path, "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(self._command(), stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                        cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self._command()[2]} exited with code {self.process.returncode}:\n{self.log()}")
            try:
                urllib.request.urlopen(f"{self.url}{self.probe}", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # an answer, even a 404, means it is serving
            except OSError:
                time.sleep(0.3)
        log = self.log()
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{log}")

    def _command(self) -> list[str]:
        raise NotImplementedError

    def log(self, chars: int = 6000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


class Lab(Server):
    """JupyterLab, no token, news and autosave off."""

    def _command(self) -> list[str]:
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
               f"--ServerApp.root_dir={self.root}"]
        return cmd + (["--allow-root"] if os.geteuid() == 0 else [])

    def shutdown_kernels(self) -> None:
        """Stop every kernel, as closing a browser tab does not."""
        kernels = json.load(urllib.request.urlopen(f"{self.url}/api/kernels", timeout=10))
        for kernel in kernels:
            request = urllib.request.Request(f"{self.url}/api/kernels/{kernel['id']}", method="DELETE")
            urllib.request.urlopen(request, timeout=30)


# As `make app` serves it: each explorer shown as soon as its cell has run, not after the last one.
VOILA_OPTIONS = ["--theme=light", "--VoilaConfiguration.progressive_rendering=True"]


class Voila(Server):
    """Voila serving notebooks/lecture_app.ipynb, as `make app` does (the page runs the notebook on load)."""

    probe = "/voila/static/"  # any answer means it is up; "/" would start a kernel

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "voila", "lecture_app.ipynb", "--no-browser", f"--port={self.port}",
                "--Voila.ip=127.0.0.1", *VOILA_OPTIONS]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# A kernel connected and idle. The execution indicator alone reads "idle" before any kernel exists
# ("No Kernel | Initializing"), and a Run All clicked then is lost: wait for the status bar's kernel item.
_KERNEL_READY = """() =>
  !!document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']") &&
  [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /^(?!No Kernel).* \\| Idle$/.test(e.textContent))
"""

# The kernel is done with a Run All when the status bar says idle and no prompt reads [*] or is still empty.
_RUN_FINISHED = """() => {
  const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent);
  return idle && prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
}"""

# Records every new src of an explorer's figure, so a test can count redraws the page really received.
_WATCH_IMAGE = """img => {
  img.__srcs = [];
  new MutationObserver(() => img.__srcs.push(img.src)).observe(img, {attributes: true, attributeFilter: ['src']});
}"""

# A new figure, and a panel whose "showing:" line states slider `name` at its readout (to 4 digits).
_SHOWN = """([box, name, old]) => {
  const img = box.querySelector(':scope > .widget-image');
  if (!img || img.src === old) return false;  // old = null: any figure
  const slider = [...box.querySelectorAll('.widget-slider')]
    .find(s => s.querySelector('.widget-label').textContent.trim() === name);
  const readout = slider.querySelector('.widget-readout').textContent.trim();
  const setting = box.querySelector('.au-setting');
  if (!setting) return false;
  const pair = setting.textContent.replace(/^showing: /, '').split(' · ')
    .map(p => p.split(' = ')).find(p => p[0].trim() === name);
  if (!pair) return false;
  const [a, b] = [parseFloat(pair[1]), parseFloat(readout)];
  return isNaN(a) ? pair[1].trim() === readout : Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(b), 1e-12);
}"""


class Notebook:
    """One notebook open in its own browser page, with what the page logged."""

    def __init__(self, browser, lab: Lab, path: str):
        self.lab, self.path = lab, path
        self.page = browser.new_page(viewport=VIEWPORT)
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.console_errors.append(f"page error: {err}"))
        self.page.goto(f"{lab.url}/lab/tree/{path}?reset")
        self.page.wait_for_function(_KERNEL_READY, timeout=90_000, polling=100)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def run_all(self, timeout_s: float = 240) -> float:
        """Run > Run All Cells from the menu bar; wait until every cell has run. Returns the seconds it took."""
        t0 = time.perf_counter()
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        self.page.wait_for_timeout(500)
        self.page.wait_for_function(_RUN_FINISHED, timeout=timeout_s * 1000, polling=250)
        return time.perf_counter() - t0

    def outputs_text(self) -> str:
        # textContent, not innerText: JupyterLab skips rendering cells out of view (content-visibility),
        # and innerText of an unrendered output is empty.
        return "\n".join(self.page.locator(".jp-OutputArea").all_text_contents())

    def problems(self) -> list[str]:
        """What a student would see go wrong: error or stderr outputs, broken widgets, console errors."""
        found = []
        for kind in ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error"):
            for text in self.page.locator(f".jp-OutputArea-output[data-mime-type='{kind}']").all_text_contents():
                found.append(f"{kind} output: {text[:500]}")
        outputs = self.outputs_text()
        for phrase in ("Traceback", "Error displaying widget", "Failed to load model class", "model not found"):
            if phrase in outputs:
                found.append(f"output says {phrase!r}")
        found += [f"console: {text[:500]}" for text in self.console_errors]
        return found

    def explorers(self) -> list[ExplorerView]:
        boxes = self.page.locator(".jp-OutputArea-output .widget-vbox:has(> .widget-image)")
        return [ExplorerView(self.page, boxes.nth(i)) for i in range(boxes.count())]

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path))

    def close(self) -> None:
        self.page.close()


class ExplorerView:
    """An explorer as the page shows it: its controls, its figure (an <img>) and its panel."""

    def __init__(self, page, box):
        self.page, self.box = page, box
        box.scroll_into_view_if_needed()  # as a student scrolls to it; off-screen cells are not rendered
        self.image = box.locator(":scope > .widget-image")
        self.panel = box.locator(":scope > .widget-html .widget-html-content").last

    # -- reading -------------------------------------------------------------------------------
    def src(self) -> str:
        return self.image.get_attribute("src") or ""

    def image_ok(self) -> bool:
        return self.image.evaluate("img => img.complete && img.naturalWidth > 0")

    def message(self) -> str:
        return self.panel.text_content()

    def setting(self) -> dict[str, str]:
        """The panel's `showing: name = value · ...` line as a dict: the setting the figure was drawn for."""
        line = self.box.locator(".au-setting").text_content() if self.box.locator(".au-setting").count() else ""
        pairs = (part.split(" = ", 1) for part in line.removeprefix("showing: ").split(" · ") if " = " in part)
        return {name.strip(): value.strip() for name, value in pairs}

    def slider_names(self) -> list[str]:
        return [t.strip() for t in self.box.locator(".widget-slider .widget-label").all_text_contents()]

    def slider(self, name: str):
        return self.box.locator(".widget-slider").filter(has=self.page.locator(".widget-label", has_text=re.compile(
            f"^{re.escape(name)}$")))

    def readout(self, name: str) -> str:
        return self.slider(name).locator(".widget-readout").text_content().strip()

    def at_max(self, name: str) -> bool:
        handle = self.slider(name).locator(".noUi-handle")
        return float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))

    def shows(self, name: str) -> bool:
        """Whether the panel states slider `name` at its current readout (numbers compared to 4 digits):
        the same check `wait_shown` polls for, less its new-figure part."""
        return self.page.evaluate(_SHOWN, [self.box.element_handle(), name, None])

    def button(self):
        return self.box.locator("button.widget-button")

    # -- acting as a person does -----------------------------------------------------------------
    def press(self, name: str, key: str, times: int = 1) -> None:
        """Focus the slider's handle and press `key` (ArrowRight, ArrowLeft, End, ...) `times` times."""
        handle = self.slider(name).locator(".noUi-handle")
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def drag(self, name: str, dx: float) -> None:
        """Drag the slider's handle `dx` pixels with the mouse, as a presenter does on a slide (where the
        arrow keys turn the slide)."""
        box = self.slider(name).locator(".noUi-handle").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        mouse = self.box.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y, steps=6)
        mouse.up()

    def choose(self, description: str, label: str) -> None:
        dropdown = self.box.locator(".widget-dropdown").filter(has=self.page.locator(
            ".widget-label", has_text=re.compile(f"^{re.escape(description)}$")))
        dropdown.locator("select").select_option(label=label)

    def watch_redraws(self) -> None:
        self.image.evaluate(_WATCH_IMAGE)

    def redraws(self) -> list[str]:
        return self.image.evaluate("img => img.__srcs || []")

    def wait_for(self, condition, timeout_s: float = 60, what: str = "") -> float:
        """Poll `condition()` until true; returns the seconds waited, raises with `what` on time-out."""
        t0 = time.perf_counter()
        while not condition():
            if time.perf_counter() - t0 > timeout_s:
                raise AssertionError(f"timed out after {timeout_s} s waiting for {what}; panel: {self.message()!r}")
            self.page.wait_for_timeout(20)
        return time.perf_counter() - t0

    def wait_shown(self, name: str, old_src: str, timeout_s: float = 60) -> float:
        """Wait, polling in the page every 10 ms, for a figure other than `old_src` and a panel that states
        the slider's current readout; returns the seconds waited."""
        t0 = time.perf_counter()
        try:
            self.page.wait_for_function(_SHOWN, arg=[self.box.element_handle(), name, old_src], polling=10,
                                        timeout=timeout_s * 1000)
        except Exception as err:
            raise AssertionError(f"no new figure showing {name} = {self.readout(name)} within {timeout_s} s; "
                                 f"panel: {self.message()!r}") from err
        return time.perf_counter() - t0

    def quiet_for(self, seconds: float) -> bool:
        """True if the figure did not change for `seconds` (nothing more was on its way)."""
        src = self.src()
        self.page.wait_for_timeout(seconds * 1000)
        return self.src() == src


# Every text node inside an explorer's box that is on screen: the smallest font (px) and what is under `floor`.
_TEXT_SIZES = """([box, floor]) => {
  const found = {min: 1e9, small: []};
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest('style') || !el.getClientRects().length) continue;
    if (el.closest('details:not([open]) > :not(summary)')) continue;  // folded away: not on screen
    const px = parseFloat(getComputedStyle(el).fontSize);
    found.min = Math.min(found.min, px);
    if (px < floor) found.small.push(px + ' px: ' + node.textContent.trim().slice(0, 40));
  }
  return found; }"""
LECTURE_PX = 18  # the lecture style's smallest text in controls and panels


def check_lecture_explorers(page, where: str) -> str:
    """Every lecture-style explorer on the page: no control or panel text under LECTURE_PX, and the whole box
    (title, controls, figure, verdict) no taller than the screen. Returns the sizes found, for the log."""
    height = page.viewport_size["height"]
    boxes = page.locator(".au-explorer.au-lecture").all()
    assert boxes, f"{where}: no explorer in the lecture style"
    found = []
    for k, box in enumerate(boxes):
        box.scroll_into_view_if_needed()
        sizes = page.evaluate(_TEXT_SIZES, [box.element_handle(), LECTURE_PX])
        tall = box.bounding_box()["height"]
        assert not sizes["small"], f"{where}, explorer {k + 1}: text under {LECTURE_PX} px: {sizes['small'][:5]}"
        assert tall <= height, f"{where}, explorer {k + 1}: {tall:.0f} px tall, on a {height} px screen"
        found.append(f"{sizes['min']:.0f} px / {tall:.0f} px tall")
    return f"{where}: smallest text, height per explorer: {'; '.join(found)}"
