# cardscan — two commands do all the set-up: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-script-latn
SEED ?= 7
N ?= 160
OUT ?= samples

.PHONY: demo test lint eval bench steps fuzz samples deblurnet system venv clean browser

# System packages (Tesseract and its models); installs with apt-get when root, else says how.
system:
	@missing=""; \
	command -v tesseract >/dev/null || missing="yes"; \
	for lang in eng Latin osd; do \
	  command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx "$$lang" || missing="yes"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing Tesseract: apt-get install -y $(APT_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "Tesseract (with eng, Latin and osd data) is missing. Install it, then rerun make:"; \
	    echo "  Debian/Ubuntu: sudo apt-get install -y $(APT_PACKAGES)"; \
	    echo "  macOS:         brew install tesseract tesseract-lang"; \
	    echo "  Windows:       winget install UB-Mannheim.TesseractOCR"; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[fast,dev]'
	@touch $@

venv: $(VENV)/.installed

demo: system venv
	@mkdir -p out
	$(VENV)/bin/cardscan import samples/ --db out/cardscan.db -o out/contacts.csv; rc=$$?; \
	  echo; echo "Results: out/contacts.csv (CSV), out/cardscan.db (the store)."; \
	  echo "More: $(VENV)/bin/cardscan export --db out/cardscan.db -o out/contacts.vcf"; \
	  test $$rc -eq 0 -o $$rc -eq 6

# Debian's chromium for the review page's browser tests (apt-get when root, else says how).
browser:
	sh tools/install-browser.sh

test: system venv browser
	CI=$${CI:-} $(PY) -m pytest -q -n auto

lint: venv
	$(VENV)/bin/ruff check cardscan tests tools
	$(VENV)/bin/mypy

eval: system venv
	$(VENV)/bin/cardscan eval samples/

bench: system venv
	$(PY) -m tools.bench

steps: system venv
	$(PY) -m tools.steps

fuzz: venv
	CARDSCAN_FUZZ_EXAMPLES=10000 $(PY) -m pytest -q tests -k fuzz

samples: venv
	sh tools/install-fonts.sh && $(PY) -m tools.samplegen --seed $(SEED) --n $(N) --out $(OUT)

# Retrain the network that restores blurred cards (tools/deblurnet/README.md): ~40 min on 2 cores.
# PyTorch (CPU) is needed only here; the model runs in OpenCV.
DEBLURNET_DATA ?= /tmp/deblurnet-pairs.npz
deblurnet: venv
	$(PIP) install -q torch==2.13.0 onnx
	sh tools/install-fonts.sh
	$(PY) -m tools.deblurnet.make_data $(DEBLURNET_DATA) --cards 3000
	$(PY) -m tools.deblurnet.train $(DEBLURNET_DATA) --steps 12000 --out cardscan/imaging/data/deblur.onnx

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
