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
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m faults tests/test_faults_*.py

# The packaged app, built and driven like a user would (tools/smoke_frozen.py).
smoke: dist
	$(PY) tools/smoke_frozen.py

test: lint typecheck pytest test-faults smoke

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m fieldapp.ui.screenshots screenshots
	QT_QPA_PLATFORM=offscreen $(PY) -m fieldapp.ui.screenshots screenshots/nl nl
	QT_QPA_PLATFORM=offscreen $(PY) -m fieldapp.ui.screenshots screenshots/rtl pseudo-rtl

# Every benchmark in turn (a missed target does not stop the others), each writing its figures
# to build/bench/NAME.json; then benchmarks/report.py writes BENCHMARKS.md from them. Full sizes
# take long: run it on a quiet machine. `make bench QUICK=1` runs small sizes in a few minutes
# to try the chain (its BENCHMARKS.md says so).
BENCH_OUT := build/bench
BENCH_RUN := $(PY) benchmarks/report.py run $(BENCH_OUT)
ifdef QUICK
BENCH_REGISTER := --n 2000 --runs 3
BENCH_INGEST   := --n 20 --rounds 1 --big-gb 0.25 --no-one-thread
BENCH_SYNC     := --evidence-mb 64 --versions 5000
BENCH_REVIEW   := --incidents 2000 --rounds 1
BENCH_DECONFLICT := --incidents 5000 --externals 500
endif

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/report.py begin $(BENCH_OUT) $(if $(QUICK),--quick)
	$(BENCH_RUN) register -- $(PY) benchmarks/register.py $(BENCH_REGISTER)
	$(BENCH_RUN) ingest -- $(PY) benchmarks/ingest.py $(BENCH_INGEST)
	$(BENCH_RUN) sync_bundle -- $(PY) benchmarks/sync_bundle.py $(BENCH_SYNC)
	$(BENCH_RUN) review -- $(PY) benchmarks/review.py $(BENCH_REVIEW)
	$(BENCH_RUN) deconflict -- $(PY) benchmarks/deconflict.py $(BENCH_DECONFLICT)
	$(PY) benchmarks/report.py write $(BENCH_OUT) --out BENCHMARKS.md \
		--expect register,ingest,sync_bundle,review,deconflict

dist: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dist]'
	$(PY) -m PyInstaller --noconfirm --clean build.spec

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache screenshots
