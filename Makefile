# purgeclass: `make run` to use it, `make test` to test it. Nothing else needs installing by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test setup demo worker lint format e2e screenshots clean \
	bench-data bench-pages bench-load bench-load-1200 bench-load-hog bench-export bench-scale \
	bench-hashing bench-resilience bench-frontend

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $(STAMP)

setup: $(STAMP)

demo: setup
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo

## The first command: install, migrate, load the Great Purge demo, serve on 127.0.0.1:8000.
run: demo
	@echo ""
	@echo "  purgeclass is starting: open http://127.0.0.1:8000/"
	@echo "  Students log in at http://127.0.0.1:8000/accounts/login/ ; teachers at http://127.0.0.1:8000/admin/"
	@echo ""
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

## Beside `make run`, in a second terminal: sends released grades to the LMS (docs/lti.md).
worker: setup
	DEBUG=true $(PY) manage.py db_worker

## The second command: the whole test suite (browser tests too when Chromium is installed).
test: setup
	bash bin/test

## Screenshots of the main pages, taken in Chromium from the demo, into docs/screenshots/.
screenshots: setup
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "make screenshots needs Chromium: apt-get install -y chromium" >&2; exit 1; }
	SCREENSHOTS=1 $(PY) -m pytest tests/e2e/test_screenshots.py -q -p no:cacheprovider
	@ls -1 docs/screenshots/*.png

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## Benchmarks (docs/benchmarks.md). Not part of `make test`; they need PostgreSQL on
## 127.0.0.1:5432 and use databases of their own (purgeclass_bench_*, purgeclass_load, ...).
BENCH_DB ?= postgres
LOAD_SERVER ?= --worker-class sync --workers 5

bench-data: setup
	$(PY) bench/pages.py --build-only --size small --database $(BENCH_DB)
	$(PY) bench/pages.py --build-only --size large --database $(BENCH_DB)

bench-pages: bench-data
	$(PY) bench/pages.py --size small --database $(BENCH_DB)
	$(PY) bench/pages.py --size large --database $(BENCH_DB)

BENCH_OUT ?= /tmp/purgeclass-bench

# Every size runs even if a smaller one failed; the tables side by side, then the verdict.
bench-load: setup
	mkdir -p $(BENCH_OUT)
	status=0; for n in 30 300 600; do \
	  $(PY) bench/load.py --students $$n $(LOAD_SERVER) --json $(BENCH_OUT)/load-$$n.json \
	    || status=1; \
	done; \
	$(PY) bench/report.py $(BENCH_OUT)/load-30.json $(BENCH_OUT)/load-300.json \
	  $(BENCH_OUT)/load-600.json; \
	exit $$status

## The big ones (issue 16): 1,200 students; 600 while a busy loop holds one core.
bench-load-1200: setup
	mkdir -p $(BENCH_OUT)
	$(PY) bench/load.py --students 1200 $(LOAD_SERVER) --json $(BENCH_OUT)/load-1200.json

bench-load-hog: setup
	mkdir -p $(BENCH_OUT)
	$(PY) bench/load.py --students 600 --cpu-hog $(LOAD_SERVER) --json $(BENCH_OUT)/load-600-hog.json

bench-export: setup
	$(PY) bench/export.py --database $(BENCH_DB)

bench-scale: setup
	$(PY) bench/scale.py

bench-hashing: setup
	$(PY) bench/hashing.py

## A worker killed, PostgreSQL restarted (while typing and at the bell), a statement timeout
## and a full disk, under load, on a throwaway PostgreSQL cluster (initdb) of its own.
bench-resilience: setup
	$(PY) bench/resilience.py

## The assignment page (all 23 sources) in Chromium, CPU 4x slower, a slow 3G network.
bench-frontend: setup
	$(PY) bench/frontend.py
