# Two commands do all the set-up: `make run` and `make test` (each creates .venv and installs what it needs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED_DIR ?= ../shared
export SHARED_DIR
MODE ?= extractive
PORT ?= 7860

.PHONY: install system-deps run ingest test eval bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip install -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# What the tests need beyond Python packages: Debian's chromium (browser tests) and a CJK font (readable screenshots).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then \
		echo "installing chromium and a CJK font (Debian packages)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

ingest: install
	$(PY) -m ingest --if-needed

run: install ingest
	$(PY) -m app --port $(PORT)

test: install system-deps
	$(PY) -m pytest

# The shared dev set, the corpus dev and test splits, the variants and the multi-report set, each scored by the
# shared scorer (bench/eval.py). MODE=llm-local for the local LLM, MODES=extractive,llm-local for both;
# VARIANTS=combined (or renamed,year,figures) for fewer variants; SAMPLE=4 for one question in four.
eval: install
	$(PY) -m bench.eval --modes $(or $(MODES),$(MODE)) $(if $(VARIANTS),--variants $(VARIANTS)) $(if $(SAMPLE),--sample $(SAMPLE))

bench: install
	$(PY) -m bench

clean:
	rm -rf var test-output .pytest_cache
