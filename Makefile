# Two commands for a newcomer: `make lab` (set up, open the notebooks) and `make test`
# (set up, run the unit tests and every notebook). Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Quiet TensorFlow before anything imports it; nbval's kernels inherit this environment.
export TF_CPP_MIN_LOG_LEVEL := 2
export KERAS_BACKEND := tensorflow

.PHONY: setup lab test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is needed; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	@touch $(STAMP)

# JupyterLab refuses to start as root (containers, some cloud images) unless told it may.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(AS_ROOT) notebooks/

test: setup
	MPLBACKEND=Agg $(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_sweep.py

clean:
	rm -rf $(VENV) *.egg-info
