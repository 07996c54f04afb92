# Two entry points do all set-up on a fresh clone:
#   make run    builds .venv if needed, then runs the main job on the built-in defaults
#   make test   builds .venv if needed, then runs the whole test suite
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench browser clean results calibrate

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "alliancesim needs Python >= 3.12; found " + sys.version.split()[0] + ". Install it or set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/alliancesim compare scenarios/dedicated_manager.toml scenarios/transversal_skill.toml scenarios/hybrid.toml scenarios/no_management.toml --out out/compare

test: $(STAMP) browser
	$(BIN)/ruff check src tests benchmarks docs/tutorials
	$(BIN)/python -m pytest -n 2

# Browser tests drive Debian's Chromium; install it when we can (root with apt).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium not found: browser tests will be skipped (apt-get install chromium)"; \
		fi; \
	fi

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

# Regenerate every result that README and the docs pages show, then rewrite their tables
# (about an hour on two cores, of which the verdict about 20, the tie point about 10 and the
# ecosystem sweep about 10).
results: run
	$(BIN)/alliancesim validate --replicates 500 --out out/validate
	$(BIN)/alliancesim run --seed 10 --out out/tour
	$(BIN)/python -m alliancesim.validation.ablation --scale 2
	$(BIN)/python -m alliancesim.validation.drivers --replicates 150
	$(BIN)/python -m alliancesim.validation.tiepoint
	$(BIN)/python -m alliancesim.validation.size
	$(BIN)/python benchmarks/bench_model.py --write
	rm -rf out/country_sets  # a sweep resumes in its folder: start afresh
	$(BIN)/alliancesim sweep experiments/country_sets.toml --out out/country_sets
	$(BIN)/python benchmarks/bench_verdict.py --out out/verdict --write
	rm -rf out/profession  # ecosystems: when a profession emerges (about 8 minutes)
	$(BIN)/alliancesim sweep experiments/profession.toml --out out/profession
	$(BIN)/alliancesim analyze out/profession
	$(BIN)/python -m alliancesim.report.blocks --flagship out/compare --validation out/validate \
		--tour out/tour --tour-seed 10 --country-sets out/country_sets --verdict out/verdict \
		--profession out/profession

# History matching of the defaults (experiments/calibration.toml, a targets file run by the
# same machinery as `alliancesim calibrate`; resumes when rerun; about 15 minutes on two
# cores), then, as --write-defaults asks, the plausible set and the defaults it chose are
# written into the package (as calibrated only where the patterns constrain them), and the
# teaching seeds are searched again. Follow with make results.
calibrate: $(STAMP)
	$(BIN)/python experiments/calibrate.py --write-defaults
	$(BIN)/python -m alliancesim.params.table docs/ODD.md
	$(BIN)/python -m alliancesim.scenarios.teaching_seeds --write

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
