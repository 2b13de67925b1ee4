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

eval: install ingest
	@mkdir -p var/eval
	$(PY) -m app.ask --mode $(MODE) --batch $(SHARED_DIR)/eval/dev.jsonl --out var/eval/dev-$(MODE).jsonl
	$(PY) $(SHARED_DIR)/eval/score.py $(SHARED_DIR)/eval/dev.jsonl var/eval/dev-$(MODE).jsonl \
		--report $(SHARED_DIR)/reports/liwan-dpf-2023-performance-self-evaluation.txt

bench: install
	$(PY) -m bench

clean:
	rm -rf var test-output .pytest_cache
