# The project's vocabulary: install, serve, site, test, check, bench, clean.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install browser serve site test check bench clean lint

install: $(STAMP)

# Re-install when the project's dependencies change (constraints.txt: the verified versions).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -c constraints.txt
	touch $(STAMP)

# Debian's Chromium and CJK fonts for the browser tests (Playwright's own
# browser download does not work on our machines).
browser:
	@sh scripts/install-browser.sh

serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

site: install
	$(BIN)/mkdocs build --strict

test: install browser
	$(BIN)/python -m pytest -q

check: install
	$(BIN)/llmnotes check .

lint: install
	$(BIN)/ruff check src tests benchmarks

bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/search_quality.py

clean:
	rm -rf site build dist .pytest_cache benchmarks/out
