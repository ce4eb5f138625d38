# Two commands that work on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench check-long clean calibration fuzz docs-transcripts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/chipcredit scenarios
	$(BIN)/chipcredit run seed-2025 --paths 20000 --seed 7

# Two pytest workers (pytest-xdist), one per core, each taking whole test files (loadfile):
# the module-scoped fixtures (a simulated scenario shared by a file's tests) run once.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(PYTEST)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py --write-docs
	$(BIN)/python benchmarks/scaling.py --write-docs
	$(BIN)/python benchmarks/workers.py --write-docs
	$(BIN)/python benchmarks/plain_python.py --write-docs

# The calibration table in docs/model.md, regenerated from the bundled scenarios.
calibration: $(STAMP)
	$(BIN)/python docs/tools/calibration.py --write

# Re-run the command transcripts quoted in the docs and rewrite their outputs (over ten
# minutes: the sensitivity pages' Sobol and delta runs). A quick look, changing nothing:
# $(BIN)/python docs/tools/transcripts.py --check --skip-slow
docs-transcripts: $(STAMP)
	$(BIN)/python docs/tools/transcripts.py --write

# Long suites (long fuzzing, many kill tests) live here, outside the CI budget.
check-long: $(STAMP)
	HYPOTHESIS_PROFILE=long CHIPCREDIT_KILLS=50 FUZZ_SECONDS=120 $(PYTEST)
	$(MAKE) fuzz

# Fuzz the loader, validator and a 2-path simulate with atheris for FUZZ_TIME seconds (an
# hour); a crash is written to fuzz/crashes/ (see fuzz/fuzz_scenario.py for what to do).
FUZZ_TIME ?= 3600
fuzz: $(STAMP)
	mkdir -p fuzz/work fuzz/crashes
	$(BIN)/python fuzz/fuzz_scenario.py -max_total_time=$(FUZZ_TIME) -timeout=20 \
		-rss_limit_mb=2048 -artifact_prefix=fuzz/crashes/ fuzz/work tests/bad_inputs fuzz/seeds \
		src/chipcredit/scenarios

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
