# One entry point for people and CI. Every target creates .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest test-faults smoke screenshots dist bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m fieldapp gui

lint: $(STAMP)
	$(PY) -m ruff check fieldapp sync tests benchmarks tools
	$(PY) -m ruff format --check fieldapp sync tests benchmarks tools

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# SIGKILL at every durable step and disk full at every size (tests marked `faults`, which the
# default run leaves out; it runs one representative of each).
test-faults: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m faults tests/test_faults_kill.py tests/test_faults_disk.py

# The packaged app, built and driven like a user would (tools/smoke_frozen.py).
smoke: dist
	$(PY) tools/smoke_frozen.py

test: lint typecheck pytest test-faults smoke

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m fieldapp.ui.screenshots screenshots
	QT_QPA_PLATFORM=offscreen $(PY) -m fieldapp.ui.screenshots screenshots/nl nl
	QT_QPA_PLATFORM=offscreen $(PY) -m fieldapp.ui.screenshots screenshots/rtl pseudo-rtl

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/register.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/sync_bundle.py

dist: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dist]'
	$(PY) -m PyInstaller --noconfirm --clean build.spec

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache screenshots
