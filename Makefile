# Tandem — two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
# Django 6 needs Python >= 3.12; .python-version asks pyenv for 3.13.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: install demo serve test lint typecheck pytest bench messages compilemessages clean \
	lock production-check loadtest

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Tandem needs Python 3.12 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	PORT=$(PORT) bash scripts/serve-demo.sh

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy tandem

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (docs/scale.md). BENCH=afev (or engine, pages, round; several with commas) runs only
# those: `make bench BENCH=afev` measures support's and the results' pages at scale 20 and AFEV
# size on SQLite and on PostgreSQL (BENCH_AFEV_DATABASE_URL, default tandem_bench_afev, dropped after).
BENCH ?= engine,pages,round,afev
bench: $(STAMP)
	@case ",$(BENCH)," in *,engine,*) $(BIN)/python bench/bench_engine.py;; esac
	@case ",$(BENCH)," in *,pages,*) $(BIN)/python bench/bench_pages.py;; esac
	@case ",$(BENCH)," in *,round,*) $(BIN)/python bench/bench_round.py;; esac
	@case ",$(BENCH)," in *,afev,*) $(BIN)/python bench/bench_afev.py --database sqlite \
		&& $(BIN)/python bench/bench_afev.py;; esac

# Production recipe (docs/deploy.md): the whole stack (gunicorn, a Redis task worker, the
# scheduler) from a clean `pip install .` on the local PostgreSQL and Redis, and a smoke test.
production-check: $(STAMP)
	bash scripts/production-check.sh

# Load test (docs/scale.md): the production stack and runserver on PostgreSQL at demo --scale 20,
# 20 and 50 simulated users, 60 s each; prints p50/p95/p99 per page and production/runserver p95.
# LOADTEST_ARGS="--users 20 --seconds 30" for a shorter run; "--database NAME --keep", then
# "--database NAME --reuse", to seed once and measure again. LOADTEST_REDIS picks the Redis database.
loadtest: $(STAMP)
	$(BIN)/python loadtest/run.py $(LOADTEST_ARGS)

# Re-lock the dependencies with hashes after changing pyproject.toml (pip-compile options in ARGS,
# e.g. `make lock ARGS=--upgrade-package=django`).
lock: $(STAMP)
	$(BIN)/python scripts/lock.py $(ARGS)

# Developers: refresh the .po files after changing strings (needs GNU gettext), then translate.
messages: $(STAMP)
	$(BIN)/python scripts/i18n.py makemessages

compilemessages: $(STAMP)
	$(BIN)/python scripts/i18n.py compile

clean:
	rm -rf $(VENV) var staticfiles
