# Two commands for a newcomer: `make lab` (set up, open the notebooks) and `make test`
# (set up, run the unit tests and every notebook). Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Exact versions for reproducible lessons (what nbval's checked numbers were made with), and the floors.
LOCK   := requirements/lock.txt
OLDEST := requirements/oldest.txt
# Quiet TensorFlow before anything imports it; nbval's kernels inherit this environment.
export TF_CPP_MIN_LOG_LEVEL := 2
export KERAS_BACKEND := tensorflow

.PHONY: setup lab test e2e e2e-setup chromium bench lock test-oldest oldest-setup test-install slides app normalize clean

setup: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is needed; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[tf,lab,test]"
	@touch $(STAMP)

# JupyterLab refuses to start as root (containers, some cloud images) unless told it may.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(AS_ROOT) notebooks/

# Two workers (one per core); --dist loadfile keeps each notebook's cells on one worker, in one kernel.
test: setup
	$(BIN)/ruff check .
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 --dist loadfile

# Browser tests: every notebook Run All'ed and every explorer moved in JupyterLab under Chromium.
# Chromium comes from Debian (installed here when run as root), never from a download script.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
E2E_STAMP := $(VENV)/.e2e-stamp

$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[tf,lab,test,e2e]"
	@touch $(E2E_STAMP)

chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "make e2e needs Chromium at $(CHROMIUM): install Debian's package (sudo apt-get install chromium)," \
		     "or give its path: make e2e CHROMIUM=/path/to/chromium" >&2; exit 1; \
	fi

# What the browser tests need besides Playwright (Chromium, the decks); .ci/run sets it up beside `make test`.
e2e-setup: chromium slides

e2e: $(E2E_STAMP) e2e-setup
	$(BIN)/python -m pytest e2e

bench: $(E2E_STAMP) chromium
	$(BIN)/python -m benchmarks.bench_training
	$(BIN)/python -m benchmarks.bench_widgets
	$(BIN)/python -m benchmarks.bench_sweep
	$(BIN)/python -m benchmarks.bench_interrupt
	$(BIN)/python -m benchmarks.bench_browser
	$(BIN)/python -m benchmarks.bench_notebooks

# Static reveal.js decks of notebooks 00-05 from their committed outputs (no re-run), with explorer snapshots,
# for the room: no code, text for the back row, every slide within the screen (slides/lecture, a template
# over nbconvert's reveal; settings in slides/nbconvert_config.py). They open offline from the file system:
# reveal.js, RequireJS, jQuery and MathJax come from the npm registry once, into build/slides/vendor.
SLIDES := build/slides
VENDOR := $(SLIDES)/vendor
NPM_PACKAGES := reveal.js@4.6.0 requirejs@2.3.7 jquery@3.7.1 mathjax@2.7.9
$(VENDOR)/.stamp:
	@command -v npm >/dev/null || { echo "make slides needs npm (Debian: apt-get install npm) for reveal.js and MathJax" >&2; exit 1; }
	mkdir -p $(VENDOR)
	cd $(VENDOR) && npm pack --silent $(NPM_PACKAGES) >/dev/null && \
		for t in *.tgz; do d=$${t%-*.tgz}; mkdir -p $$d && tar -xzf $$t -C $$d --strip-components=1 && rm $$t; done
	@touch $@

slides: setup $(VENDOR)/.stamp
	$(BIN)/jupyter nbconvert --config slides/nbconvert_config.py --log-level ERROR --output-dir $(SLIDES) notebooks/0*.ipynb
	@echo "slides: open $(SLIDES)/<notebook>.slides.html in a browser (works offline)"

# The explorers as an app for the projector: no code, the same sliders (Voila, http://localhost:8866); each
# explorer appears as soon as it is built (progressive rendering), not after the last one.
app: setup
	$(BIN)/voila notebooks/lecture_app.ipynb --theme=light --VoilaConfiguration.progressive_rendering=True

# After changing a range in pyproject.toml: re-resolve both files (newest and lowest versions the ranges
# allow, for every platform and Python >= 3.10), then `make test` and `make test-oldest`, and commit them.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.10 --quiet
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.5"
	$(UV_COMPILE) --extra tf --extra lab --extra test --extra e2e -o $(LOCK)
	$(UV_COMPILE) --resolution lowest-direct --extra tf --extra test -o $(OLDEST)

# The floors: a separate virtualenv with the lowest versions the ranges allow (rebuilt when pyproject.toml or the
# floors change; `make oldest-setup` builds it alone); unit tests (but those that compare
# figures with the prose: `locked_numbers`), then every notebook executed without comparing printed numbers
# (they may move in the last digits; they must run clean).
OLD_VENV := build/oldest-venv
OLD_STAMP := $(OLD_VENV)/.installed-stamp
oldest-setup: $(OLD_STAMP)

$(OLD_STAMP): pyproject.toml $(OLDEST)
	rm -rf $(OLD_VENV)
	$(PYTHON) -m venv $(OLD_VENV)
	$(OLD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLD_VENV)/bin/python -m pip install --quiet -c $(OLDEST) -e ".[tf,test]"
	@touch $(OLD_STAMP)

test-oldest: $(OLD_STAMP)
	$(OLD_VENV)/bin/python -c 'import tensorflow as tf, keras, numpy, matplotlib, ipywidgets; \
		print("oldest:", *(f"{m.__name__} {m.__version__}" for m in (tf, keras, numpy, matplotlib, ipywidgets)))'
	@# matplotlib 3.9.0 calls pyparsing 3.3's old names: ~1400 deprecation warnings that are not ours.
	MPLBACKEND=Agg $(OLD_VENV)/bin/python -m pytest tests -n 2 --dist loadfile -m "not locked_numbers" \
		-W "ignore::pyparsing.PyparsingDeprecationWarning"
	MPLBACKEND=Agg $(OLD_VENV)/bin/python tests/execute_notebooks.py

# Installing into an environment that already has TensorFlow keeps it: fresh virtualenvs holding the
# oldest supported tensorflow (full wheel) and tensorflow-cpu each get the package; no second wheel appears.
test-install:
	$(PYTHON) tests/check_install.py build/install-check

# Before committing re-run notebooks: strip execution timestamps and widget state (outputs stay).
normalize: setup
	$(BIN)/python tests/normalize_notebooks.py notebooks/*.ipynb notebooks/solutions/*.ipynb

clean:
	rm -rf $(VENV) *.egg-info
